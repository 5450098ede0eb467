//! TFB404 over the directories a lint walks: Terraform's own outputs that git would commit
//! there ([`crate::input::artifact::scan`]), reported with the configuration's rule
//! selection, per-file ignores and severity overrides. Both ways of linting directories (the
//! stream and the collected lint) end here, from [`super::Workspace::lint_paths`].

use std::path::PathBuf;

use globset::GlobSet;

use super::pipeline::Options;
use crate::diagnostic::Diagnostic;
use crate::input::artifact;
use crate::input::discover::{absolute, display_path};
use crate::rules::{pipeline, Sink};

/// The findings of TFB404 under each directory of `dirs` (paths as named; files and missing
/// paths are passed over: they are not walked).
pub fn lint(dirs: &[PathBuf], exclude: &GlobSet, options: &Options) -> Vec<Diagnostic> {
    let config = &options.config;
    if !config.is_enabled(&pipeline::ARTIFACT_IN_REPOSITORY) {
        return Vec::new();
    }
    let mut sink = Sink::new();
    for dir in dirs {
        let dir = absolute(&options.cwd, dir);
        if !dir.is_dir() {
            continue;
        }
        for found in artifact::scan(&dir, exclude) {
            let ignored = config.ignored_for(&found.path);
            if ignored
                .iter()
                .any(|s| s.matches(pipeline::ARTIFACT_IN_REPOSITORY.code))
            {
                continue;
            }
            let display = display_path(&options.cwd, &found.path);
            pipeline::report_artifact(&mut sink, &found, &display);
        }
    }
    let mut diagnostics = sink.into_diagnostics();
    for d in &mut diagnostics {
        if let Some(&severity) = config.severity.get(d.code) {
            d.severity = severity;
        }
    }
    diagnostics
}
