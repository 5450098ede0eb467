//! The entry point every front end calls: a [`Workspace`] is a configuration resolved for a
//! working directory. It discovers paths, lints them (with in-memory [`Buffer`]s in place of
//! files on disk: stdin, or an editor's unsaved text) and plans fixes.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};

use super::fixer::{self, Plan};
use super::pipeline::{self, Options};
use crate::diagnostic::Report;
use crate::fix::FixOptions;
use crate::input::discover::{absolute, Discovery, Walker};

pub use super::pipeline::Buffer;

/// A configuration resolved for one working directory, ready to lint.
#[derive(Debug, Clone)]
pub struct Workspace {
    options: Options,
    exclude: GlobSet,
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
        Ok(Workspace { options, exclude })
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
        let walker = self.walker();
        let mut discovery = walker.discover(paths).unwrap_or_else(|e| {
            let mut failed = Discovery::default();
            failed.errors.push(e.0);
            failed
        });
        for buffer in buffers {
            walker.add_stdin(&mut discovery, &buffer.path);
        }
        discovery
    }

    /// Lints what [`Workspace::discover`] found, reading `buffers` in place of their files.
    pub fn lint(&self, discovery: &Discovery, buffers: &[Buffer]) -> Report {
        pipeline::run(
            &discovery.modules,
            &self.absolute_buffers(buffers),
            &self.options,
        )
    }

    fn walker(&self) -> Walker<'_> {
        Walker {
            cwd: &self.options.cwd,
            exclude: &self.exclude,
            respect_ignore_files: self.options.config.respect_gitignore,
        }
    }

    /// Discovers and lints in one call: directories are linted while they are walked, so
    /// memory does not grow with the tree (see [`super::stream`]).
    pub fn lint_paths(&self, paths: &[PathBuf], buffers: &[Buffer]) -> Linted {
        let walker = self.walker();
        let buffer_paths: Vec<PathBuf> = buffers.iter().map(|b| b.path.clone()).collect();
        let named = walker.discover_named(paths, &buffer_paths);
        let overrides = self.absolute_buffers(buffers);
        if named.roots.is_empty() {
            let named = named.found;
            let report = pipeline::run(&named.modules, &overrides, &self.options);
            return Linted {
                report,
                found_modules: !named.modules.is_empty(),
                errors: named.errors,
            };
        }
        let (report, errors) = super::stream::run(&walker, named, &overrides, &self.options);
        Linted {
            found_modules: report.summary.modules > 0,
            report,
            errors,
        }
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
