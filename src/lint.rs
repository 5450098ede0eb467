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
use crate::source::{too_large_message, ParseMode, SourceFile, MAX_FILE_BYTES};
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

/// Every rule at its default severity, relative to the current directory: what a run with no
/// configuration and no flags does.
impl Default for Options {
    fn default() -> Self {
        let cwd = PathBuf::from(".");
        Options::new(Config::default_in(&cwd), cwd)
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
    let is_this = |o: &&Override| {
        o.path == abs || crate::discover::canonical_file_key(&o.path).as_deref() == Some(abs)
    };
    if let Some(o) = overrides.iter().find(is_this) {
        return SourceFile::from_bytes_with(path, display, kind, o.bytes.clone(), mode);
    }
    match read_limited(&entry.path) {
        Ok(bytes) => SourceFile::from_bytes_with(path, display, kind, bytes, mode),
        Err(ReadError::TooLarge(len)) => {
            SourceFile::unreadable(path, display, kind, too_large_message(len))
        }
        Err(ReadError::Io(err)) => {
            let message = format!("cannot read file: {}", io_reason(&err));
            SourceFile::unreadable(path, display, kind, message)
        }
    }
}

/// Why [`read_limited`] returned no bytes.
#[derive(Debug)]
pub enum ReadError {
    /// Over [`MAX_FILE_BYTES`]: the file's size (at least), unread.
    TooLarge(u64),
    Io(std::io::Error),
}

impl From<std::io::Error> for ReadError {
    fn from(err: std::io::Error) -> Self {
        ReadError::Io(err)
    }
}

/// Reads a regular file of at most [`MAX_FILE_BYTES`], refusing (without reading) anything
/// that is not a regular file, so a FIFO named `x.tf` can never block the run.
///
/// The file is opened non-blocking and checked through its handle, so a FIFO that replaced
/// the file after it was found cannot block either. Memory stays bounded: an oversized file
/// is refused by its size, and at most `MAX_FILE_BYTES + 1` bytes are ever read.
pub fn read_limited(path: &Path) -> Result<Vec<u8>, ReadError> {
    use std::io::Read;
    let file = open_nonblocking(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(std::io::Error::other("not a regular file").into());
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize + 1);
    // Read one byte past the limit: a file that grew since `metadata` is still caught.
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Opens a file for reading without blocking, even if it is a FIFO.
#[cfg(unix)]
pub(crate) fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
pub(crate) fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
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
                .map(|(_, r)| r.clone())
                .chain(secret_text_ranges(&f.text));
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
/// boundaries stay valid. Line breaks are kept, so line numbers stay valid too.
pub fn mask(text: &Arc<str>, ranges: impl Iterator<Item = std::ops::Range<usize>>) -> Arc<str> {
    let mut ranges = ranges.peekable();
    if ranges.peek().is_none() {
        return Arc::clone(text);
    }
    let mut bytes = text.as_bytes().to_vec();
    for range in ranges {
        let end = range.end.min(bytes.len());
        for b in &mut bytes[range.start.min(end)..end] {
            if !matches!(*b, b'\n' | b'\r') {
                *b = b'*';
            }
        }
    }
    // Masking whole multi-byte characters byte by byte keeps UTF-8 valid only if ranges start
    // and end on boundaries, which spans from the parser do; fall back to lossy otherwise.
    match String::from_utf8(bytes) {
        Ok(s) => Arc::from(s),
        Err(e) => Arc::from(String::from_utf8_lossy(e.as_bytes()).into_owned()),
    }
}

/// The byte ranges of values written as `access_key = "…"`, `secret_key`, `token` or
/// `sse_customer_key` (also as `"token" = …` or `token: …`, as a quoted string or a heredoc)
/// anywhere in `text`, found without parsing: for masking, including in files that do not
/// parse and in blocks the rules do not look at. A quoted value ends at its line's end at the
/// latest; a heredoc's value is one range per line, without the line feeds.
pub fn secret_text_ranges(text: &str) -> Vec<std::ops::Range<usize>> {
    let bytes = text.as_bytes();
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
    let skip_blanks = |mut i: usize| {
        while i < bytes.len() && matches!(bytes[i], b' ' | b'\t') {
            i += 1;
        }
        i
    };
    let mut ranges = Vec::new();
    let names = crate::schema::CREDENTIAL_ARGUMENTS
        .iter()
        .chain(crate::secrets::PROVIDER_SECRET_ARGUMENTS)
        .map(|(name, _)| name);
    for name in names {
        for at in memchr::memmem::find_iter(bytes, name.as_bytes()) {
            let mut i = at + name.len();
            // `"token" = …`, or a bare `token = …` (after anything but an identifier's
            // character, a quote included: `x = "token = "…` still masks).
            let quoted = at > 0 && bytes[at - 1] == b'"' && bytes.get(i) == Some(&b'"');
            let before = if quoted {
                at.checked_sub(2)
            } else {
                at.checked_sub(1)
            };
            if before.is_some_and(|i| is_ident(bytes[i])) {
                continue;
            }
            if quoted {
                i += 1;
            } else if bytes.get(i).is_some_and(|&b| is_ident(b)) {
                continue;
            }
            i = skip_blanks(i);
            match bytes.get(i) {
                Some(b'=') if bytes.get(i + 1) != Some(&b'=') => {}
                Some(b':') => {}
                _ => continue,
            }
            i = skip_blanks(i + 1);
            if bytes.get(i) == Some(&b'"') {
                let start = i + 1;
                let mut end = start;
                while end < bytes.len() && !matches!(bytes[end], b'"' | b'\n' | b'\r') {
                    // An escaped quote is part of the value; an escaped line break is not.
                    let escape = bytes[end] == b'\\'
                        && !matches!(bytes.get(end + 1), None | Some(b'\n' | b'\r'));
                    end += if escape { 2 } else { 1 };
                }
                if end > start {
                    ranges.push(start..end);
                }
            } else if bytes[i..].starts_with(b"<<") {
                ranges.extend(heredoc_lines(text, i + 2));
            }
        }
    }
    ranges
}

/// The content lines of a heredoc whose `<<` ends at `i`: up to its closing delimiter line.
fn heredoc_lines(text: &str, mut i: usize) -> Vec<std::ops::Range<usize>> {
    let bytes = text.as_bytes();
    if bytes.get(i) == Some(&b'-') {
        i += 1;
    }
    let start = i;
    while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
        i += 1;
    }
    let delimiter = &text[start..i];
    let Some(newline) = memchr::memchr(b'\n', &bytes[i..]) else {
        return Vec::new();
    };
    if delimiter.is_empty() || !text[i..i + newline].trim().is_empty() {
        return Vec::new();
    }
    let mut lines = Vec::new();
    let mut line_start = i + newline + 1;
    while line_start < bytes.len() {
        let line_end =
            memchr::memchr(b'\n', &bytes[line_start..]).map_or(bytes.len(), |n| line_start + n);
        if text[line_start..line_end].trim() == delimiter {
            break;
        }
        lines.push(line_start..line_end);
        line_start = line_end + 1;
    }
    lines
}

/// Stack size of the threads that parse, check and drop modules. hcl-edit rejects input
/// nested deeper than 64 levels, but 63 nested `for` expressions still need about 2 MiB of
/// stack in a debug build (0.6 MiB optimised): rayon's default of 2 MiB is not enough.
pub const WORKER_STACK_BYTES: usize = 16 * 1024 * 1024;

/// Lints every module in parallel and merges the results deterministically. The work runs on
/// threads with [`WORKER_STACK_BYTES`] of stack, whatever thread calls this.
pub fn run(
    modules: &BTreeMap<PathBuf, ModuleFiles>,
    overrides: &[Override],
    options: &Options,
) -> Report {
    let lint_one = |files: &ModuleFiles| {
        let module = load_module(files, overrides, options.parse_mode);
        lint_module(&module, options)
    };
    // Parsing and dropping deeply nested input needs more stack than a default thread has:
    // every module is linted on a thread with WORKER_STACK_BYTES of stack. One module (an
    // editor's save, a pre-commit run on one directory) gets one scoped thread, not a pool.
    let outcomes: Vec<ModuleOutcome> = if modules.len() <= 1 {
        std::thread::scope(|scope| {
            std::thread::Builder::new()
                .stack_size(WORKER_STACK_BYTES)
                .spawn_scoped(scope, || modules.values().map(lint_one).collect())
                .map(|handle| {
                    handle
                        .join()
                        .unwrap_or_else(|e| std::panic::resume_unwind(e))
                })
                .unwrap_or_else(|_| modules.values().map(lint_one).collect())
        })
    } else {
        let pool = rayon::ThreadPoolBuilder::new()
            .stack_size(WORKER_STACK_BYTES)
            .thread_name(|i| format!("tfblint-{i}"))
            .build();
        match pool {
            Ok(pool) => pool.install(|| modules.par_iter().map(|(_, f)| lint_one(f)).collect()),
            // No threads to be had: lint on this one.
            Err(_) => modules.values().map(lint_one).collect(),
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn masked(text: &str) -> String {
        mask(&Arc::from(text), secret_text_ranges(text).into_iter()).to_string()
    }

    #[test]
    fn secret_named_values_are_masked_anywhere_in_the_text() {
        assert_eq!(
            masked("provider \"do\" {\n  token = \"dop_v1_abc\"\n}\n"),
            "provider \"do\" {\n  token = \"**********\"\n}\n"
        );
        // Quoted keys, colons, escapes, an unterminated string, a heredoc.
        assert_eq!(
            masked("{ \"secret_key\": \"a\\\"b\" }"),
            "{ \"secret_key\": \"****\" }"
        );
        assert_eq!(
            masked("access_key = \"abc\nx = 1"),
            "access_key = \"***\nx = 1"
        );
        assert_eq!(
            masked("access_key = \"abc\\\nx = \"1\""),
            "access_key = \"****\nx = \"1\""
        );
        // Found by fuzzing: a quote before the name that does not quote it.
        assert_eq!(
            masked("= \"token = \"dop_v1_x\" \"web\""),
            "= \"token = \"********\" \"web\""
        );
        assert_eq!(
            masked("token = <<-EOT\n  abc\r\n  EOT\nx = 1\n"),
            "token = <<-EOT\n*****\r\n  EOT\nx = 1\n"
        );
        // Not a secret: another name, a comparison, a reference.
        for text in [
            "my_token = \"abc\"",
            "tokens = \"abc\"",
            "x = token == \"abc\"",
            "token = var.token",
        ] {
            assert_eq!(masked(text), text);
        }
    }

    #[test]
    fn masking_keeps_line_breaks_and_char_boundaries() {
        let text: Arc<str> = Arc::from("a = <<EOT\né\nEOT\n");
        assert_eq!(
            &*mask(&text, std::iter::once(4..16)),
            "a = *****\n**\n***\n"
        );
    }
}
