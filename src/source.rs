//! One file on disk: its bytes decoded, its lines indexed, its HCL parsed.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use hcl_edit::structure::Body;

use crate::diagnostic::Position;

/// Files larger than this are not parsed; they get a TFB001 finding instead.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// What a file is to Terraform, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileKind {
    /// `*.tf`: configuration.
    Tf,
    /// `*.tofu`: OpenTofu configuration, overriding the `.tf` file of the same stem.
    Tofu,
    /// `*.tfbackend`: a partial backend configuration for `terraform init -backend-config`.
    TfBackend,
}

impl FileKind {
    /// The kind of a file found while walking, or `None` for files tfblint does not read.
    pub fn from_path(path: &Path) -> Option<FileKind> {
        match path.extension()?.to_str()? {
            "tf" => Some(FileKind::Tf),
            "tofu" => Some(FileKind::Tofu),
            "tfbackend" => Some(FileKind::TfBackend),
            _ => None,
        }
    }

    /// The kind of a file named on the command line: linted as given, so an unknown
    /// extension is read as configuration.
    pub fn for_named_file(path: &Path) -> FileKind {
        Self::from_path(path).unwrap_or(FileKind::Tf)
    }

    pub fn is_config(self) -> bool {
        matches!(self, FileKind::Tf | FileKind::Tofu)
    }
}

/// Why a file has no syntax tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseFailure {
    pub message: String,
    /// Usually zero-width: the parser reports a point, not a range.
    pub span: Range<usize>,
}

/// Byte offsets of line starts, for offset → line/column.
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { starts }
    }

    /// 1-based line and 1-based column (in characters) of a byte offset. Offsets past the
    /// end or inside a character are clamped to the nearest character boundary before them.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = floor_char_boundary(text, offset);
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
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

pub fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
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
    /// Whether the file can hold anything a rule reads (see [`crate::scope`]).
    pub in_scope: bool,
    /// The syntax tree, or why there is none. An out-of-scope file has an empty body.
    pub parsed: Result<Body, ParseFailure>,
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
        let in_scope = crate::scope::in_scope(kind, &bytes);
        let (text, parsed) = match decode(bytes) {
            Err((text, failure)) => (text, Err(failure)),
            Ok(text) => {
                let parsed = match (in_scope, mode) {
                    (true, _) => parse(&text),
                    (false, ParseMode::Prefilter) => Ok(Body::new()),
                    (false, ParseMode::Full) => parse(&text).or_else(|_| Ok(Body::new())),
                };
                (text, parsed)
            }
        };
        SourceFile {
            path,
            display,
            kind,
            text: Arc::from(text),
            lines: OnceLock::new(),
            in_scope,
            parsed,
        }
    }

    /// A file that could not be read at all.
    pub fn unreadable(path: PathBuf, display: String, kind: FileKind, message: String) -> Self {
        SourceFile {
            path,
            display,
            kind,
            text: Arc::from(""),
            lines: OnceLock::new(),
            in_scope: true,
            parsed: Err(ParseFailure {
                message,
                span: 0..0,
            }),
        }
    }

    pub fn body(&self) -> Option<&Body> {
        self.parsed.as_ref().ok()
    }

    pub fn lines(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(&self.text))
    }

    pub fn position(&self, offset: usize) -> Position {
        self.lines().position(&self.text, offset)
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

/// Turns bytes into text, or says why they are not a text file tfblint can read.
fn decode(bytes: Vec<u8>) -> Result<String, (String, ParseFailure)> {
    let failure = |message: String, at: usize| ParseFailure {
        message,
        span: at..at,
    };
    if bytes.len() as u64 > MAX_FILE_BYTES {
        let message = format!(
            "file is {} bytes or more, over the {} MiB limit; not parsed",
            bytes.len(),
            MAX_FILE_BYTES / (1024 * 1024)
        );
        return Err((String::new(), failure(message, 0)));
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

/// Parses HCL text, accepting (as Terraform does) a leading byte order mark.
pub fn parse(text: &str) -> Result<Body, ParseFailure> {
    let skip = if text.starts_with(BOM) { BOM.len() } else { 0 };
    if skip > 0 {
        // Spans must stay offsets into `text`: blank the BOM out instead of slicing it off.
        let padded = format!("{}{}", " ".repeat(skip), &text[skip..]);
        return parse_str(&padded);
    }
    parse_str(text)
}

fn parse_str(text: &str) -> Result<Body, ParseFailure> {
    hcl_edit::parser::parse_body(text).map_err(|err| {
        let offset = floor_char_boundary(text, err.location().offset());
        ParseFailure {
            message: err.message().to_string(),
            span: offset..offset,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
