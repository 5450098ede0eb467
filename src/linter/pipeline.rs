//! The pipeline: discovered files → parsed modules → rules → a sorted, masked report.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, Report};
use crate::input::discover::FileEntry;
use crate::input::discover::ModuleFiles;
use crate::input::source::{FileKind, ParseMode, SourceFile};
use crate::linter::buffer::read_entry;
pub use crate::linter::buffer::Buffer;
use crate::linter::config::Config;
use crate::linter::{shared, suppress};
use crate::model::context::{Module, ModuleContext, Settings};
use crate::model::masking::{mask, secret_text_ranges};
use crate::model::state::StateKey;
use crate::model::stores::Stores;
use crate::rules::{self, pipeline, Sink};

/// What a run is asked to do, beyond which files: the configuration with flags laid over.
#[derive(Debug, Clone)]
pub struct Options {
    pub config: Config,
    pub settings: Settings,
    /// Relative file paths are resolved against it (for per-file ignores).
    pub cwd: PathBuf,
    /// Whether files that cannot produce a finding skip the parse.
    pub parse_mode: ParseMode,
}

impl Options {
    pub fn new(config: Config, cwd: PathBuf) -> Self {
        let settings = Settings {
            engine: config.engine,
            spaces_regions: config.spaces_regions.clone(),
            store: config.store_setting(&cwd),
        };
        Options {
            config,
            settings,
            cwd,
            parse_mode: ParseMode::Prefilter,
        }
    }
}

/// Every rule at its default severity, relative to the current directory: what a run with no
/// configuration and no flags does.
impl Default for Options {
    fn default() -> Self {
        let cwd = PathBuf::from(".");
        Options::new(Config::default_in(&cwd), cwd)
    }
}

/// The findings of one module, and its files' masked texts for snippets.
#[derive(Debug, Default)]
pub struct ModuleOutcome {
    pub diagnostics: Vec<Diagnostic>,
    pub sources: Vec<(String, Arc<str>)>,
    pub files: usize,
    /// Its s3 backends configured entirely where tfblint cannot see ([`crate::model::context::S3Config::is_deferred`]).
    pub unseen_backends: usize,
    /// What TFB701 keeps of each s3 configuration, checked across the run at the end.
    pub state: Vec<shared::Collected>,
    /// What its Terragrunt files include: a root file's configurations are its, for TFB701.
    pub includers: Vec<super::includes::Includer>,
}

impl ModuleOutcome {
    /// Nothing to report or count.
    pub fn is_empty(&self) -> bool {
        self.diagnostics.is_empty()
            && self.unseen_backends == 0
            && self.state.is_empty()
            && self.includers.is_empty()
    }
}

/// Reads every file of a module. A file that cannot be read becomes a parse failure on it.
pub fn load_module(files: &ModuleFiles, overrides: &[Buffer], mode: ParseMode) -> Module {
    // An `.hcl` file an init command passes (`-backend-config=backend.hcl`) is a partial
    // configuration, not a Terragrunt file.
    let passed: Vec<&Path> = files
        .init
        .iter()
        .flat_map(|(key, pairings)| passed_files(key, pairings))
        .collect();
    let mut sources: Vec<(&PathBuf, SourceFile)> = files
        .files
        .iter()
        .map(|(abs, entry)| {
            let file = if entry.kind == FileKind::Terragrunt && passed.contains(&abs.as_path()) {
                let entry = FileEntry {
                    kind: FileKind::TfBackend,
                    ..entry.clone()
                };
                read_entry(abs, &entry, overrides, mode)
            } else {
                read_entry(abs, entry, overrides, mode)
            };
            (abs, file)
        })
        .collect();
    sources.sort_by(|a, b| a.1.path.cmp(&b.1.path));
    let init = match files.init {
        None => Default::default(),
        Some(_) => {
            let local = sources
                .iter()
                .enumerate()
                .map(|(i, (abs, _))| ((*abs).clone(), i))
                .collect();
            super::init_load::load(files, &local, overrides, mode)
        }
    };
    Module {
        dir: files.dir.clone(),
        files: sources.into_iter().map(|(_, f)| f).collect(),
        init,
    }
}

/// The files init commands pass to the module `key` (`-backend-config=FILE`): an `.hcl` file
/// among them is a partial configuration, not a Terragrunt file.
pub fn passed_files<'a>(
    key: &'a Path,
    pairings: &'a crate::input::init::pairing::Pairings,
) -> impl Iterator<Item = &'a Path> + 'a {
    pairings
        .for_module(key)
        .flat_map(|p| &p.items)
        .filter_map(|item| match item {
            crate::input::init::pairing::Item::File { path, .. } => Some(path.as_path()),
            _ => None,
        })
}

/// Runs every enabled rule over one module, then applies per-file ignores, suppression
/// comments and severity overrides.
pub fn lint_module(module: &Module, options: &Options) -> ModuleOutcome {
    let config = &options.config;
    let mut sink = Sink::new();
    for file in module.all_files() {
        // A file that did not parse, and the part of a file past what its reader reads.
        let failed = file.parsed.as_ref().err().map(|f| (f, "here"));
        let unread = file.view.as_ref().and_then(|v| v.unread.as_ref());
        for (failure, label) in failed
            .into_iter()
            .chain(unread.map(|u| (u, "not read from here")))
        {
            sink.report(
                &pipeline::PARSE_ERROR,
                file,
                failure.span.clone(),
                failure.message.clone(),
            )
            .with_label(label);
        }
    }
    let ctx = ModuleContext::new(module, &options.settings);
    // Each rule sees only the configurations on the stores it declares; one view per set.
    let mut views: Vec<(Stores, Option<ModuleContext>)> = Vec::new();
    for rule in rules::RULES.iter().filter(|r| config.is_enabled(r)) {
        let Some(check) = rule.check else { continue };
        let index = match views.iter().position(|(s, _)| *s == rule.stores) {
            Some(i) => i,
            None => {
                views.push((rule.stores, ctx.for_stores(rule.stores)));
                views.len() - 1
            }
        };
        check(views[index].1.as_ref().unwrap_or(&ctx), &mut sink);
    }
    let mut diagnostics: Vec<Diagnostic> = sink
        .into_diagnostics()
        .into_iter()
        .filter(|d| {
            d.code != pipeline::PARSE_ERROR.code || config.is_enabled(&pipeline::PARSE_ERROR)
        })
        .collect();
    // TFB701 is checked across the run: stand-ins on each `key` learn which ones suppression
    // comments and per-file ignores silence here.
    let state_keys = shared::keys(&ctx, config);
    diagnostics.extend(shared::placeholders(&state_keys));
    let about_comments = apply_suppressions(module, config, &mut diagnostics);
    diagnostics.extend(about_comments);
    diagnostics.retain(|d| {
        let ignored = module
            .all_files()
            .find(|f| f.display == d.file)
            .map(|f| config.ignored_for(&crate::input::discover::absolute(&options.cwd, &f.path)))
            .unwrap_or_default();
        !ignored.iter().any(|s| s.matches(d.code))
    });
    // Snippets are shown only for files with findings; most modules have none.
    let secrets = if diagnostics.is_empty() {
        Vec::new()
    } else {
        ctx.secret_ranges()
    };
    let state = shared::collect(state_keys, &mut diagnostics, module, &secrets);
    // Files brought in by init commands are read, never fixed; nor is JSON.
    for d in &mut diagnostics {
        if d.fix.is_some()
            && !module
                .files
                .iter()
                .any(|f| f.display == d.file && f.kind.is_fixable())
        {
            d.fix = None;
        }
    }
    // Explicit overrides only: a rule may give single findings a severity of their own.
    for d in &mut diagnostics {
        if let Some(&severity) = config.severity.get(d.code) {
            d.severity = severity;
        }
    }

    // Keep the text only of files with findings, with every secret masked.
    let sources = module
        .all_files()
        .filter(|f| diagnostics.iter().any(|d| d.file == f.display))
        .map(|f| {
            let ranges = secrets
                .iter()
                .filter(|(sf, _)| std::ptr::eq(*sf, f))
                .map(|(_, r)| r.clone())
                .chain(secret_text_ranges(&f.text));
            (f.display.clone(), mask(&f.text, ranges))
        })
        .collect();
    ModuleOutcome {
        diagnostics,
        sources,
        unseen_backends: ctx.s3_configs.iter().filter(|c| c.is_deferred()).count(),
        state,
        includers: match config.is_enabled(&rules::across::SHARED_STATE) {
            true => super::includes::includers(module),
            false => Vec::new(),
        },
        files: module.files.len()
            + module
                .init
                .files
                .iter()
                .filter(|f| f.kind == crate::input::source::FileKind::TfBackend)
                .count(),
    }
}

/// Stack size of the threads that parse, check and drop modules. hcl-edit rejects input
/// nested deeper than 64 levels, but 63 nested `for` expressions still need about 2 MiB of
/// stack in a debug build (0.6 MiB optimised): rayon's default of 2 MiB is not enough.
pub const WORKER_STACK_BYTES: usize = 16 * 1024 * 1024;

/// Lints every module in parallel and merges the results deterministically. The work runs on
/// threads with [`WORKER_STACK_BYTES`] of stack, whatever thread calls this.
pub fn run(
    modules: &BTreeMap<PathBuf, ModuleFiles>,
    overrides: &[Buffer],
    options: &Options,
) -> Report {
    run_with(modules, overrides, options, &[])
}

/// [`run`], with `partners`: configurations outside `modules` (other modules on disk) that
/// TFB701 names but never reports on.
pub fn run_with(
    modules: &BTreeMap<PathBuf, ModuleFiles>,
    overrides: &[Buffer],
    options: &Options,
    partners: &[StateKey],
) -> Report {
    let units: Vec<&ModuleFiles> = modules.values().collect();
    run_units(&units, modules.len(), overrides, options, partners)
}

/// [`run_with`] over `units`: modules, then the units of init commands that pair no module
/// ([`crate::input::discover::Discovery::loose`]), which count as no module (`modules` is the
/// number of modules among them).
pub fn run_units(
    units: &[&ModuleFiles],
    modules: usize,
    overrides: &[Buffer],
    options: &Options,
    partners: &[StateKey],
) -> Report {
    let outcomes = lint_units(units, overrides, options);
    let files = outcomes.iter().map(|o| o.files).sum();
    report(outcomes, files, modules, partners, options)
}

/// Each module's outcome, linted in parallel.
pub fn lint_all(
    modules: &BTreeMap<PathBuf, ModuleFiles>,
    overrides: &[Buffer],
    options: &Options,
) -> Vec<ModuleOutcome> {
    let units: Vec<&ModuleFiles> = modules.values().collect();
    lint_units(&units, overrides, options)
}

/// Each unit's outcome, linted in parallel.
fn lint_units(
    units: &[&ModuleFiles],
    overrides: &[Buffer],
    options: &Options,
) -> Vec<ModuleOutcome> {
    let lint_one = |files: &ModuleFiles| {
        let module = load_module(files, overrides, options.parse_mode);
        lint_module(&module, options)
    };
    // Parsing and dropping deeply nested input needs more stack than a default thread has:
    // every module is linted on a thread with WORKER_STACK_BYTES of stack. One module (an
    // editor's save, a pre-commit run on one directory) gets one scoped thread, not a pool.
    let outcomes: Vec<ModuleOutcome> = if units.len() <= 1 {
        std::thread::scope(|scope| {
            std::thread::Builder::new()
                .stack_size(WORKER_STACK_BYTES)
                .spawn_scoped(scope, || units.iter().map(|f| lint_one(f)).collect())
                .map(|handle| {
                    handle
                        .join()
                        .unwrap_or_else(|e| std::panic::resume_unwind(e))
                })
                .unwrap_or_else(|_| units.iter().map(|f| lint_one(f)).collect())
        })
    } else {
        let pool = rayon::ThreadPoolBuilder::new()
            .stack_size(WORKER_STACK_BYTES)
            .thread_name(|i| format!("tfblint-{i}"))
            .build();
        match pool {
            Ok(pool) => pool.install(|| units.par_iter().map(|f| lint_one(f)).collect()),
            // No threads to be had: lint on this one.
            Err(_) => units.iter().map(|f| lint_one(f)).collect(),
        }
    };
    outcomes
}

/// Merges modules' outcomes into one sorted report, with TFB701 checked across all of them
/// (and `partners`, named but never reported on).
pub fn report(
    outcomes: impl IntoIterator<Item = ModuleOutcome>,
    files: usize,
    modules: usize,
    partners: &[StateKey],
    options: &Options,
) -> Report {
    let mut unseen = 0;
    let mut diagnostics = Vec::new();
    let mut sources = BTreeMap::new();
    let mut state = Vec::new();
    let mut includers = Vec::new();
    for outcome in outcomes {
        unseen += outcome.unseen_backends;
        diagnostics.extend(outcome.diagnostics);
        sources.extend(outcome.sources);
        state.extend(outcome.state);
        includers.extend(outcome.includers);
    }
    shared::finish(
        &state,
        &includers,
        partners,
        &options.config,
        &mut diagnostics,
        &mut sources,
    );
    let mut report = Report::new(diagnostics, sources, files, modules);
    report.summary.unseen_backends = unseen;
    report
}

/// Drops the findings that suppression comments silence, and returns the findings about the
/// comments themselves: codes that silenced nothing (TFB901) and unknown codes (TFB902).
fn apply_suppressions(
    module: &Module,
    config: &Config,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    let mut sink = Sink::new();
    for file in module.all_files() {
        let directives = suppress::directives(file);
        if directives.is_empty() {
            continue;
        }
        let mut used = vec![vec![false; 0]; directives.len()];
        for (d, u) in directives.iter().zip(used.iter_mut()) {
            *u = vec![false; d.codes.len()];
        }
        diagnostics.retain(|diag| {
            if diag.file != file.display {
                return true;
            }
            let mut keep = true;
            for (directive, used) in directives.iter().zip(used.iter_mut()) {
                if !directive.covers_line(diag.start.line) {
                    continue;
                }
                for (code, used) in directive.codes.iter().zip(used.iter_mut()) {
                    if code.selector.as_ref().is_some_and(|s| s.matches(diag.code)) {
                        *used = true;
                        keep = false;
                    }
                }
            }
            keep
        });
        // A file brought in by init commands (a workflow, a shared partial) is linted with each
        // module it configures: a suppression there may serve another module.
        let shared = !module.files.iter().any(|f| std::ptr::eq(f, file));
        for (directive, used) in directives.iter().zip(&used) {
            for (code, &used) in directive.codes.iter().zip(used) {
                let used = used || (shared && code.selector.is_some());
                match &code.selector {
                    None => {
                        sink.report(
                            &pipeline::UNKNOWN_CODE,
                            file,
                            code.span.clone(),
                            format!("`{}` is not a tfblint rule code", code.text),
                        )
                        .with_label("unknown code")
                        .with_help("name rule codes such as `TFB301`; `tfblint rules` lists them");
                    }
                    Some(_) if used => {}
                    Some(selector) => {
                        // A code whose rule is switched off by configuration is not "unused".
                        let enabled = rules::RULES
                            .iter()
                            .any(|r| selector.matches(r.code) && config.is_enabled(r));
                        if !enabled {
                            continue;
                        }
                        let (message, help) = if directive.misplaced {
                            (
                                format!("`tfblint-ignore-file: {}` applies nowhere: it must stand on its own line in the file's leading comment block", code.text),
                                "move it to the comments at the top of the file",
                            )
                        } else {
                            (
                                format!("`{}` is suppressed here but reports nothing", code.text),
                                "remove the code from the comment (or the whole comment)",
                            )
                        };
                        sink.report(
                            &pipeline::UNUSED_SUPPRESSION,
                            file,
                            code.span.clone(),
                            message,
                        )
                        .with_label("suppresses nothing")
                        .with_help(help);
                    }
                }
            }
        }
    }
    sink.into_diagnostics()
        .into_iter()
        .filter(|d| rules::by_code(d.code).is_some_and(|r| config.is_enabled(r)))
        .collect()
}
