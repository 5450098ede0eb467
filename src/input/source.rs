//! One file on disk: its bytes decoded, its lines indexed, its HCL parsed.

use std::ops::Range;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use hcl_edit::structure::Body;
use hcl_edit::Span;

use crate::diagnostic::Position;
pub use crate::input::kind::{floor_char_boundary, FileKind, ParseFailure};
use crate::input::view::View;

/// Files larger than this are not parsed; they get a TFB001 finding instead.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

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

/// An attribute set twice in one body: Terraform's "Attribute redefined". The parser refuses
/// the whole file for it; tfblint parses the file without the repeat and keeps it here, so the
/// rest of the file is still linted (TFB604 reports it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redefinition {
    pub name: String,
    /// The repeated key.
    pub span: Range<usize>,
    /// The key of the first definition, in the same body.
    pub first: Range<usize>,
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
                let (parsed, redefined) = match (in_scope, mode) {
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

/// What hcl-edit says when a body sets an attribute twice.
const REDEFINED: &str = "found redefined attribute";

/// Like [`parse`], but an attribute set twice in one body does not fail the file: it is left
/// out of the tree and returned. hcl-edit stops at the repeated key; the key is renamed, in a
/// copy of the same length so that every span stays valid, until the file parses.
pub fn parse_recovering(text: &str) -> (Result<Body, ParseFailure>, Vec<Redefinition>) {
    // Offset of each renamed key, and its real name.
    let mut renamed: Vec<(usize, String)> = Vec::new();
    let mut patched: Option<String> = None;
    loop {
        let failure = match parse(patched.as_deref().unwrap_or(text)) {
            Ok(mut body) => {
                let mut redefined = Vec::new();
                drop_renamed(&mut body, &renamed, &mut redefined);
                redefined.sort_by_key(|r| r.span.start);
                return (Ok(body), redefined);
            }
            Err(failure) => failure,
        };
        let at = failure.span.start;
        let current = patched.as_deref().unwrap_or(text);
        let key_len = current[at..]
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
            .count();
        let tries = renamed.iter().filter(|(o, _)| *o == at).count();
        // Give up (and report the parser's error) on anything unexpected.
        if !failure.message.contains(REDEFINED) || key_len == 0 || tries >= 8 || renamed.len() >= 32
        {
            return (Err(failure), Vec::new());
        }
        let name = text[at..at + key_len].to_string();
        // Uppercase first letters: no s3 argument has one, so a collision is unlikely and
        // retried with the next letter if it happens.
        let first = char::from(b'Z' - tries as u8);
        let mut copy = current.to_string();
        copy.replace_range(at..at + 1, first.encode_utf8(&mut [0; 4]));
        patched = Some(copy);
        renamed.push((at, name));
    }
}

/// Removes the attributes whose keys were renamed, recording each against the first
/// definition of its name in the same body.
fn drop_renamed(body: &mut Body, renamed: &[(usize, String)], out: &mut Vec<Redefinition>) {
    let mut i = 0;
    while i < body.len() {
        let repeat = body
            .get(i)
            .and_then(|s| s.as_attribute())
            .and_then(|attr| attr.key.span())
            .and_then(|span| {
                // The last rename at an offset is the key's current name.
                let (_, name) = renamed.iter().rev().find(|(o, _)| *o == span.start)?;
                Some((span, name.clone()))
            });
        match repeat {
            Some((span, name)) => {
                let first = body
                    .attributes()
                    .find(|a| a.key.value().as_str() == name)
                    .and_then(|a| a.key.span())
                    .unwrap_or_else(|| span.clone());
                body.remove(i);
                out.push(Redefinition { name, span, first });
            }
            None => {
                if let Some(block) = body.get_mut(i).and_then(|s| s.as_block_mut()) {
                    drop_renamed(&mut block.body, renamed, out);
                }
                i += 1;
            }
        }
    }
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
