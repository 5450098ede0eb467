//! The parallel walk: rg's walker (the `ignore` crate) over a directory, `.gitignore`,
//! `.ignore` and git's own excludes respected, each file read and prefiltered as it is found,
//! and a directory's files handed on together as one [`DirBatch`].
//!
//! Why batches are whole: `ignore` lists a directory on one worker thread and passes each
//! entry through the walk's entry filter there, one after the other, before that thread
//! visits anything else. tfblint reads files in that filter (returning `false`, so no file is
//! ever queued as work) and collects them in a thread-local batch, which the thread's visitor
//! hands on when it next visits a directory or finishes. Should a directory's files ever
//! arrive in two batches (a different `ignore`), the receiver sees the directory twice and
//! must treat it as split ([`crate::linter`] re-reads such a directory whole).
//!
//! `.gitignore` files count inside a git repository only (a `.git` in the directory or above),
//! as in git, rg and ruff (`require_git`); `.ignore` files count everywhere.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::GlobSet;
use ignore::{DirEntry, ParallelVisitor, ParallelVisitorBuilder, WalkBuilder, WalkState};

use crate::input::classify::{self, PathClass};
use crate::input::read::{read_limited, ReadError};

/// How much of each file the walk reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadMode {
    /// Nothing: paths only.
    List,
    /// Every file, keeping the bytes only of files that can produce a finding
    /// ([`crate::input::scope::worth_linting`]).
    Prefilter,
    /// Every file, keeping every file's bytes.
    All,
}

/// What the walk knows of a file's contents.
#[derive(Debug)]
pub enum Content {
    /// Not read ([`ReadMode::List`]).
    Listed,
    /// Read, and nothing in it can produce a finding: its bytes are dropped.
    Skipped,
    Bytes(Vec<u8>),
    /// Over the size limit: its size (at least), unread.
    TooLarge(u64),
    Failed(std::io::Error),
}

impl Content {
    /// Whether the file has to be looked at by the rules (its bytes, or a read failure).
    pub fn needs_lint(&self) -> bool {
        !matches!(self, Content::Listed | Content::Skipped)
    }
}

#[derive(Debug)]
pub struct FoundFile {
    pub path: PathBuf,
    pub class: PathClass,
    pub content: Content,
}

/// Files found in one directory, as walked (`dir` is the root joined with the relative path).
#[derive(Debug)]
pub struct DirBatch {
    pub dir: PathBuf,
    pub files: Vec<FoundFile>,
}

/// What receives the walk's results, from every walker thread.
pub trait BatchSink: Sync {
    fn batch(&self, batch: DirBatch);
    /// A directory or entry that could not be read: `path: reason`.
    fn error(&self, message: String);
}

/// How to walk.
#[derive(Debug, Clone)]
pub struct WalkOptions {
    /// tfblint's own `exclude` globs, matched against the path relative to the walked root.
    pub exclude: Arc<GlobSet>,
    /// `.gitignore`, `.ignore`, `.git/info/exclude` and git's global excludes.
    pub respect_ignore_files: bool,
    pub read: ReadMode,
}

fn builder(root: &Path, options: &WalkOptions) -> WalkBuilder {
    let mut builder = WalkBuilder::new(root);
    builder
        .standard_filters(options.respect_ignore_files)
        // Hidden directories are tfblint's to decide (classify::enters_dir); hidden files
        // such as `.backend.tf` are read.
        .hidden(false)
        .follow_links(false);
    builder
}

thread_local! {
    /// The batch this walker thread is filling, and any it has closed but not handed on.
    static OPEN: RefCell<(Option<DirBatch>, Vec<DirBatch>)> = const { RefCell::new((None, Vec::new())) };
}

/// Walks `root` (a directory) on every core, handing `sink` one batch per directory that
/// holds files tfblint reads.
pub fn walk_parallel(root: &Path, options: &WalkOptions, sink: &dyn BatchSink) {
    let mut builder = builder(root, options);
    let (exclude, read, base) = (options.exclude.clone(), options.read, root.to_path_buf());
    builder.filter_entry(move |entry| admit(entry, &base, &exclude, read));
    let mut visitors = Visitors { sink };
    builder.build_parallel().visit(&mut visitors);
}

/// The walk's entry filter: whether to descend into a directory; a file is read here, put in
/// the thread's open batch, and never queued.
fn admit(entry: &DirEntry, root: &Path, exclude: &GlobSet, read: ReadMode) -> bool {
    let path = entry.path();
    if !exclude.is_empty() && exclude.is_match(path.strip_prefix(root).unwrap_or(path)) {
        return false;
    }
    let Some(file_type) = entry.file_type() else {
        return false;
    };
    if file_type.is_dir() {
        return classify::enters_dir(entry.file_name());
    }
    if !file_type.is_file() {
        // Symlinks are not followed; FIFOs, sockets and devices are no configuration.
        return false;
    }
    let Some(class) = classify::classify(path) else {
        return false;
    };
    let content = match read {
        ReadMode::List => Content::Listed,
        ReadMode::Prefilter | ReadMode::All => match read_limited(path) {
            Ok(bytes) => {
                let keep = read == ReadMode::All
                    || match class {
                        PathClass::Terraform(kind) => {
                            crate::input::scope::worth_linting(kind, &bytes)
                        }
                        PathClass::InitSource(_) => crate::input::init::might_contain_init(&bytes),
                    };
                if keep {
                    Content::Bytes(bytes)
                } else {
                    Content::Skipped
                }
            }
            Err(ReadError::TooLarge(len)) => Content::TooLarge(len),
            Err(ReadError::Io(err)) => Content::Failed(err),
        },
    };
    let dir = path.parent().unwrap_or(root);
    let file = FoundFile {
        path: path.to_path_buf(),
        class,
        content,
    };
    OPEN.with(|open| {
        let (current, closed) = &mut *open.borrow_mut();
        match current {
            Some(batch) if batch.dir.as_os_str() == dir.as_os_str() => batch.files.push(file),
            _ => {
                let batch = DirBatch {
                    dir: dir.to_path_buf(),
                    files: vec![file],
                };
                closed.extend(current.replace(batch));
            }
        }
    });
    false
}

/// Hands on this thread's batches: the directory it was listing is complete.
fn flush(sink: &dyn BatchSink) {
    let (current, closed) = OPEN.with(|open| {
        let (current, closed) = &mut *open.borrow_mut();
        (current.take(), std::mem::take(closed))
    });
    for batch in closed.into_iter().chain(current) {
        sink.batch(batch);
    }
}

struct Visitors<'s> {
    sink: &'s dyn BatchSink,
}

impl<'s> ParallelVisitorBuilder<'s> for Visitors<'s> {
    fn build(&mut self) -> Box<dyn ParallelVisitor + 's> {
        Box::new(Visitor { sink: self.sink })
    }
}

struct Visitor<'s> {
    sink: &'s dyn BatchSink,
}

impl ParallelVisitor for Visitor<'_> {
    fn visit(&mut self, entry: Result<DirEntry, ignore::Error>) -> WalkState {
        match entry {
            // Only directories are visited (files never pass the filter): the listing this
            // thread did before is complete.
            Ok(_) => flush(self.sink),
            Err(err) => {
                if let Some(message) = error_message(&err) {
                    self.sink.error(message);
                }
            }
        }
        WalkState::Continue
    }
}

impl Drop for Visitor<'_> {
    fn drop(&mut self) {
        flush(self.sink);
    }
}

/// `path: reason` for an entry that could not be read; `None` for problems in ignore files
/// (an unreadable `.gitignore`, a bad pattern), which git and rg also pass over.
fn error_message(err: &ignore::Error) -> Option<String> {
    if err.is_partial() {
        return None;
    }
    let mut path = None;
    let mut inner = err;
    loop {
        match inner {
            ignore::Error::WithPath { path: p, err } => {
                path.get_or_insert(p.clone());
                inner = err;
            }
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                inner = err
            }
            _ => break,
        }
    }
    let io = inner.io_error()?;
    let path = path.map(|p| p.display().to_string()).unwrap_or_default();
    Some(format!("{path}: {}", crate::input::read::io_reason(io)))
}

/// The files tfblint reads directly in `dir` (not below), with the walk's ignore rules: the
/// module context of a file named on the command line.
pub fn list_dir(dir: &Path, options: &WalkOptions) -> Vec<(PathBuf, PathClass)> {
    let mut builder = builder(dir, options);
    builder.max_depth(Some(1));
    let mut found: Vec<(PathBuf, PathClass)> = builder
        .build()
        .flatten()
        .filter(|e| e.depth() == 1 && e.file_type().is_some_and(|t| t.is_file()))
        .filter_map(|e| Some((e.path().to_path_buf(), classify::classify(e.path())?)))
        .collect();
    found.sort();
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    struct Count(Mutex<Vec<(PathBuf, usize)>>);
    impl BatchSink for Count {
        fn batch(&self, batch: DirBatch) {
            self.0.lock().unwrap().push((batch.dir, batch.files.len()));
        }
        fn error(&self, message: String) {
            panic!("{message}");
        }
    }

    /// The walk hands each directory over in one batch (what the lint relies on for speed;
    /// a split is still caught and the directory linted again whole).
    #[test]
    fn every_directory_comes_in_one_batch() {
        let dir = tempfile::tempdir().unwrap();
        let (dirs, files) = (120, 25);
        for d in 0..dirs {
            let sub = dir.path().join(format!("d{}/e{d}", d % 9));
            std::fs::create_dir_all(&sub).unwrap();
            for f in 0..files {
                std::fs::write(sub.join(format!("f{f}.tf")), "x = 1\n").unwrap();
            }
            std::fs::write(sub.join("README.md"), "not read").unwrap();
        }
        std::fs::create_dir_all(dir.path().join(".terraform/m")).unwrap();
        std::fs::write(dir.path().join(".terraform/m/main.tf"), "").unwrap();
        let options = WalkOptions {
            exclude: Arc::new(GlobSet::empty()),
            respect_ignore_files: true,
            read: ReadMode::Prefilter,
        };
        let count = Count(Mutex::new(Vec::new()));
        walk_parallel(dir.path(), &options, &count);
        let mut batches = count.0.into_inner().unwrap();
        batches.sort();
        assert_eq!(batches.len(), dirs);
        assert!(batches.windows(2).all(|w| w[0].0 != w[1].0));
        assert!(batches.iter().all(|(_, n)| *n == files));
    }
}
