//! One file on disk: its bytes decoded, its lines indexed, its HCL parsed.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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
    pub lines: LineIndex,
    /// The syntax tree, or why there is none.
    pub parsed: Result<Body, ParseFailure>,
}

impl SourceFile {
    /// Decodes and parses `bytes` as the contents of `path`.
    pub fn from_bytes(path: PathBuf, display: String, kind: FileKind, bytes: Vec<u8>) -> Self {
        let (text, parsed) = decode_and_parse(bytes);
        let lines = LineIndex::new(&text);
        SourceFile {
            path,
            display,
            kind,
            text: Arc::from(text),
            lines,
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
            lines: LineIndex::new(""),
            parsed: Err(ParseFailure {
                message,
                span: 0..0,
            }),
        }
    }

    pub fn body(&self) -> Option<&Body> {
        self.parsed.as_ref().ok()
    }

    pub fn position(&self, offset: usize) -> Position {
        self.lines.position(&self.text, offset)
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

fn decode_and_parse(bytes: Vec<u8>) -> (String, Result<Body, ParseFailure>) {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return (
            String::new(),
            Err(ParseFailure {
                message: too_large_message(bytes.len() as u64),
                span: 0..0,
            }),
        );
    }
    if let Some(nul) = memchr::memchr(0, &bytes) {
        // A binary file: keep no text, so nothing of it is ever printed.
        let message = format!("file contains a NUL byte at offset {nul}: it is binary, not HCL");
        return (
            String::new(),
            Err(ParseFailure {
                message,
                span: 0..0,
            }),
        );
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            let at = err.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(err.as_bytes()).into_owned();
            let message = format!("file is not valid UTF-8 (invalid byte at offset {at})");
            return (
                text,
                Err(ParseFailure {
                    message,
                    span: at..at,
                }),
            );
        }
    };
    let parsed = parse(&text);
    (text, parsed)
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
        // And it is no column: `a` is at 1:1, `1` at 1:5.
        let idx = LineIndex::new(text);
        assert_eq!(idx.position(text, 3), Position { line: 1, column: 1 });
        assert_eq!(idx.position(text, 7), Position { line: 1, column: 5 });
        assert_eq!(idx.position(text, 0), Position { line: 1, column: 1 });
    }

    #[test]
    fn undecodable_and_binary_files_are_parse_failures() {
        let (_, parsed) = decode_and_parse(b"a = \"\xff\"".to_vec());
        assert_eq!(
            parsed.unwrap_err(),
            ParseFailure {
                message: "file is not valid UTF-8 (invalid byte at offset 5)".into(),
                span: 5..5
            }
        );
        let (text, parsed) = decode_and_parse(b"\x7fELF\x00\x01".to_vec());
        assert_eq!(text, "");
        assert_eq!(
            parsed.unwrap_err().message,
            "file contains a NUL byte at offset 4: it is binary, not HCL"
        );
    }
}
