//! One file on disk: its bytes decoded, its lines indexed, its HCL parsed.

use std::ops::Range;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use hcl_edit::structure::Body;

use crate::diagnostic::Position;
pub use crate::input::kind::FileKind;
use crate::input::view::View;

pub use super::parse::{
    floor_char_boundary, parse, parse_recovering, parses, ParseFailure, Redefinition,
    MAX_RECOVERY_PARSES,
};

/// Files larger than this are not parsed; they get a TFB001 finding instead.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Byte offsets of line starts, for offset → line/column: built once per file (one pass),
/// then every position is a binary search. Everything that turns offsets into lines uses it
/// (diagnostics, snippets, the fix engine's layout), never a count from the start of the text.
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// Lines that start with a tab, and with a space: the file's indentation unit.
    tab_lines: usize,
    space_lines: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        BUILDS.with(|c| c.set(c.get() + 1));
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1));
        let first = |s: &usize| bytes.get(*s).copied();
        let tab_lines = starts.iter().filter(|s| first(s) == Some(b'\t')).count();
        let space_lines = starts.iter().filter(|s| first(s) == Some(b' ')).count();
        LineIndex {
            starts,
            tab_lines,
            space_lines,
        }
    }

    /// How many indexes were built on this thread (for tests that bound the work).
    #[doc(hidden)]
    pub fn builds() -> usize {
        BUILDS.with(|c| c.get())
    }

    /// The 0-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset) - 1
    }

    /// The byte offset where the line holding `offset` starts.
    pub fn line_start(&self, offset: usize) -> usize {
        self.starts[self.line_of(offset)]
    }

    /// Whether more lines are indented with a tab than with a space.
    pub fn indents_with_tabs(&self) -> bool {
        self.tab_lines > self.space_lines
    }

    /// 1-based line and 1-based column (in characters) of a byte offset. Offsets past the
    /// end or inside a character are clamped to the nearest character boundary before them.
    /// A byte order mark at the start of the file is not a column: editors do not show it.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = floor_char_boundary(text, offset);
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let mut start = self.starts[line];
        if start == 0 && text.starts_with(BOM) && offset >= BOM.len() {
            start = BOM.len();
        }
        Position {
            line: line + 1,
            column: text[start..offset].chars().count() + 1,
        }
    }

    /// The byte range of a 1-based line, without its line terminator.
    pub fn line_range(&self, text: &str, line: usize) -> Range<usize> {
        let start = self.starts[line - 1];
        let mut end = self.starts.get(line).map_or(text.len(), |&s| s - 1);
        if end > start && text.as_bytes()[end - 1] == b'\r' {
            end -= 1;
        }
        start..end.max(start)
    }
}

thread_local! {
    static BUILDS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// A file read from disk (or stdin) and parsed.
#[derive(Debug)]
pub struct SourceFile {
    /// The path to read and write.
    pub path: PathBuf,
    /// The path as the user would type it.
    pub display: String,
    pub kind: FileKind,
    /// The decoded text. Undecodable bytes are replaced (the file then has a parse failure).
    pub text: Arc<str>,
    /// Built on first use: only files with findings need positions.
    lines: OnceLock<LineIndex>,
    /// Whether the file can hold anything a rule reads (see [`crate::input::scope`]).
    pub in_scope: bool,
    /// The syntax tree, or why there is none. An out-of-scope file has an empty body.
    pub parsed: Result<Body, ParseFailure>,
    /// Attributes set a second time in one body, left out of `parsed` (see [`Redefinition`]).
    pub redefined: Vec<Redefinition>,
    /// What a Terragrunt or JSON file says to Terraform ([`View`]); `None` for other kinds.
    pub view: Option<View>,
}

/// Whether out-of-scope files are parsed anyway.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ParseMode {
    /// Skip the parse of files that cannot produce a finding.
    #[default]
    Prefilter,
    /// Parse every file (to prove the prefilter exact); syntax errors in out-of-scope files
    /// are still not reported.
    Full,
}

impl SourceFile {
    /// Decodes and parses `bytes` as the contents of `path`.
    pub fn from_bytes(path: PathBuf, display: String, kind: FileKind, bytes: Vec<u8>) -> Self {
        Self::from_bytes_with(path, display, kind, bytes, ParseMode::Prefilter)
    }

    pub fn from_bytes_with(
        path: PathBuf,
        display: String,
        kind: FileKind,
        bytes: Vec<u8>,
        mode: ParseMode,
    ) -> Self {
        let in_scope = crate::input::scope::in_scope(kind, &bytes);
        let (text, parsed, redefined) = match decode(bytes) {
            Err((text, failure)) => (text, Err(failure), Vec::new()),
            Ok(text) if kind == FileKind::TfJson => {
                // Out of scope: no `terraform` in it, so nothing to read (nor report).
                let read = match in_scope || mode == ParseMode::Full {
                    true => crate::input::tfjson::read(&text),
                    false => Ok(None),
                };
                let (parsed, view) = match read {
                    Ok(view) => (Ok(Body::new()), view),
                    Err(_) if !in_scope => (Ok(Body::new()), None),
                    Err(failure) => (Err(failure), None),
                };
                return Self::built(path, display, kind, text, in_scope, parsed, view);
            }
            Ok(text) => {
                let costly = (in_scope || mode == ParseMode::Full)
                    .then(|| crate::input::cost::too_costly(text.as_bytes()))
                    .flatten();
                let (parsed, redefined) = match (in_scope, mode) {
                    // Bounded memory: a file that would cost too much to parse is not parsed.
                    (true, _) if costly.is_some() => {
                        let at = costly.unwrap_or(0);
                        let failure = ParseFailure {
                            message: crate::input::cost::too_costly_message(),
                            span: at..at,
                        };
                        (Err(failure), Vec::new())
                    }
                    (false, ParseMode::Full) if costly.is_some() => (Ok(Body::new()), Vec::new()),
                    (true, _) => parse_recovering(&text),
                    (false, ParseMode::Prefilter) => (Ok(Body::new()), Vec::new()),
                    // Out of scope: parsed to prove no rule reads it, but its syntax
                    // problems (errors, redefinitions) are not tfblint's to report.
                    (false, ParseMode::Full) => {
                        let (parsed, _) = parse_recovering(&text);
                        (parsed.or_else(|_| Ok(Body::new())), Vec::new())
                    }
                };
                (text, parsed, redefined)
            }
        };
        // A Terragrunt file read for its `include` alone: its syntax is not tfblint's to
        // report (it writes no backend; Packer and Nomad files are `.hcl` too).
        let (parsed, redefined) = match (&parsed, kind) {
            (Err(_), FileKind::Terragrunt)
                if !crate::input::terragrunt::may_configure(text.as_bytes())
                    && crate::input::terragrunt::may_include(text.as_bytes()) =>
            {
                (Ok(Body::new()), Vec::new())
            }
            _ => (parsed, redefined),
        };
        let view = match (&parsed, kind) {
            (Ok(body), FileKind::Terragrunt) => crate::input::terragrunt::read(&text, body),
            _ => None,
        };
        let mut file = Self::built(path, display, kind, text, in_scope, parsed, view);
        file.redefined = redefined;
        file
    }

    fn built(
        path: PathBuf,
        display: String,
        kind: FileKind,
        text: String,
        in_scope: bool,
        parsed: Result<Body, ParseFailure>,
        view: Option<View>,
    ) -> Self {
        SourceFile {
            path,
            display,
            kind,
            text: Arc::from(text),
            lines: OnceLock::new(),
            in_scope,
            parsed,
            redefined: Vec::new(),
            view,
        }
    }

    /// A file that is not HCL, kept for positions and snippets (an init command's file).
    pub fn unparsed(path: PathBuf, display: String, text: Arc<str>) -> Self {
        SourceFile {
            path,
            display,
            kind: FileKind::InitSource,
            text,
            lines: OnceLock::new(),
            in_scope: true,
            parsed: Ok(Body::new()),
            redefined: Vec::new(),
            view: None,
        }
    }

    /// A file read while walking that nothing can be found in ([`crate::input::scope::worth_linting`]
    /// is `false`): only its name counts, so its text is not kept.
    pub fn skipped(path: PathBuf, display: String, kind: FileKind) -> Self {
        Self::without_text(path, display, kind, false, Ok(Body::new()))
    }

    /// A file that could not be read at all.
    pub fn unreadable(path: PathBuf, display: String, kind: FileKind, message: String) -> Self {
        let failure = ParseFailure {
            message,
            span: 0..0,
        };
        Self::without_text(path, display, kind, true, Err(failure))
    }

    fn without_text(
        path: PathBuf,
        display: String,
        kind: FileKind,
        in_scope: bool,
        parsed: Result<Body, ParseFailure>,
    ) -> Self {
        SourceFile {
            path,
            display,
            kind,
            text: Arc::from(""),
            lines: OnceLock::new(),
            in_scope,
            parsed,
            redefined: Vec::new(),
            view: None,
        }
    }

    pub fn body(&self) -> Option<&Body> {
        self.parsed.as_ref().ok()
    }

    /// What Terraform reads of the file: its [`View`] for a Terragrunt or JSON file, else its
    /// syntax tree. A Terragrunt file that writes no backend gives nothing (its own
    /// `terraform` block is Terragrunt's).
    pub fn config_body(&self) -> Option<&Body> {
        match (&self.view, self.kind) {
            (Some(view), _) => Some(&view.body),
            (None, FileKind::Terragrunt | FileKind::TfJson) => None,
            (None, _) => self.body(),
        }
    }

    pub fn lines(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(&self.text))
    }

    pub fn position(&self, offset: usize) -> Position {
        self.lines().position(&self.text, offset)
    }

    /// Whether the expression part at `span` is evaluated before Terraform reads the
    /// configuration (by Terragrunt, [`View::evaluated_earlier`]).
    pub fn evaluated_earlier(&self, span: &Range<usize>, interpolation: bool) -> bool {
        self.view
            .as_ref()
            .is_some_and(|v| v.evaluated_earlier(span, interpolation))
    }

    /// The file name, for messages.
    pub fn file_name(&self) -> &str {
        self.path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or(&self.display)
    }

    /// `override.tf`, `*_override.tf` (and the `.tofu` forms): merged over the other files.
    pub fn is_override(&self) -> bool {
        let stem = self.path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        self.kind.is_config() && (stem == "override" || stem.ends_with("_override"))
    }

    /// The text between the quotes of a string literal span, for masking and edits.
    pub fn string_contents(&self, span: &Range<usize>) -> Option<Range<usize>> {
        let s = self.text.get(span.clone())?;
        (s.len() >= 2 && s.starts_with('"') && s.ends_with('"'))
            .then(|| span.start + 1..span.end - 1)
    }
}

const BOM: &str = "\u{feff}";

/// The TFB001 message for a file of `len` bytes, over [`MAX_FILE_BYTES`].
pub fn too_large_message(len: u64) -> String {
    format!(
        "file is {len} bytes, over the {} MiB limit; not parsed",
        MAX_FILE_BYTES / (1024 * 1024)
    )
}

/// Turns bytes into text, or says why they are not a text file tfblint can read.
fn decode(bytes: Vec<u8>) -> Result<String, (String, ParseFailure)> {
    let failure = |message: String, at: usize| ParseFailure {
        message,
        span: at..at,
    };
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err((
            String::new(),
            failure(too_large_message(bytes.len() as u64), 0),
        ));
    }
    if let Some(nul) = memchr::memchr(0, &bytes) {
        // A binary file: keep no text, so nothing of it is ever printed.
        let message = format!("file contains a NUL byte at offset {nul}: it is binary, not HCL");
        return Err((String::new(), failure(message, 0)));
    }
    String::from_utf8(bytes).map_err(|err| {
        let at = err.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(err.as_bytes()).into_owned();
        let message = format!("file is not valid UTF-8 (invalid byte at offset {at})");
        (text, failure(message, at))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use hcl_edit::Span;

    #[test]
    fn positions_count_characters_and_lines() {
        let text = "a = 1\r\nbé = \"☃\"\nc";
        let idx = LineIndex::new(text);
        assert_eq!(idx.position(text, 0), Position { line: 1, column: 1 });
        assert_eq!(idx.position(text, 7), Position { line: 2, column: 1 });
        // `=` after "bé " is byte 11 (é is two bytes), column 4.
        assert_eq!(idx.position(text, 11), Position { line: 2, column: 4 });
        // Inside the snowman: clamped to its start.
        assert_eq!(idx.position(text, 15), Position { line: 2, column: 7 });
        assert_eq!(
            idx.position(text, text.len()),
            Position { line: 3, column: 2 }
        );
        assert_eq!(idx.position(text, 999), Position { line: 3, column: 2 });
        assert_eq!(idx.line_range(text, 1), 0..5);
        assert_eq!(&text[idx.line_range(text, 2)], "bé = \"☃\"");
    }

    #[test]
    fn bom_is_accepted_and_spans_stay_in_the_original_text() {
        let text = "\u{feff}a = 1\n";
        let body = parse(text).expect("a BOM is not a syntax error");
        let attr = body.get_attribute("a").unwrap();
        use hcl_edit::Span;
        assert_eq!(&text[attr.span().unwrap()], "a = 1");
        // And it is no column: `a` is at 1:1, `1` at 1:5.
        let idx = LineIndex::new(text);
        assert_eq!(idx.position(text, 3), Position { line: 1, column: 1 });
        assert_eq!(idx.position(text, 7), Position { line: 1, column: 5 });
        assert_eq!(idx.position(text, 0), Position { line: 1, column: 1 });
    }

    #[test]
    fn undecodable_and_binary_files_are_parse_failures() {
        let (_, parsed) = decode(b"a = \"\xff\"".to_vec()).unwrap_err();
        assert_eq!(
            parsed,
            ParseFailure {
                message: "file is not valid UTF-8 (invalid byte at offset 5)".into(),
                span: 5..5
            }
        );
        let (text, parsed) = decode(b"\x7fELF\x00\x01".to_vec()).unwrap_err();
        assert_eq!(text, "");
        assert_eq!(
            parsed.message,
            "file contains a NUL byte at offset 4: it is binary, not HCL"
        );
    }

    #[test]
    fn a_redefined_attribute_is_left_out_and_recorded() {
        let text = "a = 1\nblk {\n  k = 1\n  k = 2\n  j = 0\n  k = 3\n}\na = 4\n";
        let (parsed, redefined) = parse_recovering(text);
        let body = parsed.expect("parses without the repeats");
        let names: Vec<(String, &str)> = redefined
            .iter()
            .map(|r| (r.name.clone(), &text[r.first.clone()]))
            .collect();
        assert_eq!(
            names,
            vec![
                ("k".to_string(), "k"),
                ("k".to_string(), "k"),
                ("a".to_string(), "a")
            ]
        );
        assert_eq!(&text[redefined[0].span.clone()], "k");
        assert_eq!(redefined[0].span.start, text.find("k = 2").unwrap());
        assert_eq!(redefined[0].first.start, text.find("k = 1").unwrap());
        assert_eq!(redefined[2].span.start, text.find("a = 4").unwrap());
        let blk = body.get_blocks("blk").next().unwrap();
        let keys: Vec<&str> = blk.body.attributes().map(|a| a.key.as_str()).collect();
        assert_eq!(keys, ["k", "j"]);
        assert_eq!(body.attributes().count(), 1);
        let k = blk.body.get_attribute("k").unwrap();
        assert_eq!(&text[k.span().unwrap()], "k = 1");
        // Other syntax errors still fail the file.
        assert!(parse_recovering("a = 1\na = 2\nb = \n").0.is_err());
    }
}
