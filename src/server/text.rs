//! Document text and LSP positions: byte offsets ↔ `(line, character)` in the negotiated
//! encoding, incremental edits, and `file:` URIs ↔ paths.
//!
//! Diagnostics and fixes carry byte spans; LSP counts `character` in UTF-16 code units unless
//! the client and server agreed on UTF-8. Lines end at `\n`, `\r\n` or a lone `\r`, as LSP
//! says. A position past the end of its line means the line's end; one past the last line,
//! the end of the text; one inside a character, that character's start.

use std::ops::Range;
use std::path::{Path, PathBuf};

use lsp_types::{Position, Range as LspRange, Uri};

/// The unit of `Position::character`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    #[default]
    Utf16,
    Utf8,
}

impl Encoding {
    /// UTF-8 when the client offers it (`general.positionEncodings`), else UTF-16, which
    /// every client must support.
    pub fn negotiate(offered: Option<&[lsp_types::PositionEncodingKind]>) -> Encoding {
        let utf8 = offered
            .unwrap_or_default()
            .contains(&lsp_types::PositionEncodingKind::UTF8);
        if utf8 {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        }
    }

    pub fn kind(self) -> lsp_types::PositionEncodingKind {
        match self {
            Encoding::Utf16 => lsp_types::PositionEncodingKind::UTF16,
            Encoding::Utf8 => lsp_types::PositionEncodingKind::UTF8,
        }
    }
}

/// Where each line of a text starts, for converting positions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    /// Byte offset of the start of each line; the first is 0.
    starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => starts.push(i + 1),
                b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                    starts.push(i + 2);
                    i += 1;
                }
                b'\r' => starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        LineIndex {
            starts,
            len: text.len(),
        }
    }

    /// The byte range of a line's content, without its line break.
    fn line(&self, text: &str, line: usize) -> Range<usize> {
        let start = self.starts[line];
        let mut end = self.starts.get(line + 1).copied().unwrap_or(self.len);
        let bytes = text.as_bytes();
        while end > start && matches!(bytes[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        start..end
    }

    /// The position of a byte offset (clamped to the text, and to a character boundary).
    pub fn position(&self, text: &str, offset: usize, encoding: Encoding) -> Position {
        let mut offset = offset.min(self.len);
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let range = self.line(text, line);
        let before = &text[range.start..offset.min(range.end)];
        let character = match encoding {
            Encoding::Utf8 => before.len(),
            Encoding::Utf16 => before.encode_utf16().count(),
        };
        Position::new(to_u32(line), to_u32(character))
    }

    pub fn range(&self, text: &str, span: &Range<usize>, encoding: Encoding) -> LspRange {
        LspRange::new(
            self.position(text, span.start, encoding),
            self.position(text, span.end, encoding),
        )
    }

    /// The byte offset of a position.
    pub fn offset(&self, text: &str, position: Position, encoding: Encoding) -> usize {
        let line = position.line as usize;
        if line >= self.starts.len() {
            return self.len;
        }
        let range = self.line(text, line);
        let wanted = position.character as usize;
        let mut units = 0;
        for (at, c) in text[range.clone()].char_indices() {
            if units >= wanted {
                return range.start + at;
            }
            units += match encoding {
                Encoding::Utf8 => c.len_utf8(),
                Encoding::Utf16 => c.len_utf16(),
            };
            if units > wanted {
                // Inside this character: its start.
                return range.start + at;
            }
        }
        range.end
    }

    pub fn span(&self, text: &str, range: LspRange, encoding: Encoding) -> Range<usize> {
        let start = self.offset(text, range.start, encoding);
        let end = self.offset(text, range.end, encoding);
        start.min(end)..end.max(start)
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Applies one `didChange` content change: a replacement of a range, or of the whole text.
pub fn apply_change(text: &mut String, range: Option<LspRange>, new: &str, encoding: Encoding) {
    match range {
        None => {
            text.clear();
            text.push_str(new);
        }
        Some(range) => {
            let span = LineIndex::new(text).span(text, range, encoding);
            text.replace_range(span, new);
        }
    }
}

/// The path of a `file:` URI, or `None` for another scheme (`untitled:`) or a URI that does
/// not name a local file.
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    if !uri
        .scheme()
        .is_some_and(|s| s.as_str().eq_ignore_ascii_case("file"))
    {
        return None;
    }
    if let Some(authority) = uri.authority() {
        let host = authority.host().as_str();
        if !host.is_empty() && !host.eq_ignore_ascii_case("localhost") {
            return None;
        }
    }
    let decoded = uri.path().as_estr().decode().into_string().ok()?;
    let decoded: &str = &decoded;
    // `file:///C:/x` on Windows: the path is `C:/x`.
    let windows_drive = decoded.len() >= 3
        && decoded.as_bytes()[0] == b'/'
        && decoded.as_bytes()[1].is_ascii_alphabetic()
        && decoded.as_bytes()[2] == b':';
    let path = if cfg!(windows) && windows_drive {
        &decoded[1..]
    } else {
        decoded
    };
    let path = Path::new(path);
    path.is_absolute().then(|| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position::new(line, character)
    }

    #[test]
    fn utf16_counts_code_units_and_utf8_counts_bytes() {
        // "é" is 2 bytes and 1 UTF-16 unit; "🦀" is 4 bytes and 2 units.
        let text = "a = 1\n# é🦀 x = \"http\"\n";
        let index = LineIndex::new(text);
        let at = text.find("x =").unwrap();
        assert_eq!(index.position(text, at, Encoding::Utf16), pos(1, 6));
        assert_eq!(index.position(text, at, Encoding::Utf8), pos(1, 9));
        assert_eq!(index.offset(text, pos(1, 6), Encoding::Utf16), at);
        assert_eq!(index.offset(text, pos(1, 9), Encoding::Utf8), at);
        // Inside the surrogate pair: the crab's start.
        let crab = text.find('🦀').unwrap();
        assert_eq!(index.offset(text, pos(1, 4), Encoding::Utf16), crab);
        // Past the line's end: the line's end; past the last line: the end of the text.
        assert_eq!(index.offset(text, pos(0, 99), Encoding::Utf16), 5);
        assert_eq!(index.offset(text, pos(9, 0), Encoding::Utf16), text.len());
        assert_eq!(index.position(text, text.len(), Encoding::Utf16), pos(2, 0));
    }

    #[test]
    fn crlf_and_lone_cr_end_lines() {
        let text = "a\r\nb\rc\n";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 3, Encoding::Utf16), pos(1, 0));
        assert_eq!(index.position(text, 5, Encoding::Utf16), pos(2, 0));
        // The end of line 0 is before its `\r\n`.
        assert_eq!(index.offset(text, pos(0, 5), Encoding::Utf16), 1);
        assert_eq!(index.position(text, 2, Encoding::Utf16), pos(0, 1));
    }

    #[test]
    fn incremental_changes_apply_in_order() {
        let mut text = String::from("é = 1\nb = 2\n");
        let range =
            |a: (u32, u32), b: (u32, u32)| Some(LspRange::new(pos(a.0, a.1), pos(b.0, b.1)));
        apply_change(&mut text, range((0, 4), (0, 5)), "42", Encoding::Utf16);
        assert_eq!(text, "é = 42\nb = 2\n");
        apply_change(&mut text, range((1, 0), (2, 0)), "", Encoding::Utf16);
        assert_eq!(text, "é = 42\n");
        apply_change(&mut text, range((0, 5), (0, 7)), "7", Encoding::Utf8);
        assert_eq!(text, "é = 7\n");
        apply_change(&mut text, None, "new", Encoding::Utf16);
        assert_eq!(text, "new");
    }

    #[test]
    fn file_uris_become_paths() {
        let uri: Uri = "file:///tmp/a%20dir/%C3%A9/main.tf".parse().unwrap();
        assert_eq!(
            uri_to_path(&uri).unwrap(),
            Path::new("/tmp/a dir/é/main.tf")
        );
        let untitled: Uri = "untitled:Untitled-1".parse().unwrap();
        assert_eq!(uri_to_path(&untitled), None);
        let remote: Uri = "file://server/share/a.tf".parse().unwrap();
        assert_eq!(uri_to_path(&remote), None);
    }
}
