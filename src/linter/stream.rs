//! Linting while walking: walker threads read and prefilter each file as they find it
//! ([`crate::input::walk`]); a directory (a module) whose files hold anything to check goes to
//! lint threads as soon as its listing is complete, and is dropped once linted. Nothing is
//! kept of a file the prefilter drops but its count, so memory follows the findings and the
//! directories, not the bytes walked. The findings are sorted at the end, so the output is
//! byte-for-byte the same whatever order the threads finish in.
//!
//! What `terraform init` commands pass to modules is known before the walk starts
//! ([`crate::input::init::pairing::pair_walked`]: init sources are few, and named by path): a
//! module an init command pairs is linted with what it passes as soon as its directory is
//! walked (a partial file from another directory is read then), and a partial file passed to
//! other modules is left out of its own directory's, as when modules are collected first.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Arc, Mutex};

use crate::diagnostic::Report;
use crate::input::discover::{display_path, Discovery, FileEntry, Walker};
use crate::input::init::pairing::{self, Pairings};
use crate::input::source::{too_large_message, FileKind, ParseMode, SourceFile};
use crate::input::walk::{self, BatchSink, Content, DirBatch, Find, ReadMode};
use crate::linter::buffer::read_entry;
use crate::model::context::Module;

use super::init_load::load_pairings;
use super::pipeline::{
    lint_module, load_module, passed_files, ModuleOutcome, Options, WORKER_STACK_BYTES,
};

/// A module's findings, under its key (to drop them if the module has to be linted again).
type Keyed = (PathBuf, ModuleOutcome);

/// Lints every directory of `roots` (each with its position among the paths named), walking
/// and linting at once, each module with what `pairings` pairs it with. Returns the report and
/// the problems met while walking.
pub fn run(
    walker: &Walker<'_>,
    roots: &[(usize, PathBuf)],
    options: &Options,
    pairings: &Arc<Pairings>,
) -> (Report, Vec<String>) {
    let read = match options.parse_mode {
        ParseMode::Prefilter => ReadMode::Prefilter,
        ParseMode::Full => ReadMode::All,
    };
    // Init sources are not walked: what they pass is in `pairings` already.
    let walk_options = walker.walk_options(read, Find::Terraform);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    // A few modules in flight per lint thread: the walk waits rather than pile up bytes.
    let (sender, receiver) = sync_channel::<Vec<(PathBuf, DirBatch)>>(threads * 2);
    let receiver = Mutex::new(receiver);
    // Modules are keyed by canonical path when several roots can overlap, and when pairings
    // (keyed so) name modules.
    let paired = !pairings.pairings.is_empty();
    let canonical = roots.len() > 1 || paired;
    let claimed = pairings.claimed();
    let state = State {
        seen: Mutex::new(HashMap::new()),
        errors: Mutex::new(Vec::new()),
        sender: Mutex::new(sender),
        walker,
        canonical,
        root: AtomicUsize::new(0),
        walked: Mutex::new(None),
        pending: Mutex::new(Vec::new()),
        inline: Mutex::new(None),
        pairings: pairings.as_ref(),
        claimed_names: claimed
            .keys()
            .filter_map(|f| f.file_name().map(|n| n.to_os_string()))
            .collect(),
        claimed,
        brought: Mutex::new(BTreeSet::new()),
        paired: pairings.pairings.iter().map(|p| p.module.clone()).collect(),
        extra_files: Mutex::new(HashMap::new()),
    };

    let mut outcomes: Vec<Keyed> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .filter_map(|_| {
                std::thread::Builder::new()
                    .stack_size(WORKER_STACK_BYTES)
                    .spawn_scoped(scope, || lint_jobs(&receiver, options, &state))
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
            if canonical {
                let canonical_root = std::fs::canonicalize(root).ok();
                *state.walked.lock().unwrap() = canonical_root.map(|c| (root.clone(), Arc::new(c)));
            }
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

    let State {
        seen,
        errors,
        brought,
        extra_files,
        ..
    } = state;
    let mut extra_files = extra_files.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut seen = seen.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut errors = errors.into_inner().unwrap_or_else(|e| e.into_inner());
    // A directory whose files came in more than one batch is linted again, whole; so is a
    // module outside the walk that an init command passes a walked partial file to.
    let mut again: Vec<PathBuf> = seen
        .iter()
        .filter(|(_, (root, _))| *root == SPLIT)
        .map(|(key, _)| key.clone())
        .collect();
    outcomes.retain(|(key, _)| !again.contains(key));
    for key in &again {
        seen.remove(key);
        extra_files.remove(key);
    }
    let brought = brought.into_inner().unwrap_or_else(|e| e.into_inner());
    again.extend(brought.into_iter().filter(|m| !seen.contains_key(m)));
    if !again.is_empty() {
        let (relinted, extra) = relint(walker, &again, &mut seen, pairings, options);
        outcomes.extend(relinted);
        extra_files.extend(extra);
    }
    // The commands of walked sources that pair no module of the run: linted on their own,
    // once the walk has told which modules there are, after the modules (as collected).
    let loose = lint_loose(walker, pairings, &seen, options);
    errors.sort();
    // The module's own files, and the partial files init commands bring in from elsewhere
    // (counted with each module they are passed to, as when modules are collected).
    let files = seen.values().map(|(_, count)| count).sum::<usize>()
        + extra_files.values().sum::<usize>()
        + loose.iter().map(|o| o.files).sum::<usize>();
    // In the order of their keys, as when modules are collected: a file two modules show
    // (an init source) is shown as the last of them masks it, whatever thread finished first.
    outcomes.sort_by(|a, b| a.0.cmp(&b.0));
    let outcomes = outcomes.into_iter().map(|(_, o)| o).chain(loose);
    let report = super::pipeline::report(outcomes, files, seen.len(), &[], options);
    (report, errors)
}

/// Lints the modules `keys` (canonical) as modules are collected: each directory's files
/// listed again, with its pairings. Returns the findings of each (those with any), and how many
/// partial files init commands brought into each from elsewhere.
fn relint(
    walker: &Walker<'_>,
    keys: &[PathBuf],
    seen: &mut HashMap<PathBuf, (usize, usize)>,
    pairings: &Arc<Pairings>,
    options: &Options,
) -> (Vec<Keyed>, Vec<(PathBuf, usize)>) {
    let mut found = Discovery::default();
    for key in keys {
        walker.add_siblings(&mut found, key);
    }
    let claimed = pairings.claimed();
    for (key, module) in found.modules.iter_mut() {
        module
            .files
            .retain(|file, _| claimed.get(file).is_none_or(|m| m.contains(key)));
        if pairings.for_module(key).next().is_some() {
            module.init = Some((key.clone(), Arc::clone(pairings)));
        }
    }
    found.modules.retain(|_, m| !m.files.is_empty());
    for (key, module) in &found.modules {
        seen.insert(key.clone(), (0, module.files.len()));
    }
    on_worker_stack(|| {
        let mut keyed = Vec::new();
        let mut extra = Vec::new();
        for (key, files) in &found.modules {
            let module = load_module(files, &[], options.parse_mode);
            let outcome = lint_module(&module, options);
            extra.push((key.clone(), outcome.files - module.files.len()));
            if !outcome.is_empty() {
                keyed.push((key.clone(), outcome));
            }
        }
        (keyed, extra)
    })
}

/// The outcomes of the units of init commands that pair no module of the run (`seen`), in
/// the order of their keys ([`crate::input::init::pairing::loose_units`]).
fn lint_loose(
    walker: &Walker<'_>,
    pairings: &Pairings,
    seen: &HashMap<PathBuf, (usize, usize)>,
    options: &Options,
) -> Vec<ModuleOutcome> {
    if !pairings.sources.iter().any(|s| s.linted) {
        return Vec::new();
    }
    let mut loosened = pairings.clone();
    pairing::loosen(&mut loosened, |m| seen.contains_key(m));
    let units = pairing::loose_units(walker, &Arc::new(loosened));
    on_worker_stack(|| {
        units
            .values()
            .map(|files| lint_module(&load_module(files, &[], options.parse_mode), options))
            .collect()
    })
}

/// Runs `work` on a thread with the stack deeply nested input needs, as every lint (on this
/// one when no thread can be started).
fn on_worker_stack<T: Send>(work: impl Fn() -> T + Send + Sync) -> T {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(WORKER_STACK_BYTES)
            .spawn_scoped(scope, &work)
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .unwrap_or_else(|_| work())
    })
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
    /// The directory being walked, as named and canonical (when modules are keyed so).
    walked: Mutex<Option<(PathBuf, Arc<PathBuf>)>>,
    /// What init commands pass to which module, and the partial files they pass (file →
    /// the modules it is passed to).
    pairings: &'a Pairings,
    claimed: HashMap<PathBuf, BTreeSet<PathBuf>>,
    /// The file names of `claimed`: a walked file by another name is not looked up.
    claimed_names: HashSet<std::ffi::OsString>,
    /// The modules some pairing names.
    paired: HashSet<PathBuf>,
    /// How many partial files init commands bring into a module from other directories.
    extra_files: Mutex<HashMap<PathBuf, usize>>,
    /// Modules init commands pass a walked partial file to: linted after the walk when the
    /// walk did not find them.
    brought: Mutex<BTreeSet<PathBuf>>,
    /// Only when no lint thread could be started: the findings, linted where found.
    inline: Mutex<Option<Inline<'a>>>,
}

/// The findings linted where found, and the options to lint with.
type Inline<'a> = (Vec<Keyed>, &'a Options);

impl State<'_> {
    /// The canonical path of a directory the walk found: the walked directory's canonical
    /// path joined with the path below it. The walk follows no symbolic link, so what lies
    /// below the directory named is real directories, and this is what canonicalising the
    /// directory itself gives, without asking the file system once per directory.
    fn module_key(&self, dir: &Path) -> PathBuf {
        let walked = self.walked.lock().unwrap().clone();
        if let Some((root, canonical)) = walked {
            if let Ok(rel) = dir.strip_prefix(&root) {
                let plain = rel
                    .components()
                    .all(|c| matches!(c, std::path::Component::Normal(_)));
                if rel.as_os_str().is_empty() {
                    return canonical.to_path_buf();
                }
                if plain {
                    return canonical.join(rel);
                }
            }
        }
        self.walker.module_key(dir)
    }

    fn send(&self, key: PathBuf, batch: DirBatch) {
        if let Some((out, options)) = &mut *self.inline.lock().unwrap() {
            if let Some(keyed) = lint_job(key, batch, options, self) {
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
        let key = if self.canonical {
            self.module_key(&batch.dir)
        } else {
            batch.dir.clone()
        };
        // A partial file init commands pass to other modules is theirs, not its directory's.
        if !self.claimed.is_empty() {
            batch.files.retain(|f| {
                let name = f.path.file_name().unwrap_or_default();
                if !self.claimed_names.contains(name) {
                    return true;
                }
                let file = key.join(name);
                let Some(modules) = self.claimed.get(&file) else {
                    return true;
                };
                self.brought.lock().unwrap().extend(modules.iter().cloned());
                modules.contains(&key)
            });
        }
        if batch.files.is_empty() {
            return;
        }
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
        // A paired module is linted whatever its own files hold: what init passes counts.
        if batch.files.iter().any(|f| f.content.needs_lint()) || self.paired.contains(&key) {
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
    state: &State<'_>,
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
                out.extend(lint_job(key, batch, options, state));
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

/// A module's findings (and what else its outcome counts), or `None` when it has nothing. A
/// module init commands pair is linted
/// with what they pass (its partial files from elsewhere read now).
fn lint_job(key: PathBuf, batch: DirBatch, options: &Options, state: &State<'_>) -> Option<Keyed> {
    let paired = state.paired.contains(&key);
    // An `.hcl` file an init command passes is a partial configuration, as when collected.
    let passed: Vec<&Path> = match paired {
        true => passed_files(&key, state.pairings).collect(),
        false => Vec::new(),
    };
    let is_passed = |name: &std::ffi::OsStr| passed.iter().any(|p| *p == key.join(name));
    let mut module = walked_module(batch, &options.cwd, options.parse_mode, is_passed);
    if paired {
        let local: HashMap<PathBuf, usize> = module
            .files
            .iter()
            .enumerate()
            .map(|(i, f)| (key.join(f.path.file_name().unwrap_or_default()), i))
            .collect();
        module.init = load_pairings(&key, state.pairings, &local, &[], options.parse_mode);
    }
    let outcome = lint_module(&module, options);
    let extra = outcome.files - module.files.len();
    if extra > 0 {
        state.extra_files.lock().unwrap().insert(key.clone(), extra);
    }
    (!outcome.is_empty()).then_some((key, outcome))
}

/// The module of a walked directory, from the bytes the walk kept.
fn walked_module(
    batch: DirBatch,
    cwd: &Path,
    mode: ParseMode,
    is_passed: impl Fn(&std::ffi::OsStr) -> bool,
) -> Module {
    let mut files: Vec<SourceFile> = batch
        .files
        .into_iter()
        .filter_map(|file| {
            let kind = file.class.terraform_kind()?;
            let display = display_path(cwd, &file.path);
            if kind == FileKind::Terragrunt && is_passed(file.path.file_name().unwrap_or_default())
            {
                // Read as a partial configuration (the walk's prefilter judged it as
                // Terragrunt's): from disk, as when modules are collected.
                let entry = FileEntry {
                    path: file.path.clone(),
                    display,
                    kind: FileKind::TfBackend,
                };
                return Some(read_entry(&file.path, &entry, &[], mode));
            }
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
