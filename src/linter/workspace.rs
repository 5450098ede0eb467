//! The entry point every front end calls: a [`Workspace`] is a configuration resolved for a
//! working directory. It discovers paths, lints them (with in-memory [`Buffer`]s in place of
//! files on disk: stdin, or an editor's unsaved text) and plans fixes.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::{Glob, GlobSet, GlobSetBuilder};

use super::fixer::{self, Plan};
use super::pipeline::{self, Options};
use crate::diagnostic::Report;
use crate::fix::FixOptions;
use crate::input::discover::{absolute, Discovery, Walker};
use crate::input::init::pairing::{CacheUse, InitSourceCache};
use crate::model::state::StateKey;

pub use super::pipeline::Buffer;

/// A configuration resolved for one working directory, ready to lint.
#[derive(Debug, Clone)]
pub struct Workspace {
    options: Options,
    exclude: GlobSet,
    /// Where the init sources are, shared by the clones of this workspace (the language
    /// server lints with clones): a repository is walked for them once.
    init_sources: Arc<InitSourceCache>,
}

/// What a lint of paths found: the report, and the paths that could not be linted at all
/// (nonexistent, unreadable: exit code 2 on the command line).
#[derive(Debug)]
pub struct Linted {
    pub report: Report,
    pub errors: Vec<String>,
    /// Whether anything at all was found to lint.
    pub found_modules: bool,
}

impl Workspace {
    /// Fails when an `exclude` glob of the configuration is invalid.
    pub fn new(options: Options) -> Result<Self, String> {
        let exclude = build_globs(&options.config.exclude)?;
        Ok(Workspace {
            options,
            exclude,
            init_sources: Arc::default(),
        })
    }

    pub fn options(&self) -> &Options {
        &self.options
    }

    pub fn cwd(&self) -> &Path {
        &self.options.cwd
    }

    /// Finds the modules of `paths` (directories walked, files with their directory as
    /// context) and of every buffer, which need not exist on disk. A path that cannot be linted
    /// is recorded in [`Discovery::errors`]; the others are still found.
    pub fn discover(&self, paths: &[PathBuf], buffers: &[Buffer]) -> Discovery {
        self.discover_with(paths, buffers, false)
    }

    /// [`Workspace::discover`] without listing a repository for init sources: where the
    /// workspace does not know them yet, nothing pairs (the language server lints with what it
    /// knows, lists the repository off its main loop with [`Workspace::list_init_sources`],
    /// then lints again). Returns whether every repository needed was known.
    pub fn discover_known(&self, paths: &[PathBuf], buffers: &[Buffer]) -> (Discovery, bool) {
        let discovery = self.discover_with(paths, buffers, true);
        (discovery, !self.init_sources.has_missed())
    }

    /// Lists for init sources the repository of `dir` and those [`Workspace::discover_known`]
    /// did not know, once each (the workspace and its clones keep where they are).
    pub fn list_init_sources(&self, dir: &Path) {
        self.init_sources.fill(&self.walker(), &self.absolute(dir));
    }

    fn discover_with(&self, paths: &[PathBuf], buffers: &[Buffer], defer: bool) -> Discovery {
        let walker = self.walker();
        let mut discovery = walker.discover(paths).unwrap_or_else(|e| {
            let mut failed = Discovery::default();
            failed.errors.push(e.0);
            failed
        });
        for buffer in buffers {
            walker.add_stdin(&mut discovery, &buffer.path);
        }
        self.pair(&walker, &mut discovery, defer);
        discovery
    }

    /// A file changed on disk, appeared or went away: if it is an init source, where init
    /// sources are is looked for again ([`Workspace::discover`] reads their texts each time).
    pub fn file_changed(&self, path: &Path) {
        self.init_sources.forget(&self.absolute(path));
    }

    /// Lints what [`Workspace::discover`] found, reading `buffers` in place of their files.
    pub fn lint(&self, discovery: &Discovery, buffers: &[Buffer]) -> Report {
        self.lint_with_partners(discovery, buffers, &[])
    }

    /// [`Workspace::lint`], with `partners`: configurations of other modules (read from disk by
    /// [`Workspace::state_keys`]) that TFB701 names when they write the same state as a linted
    /// one, without reporting on them. The init commands that pair no module are linted too.
    pub fn lint_with_partners(
        &self,
        discovery: &Discovery,
        buffers: &[Buffer],
        partners: &[StateKey],
    ) -> Report {
        let units: Vec<_> = discovery
            .modules
            .values()
            .chain(discovery.loose.values())
            .collect();
        pipeline::run_units(
            &units,
            discovery.modules.len(),
            &self.absolute_buffers(buffers),
            &self.options,
            partners,
        )
    }

    /// Where every s3 configuration under `paths` writes its state, read from disk.
    pub fn state_keys(&self, paths: &[PathBuf]) -> Vec<StateKey> {
        let discovery = self.discover(paths, &[]);
        super::inventory::state_keys(&discovery.modules, &[], &self.options)
    }

    /// Where the s3 configurations of the module in `dir` (its files directly in it) write their
    /// state, read from disk, with the init sources the workspace knows; and the modules they
    /// are of (`dir`'s, and any module a partial file in `dir` is passed to).
    pub fn module_state_keys(&self, dir: &Path) -> (Vec<StateKey>, Vec<PathBuf>) {
        let dir = self.absolute(dir);
        let walker = self.walker();
        let mut discovery = Discovery::default();
        walker.add_siblings(&mut discovery, &dir);
        self.pair(&walker, &mut discovery, true);
        let mut modules: Vec<PathBuf> = discovery.modules.values().map(|m| m.dir.clone()).collect();
        modules.push(dir);
        let keys = super::inventory::state_keys(&discovery.modules, &[], &self.options);
        (keys, modules)
    }

    /// Pairs what `discovery` found with the init commands and `[backend-config]` pairings,
    /// where the init sources are taken from the workspace's cache (see [`CacheUse::defer`]).
    fn pair(&self, walker: &Walker, discovery: &mut Discovery, defer: bool) {
        crate::input::init::pairing::pair(
            walker,
            discovery,
            &self.options.config.backend_config,
            self.options.parse_mode == crate::input::source::ParseMode::Prefilter,
            Some(CacheUse {
                cache: &self.init_sources,
                defer,
            }),
        );
    }

    fn walker(&self) -> Walker<'_> {
        Walker {
            cwd: &self.options.cwd,
            exclude: &self.exclude,
            respect_ignore_files: self.options.config.respect_gitignore,
        }
    }

    /// Discovers and lints in one call. Directories are linted while they are walked, so memory
    /// does not grow with the tree (see [`super::stream`]): what init commands pass to modules
    /// is found first (init sources are few, and named by path), and each module is linted
    /// with it as the walk finds the module. Named files and buffers are collected first and
    /// paired with what init commands pass them ([`Workspace::discover`]).
    ///
    /// Each directory named is also checked for Terraform's own outputs that git would commit
    /// there (TFB404, [`super::artifacts`]).
    pub fn lint_paths(&self, paths: &[PathBuf], buffers: &[Buffer]) -> Linted {
        let mut linted = self.lint_modules(paths, buffers);
        linted.report.add(self.artifacts(paths));
        linted
    }

    /// The findings of TFB404 in the directories of `paths`: Terraform's own outputs that
    /// git would commit there ([`super::artifacts`]).
    pub fn artifacts(&self, paths: &[PathBuf]) -> Vec<crate::diagnostic::Diagnostic> {
        let dirs: Vec<PathBuf> = paths
            .iter()
            .filter(|p| !self.walker().is_excluded_by_name(p))
            .cloned()
            .collect();
        super::artifacts::lint(&dirs, &self.exclude, &self.options)
    }

    fn lint_modules(&self, paths: &[PathBuf], buffers: &[Buffer]) -> Linted {
        if !buffers.is_empty() || !self.all_directories(paths) {
            return self.lint_collected(paths, buffers);
        }
        let walker = self.walker();
        let (roots, mut errors) = walker.walk_roots(paths);
        let dirs: Vec<PathBuf> = roots
            .iter()
            .filter_map(|(_, root)| std::fs::canonicalize(self.absolute(root)).ok())
            .collect();
        let pairings = Arc::new(crate::input::init::pairing::pair_walked(
            &walker,
            &dirs,
            &self.options.config.backend_config,
            self.options.parse_mode == crate::input::source::ParseMode::Prefilter,
        ));
        let (report, walk_errors) = super::stream::run(&walker, &roots, &self.options, &pairings);
        errors.extend(walk_errors);
        Linted {
            found_modules: report.summary.modules > 0,
            report,
            errors,
        }
    }

    /// Whether every path is a directory (or does not exist: an error either way).
    fn all_directories(&self, paths: &[PathBuf]) -> bool {
        paths
            .iter()
            .all(|path| std::fs::metadata(self.absolute(path)).map_or(true, |meta| meta.is_dir()))
    }

    fn lint_collected(&self, paths: &[PathBuf], buffers: &[Buffer]) -> Linted {
        let discovery = self.discover(paths, buffers);
        let report = self.lint(&discovery, buffers);
        Linted {
            report,
            found_modules: !discovery.modules.is_empty(),
            errors: discovery.errors,
        }
    }

    /// One row per s3 configuration of what was found: where its state lives
    /// (`tfblint backends`).
    pub fn backends(&self, discovery: &Discovery, buffers: &[Buffer]) -> Vec<super::BackendRow> {
        super::inventory::rows(
            &discovery.modules,
            &self.absolute_buffers(buffers),
            &self.options,
        )
    }

    /// Plans every fix of what was found (nothing is written).
    pub fn plan_fixes(&self, discovery: &Discovery, buffers: &[Buffer], fix: FixOptions) -> Plan {
        fixer::plan(
            &discovery.modules,
            &self.absolute_buffers(buffers),
            &self.options,
            fix,
        )
    }

    /// The absolute path of a path as named (relative to the working directory, or absolute).
    pub fn absolute(&self, path: &Path) -> PathBuf {
        absolute(&self.options.cwd, path)
    }

    fn absolute_buffers(&self, buffers: &[Buffer]) -> Vec<Buffer> {
        buffers
            .iter()
            .map(|b| Buffer {
                path: self.absolute(&b.path),
                bytes: b.bytes.clone(),
            })
            .collect()
    }
}

fn build_globs(patterns: &[String]) -> Result<GlobSet, String> {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        let glob = Glob::new(pattern)
            .map_err(|e| format!("invalid --exclude glob `{pattern}`: {}", e.kind()))?;
        builder.add(glob);
    }
    builder.build().map_err(|e| e.to_string())
}
