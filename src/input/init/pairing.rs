//! Which module each `terraform init` command initialises, and with what: the commands found
//! in the repository's workflows, scripts and task files, resolved against the file system the
//! way the command runs, plus the pairings `tfblint.toml` declares.
//!
//! Where init sources are looked for: the repository root (the nearest directory holding
//! `.git`) at or above the directory each module was found from (the walked directory, or a
//! named file's directory), or, outside any repository, that directory itself (a named
//! file's directory only for the files directly in it). Each root is read once per run; a root
//! already walked is not walked again.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::files::{contained, explicit_pairings, inside, lexical_join as join, repo_root, scan};
pub use super::files::{CacheUse, InitSourceCache};
pub use super::pairs::{ExplicitPair, Item, Pairing, Pairings, Source};
use super::{
    extract, BackendConfigArg, BackendConfigValue, DirBase, InitCommand, SettingValue, SourceKind,
    WorkingDir,
};
use crate::input::discover::canonical_file_key;
use crate::input::discover::{display_path, Discovery, InitSourceEntry, ModuleFiles, Walker};
use crate::input::read::read_limited;

/// Finds the init commands that pair the discovered modules, and brings in the module of any
/// discovered partial file that a command passes to a module not named. Where the init
/// sources are is taken from `cache` when it has it.
pub fn pair(
    walker: &Walker,
    found: &mut Discovery,
    explicit: &[ExplicitPair],
    prefilter: bool,
    cache: Option<CacheUse>,
) {
    // The root of each directory modules were found from (not of each module: one lookup per
    // walked directory or named file's directory, however many modules are under it).
    let mut roots: HashMap<PathBuf, Option<PathBuf>> = HashMap::new();
    let mut froms: Vec<&PathBuf> = found.modules.values().map(|m| &m.found_from).collect();
    froms.dedup();
    // Root → whether to look below it: outside a repository, a named file's directory is
    // read alone (no walk of, say, a home directory to lint one file).
    let mut by_root: BTreeMap<PathBuf, bool> = BTreeMap::new();
    for from in froms {
        let (root, deep) = match repo_root(from, &mut roots) {
            Some(root) => (root, true),
            None => (from.clone(), false),
        };
        *by_root.entry(root).or_default() |= deep;
    }
    let mut entries: BTreeMap<PathBuf, SourceKind> = BTreeMap::new();
    let mut walked_sources: Vec<(PathBuf, SourceKind)> = Vec::new();
    for InitSourceEntry { path, kind } in &found.init_sources {
        if let Some(c) = canonical_file_key(path) {
            walked_sources.push((c, *kind));
        }
    }
    // Every source walked or named is read, whether or not a module was found with it.
    let linted: HashSet<PathBuf> = walked_sources.iter().map(|(p, _)| p.clone()).collect();
    entries.extend(walked_sources.iter().cloned());
    for (root, &deep) in &by_root {
        if found.walked.iter().any(|w| root.starts_with(w)) {
            entries.extend(
                walked_sources
                    .iter()
                    .filter(|(p, _)| p.starts_with(root))
                    .cloned(),
            );
        } else {
            entries.extend(scan(walker, root, deep, cache));
        }
    }
    let linted = |p: &Path| linted.contains(p);
    let mut out = read_pairings(
        walker, entries, &by_root, &mut roots, explicit, prefilter, linted,
    );
    if out.pairings.is_empty() {
        return;
    }
    // A named partial whose module was not named: bring the module in.
    let claimed = out.claimed();
    let named: HashSet<PathBuf> = found
        .modules
        .values()
        .flat_map(|m| m.files.keys().cloned())
        .collect();
    for (file, modules) in &claimed {
        if !named.contains(file) {
            continue;
        }
        for module in modules {
            if !found.modules.contains_key(module) {
                walker.add_siblings(found, module);
            }
        }
    }
    // A partial file passed to other modules is theirs, not its own directory's.
    for (key, module) in found.modules.iter_mut() {
        module
            .files
            .retain(|file, _| claimed.get(file).is_none_or(|m| m.contains(key)));
    }
    found.modules.retain(|_, m| !m.files.is_empty());
    loosen(&mut out, |m| found.modules.contains_key(m));
    let out = Arc::new(out);
    for (key, module) in found.modules.iter_mut() {
        if out.for_module(key).next().is_some() {
            module.init = Some((key.clone(), Arc::clone(&out)));
        }
    }
    found.loose = loose_units(walker, &out);
    found.init = out;
}

/// The pairings of the init commands that can pair modules under `dirs` (directories to walk,
/// canonical), found before those are walked, so that each module is linted with its pairings
/// as the walk finds it: the init sources under each directory's repository root (or under
/// the directory, outside any repository), as [`pair`] finds them for the modules of a walk.
pub fn pair_walked(
    walker: &Walker,
    dirs: &[PathBuf],
    explicit: &[ExplicitPair],
    prefilter: bool,
) -> Pairings {
    let mut roots: HashMap<PathBuf, Option<PathBuf>> = HashMap::new();
    let mut by_root: BTreeMap<PathBuf, bool> = BTreeMap::new();
    for dir in dirs {
        let root = repo_root(dir, &mut roots).unwrap_or_else(|| dir.clone());
        by_root.insert(root, true);
    }
    let mut entries: BTreeMap<PathBuf, SourceKind> = BTreeMap::new();
    for root in by_root.keys() {
        entries.extend(scan(walker, root, true, None));
    }
    // The sources the walk of `dirs` passes: linted, as when modules are collected.
    let linted = |p: &Path| dirs.iter().any(|d| p.starts_with(d));
    read_pairings(
        walker, entries, &by_root, &mut roots, explicit, prefilter, linted,
    )
}

/// The units of the commands of linted sources that pair no module of the run (see
/// [`loosen`]): one per source file, keyed by its path, with no Terraform file.
pub fn loose_units(walker: &Walker, out: &Arc<Pairings>) -> BTreeMap<PathBuf, ModuleFiles> {
    let mut loose = BTreeMap::new();
    for source in out.sources.iter().filter(|s| s.linted) {
        if out.for_module(&source.path).next().is_none() {
            continue;
        }
        let dir = source.path.parent().unwrap_or(Path::new("."));
        loose.insert(
            source.path.clone(),
            ModuleFiles {
                dir: PathBuf::from(display_path(walker.cwd, dir)),
                files: BTreeMap::new(),
                init: Some((source.path.clone(), Arc::clone(out))),
                found_from: dir.to_path_buf(),
            },
        );
    }
    loose
}

/// Reads the init sources `entries` and the `tfblint.toml` pairings into [`Pairings`]. A
/// source is resolved from its repository root, or from the root of `by_root` it is under.
fn read_pairings(
    walker: &Walker,
    entries: BTreeMap<PathBuf, SourceKind>,
    by_root: &BTreeMap<PathBuf, bool>,
    roots: &mut HashMap<PathBuf, Option<PathBuf>>,
    explicit: &[ExplicitPair],
    prefilter: bool,
    linted: impl Fn(&Path) -> bool,
) -> Pairings {
    let mut out = Pairings::default();
    for (path, kind) in entries {
        let root = path
            .parent()
            .and_then(|d| repo_root(d, roots))
            .or_else(|| by_root.keys().find(|r| path.starts_with(r)).cloned())
            .or_else(|| path.parent().map(Path::to_path_buf));
        let Some(root) = root else { continue };
        let source = SourceFile {
            path: &path,
            kind,
            linted: linted(&path),
        };
        read_source(source, &root, walker.cwd, prefilter, &mut out);
    }
    for pair in explicit {
        explicit_pairings(pair, walker.cwd, roots, &mut out);
    }
    for p in &mut out.pairings {
        for item in &mut p.items {
            if let Item::File { path, display, .. } = item {
                *display = display_path(walker.cwd, path);
            }
        }
    }
    out
}

/// The commands of linted sources that pair no module of the run (`in_run` tells the
/// modules of the run): keyed by their source file, with only their `KEY=VALUE` settings
/// (what is checked without a module).
pub fn loosen(out: &mut Pairings, in_run: impl Fn(&Path) -> bool) {
    for p in &mut out.pairings {
        let Some(source) = p.source.map(|i| &out.sources[i]) else {
            continue;
        };
        if !source.linted || in_run(&p.module) || p.module == source.path {
            continue;
        }
        p.module = source.path.clone();
        p.items.retain(|i| matches!(i, Item::Setting { .. }));
    }
    out.reindex();
}

/// An init source to read.
struct SourceFile<'a> {
    path: &'a Path,
    kind: SourceKind,
    /// See [`Source::linted`].
    linted: bool,
}

/// Reads one init source (only when its bytes hold `init` and `backend-config`) and records
/// the pairings of its commands. A file that cannot be read, is not UTF-8 or does not parse
/// pairs nothing and reports nothing.
fn read_source(source: SourceFile, root: &Path, cwd: &Path, prefilter: bool, out: &mut Pairings) {
    let SourceFile { path, kind, linted } = source;
    let Ok(bytes) = read_limited(path) else {
        return;
    };
    if prefilter && !super::might_contain_init(&bytes) {
        return;
    }
    let Ok(text) = String::from_utf8(bytes) else {
        return;
    };
    let dir = path.parent().unwrap_or(root);
    // A workflow runs in the checkout of the repository whose `.github` (`.forgejo`,
    // `.gitea`) holds it, CircleCI in the one whose `.circleci` holds its configuration;
    // GitLab CI, Bitbucket, Azure Pipelines and Atlantis in the repository whose root holds
    // their file (Azure's also from `.azure-pipelines/`); a Jenkinsfile in the workspace, the
    // repository's root.
    let parent = || dir.parent().unwrap_or(root);
    let checkout = match kind {
        SourceKind::GithubWorkflow => dir.parent().and_then(Path::parent).unwrap_or(root),
        SourceKind::CircleCi => parent(),
        SourceKind::AzurePipelines if dir.ends_with(".azure-pipelines") => parent(),
        SourceKind::GitlabCi
        | SourceKind::BitbucketPipelines
        | SourceKind::AzurePipelines
        | SourceKind::Atlantis => dir,
        _ => root,
    };
    let display = display_path(cwd, path);
    // What may be read: the repository (or, outside one, the directory walked).
    let boundary = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let file = (path.to_path_buf(), display, linted);
    add_source(file, kind, text, out, |command, index| {
        resolve(command, dir, checkout, &boundary, index)
    });
}

/// Extracts the commands of one source and records those `pair` pairs. A file that does not
/// parse (invalid YAML) pairs nothing and reports nothing: it is no Terraform configuration,
/// and CI rejects it on its own.
/// `file` is the source's path, display and [`Source::linted`]. A command of a linted source
/// that `pair` leaves unpaired is kept with its settings, under the source's own path.
fn add_source(
    file: (PathBuf, String, bool),
    kind: SourceKind,
    text: String,
    out: &mut Pairings,
    pair: impl Fn(&InitCommand, usize) -> Option<Pairing>,
) {
    let (path, display, linted) = file;
    let Ok(commands) = extract(kind, &text) else {
        return;
    };
    let index = out.sources.len();
    let mut used = false;
    let mut secrets = super::secrets::secret_ranges(&text);
    for command in &commands {
        for arg in &command.backend_configs {
            if let BackendConfigValue::Setting {
                value: SettingValue::Redacted { .. },
                value_span,
                ..
            } = &arg.value
            {
                secrets.push(value_span.clone());
            }
        }
        // A command that passes nothing leaves the block alone: no pairing (and so a file
        // without `backend-config` in it, which the prefilter skips, pairs nothing either).
        if command.backend_configs.is_empty() {
            continue;
        }
        let pairing = pair(command, index).or_else(|| {
            linted.then(|| Pairing {
                module: path.clone(),
                source: Some(index),
                span: command.span.clone(),
                items: command
                    .backend_configs
                    .iter()
                    .map(|arg| item(arg, None))
                    .filter(|i| matches!(i, Item::Setting { .. }))
                    .collect(),
            })
        });
        if let Some(pairing) = pairing {
            out.pairings.push(pairing);
            used = true;
        }
    }
    if used {
        out.sources.push(Source {
            path,
            display,
            text: Arc::from(text),
            secrets: secrets.into(),
            linted,
        });
    }
}

/// Pairs every init command of one file's text with `module`, without the file system: every
/// file argument is unknown. For the fuzz target and editors.
pub fn pair_text(
    module: &Path,
    path: PathBuf,
    display: String,
    kind: SourceKind,
    text: String,
) -> Pairings {
    let mut out = Pairings::default();
    add_source(
        (path, display, false),
        kind,
        text,
        &mut out,
        |command, source| {
            let items = command
                .backend_configs
                .iter()
                .filter(|_| !command.clears_overrides())
                .map(|arg| item(arg, None))
                .collect();
            Some(Pairing {
                module: module.to_path_buf(),
                source: Some(source),
                span: command.span.clone(),
                items,
            })
        },
    );
    out
}

/// The module a command initialises and what it passes, resolved as the command runs; `None`
/// when its directory is unknown or resolves to nothing. `dir` is the directory holding the
/// command's file, `root` the repository root (for CI files: their checkout), `boundary` what
/// may be read (the repository): nothing outside it is opened, or even looked at.
fn resolve(
    command: &InitCommand,
    dir: &Path,
    root: &Path,
    boundary: &Path,
    source: usize,
) -> Option<Pairing> {
    let WorkingDir::Known { base, path } = &command.working_dir else {
        return None;
    };
    let bases: Vec<&Path> = match base {
        DirBase::RepoRoot => vec![root],
        DirBase::FileDir => vec![dir],
        // A script runs wherever it is started: its own directory, or the repository root
        // where the paths exist only from there.
        DirBase::Invocation => vec![dir, root],
    };
    let chdir = match &command.chdir {
        Some(c) if c.dynamic => return None,
        Some(c) => Some(PathBuf::from(&c.path)),
        None => None,
    };
    let mut best: Option<(usize, PathBuf)> = None;
    for base in bases {
        let mut module = join(base, path);
        if let Some(c) = &chdir {
            module = join(&module, c);
        }
        if !module.starts_with(boundary) {
            continue;
        }
        let Ok(module) = std::fs::canonicalize(&module) else {
            continue;
        };
        if !module.starts_with(boundary) || !module.is_dir() {
            continue;
        }
        let existing = command
            .backend_configs
            .iter()
            .filter(|a| {
                matches!(&a.value, BackendConfigValue::File { path, dynamic: false, .. }
                if inside(&module, Path::new(path), boundary).is_some_and(|p| p.is_file()))
            })
            .count();
        if best.as_ref().is_none_or(|(n, _)| existing > *n) {
            best = Some((existing, module));
        }
    }
    let (_, module) = best?;
    let items = if command.clears_overrides() {
        Vec::new()
    } else {
        command
            .backend_configs
            .iter()
            .map(|arg| item(arg, Some((&module, boundary))))
            .collect()
    };
    Some(Pairing {
        module,
        source: Some(source),
        span: command.span.clone(),
        items,
    })
}

/// One argument, its file path resolved from the module (unknown without it) and kept inside
/// the boundary: `(module, boundary)`.
fn item(arg: &BackendConfigArg, module: Option<(&Path, &Path)>) -> Item {
    let span = arg.span.clone();
    match &arg.value {
        BackendConfigValue::File { dynamic: true, .. } => Item::Unknown { arg: span },
        BackendConfigValue::File { path, .. } => {
            let Some((module, boundary)) = module else {
                return Item::Unknown { arg: span };
            };
            let missing = |outside| Item::Missing {
                written: path.clone(),
                arg: span.clone(),
                outside,
            };
            // `~/…` is the home directory, after the shell's expansion: outside.
            let home = path == "~" || path.starts_with("~/");
            let Some(joined) = inside(module, Path::new(path), boundary).filter(|_| !home) else {
                return missing(true);
            };
            match contained(&joined, boundary) {
                Ok(p) if p.is_file() => Item::File {
                    path: p,
                    display: String::new(),
                    arg: span,
                },
                Ok(_) => missing(false),
                Err(outside) => missing(outside),
            }
        }
        BackendConfigValue::Empty { .. } => Item::Missing {
            written: String::new(),
            arg: span,
            outside: false,
        },
        BackendConfigValue::Setting {
            key_dynamic: true, ..
        } => Item::Unknown { arg: span },
        BackendConfigValue::Setting {
            key,
            key_span,
            value,
            value_span,
            ..
        } => Item::Setting {
            key: key.clone(),
            key_span: key_span.clone(),
            value: value.clone(),
            value_span: value_span.clone(),
            arg: span,
        },
    }
}
