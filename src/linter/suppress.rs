//! Suppression comments.
//!
//! - `# tfblint-ignore: TFB301, TFB501 -- reason` (or `//`) silences those codes on its own line,
//!   and, when the comment stands alone on its line, on the line below.
//! - `# tfblint-ignore-file: TFB501` on its own line in the file's leading comment block
//!   silences the codes in the whole file.
//!
//! A code that suppresses nothing is reported (TFB901); an unknown code is reported (TFB902).

use std::ops::Range;

use crate::input::source::SourceFile;
use crate::linter::config::Selector;

const MARKER: &str = crate::input::scope::SUPPRESSION_MARKER;

/// One code named in a directive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedCode {
    pub text: String,
    pub span: Range<usize>,
    /// `None` when the code matches no rule.
    pub selector: Option<Selector>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// 1-based line of the comment.
    pub line: usize,
    /// The comment is alone on its line, so it also covers the next line.
    pub own_line: bool,
    pub file_level: bool,
    /// A file-level directive outside the leading comment block: it applies nowhere.
    pub misplaced: bool,
    pub codes: Vec<NamedCode>,
    /// The directive from the marker to the end of its code list.
    pub span: Range<usize>,
}

impl Directive {
    /// Whether this directive covers a finding starting on `line`.
    pub fn covers_line(&self, line: usize) -> bool {
        if self.misplaced {
            return false;
        }
        self.file_level || line == self.line || (self.own_line && line == self.line + 1)
    }
}

/// Every directive in a file, in order.
pub fn directives(file: &SourceFile) -> Vec<Directive> {
    directives_in(&file.text)
}

/// Every directive in a text, in order.
pub fn directives_in(text: &str) -> Vec<Directive> {
    if !crate::input::scope::has_suppression_marker(text.as_bytes()) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut in_leading_block = true;
    for (index, line_range) in line_ranges(text).enumerate() {
        let line = &text[line_range.clone()];
        let trimmed = line.trim();
        let is_comment_line = trimmed.is_empty()
            || trimmed.starts_with('#')
            || trimmed.starts_with("//")
            || trimmed.starts_with("/*")
            || trimmed.starts_with('*');
        let Some(comment_at) = comment_start(line) else {
            in_leading_block &= is_comment_line;
            continue;
        };
        let comment = &line[comment_at..];
        if let Some(found) = comment.find(MARKER) {
            let start = line_range.start + comment_at + found;
            if let Some(d) = parse_directive(
                text,
                start,
                index + 1,
                line[..comment_at].trim().is_empty(),
                in_leading_block,
            ) {
                out.push(d);
            }
        }
        in_leading_block &= is_comment_line;
    }
    out
}

/// Byte offset where a comment starts on this line, skipping quoted strings.
fn comment_start(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut in_string = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            b'#' if !in_string => return Some(i),
            b'/' if !in_string && matches!(bytes.get(i + 1), Some(b'/' | b'*')) => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

fn parse_directive(
    text: &str,
    start: usize,
    line: usize,
    own_line: bool,
    in_leading_block: bool,
) -> Option<Directive> {
    let mut rest = &text[start + MARKER.len()..];
    let file_level = rest.starts_with("-file");
    if file_level {
        rest = &rest["-file".len()..];
    }
    let rest_start = text.len() - rest.len();
    let after = rest.trim_start_matches([' ', '\t']);
    let colon_at = text.len() - after.len();
    let list = after.strip_prefix(':')?;
    let list_start = colon_at + 1;
    let line_end = list.find(['\n', '\r']).unwrap_or(list.len());
    let mut list = &list[..line_end];
    for terminator in ["--", "*/"] {
        if let Some(i) = list.find(terminator) {
            list = &list[..i];
        }
    }
    let mut codes = Vec::new();
    let mut offset = 0;
    for piece in list.split(|c: char| c == ',' || c.is_whitespace()) {
        let here = list_start + offset;
        offset += piece.len() + 1;
        if piece.is_empty() {
            continue;
        }
        codes.push(NamedCode {
            text: piece.to_string(),
            span: here..here + piece.len(),
            selector: Selector::parse(piece).ok().filter(|_| piece.len() == 6),
        });
    }
    let end = codes.last().map_or(rest_start, |c| c.span.end);
    Some(Directive {
        line,
        own_line,
        file_level,
        misplaced: file_level && !(own_line && in_leading_block),
        codes,
        span: start..end,
    })
}

/// The comment that silences `code` on the line it ends: ` # tfblint-ignore: TFB301`.
pub fn line_directive(code: &str) -> String {
    format!(" # {MARKER}: {code}")
}

fn line_ranges(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut start = 0;
    text.split_inclusive('\n').map(move |l| {
        let r = start..start + l.trim_end_matches(['\n', '\r']).len();
        start += l.len();
        r
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::source::FileKind;

    fn parse(text: &str) -> Vec<Directive> {
        let file = SourceFile::from_bytes(
            "m.tf".into(),
            "m.tf".into(),
            FileKind::Tf,
            text.as_bytes().to_vec(),
        );
        directives(&file)
    }

    #[test]
    fn finds_line_and_file_directives() {
        let text = "# tfblint-ignore-file: TFB501\n\nterraform { # tfblint-ignore: TFB101,TFB102 -- reason\n  // tfblint-ignore: TFB999\n  x = \"# tfblint-ignore: TFB301\"\n}\n";
        let ds = parse(text);
        assert_eq!(ds.len(), 3);
        assert!(ds[0].file_level && !ds[0].misplaced);
        assert_eq!(ds[0].codes[0].text, "TFB501");
        assert_eq!((ds[1].line, ds[1].own_line), (3, false));
        let codes: Vec<&str> = ds[1].codes.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(codes, ["TFB101", "TFB102"]);
        assert_eq!(&text[ds[1].codes[1].span.clone()], "TFB102");
        assert!(ds[2].own_line && ds[2].covers_line(5));
        assert_eq!(ds[2].codes[0].selector, None);
    }

    #[test]
    fn a_file_directive_after_code_is_misplaced() {
        let ds = parse("a = 1\n# tfblint-ignore-file: TFB501\n");
        assert!(ds[0].misplaced);
        assert!(!ds[0].covers_line(1));
    }
}
