//! The pipeline: discovered files → parsed modules → rules → a sorted, masked report.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::context::{Module, ModuleContext, Settings, Sink};
use crate::diagnostic::{Diagnostic, Report};
use crate::discover::{io_reason, FileEntry, ModuleFiles};
use crate::rules::{self, Rule};
use crate::source::SourceFile;

/// Which rules run, at what severity.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub settings: Settings,
}

impl Options {
    fn enabled_rules(&self) -> impl Iterator<Item = &'static Rule> {
        rules::RULES.iter().copied()
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
pub fn load_module(files: &ModuleFiles, overrides: &[Override]) -> Module {
    let mut sources: Vec<SourceFile> = files
        .files
        .iter()
        .map(|(abs, entry)| read_entry(abs, entry, overrides))
        .collect();
    sources.sort_by(|a, b| a.path.cmp(&b.path));
    Module {
        dir: files.dir.clone(),
        files: sources,
    }
}

fn read_entry(abs: &Path, entry: &FileEntry, overrides: &[Override]) -> SourceFile {
    let (path, display, kind) = (entry.path.clone(), entry.display.clone(), entry.kind);
    if let Some(o) = overrides.iter().find(|o| o.path == abs) {
        return SourceFile::from_bytes(path, display, kind, o.bytes.clone());
    }
    match read_limited(&entry.path) {
        Ok(bytes) => SourceFile::from_bytes(path, display, kind, bytes),
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

/// Runs every enabled rule over one module.
pub fn lint_module(module: &Module, options: &Options) -> ModuleOutcome {
    let mut sink = Sink::new();
    for file in &module.files {
        if let Err(failure) = &file.parsed {
            sink.report(
                rules::parse_error(),
                file,
                failure.span.clone(),
                failure.message.clone(),
            )
            .with_label("here");
        }
    }
    let ctx = ModuleContext::new(module, &options.settings);
    for rule in options.enabled_rules() {
        if let Some(check) = rule.check {
            check(&ctx, &mut sink);
        }
    }
    let diagnostics = sink.into_diagnostics();

    // Keep the text only of files with findings, with every secret masked.
    let secrets = ctx.secret_ranges();
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
    let outcomes: Vec<ModuleOutcome> = modules
        .par_iter()
        .map(|(_, files)| {
            let module = load_module(files, overrides);
            lint_module(&module, options)
        })
        .collect();
    let files = outcomes.iter().map(|o| o.files).sum();
    let mut diagnostics = Vec::new();
    let mut sources = BTreeMap::new();
    for outcome in outcomes {
        diagnostics.extend(outcome.diagnostics);
        sources.extend(outcome.sources);
    }
    Report::new(diagnostics, sources, files, modules.len())
}
