//! The pipeline: discovered files → parsed modules → rules → a sorted, masked report.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::context::{Module, ModuleContext, Settings, Sink};
use crate::diagnostic::{Diagnostic, Report};
use crate::discover::{io_reason, FileEntry, ModuleFiles};
use crate::rules::{self, pipeline};
use crate::source::{ParseMode, SourceFile};
use crate::suppress;

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
        };
        Options {
            config,
            settings,
            cwd,
            parse_mode: ParseMode::Prefilter,
        }
    }
}

/// A file's text supplied by the caller instead of read from disk (stdin mode).
#[derive(Debug, Clone)]
pub struct Override {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

/// The findings of one module, and its files' masked texts for snippets.
#[derive(Debug, Default)]
pub struct ModuleOutcome {
    pub diagnostics: Vec<Diagnostic>,
    pub sources: Vec<(String, Arc<str>)>,
    pub files: usize,
}

/// Reads every file of a module. A file that cannot be read becomes a parse failure on it.
pub fn load_module(files: &ModuleFiles, overrides: &[Override], mode: ParseMode) -> Module {
    let mut sources: Vec<SourceFile> = files
        .files
        .iter()
        .map(|(abs, entry)| read_entry(abs, entry, overrides, mode))
        .collect();
    sources.sort_by(|a, b| a.path.cmp(&b.path));
    Module {
        dir: files.dir.clone(),
        files: sources,
    }
}

fn read_entry(
    abs: &Path,
    entry: &FileEntry,
    overrides: &[Override],
    mode: ParseMode,
) -> SourceFile {
    let (path, display, kind) = (entry.path.clone(), entry.display.clone(), entry.kind);
    if let Some(o) = overrides.iter().find(|o| o.path == abs) {
        return SourceFile::from_bytes_with(path, display, kind, o.bytes.clone(), mode);
    }
    match read_limited(&entry.path) {
        Ok(bytes) => SourceFile::from_bytes_with(path, display, kind, bytes, mode),
        Err(err) => {
            let message = format!("cannot read file: {}", io_reason(&err));
            SourceFile::unreadable(path, display, kind, message)
        }
    }
}

/// Reads a regular file, refusing (without reading) anything that is not one, so a FIFO
/// named `x.tf` can never block the run.
fn read_limited(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::with_capacity(meta.len().min(crate::source::MAX_FILE_BYTES) as usize + 1);
    // Read one byte past the limit so an oversized file is recognised without reading it all.
    file.take(crate::source::MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Runs every enabled rule over one module, then applies per-file ignores, suppression
/// comments and severity overrides.
pub fn lint_module(module: &Module, options: &Options) -> ModuleOutcome {
    let config = &options.config;
    let mut sink = Sink::new();
    for file in &module.files {
        if let Err(failure) = &file.parsed {
            sink.report(
                &pipeline::PARSE_ERROR,
                file,
                failure.span.clone(),
                failure.message.clone(),
            )
            .with_label("here");
        }
    }
    let ctx = ModuleContext::new(module, &options.settings);
    for rule in rules::RULES.iter().filter(|r| config.is_enabled(r)) {
        if let Some(check) = rule.check {
            check(&ctx, &mut sink);
        }
    }
    let mut diagnostics: Vec<Diagnostic> = sink
        .into_diagnostics()
        .into_iter()
        .filter(|d| {
            d.code != pipeline::PARSE_ERROR.code || config.is_enabled(&pipeline::PARSE_ERROR)
        })
        .collect();
    let about_comments = apply_suppressions(module, config, &mut diagnostics);
    diagnostics.extend(about_comments);
    diagnostics.retain(|d| {
        let ignored = module
            .files
            .iter()
            .find(|f| f.display == d.file)
            .map(|f| config.ignored_for(&crate::discover::absolute(&options.cwd, &f.path)))
            .unwrap_or_default();
        !ignored.iter().any(|s| s.matches(d.code))
    });
    // Explicit overrides only: a rule may give single findings a severity of their own.
    for d in &mut diagnostics {
        if let Some(&severity) = config.severity.get(d.code) {
            d.severity = severity;
        }
    }

    // Keep the text only of files with findings, with every secret masked.
    // Snippets are shown only for files with findings; most modules have none.
    let secrets = if diagnostics.is_empty() {
        Vec::new()
    } else {
        ctx.secret_ranges()
    };
    let sources = module
        .files
        .iter()
        .filter(|f| diagnostics.iter().any(|d| d.file == f.display))
        .map(|f| {
            let ranges = secrets
                .iter()
                .filter(|(sf, _)| std::ptr::eq(*sf, f))
                .map(|(_, r)| r.clone());
            (f.display.clone(), mask(&f.text, ranges))
        })
        .collect();
    ModuleOutcome {
        diagnostics,
        sources,
        files: module.files.len(),
    }
}

/// Replaces every character in `ranges` with `*`, byte for byte, so that offsets and char
/// boundaries stay valid.
pub fn mask(text: &Arc<str>, ranges: impl Iterator<Item = std::ops::Range<usize>>) -> Arc<str> {
    let mut ranges = ranges.peekable();
    if ranges.peek().is_none() {
        return Arc::clone(text);
    }
    let mut bytes = text.as_bytes().to_vec();
    for range in ranges {
        let end = range.end.min(bytes.len());
        for b in &mut bytes[range.start.min(end)..end] {
            *b = b'*';
        }
    }
    // Masking whole multi-byte characters byte by byte keeps UTF-8 valid only if ranges start
    // and end on boundaries, which spans from the parser do; fall back to lossy otherwise.
    match String::from_utf8(bytes) {
        Ok(s) => Arc::from(s),
        Err(e) => Arc::from(String::from_utf8_lossy(e.as_bytes()).into_owned()),
    }
}

/// Lints every module in parallel and merges the results deterministically.
pub fn run(
    modules: &BTreeMap<PathBuf, ModuleFiles>,
    overrides: &[Override],
    options: &Options,
) -> Report {
    let lint_one = |files: &ModuleFiles| {
        let module = load_module(files, overrides, options.parse_mode);
        lint_module(&module, options)
    };
    // One module (an editor's save, a pre-commit run on one directory): no thread pool to start.
    let outcomes: Vec<ModuleOutcome> = if modules.len() <= 1 {
        modules.values().map(lint_one).collect()
    } else {
        modules
            .par_iter()
            .map(|(_, files)| lint_one(files))
            .collect()
    };
    let files = outcomes.iter().map(|o| o.files).sum();
    let mut diagnostics = Vec::new();
    let mut sources = BTreeMap::new();
    for outcome in outcomes {
        diagnostics.extend(outcome.diagnostics);
        sources.extend(outcome.sources);
    }
    Report::new(diagnostics, sources, files, modules.len())
}

/// Drops the findings that suppression comments silence, and returns the findings about the
/// comments themselves: codes that silenced nothing (TFB901) and unknown codes (TFB902).
fn apply_suppressions(
    module: &Module,
    config: &Config,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    let mut sink = Sink::new();
    for file in &module.files {
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
        for (directive, used) in directives.iter().zip(&used) {
            for (code, &used) in directive.codes.iter().zip(used) {
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
