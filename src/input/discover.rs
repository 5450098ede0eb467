//! Finding the files to lint and grouping them into modules (directories).

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use std::sync::{Arc, Mutex};

use globset::GlobSet;

use crate::input::classify::PathClass;
use crate::input::init::{self, SourceKind};
use crate::input::source::FileKind;
use crate::input::walk::{self, BatchSink, DirBatch, ReadMode, WalkOptions};

pub use crate::input::read::io_reason;

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
    pub init: Option<(PathBuf, Arc<init::pairing::Pairings>)>,
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
    pub init: Arc<init::pairing::Pairings>,
    /// The init commands of walked or named sources that pair no module of the run, one unit
    /// per source file (keyed by its canonical path; no Terraform file): linted on their own,
    /// so that a credential passed to `terraform init` is reported wherever it is written.
    pub loose: BTreeMap<PathBuf, ModuleFiles>,
    /// Directory → its module key, so each directory is canonicalised once.
    keys: std::collections::HashMap<PathBuf, PathBuf>,
}

/// Why a path named on the command line cannot be linted at all.
#[derive(Debug)]
pub struct PathError(pub String);

pub struct Walker<'a> {
    pub cwd: &'a Path,
    pub exclude: &'a GlobSet,
    /// Whether `.gitignore`, `.ignore` and git's excludes prune the walk (`--no-ignore` and
    /// `respect-gitignore = false` turn it off). A file named on the command line is always
    /// linted.
    pub respect_ignore_files: bool,
}

impl Walker<'_> {
    /// How to walk, reading files as `read` says.
    pub fn walk_options(&self, read: ReadMode) -> WalkOptions {
        WalkOptions {
            exclude: Arc::new(self.exclude.clone()),
            respect_ignore_files: self.respect_ignore_files,
            read,
        }
    }

    /// The directories to walk, each with its position among the paths named, and the paths
    /// that cannot be read. Only for paths that are all directories (or do not exist): the
    /// lint that walks them reads as it goes ([`crate::linter::Workspace::lint_paths`]).
    pub fn walk_roots(&self, paths: &[PathBuf]) -> (Vec<(usize, PathBuf)>, Vec<String>) {
        let mut roots = Vec::new();
        let mut errors = Vec::new();
        for (at, path) in paths.iter().enumerate() {
            if self.is_excluded_by_name(path) {
                continue;
            }
            match std::fs::metadata(path) {
                Ok(meta) if meta.is_dir() => roots.push((at, path.clone())),
                Ok(_) => errors.push(format!("{}: not a directory", path.display())),
                Err(e) => errors.push(format!("{}: {}", path.display(), io_reason(&e))),
            }
        }
        (roots, errors)
    }

    /// The module key of a directory: its canonical path (see [`Discovery::modules`]).
    pub fn module_key(&self, dir: &Path) -> PathBuf {
        std::fs::canonicalize(dir).unwrap_or_else(|_| absolute(self.cwd, dir))
    }
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
        if FileKind::from_path(path).is_none() {
            // A named workflow, script, Makefile…: read for init commands, not as Terraform.
            if let Some(kind) = init::source_kind(path) {
                found.init_sources.push(InitSourceEntry {
                    path: path.to_path_buf(),
                    kind,
                });
                return Ok(());
            }
        }
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
    pub fn is_excluded_by_name(&self, path: &Path) -> bool {
        if self.exclude.is_empty() {
            return false;
        }
        let shown = display_path(self.cwd, path);
        Path::new(&shown)
            .ancestors()
            .filter(|p| !p.as_os_str().is_empty())
            .any(|p| self.exclude.is_match(p))
    }

    fn walk(&self, root: &Path, found: &mut Discovery) {
        struct Collect(Mutex<(Vec<DirBatch>, Vec<String>)>);
        impl BatchSink for Collect {
            fn batch(&self, batch: DirBatch) {
                self.0
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .0
                    .push(batch);
            }
            fn error(&self, message: String) {
                self.0
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .1
                    .push(message);
            }
        }
        let collect = Collect(Mutex::default());
        walk::walk_parallel(root, &self.walk_options(ReadMode::List), &collect);
        let (mut batches, mut errors) = collect.0.into_inner().unwrap_or_else(|e| e.into_inner());
        batches.sort_by(|a, b| a.dir.cmp(&b.dir));
        errors.sort();
        let canonical = std::fs::canonicalize(root).ok();
        if let Some(c) = &canonical {
            found.walked.push(c.clone());
        }
        for batch in batches {
            let mut files = batch.files;
            files.sort_by(|a, b| a.path.cmp(&b.path));
            for file in files {
                match file.class {
                    PathClass::Terraform(kind) => {
                        self.add(found, &batch.dir, file.path, kind, canonical.as_deref())
                    }
                    PathClass::InitSource(kind) => found.init_sources.push(InitSourceEntry {
                        path: file.path,
                        kind,
                    }),
                }
            }
        }
        found.errors.extend(errors);
    }

    /// The init sources under `root` (walked as discovery walks: ignore files, hidden
    /// directories but `.github`, exclude globs), sorted by path.
    pub fn init_sources_under(&self, root: &Path) -> Vec<(PathBuf, SourceKind)> {
        struct Collect(Mutex<Vec<(PathBuf, SourceKind)>>);
        impl BatchSink for Collect {
            fn batch(&self, batch: DirBatch) {
                let mut found = self.0.lock().unwrap_or_else(|e| e.into_inner());
                for file in batch.files {
                    if let PathClass::InitSource(kind) = file.class {
                        found.push((file.path, kind));
                    }
                }
            }
            fn error(&self, _message: String) {}
        }
        let collect = Collect(Mutex::default());
        walk::walk_parallel(root, &self.walk_options(ReadMode::List), &collect);
        let mut found = collect.0.into_inner().unwrap_or_else(|e| e.into_inner());
        found.sort();
        found
    }

    /// The Terraform files directly in `dir`, with the walk's ignore rules: a named file's
    /// module context, or a directory to lint again whole.
    pub fn add_siblings(&self, found: &mut Discovery, dir: &Path) {
        for (path, class) in walk::list_dir(dir, &self.walk_options(ReadMode::List)) {
            if let Some(kind) = class.terraform_kind() {
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
        let key = match found.keys.get(dir) {
            Some(key) => key.clone(),
            None => {
                let key = self.module_key(dir);
                found.keys.insert(dir.to_path_buf(), key.clone());
                key
            }
        };
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
    if let Some(text) = plain_relative(path) {
        return text;
    }
    let abs = absolute(cwd, path);
    let shown = abs.strip_prefix(cwd).map(Path::to_path_buf).unwrap_or(abs);
    let text = shown.to_string_lossy().replace('\\', "/");
    if text.is_empty() {
        ".".into()
    } else {
        text
    }
}

/// The display of a relative path with nothing to normalise but leading `./` (what the walk
/// of a relative directory gives), without touching the working directory: the walk asks
/// this for every file it lints.
fn plain_relative(path: &Path) -> Option<String> {
    if std::path::MAIN_SEPARATOR != '/' {
        return None;
    }
    let text = path.to_str()?;
    let mut rest = text;
    while let Some(r) = rest.strip_prefix("./") {
        rest = r;
    }
    let plain = !rest.is_empty()
        && !rest.starts_with('/')
        && !rest.ends_with('/')
        && !rest.contains("//")
        && rest.split('/').all(|c| c != "." && c != "..");
    plain.then(|| rest.to_string())
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
        for (path, shown) in [
            ("./envs/prod/main.tf", "envs/prod/main.tf"),
            ("././a.tf", "a.tf"),
            ("envs//a.tf", "envs/a.tf"),
            ("envs/./a.tf", "envs/a.tf"),
            ("../repo/a.tf", "a.tf"),
            (".", "."),
            ("./", "."),
            (".hidden/a.tf", ".hidden/a.tf"),
        ] {
            assert_eq!(display_path(cwd, Path::new(path)), shown, "{path}");
        }
        assert_eq!(
            display_path(cwd, Path::new("/elsewhere/a.tf")),
            "/elsewhere/a.tf"
        );
    }
}
