//! Finding the files to lint and grouping them into modules (directories).

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use globset::GlobSet;
use walkdir::WalkDir;

use crate::input::init::{self, SourceKind};
use crate::input::source::FileKind;

/// What a file found while walking is to tfblint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Classified {
    /// Terraform configuration or a `.tfbackend` partial file: linted.
    Terraform(FileKind),
    /// A file that may run `terraform init` (a workflow, a script, a Makefile…): read for
    /// `-backend-config` arguments when its bytes hold both `init` and `backend-config`.
    InitSource(SourceKind),
}

/// The one classification of walked files, by name (and, for workflows, the two directories
/// above: `.github/workflows`).
pub fn classify(path: &Path) -> Option<Classified> {
    if let Some(kind) = FileKind::from_path(path) {
        return Some(Classified::Terraform(kind));
    }
    init::source_kind(path).map(Classified::InitSource)
}

/// Hidden directories are skipped, except `.github` (for `.github/workflows`).
pub fn walks_into_hidden(name: &str) -> bool {
    name == ".github"
}

/// A file that may run `terraform init`, found while walking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitSourceEntry {
    pub path: PathBuf,
    pub kind: SourceKind,
}

/// A file to read, as the user would name it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct FileEntry {
    pub path: PathBuf,
    pub display: String,
    pub kind: FileKind,
}

/// The files of one module directory.
#[derive(Debug, Default)]
pub struct ModuleFiles {
    pub dir: PathBuf,
    pub files: BTreeMap<PathBuf, FileEntry>,
    /// The module's key and the run's pairings, when an init command pairs it.
    pub init: Option<(PathBuf, std::sync::Arc<init::pairing::Pairings>)>,
    /// The directory the module was found from (walked, or a named file's directory),
    /// canonical: where its repository root is looked for.
    pub found_from: PathBuf,
}

/// What discovery found, and what it could not read.
#[derive(Debug, Default)]
pub struct Discovery {
    /// Keyed by the directory's canonical path, so `. ./mod` finds each module once.
    pub modules: BTreeMap<PathBuf, ModuleFiles>,
    /// Problems that stop a path from being linted (exit code 2).
    pub errors: Vec<String>,
    /// Files that may run `terraform init`, found while walking.
    pub init_sources: Vec<InitSourceEntry>,
    /// The directories walked, canonical: init sources under them are all in `init_sources`.
    pub walked: Vec<PathBuf>,
    /// The pairings of init commands with modules (see [`crate::input::init::pairing`]).
    pub init: std::sync::Arc<init::pairing::Pairings>,
    /// Directory → its module key, so each directory is canonicalised once.
    keys: std::collections::HashMap<PathBuf, PathBuf>,
}

/// Why a path named on the command line cannot be linted at all.
#[derive(Debug)]
pub struct PathError(pub String);

pub struct Walker<'a> {
    pub cwd: &'a Path,
    pub exclude: &'a GlobSet,
}

impl Walker<'_> {
    /// Finds the files of every path. A path that cannot be linted (nonexistent, not a
    /// directory or regular file, unreadable) is recorded in [`Discovery::errors`] and the
    /// other paths are still discovered.
    pub fn discover(&self, paths: &[PathBuf]) -> Result<Discovery, PathError> {
        let mut found = Discovery::default();
        for path in paths {
            if self.is_excluded_by_name(path) {
                continue;
            }
            if let Err(reason) = self.discover_path(path, &mut found) {
                found.errors.push(format!("{}: {reason}", path.display()));
            }
        }
        Ok(found)
    }

    fn discover_path(&self, path: &Path, found: &mut Discovery) -> Result<(), String> {
        // A path named on the command line is taken as given: a symlink is resolved.
        let meta = std::fs::metadata(path).map_err(|e| io_reason(&e))?;
        if meta.is_dir() {
            self.walk(path, found);
            return Ok(());
        }
        // A FIFO, socket or device is no configuration (and reading it could block); a file
        // named on the command line that cannot be opened is an I/O error, not a finding.
        let not_regular = || "not a regular file".to_string();
        if !meta.is_file() {
            return Err(not_regular());
        }
        let file = crate::input::read::open_nonblocking(path).map_err(|e| io_reason(&e))?;
        if !file.metadata().map_err(|e| io_reason(&e))?.is_file() {
            return Err(not_regular());
        }
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let kind = FileKind::for_named_file(path);
        self.add(found, &dir, path.to_path_buf(), kind, None);
        self.add_siblings(found, &dir);
        Ok(())
    }

    /// Adds a file whose text comes from stdin: it need not exist, and its directory's other
    /// files (if any) are its module context.
    pub fn add_stdin(&self, found: &mut Discovery, path: &Path) {
        if self.is_excluded_by_name(path) {
            return;
        }
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        self.add(
            found,
            &dir,
            path.to_path_buf(),
            FileKind::for_named_file(path),
            None,
        );
        self.add_siblings(found, &dir);
    }

    /// A named file (or stdin's name) is excluded when its path as the user typed it, or any
    /// directory above it, matches an exclude glob, as walking would have pruned it.
    fn is_excluded_by_name(&self, path: &Path) -> bool {
        if self.exclude.is_empty() {
            return false;
        }
        let shown = display_path(self.cwd, path);
        Path::new(&shown)
            .ancestors()
            .filter(|p| !p.as_os_str().is_empty())
            .any(|p| self.exclude.is_match(p))
    }

    /// The entries under `root` that discovery reads: symlinks not followed, hidden
    /// directories (but `.github`) and excluded paths pruned, sorted by name.
    pub fn entries<'r>(
        &'r self,
        root: &'r Path,
    ) -> impl Iterator<Item = walkdir::Result<walkdir::DirEntry>> + 'r {
        WalkDir::new(root)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(move |e| {
                if e.depth() == 0 {
                    return true;
                }
                let name = e.file_name().to_str();
                let hidden = name.is_some_and(|n| n.starts_with('.') && !walks_into_hidden(n));
                if e.file_type().is_dir() && hidden {
                    return false;
                }
                let rel = e.path().strip_prefix(root).unwrap_or(e.path());
                !self.exclude.is_match(rel)
            })
    }

    fn walk(&self, root: &Path, found: &mut Discovery) {
        let canonical = std::fs::canonicalize(root).ok();
        if let Some(c) = &canonical {
            found.walked.push(c.clone());
        }
        for entry in self.entries(root) {
            match entry {
                Ok(entry) => {
                    if !entry.file_type().is_file() {
                        continue;
                    }
                    let kind = match classify(entry.path()) {
                        Some(Classified::Terraform(kind)) => kind,
                        Some(Classified::InitSource(kind)) => {
                            found.init_sources.push(InitSourceEntry {
                                path: entry.into_path(),
                                kind,
                            });
                            continue;
                        }
                        None => continue,
                    };
                    let dir = entry.path().parent().unwrap_or(root).to_path_buf();
                    self.add(found, &dir, entry.into_path(), kind, canonical.as_deref());
                }
                Err(err) => {
                    let path = err
                        .path()
                        .map(|p| p.display().to_string())
                        .unwrap_or_default();
                    let reason = err.io_error().map_or_else(|| err.to_string(), io_reason);
                    found.errors.push(format!("{path}: {reason}"));
                }
            }
        }
    }

    /// The other Terraform files of a named file's directory: its module context.
    pub fn add_siblings(&self, found: &mut Discovery, dir: &Path) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let is_file = entry.file_type().is_ok_and(|t| t.is_file());
            let path = entry.path();
            if let (true, Some(kind)) = (is_file, FileKind::from_path(&path)) {
                if self.is_excluded_by_name(&path) {
                    continue;
                }
                self.add(found, dir, path, kind, None);
            }
        }
    }

    /// Adds a file of module directory `dir`, found by walking `from` (canonical; `None`: named,
    /// with its directory).
    fn add(
        &self,
        found: &mut Discovery,
        dir: &Path,
        path: PathBuf,
        kind: FileKind,
        from: Option<&Path>,
    ) {
        let key = found.key(self.cwd, dir);
        // Under the directory's canonical path, so `mod` and a symlink to it, or `mod/x.tf`
        // and `mod/../mod/x.tf`, are one file.
        let file_key = match path.file_name() {
            Some(name) => key.join(name),
            None => absolute(self.cwd, &path),
        };
        let module = match found.modules.entry(key) {
            std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::btree_map::Entry::Vacant(e) => {
                // Recorded once per module: where init sources are looked for.
                let found_from = from.map_or_else(|| e.key().clone(), Path::to_path_buf);
                e.insert(ModuleFiles {
                    dir: dir.to_path_buf(),
                    files: BTreeMap::new(),
                    init: None,
                    found_from,
                })
            }
        };
        module.files.entry(file_key).or_insert_with(|| FileEntry {
            display: display_path(self.cwd, &path),
            path,
            kind,
        });
    }
}

impl Discovery {
    /// A directory's module key: its canonical path, computed once per directory.
    fn key(&mut self, cwd: &Path, dir: &Path) -> PathBuf {
        if let Some(key) = self.keys.get(dir) {
            return key.clone();
        }
        let key = std::fs::canonicalize(dir).unwrap_or_else(|_| absolute(cwd, dir));
        self.keys.insert(dir.to_path_buf(), key.clone());
        key
    }
}

/// The key of a file in [`ModuleFiles::files`]: its directory's canonical path joined with
/// its name (a symlink to the file itself is not resolved), or `None` when the directory
/// does not exist.
pub fn canonical_file_key(path: &Path) -> Option<PathBuf> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    Some(std::fs::canonicalize(dir).ok()?.join(path.file_name()?))
}

pub fn io_reason(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => err.to_string(),
    }
}

/// `path` made absolute against `cwd` and normalised without touching the file system.
pub fn absolute(cwd: &Path, path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    };
    let mut out = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The path as the user would type it: relative to the working directory when under it,
/// with `/` separators.
pub fn display_path(cwd: &Path, path: &Path) -> String {
    let abs = absolute(cwd, path);
    let shown = abs.strip_prefix(cwd).map(Path::to_path_buf).unwrap_or(abs);
    let text = shown.to_string_lossy().replace('\\', "/");
    if text.is_empty() {
        ".".into()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_paths_are_relative_and_normalised() {
        let cwd = Path::new("/repo");
        assert_eq!(
            display_path(cwd, Path::new("./envs/../envs/prod/main.tf")),
            "envs/prod/main.tf"
        );
        assert_eq!(display_path(cwd, Path::new("/repo/a.tf")), "a.tf");
        assert_eq!(
            display_path(cwd, Path::new("/elsewhere/a.tf")),
            "/elsewhere/a.tf"
        );
    }
}
