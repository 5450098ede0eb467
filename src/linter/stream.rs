//! Linting while walking: walker threads read and prefilter each file as they find it
//! ([`crate::input::walk`]); a directory (a module) whose files hold anything to check goes to
//! lint threads as soon as its listing is complete, and is dropped once linted. Nothing is
//! kept of a file the prefilter drops but its count, so memory follows the findings and the
//! directories, not the bytes walked. The findings are sorted at the end, so the output is
//! byte-for-byte the same whatever order the threads finish in.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Mutex;

use crate::diagnostic::Report;
use crate::input::discover::{display_path, Discovery, Walker};
use crate::input::source::{too_large_message, ParseMode, SourceFile};
use crate::input::walk::{self, BatchSink, Content, DirBatch, ReadMode};
use crate::model::context::Module;

use super::pipeline::{lint_module, ModuleOutcome, Options, WORKER_STACK_BYTES};

/// A module's findings, under its key (to drop them if the module has to be linted again).
type Keyed = (PathBuf, ModuleOutcome);

/// Lints every directory of `roots` (each with its position among the paths named), walking
/// and linting at once. Returns the report, the problems met while walking, and whether a file that may
/// run `terraform init -backend-config` was found (the caller then lints with the pairings).
pub fn run(
    walker: &Walker<'_>,
    roots: &[(usize, PathBuf)],
    options: &Options,
) -> (Report, Vec<String>, bool) {
    let read = match options.parse_mode {
        ParseMode::Prefilter => ReadMode::Prefilter,
        ParseMode::Full => ReadMode::All,
    };
    let walk_options = walker.walk_options(read);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    // A few modules in flight per lint thread: the walk waits rather than pile up bytes.
    let (sender, receiver) = sync_channel::<Vec<(PathBuf, DirBatch)>>(threads * 2);
    let receiver = Mutex::new(receiver);
    let canonical = roots.len() > 1;
    let state = State {
        seen: Mutex::new(HashMap::new()),
        errors: Mutex::new(Vec::new()),
        sender: Mutex::new(sender),
        walker,
        canonical,
        root: AtomicUsize::new(0),
        pending: Mutex::new(Vec::new()),
        inline: Mutex::new(None),
        init_found: AtomicBool::new(false),
    };

    let mut outcomes: Vec<Keyed> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .filter_map(|_| {
                std::thread::Builder::new()
                    .stack_size(WORKER_STACK_BYTES)
                    .spawn_scoped(scope, || lint_jobs(&receiver, options))
                    .ok()
            })
            .collect();
        if handles.is_empty() {
            // No thread to be had: the walker threads lint each module themselves.
            *state.inline.lock().unwrap() = Some((Vec::new(), options));
        }
        // Closes the channel however this closure ends: were the walk to panic, the lint
        // threads would otherwise wait for work forever and the scope for them.
        let close = CloseOnDrop(&state.sender);
        for (at, root) in roots {
            state.root.store(*at, Ordering::Relaxed);
            walk::walk_parallel(root, &walk_options, &state);
        }
        state.send_pending();
        // Closing the channel ends the lint threads.
        drop(close);
        let mut outcomes: Vec<Keyed> = handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect();
        if let Some((inline, _)) = state.inline.lock().unwrap().take() {
            outcomes.extend(inline);
        }
        outcomes
    });

    let init_found = state.init_found.load(Ordering::Relaxed);
    let State { seen, errors, .. } = state;
    let mut seen = seen.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut errors = errors.into_inner().unwrap_or_else(|e| e.into_inner());
    // A directory whose files came in more than one batch is linted again, whole.
    let split: Vec<PathBuf> = seen
        .iter()
        .filter(|(_, (root, _))| *root == SPLIT)
        .map(|(key, _)| key.clone())
        .collect();
    let mut relinted: Vec<super::pipeline::ModuleOutcome> = Vec::new();
    if !split.is_empty() {
        outcomes.retain(|(key, _)| !split.contains(key));
        let mut found = Discovery::default();
        for key in &split {
            walker.add_siblings(&mut found, key);
            seen.remove(key);
        }
        for (key, files) in &found.modules {
            seen.insert(key.clone(), (0, files.files.len()));
        }
        relinted = super::pipeline::lint_all(&found.modules, &[], options);
    }
    errors.sort();
    let files = seen.values().map(|(_, count)| count).sum();
    let outcomes = outcomes.into_iter().map(|(_, o)| o).chain(relinted);
    let report = super::pipeline::report(outcomes, files, seen.len(), &[], options);
    (report, errors, init_found)
}

struct CloseOnDrop<'a>(&'a Mutex<SyncSender<Vec<(PathBuf, DirBatch)>>>);

impl Drop for CloseOnDrop<'_> {
    fn drop(&mut self) {
        let mut sender = self.0.lock().unwrap_or_else(|e| e.into_inner());
        drop(std::mem::replace(&mut *sender, sync_channel(0).0));
    }
}

/// How many modules go to a lint thread at once.
const GROUP: usize = 16;

/// The root recorded for a directory found in two batches of one walk.
const SPLIT: usize = usize::MAX - 1;

struct State<'a> {
    /// Module key → (index of the root whose walk found it, or [`SPLIT`]; number of files).
    seen: Mutex<HashMap<PathBuf, (usize, usize)>>,
    errors: Mutex<Vec<String>>,
    sender: Mutex<SyncSender<Vec<(PathBuf, DirBatch)>>>,
    /// Jobs not yet sent: they go to the lint threads [`GROUP`] at a time, so that threads
    /// hand work over (and wake each other) a sixteenth as often.
    pending: Mutex<Vec<(PathBuf, DirBatch)>>,
    walker: &'a Walker<'a>,
    /// Whether modules are keyed by canonical path (several roots, which can overlap); one
    /// walk alone meets each directory once, under its walked path.
    canonical: bool,
    /// The position (among the paths named) of the directory being walked.
    root: AtomicUsize,
    /// Whether an init source whose bytes hold `init` and `backend-config` was walked.
    init_found: AtomicBool,
    /// Only when no lint thread could be started: the findings, linted where found.
    #[allow(clippy::type_complexity)]
    inline: Mutex<Option<(Vec<Keyed>, &'a Options)>>,
}

impl State<'_> {
    fn send(&self, key: PathBuf, batch: DirBatch) {
        if let Some((out, options)) = &mut *self.inline.lock().unwrap() {
            if let Some(keyed) = lint_job(key, batch, options) {
                out.push(keyed);
            }
            return;
        }
        let group = {
            let mut pending = self.pending.lock().unwrap();
            pending.push((key, batch));
            if pending.len() < GROUP {
                return;
            }
            std::mem::take(&mut *pending)
        };
        self.send_group(group);
    }

    fn send_pending(&self) {
        let group = std::mem::take(&mut *self.pending.lock().unwrap());
        if !group.is_empty() {
            self.send_group(group);
        }
    }

    fn send_group(&self, group: Vec<(PathBuf, DirBatch)>) {
        let sender = self.sender.lock().unwrap().clone();
        // The lint threads only stop when the channel closes: a send cannot fail before.
        let _ = sender.send(group);
    }
}

impl BatchSink for State<'_> {
    fn batch(&self, mut batch: DirBatch) {
        // Init sources are not module files: only whether one may pass settings counts here.
        batch.files.retain(|f| {
            let terraform = f.class.terraform_kind().is_some();
            if !terraform && f.content.needs_lint() {
                self.init_found.store(true, Ordering::Relaxed);
            }
            terraform
        });
        // Once an init command may pair modules, this walk's findings are thrown away (the
        // caller lints with the pairings): nothing more is linted.
        if batch.files.is_empty() || self.init_found.load(Ordering::Relaxed) {
            return;
        }
        let key = if self.canonical {
            self.walker.module_key(&batch.dir)
        } else {
            batch.dir.clone()
        };
        let root = self.root.load(Ordering::Relaxed);
        {
            let mut seen = self.seen.lock().unwrap();
            match seen.get_mut(&key) {
                // Another path named this directory: linted once.
                Some((r, _)) if *r != root => return,
                Some(entry) => {
                    entry.0 = SPLIT;
                    return;
                }
                None => {
                    seen.insert(key.clone(), (root, batch.files.len()));
                }
            }
        }
        if batch.files.iter().any(|f| f.content.needs_lint()) {
            self.send(key, batch);
        }
    }

    fn error(&self, message: String) {
        self.errors.lock().unwrap().push(message);
    }
}

/// A lint thread: lints modules until the channel closes, and returns their findings.
fn lint_jobs(
    receiver: &Mutex<Receiver<Vec<(PathBuf, DirBatch)>>>,
    options: &Options,
) -> Vec<Keyed> {
    let mut out = Vec::new();
    let mut panicked = None;
    loop {
        let next = receiver.lock().unwrap_or_else(|e| e.into_inner()).recv();
        let Ok(group) = next else {
            break;
        };
        // After a panic the thread only drains the channel, so the walk never waits on it;
        // the panic is raised again when the thread is joined.
        if panicked.is_some() {
            continue;
        }
        let lint_group = || {
            for (key, batch) in group {
                out.extend(lint_job(key, batch, options));
            }
        };
        if let Err(payload) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(lint_group)) {
            panicked = Some(payload);
        }
    }
    match panicked {
        Some(payload) => std::panic::resume_unwind(payload),
        None => out,
    }
}

/// A module's findings (and what else its outcome counts), or `None` when it has nothing.
fn lint_job(key: PathBuf, batch: DirBatch, options: &Options) -> Option<Keyed> {
    let module = walked_module(batch, &options.cwd, options.parse_mode);
    let outcome = lint_module(&module, options);
    (!outcome.is_empty()).then_some((key, outcome))
}

/// The module of a walked directory, from the bytes the walk kept.
fn walked_module(batch: DirBatch, cwd: &Path, mode: ParseMode) -> Module {
    let mut files: Vec<SourceFile> = batch
        .files
        .into_iter()
        .filter_map(|file| {
            let kind = file.class.terraform_kind()?;
            let display = display_path(cwd, &file.path);
            Some(match file.content {
                Content::Bytes(bytes) => {
                    SourceFile::from_bytes_with(file.path, display, kind, bytes, mode)
                }
                Content::Listed | Content::Skipped => SourceFile::skipped(file.path, display, kind),
                Content::TooLarge(len) => {
                    SourceFile::unreadable(file.path, display, kind, too_large_message(len))
                }
                Content::Failed(err) => {
                    let message = format!(
                        "cannot read file: {}",
                        crate::input::discover::io_reason(&err)
                    );
                    SourceFile::unreadable(file.path, display, kind, message)
                }
            })
        })
        .collect();
    // One directory: ordering by name is ordering by path.
    files.sort_by(|a, b| a.path.file_name().cmp(&b.path.file_name()));
    Module {
        dir: batch.dir,
        files,
        init: Default::default(),
    }
}
