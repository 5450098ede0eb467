//! Building edits: the one place that knows how to add, replace, rename and remove an argument
//! without touching anything else. Every rule's fix is made of these.
//!
//! Edits are byte ranges of the file's original text. Layout is copied from the file: a new
//! argument gets its siblings' indentation (or the block's own plus one level), its `=` lines
//! up with theirs when most of them share a column, and the line ending is the file's.

use std::ops::Range;

use hcl_edit::structure::{Attribute, Body};
use hcl_edit::Span;

use crate::diagnostic::Edit;
use crate::input::source::SourceFile;
use crate::model::context::{Arg, BlockRef, S3Config};

/// Replaces `range` with `text`.
pub fn replace(range: Range<usize>, text: impl Into<String>) -> Edit {
    Edit {
        range,
        replacement: text.into(),
    }
}

/// Inserts `text` at `offset`.
pub fn insert(offset: usize, text: impl Into<String>) -> Edit {
    replace(offset..offset, text)
}

/// Replaces an argument's value (`name = <value>`) with `text`, written as HCL.
pub fn replace_value(arg: &Arg, text: impl Into<String>) -> Edit {
    replace(arg.value_span(), text)
}

/// Renames an argument, keeping its value and everything around it (and its `=` in its
/// column, when it was padded into one and the new name fits).
pub fn rename_argument(arg: &Arg, name: &str) -> Edit {
    let (key, pad) = padded_key(arg, name);
    replace(key, format!("{name}{}", " ".repeat(pad)))
}

/// The key with the blanks after it, and the padding that keeps `=` where it was for `name`.
fn padded_key(arg: &Arg, name: &str) -> (Range<usize>, usize) {
    let text: &str = &arg.file.text;
    let key = arg.key_span();
    let rest = &text[key.end..arg.span().end];
    let gap = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    let old = text[key.clone()].chars().count() + gap;
    let pad = if gap > 1 && old > name.chars().count() {
        old - name.chars().count()
    } else {
        1
    };
    (key.start..key.end + gap, pad)
}

/// Replaces the whole `name = value` of an argument with `name = value` anew (e.g.
/// `dynamodb_table = "x"` → `use_lockfile = true`). When the old `=` was padded into a column,
/// the new one stays in that column if the name fits.
pub fn replace_argument(arg: &Arg, name: &str, value: &str) -> Edit {
    let (_, pad) = padded_key(arg, name);
    replace(arg.span(), format!("{name}{}= {value}", " ".repeat(pad)))
}

/// The source text of an argument's value.
pub fn value_text<'a>(arg: &Arg<'a>) -> &'a str {
    &arg.file.text[arg.value_span()]
}

/// Deletes an argument. When it stands alone on its line (a trailing comment allowed), the
/// whole line goes, with its line ending and the comment; otherwise only `name = value`.
pub fn remove_argument(arg: &Arg) -> Edit {
    remove_span(&arg.file.text, arg.span())
}

fn remove_span(text: &str, span: Range<usize>) -> Edit {
    let start = line_start(text, span.start);
    let before_is_blank = text[start..span.start].trim().is_empty();
    let end = line_content_end(text, span.end);
    let rest = text[span.end..end].trim_start();
    let after_is_comment = rest.is_empty()
        || rest.starts_with('#')
        || rest.starts_with("//")
        || is_block_comment(rest);
    if !(before_is_blank && after_is_comment) {
        return replace(span, "");
    }
    let next = next_line_start(text, end);
    if next == end && start > 0 {
        // The last line of a file without a final newline: take the newline before it instead,
        // so the file still ends without one.
        let prev_end = line_content_end(text, start - 1);
        return replace(prev_end..end, "");
    }
    replace(start..next, "")
}

/// A `/* … */` comment closed on the same line, and nothing after it.
fn is_block_comment(rest: &str) -> bool {
    rest.starts_with("/*") && rest.ends_with("*/")
}

/// Adds `name = value` where a missing setting of `config` belongs: its `backend "s3"` block
/// (shared by every `.tfbackend` file used with it), else the end of its lone partial file.
pub fn add_argument(config: &S3Config, name: &str, value: &str) -> Edit {
    match (config.block, config.partial) {
        (Some(block), _) => insert_argument(&block, name, value),
        (None, Some(file)) => append_argument(file, name, value),
        (None, None) => unreachable!("an S3Config has a block or a partial file"),
    }
}

/// Adds `name = value` to a block as a new line after its last attribute. An empty or
/// one-line block (`backend "s3" {}`, `backend "s3" { bucket = "x" }`) is opened up: each
/// argument on its own line, the closing brace on its own line.
pub fn insert_argument(block: &BlockRef, name: &str, value: &str) -> Edit {
    if let Some(edit) = set_existing(block.block.body.get_attribute(name), value) {
        return edit;
    }
    let text: &str = &block.file.text;
    let nl = line_ending(text);
    let span = block.span();
    let header = block.header_span();
    let open = text[header.end..span.end]
        .find('{')
        .map_or(header.end, |i| header.end + i);
    let close = text[..span.end].rfind('}').unwrap_or(span.end).max(open);
    let outer = indent_at(text, header.start);
    let attrs: Vec<&Attribute> = block.block.body.attributes().collect();
    let layout = Layout::of(block.file, &attrs, open);
    let inner = layout
        .indent
        .clone()
        .unwrap_or_else(|| format!("{outer}{}", indent_unit(block.file)));
    let line = layout.line(&inner, name, value);

    if !text[open..close].contains('\n') {
        // One line: rewrite it, braces included, as lines, keeping what was inside verbatim.
        // (The braces are part of the range so that a second argument for the same block
        // waits for the next pass instead of opening the block up again.)
        let existing = text[open + 1..close].trim();
        let mut out = format!("{{{nl}");
        if !existing.is_empty() {
            out.push_str(&format!("{inner}{existing}{nl}"));
        }
        out.push_str(&format!("{line}{nl}{outer}}}"));
        return replace(open..close + 1, out);
    }
    let anchor = attrs
        .iter()
        .filter_map(|a| a.span())
        .map(|s| s.end)
        .max()
        .unwrap_or(open + 1);
    if text[anchor..close].contains('\n') {
        insert(line_content_end(text, anchor), format!("{nl}{line}"))
    } else {
        // `a = 1 }`: the closing brace shares the last attribute's line.
        replace(anchor..close, format!("{nl}{line}{nl}{outer}"))
    }
}

/// Adds `name = value` at the end of a `.tfbackend` file.
pub fn append_argument(file: &SourceFile, name: &str, value: &str) -> Edit {
    if let Some(edit) = set_existing(file.body().and_then(|b| b.get_attribute(name)), value) {
        return edit;
    }
    let text: &str = &file.text;
    let nl = line_ending(text);
    let attrs: Vec<&Attribute> = file
        .body()
        .map(Body::attributes)
        .into_iter()
        .flatten()
        .collect();
    let layout = Layout::of(file, &attrs, 0);
    let inner = layout.indent.clone().unwrap_or_default();
    let line = layout.line(&inner, name, value);
    if text.is_empty() {
        insert(0, format!("{line}{nl}"))
    } else if text.ends_with('\n') {
        insert(text.len(), format!("{line}{nl}"))
    } else {
        // Keep a file that ends without a newline that way.
        insert(text.len(), format!("{nl}{line}"))
    }
}

/// An argument written as `name = null` reads as unset; adding it again would set it twice,
/// so its value is replaced instead.
fn set_existing(attr: Option<&Attribute>, value: &str) -> Option<Edit> {
    Some(replace(attr?.value.span()?, value))
}

/// How the attributes of a body are laid out.
struct Layout {
    /// The indentation of the last attribute that starts its own line.
    indent: Option<String>,
    /// The column (in characters) most attributes' `=` share, if most share one.
    eq_column: Option<usize>,
}

impl Layout {
    /// `attrs` in source order. `after`: attributes on the line of this offset (the opening brace) are not siblings
    /// to copy a layout from. Linear in the attributes: lines come from the file's line index.
    fn of(file: &SourceFile, attrs: &[&Attribute], after: usize) -> Layout {
        let text: &str = &file.text;
        let lines = file.lines();
        let first_line_end = line_content_end(text, after);
        // Attributes that start their own line: their key and the line their value ends on.
        let own_line: Vec<(Range<usize>, usize)> = attrs
            .iter()
            .filter_map(|a| Some((a.span()?, a.key.span()?)))
            .filter(|(span, _)| after == 0 || span.start > first_line_end)
            .filter(|(span, _)| {
                text[lines.line_start(span.start)..span.start]
                    .trim()
                    .is_empty()
            })
            .map(|(span, key)| (key, lines.line_of(span.end)))
            .collect();
        let indent = own_line
            .last()
            .map(|(key, _)| text[lines.line_start(key.start)..key.start].to_string());
        let column = |key: &Range<usize>| {
            let rest = &text[key.end..];
            let gap = rest.len() - rest.trim_start_matches([' ', '\t']).len();
            (rest[gap..].starts_with('=')).then(|| {
                text[lines.line_start(key.start)..key.end + gap]
                    .chars()
                    .count()
            })
        };
        let columns: Vec<usize> = own_line.iter().filter_map(|(k, _)| column(k)).collect();
        // The run of attributes on consecutive lines that the new line joins, as `terraform
        // fmt` aligns them; else the column most attributes share.
        let mut group: Vec<usize> = Vec::new();
        let mut next_line = None;
        for (key, end_line) in &own_line {
            let start = lines.line_of(key.start);
            if next_line != Some(start) {
                group.clear();
            }
            group.extend(column(key));
            next_line = Some(end_line + 1);
        }
        let group_column = group
            .first()
            .copied()
            .filter(|c| group.len() >= 2 && group.iter().all(|d| d == c));
        let eq_column = group_column.or_else(|| {
            let mut counts: std::collections::HashMap<usize, usize> = Default::default();
            for c in &columns {
                *counts.entry(*c).or_default() += 1;
            }
            counts
                .into_iter()
                .map(|(c, n)| (n, c))
                .max()
                .filter(|&(n, _)| n >= 2 && n * 2 > columns.len())
                .map(|(_, c)| c)
        });
        Layout { indent, eq_column }
    }

    /// `<indent>name = value`, padded so that `=` falls in the siblings' column when they are
    /// aligned and the name fits.
    fn line(&self, indent: &str, name: &str, value: &str) -> String {
        let head = format!("{indent}{name}");
        let width = head.chars().count();
        let pad = match self.eq_column {
            Some(col) if col > width => col - width,
            _ => 1,
        };
        format!("{head}{}= {value}", " ".repeat(pad))
    }
}

/// `"\r\n"` when the file's lines end that way (judged by its first line), else `"\n"`.
pub fn line_ending(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// One level of indentation: a tab when the file indents with tabs, else two spaces.
fn indent_unit(file: &SourceFile) -> &'static str {
    if file.lines().indents_with_tabs() {
        "\t"
    } else {
        "  "
    }
}

/// The whitespace at the start of the line holding `offset`.
fn indent_at(text: &str, offset: usize) -> String {
    let start = line_start(text, offset);
    text[start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect()
}

pub(crate) fn line_start(text: &str, offset: usize) -> usize {
    text[..offset].rfind('\n').map_or(0, |i| i + 1)
}

/// The end of the line holding `offset`, before its `\n` or `\r\n`.
pub(crate) fn line_content_end(text: &str, offset: usize) -> usize {
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    if end > offset && text.as_bytes()[end - 1] == b'\r' {
        end - 1
    } else {
        end
    }
}

/// The start of the next line after the line end `end` (past its terminator).
fn next_line_start(text: &str, end: usize) -> usize {
    if text[end..].starts_with("\r\n") {
        end + 2
    } else if text[end..].starts_with('\n') {
        end + 1
    } else {
        end
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::source::FileKind;
    use crate::model::context::{Module, ModuleContext, Settings};
    use std::path::PathBuf;

    fn module(text: &str) -> Module {
        Module {
            dir: PathBuf::from("."),
            files: vec![SourceFile::from_bytes(
                PathBuf::from("main.tf"),
                "main.tf".into(),
                FileKind::Tf,
                text.as_bytes().to_vec(),
            )],
            init: Default::default(),
        }
    }

    fn apply(text: &str, edit: &Edit) -> String {
        let mut out = text.to_string();
        out.replace_range(edit.range.clone(), &edit.replacement);
        out
    }

    fn add(text: &str, name: &str, value: &str) -> String {
        let m = module(text);
        let settings = Settings::default();
        let ctx = ModuleContext::new(&m, &settings);
        let edit = add_argument(&ctx.s3_configs[0], name, value);
        apply(text, &edit)
    }

    fn remove(text: &str, name: &str) -> String {
        let m = module(text);
        let settings = Settings::default();
        let ctx = ModuleContext::new(&m, &settings);
        let arg = ctx.s3_configs[0].get(name).unwrap();
        apply(text, &remove_argument(&arg))
    }

    #[test]
    fn adds_after_the_last_attribute_aligned_with_siblings() {
        let text =
            "terraform {\n  backend \"s3\" {\n    bucket = \"b\"\n    key    = \"k\"\n  }\n}\n";
        assert_eq!(
            add(text, "region", "\"us-east-1\""),
            "terraform {\n  backend \"s3\" {\n    bucket = \"b\"\n    key    = \"k\"\n    region = \"us-east-1\"\n  }\n}\n"
        );
        assert_eq!(
            add(text, "use_lockfile", "true"),
            "terraform {\n  backend \"s3\" {\n    bucket = \"b\"\n    key    = \"k\"\n    use_lockfile = true\n  }\n}\n"
        );
        // Not aligned: a single space.
        let text = "terraform {\n  backend \"s3\" {\n    bucket = \"b\"\n    key = \"k\"\n    region  = \"x\"\n  }\n}\n";
        assert!(add(text, "key2", "1").contains("\n    key2 = 1\n  }"));
    }

    #[test]
    fn opens_up_empty_and_one_line_blocks() {
        let text = "terraform {\n  backend \"s3\" { bucket = \"x\" }\n}\n";
        assert_eq!(
            add(text, "key", "\"k\""),
            "terraform {\n  backend \"s3\" {\n    bucket = \"x\"\n    key = \"k\"\n  }\n}\n"
        );
        let text = "terraform {\n\tbackend \"s3\" {}\n}\n";
        let m = module(text);
        let settings = Settings::default();
        let ctx = ModuleContext::new(&m, &settings);
        let block = ctx.backends[0];
        assert_eq!(
            apply(text, &insert_argument(&block, "key", "\"k\"")),
            "terraform {\n\tbackend \"s3\" {\n\t\tkey = \"k\"\n\t}\n}\n"
        );
    }

    #[test]
    fn keeps_crlf_comments_and_a_missing_final_newline() {
        let text = "terraform {\r\n  backend \"s3\" {\r\n    bucket = \"b\" # the bucket\r\n    # notes\r\n  }\r\n}";
        assert_eq!(
            add(text, "key", "\"k\""),
            "terraform {\r\n  backend \"s3\" {\r\n    bucket = \"b\" # the bucket\r\n    key = \"k\"\r\n    # notes\r\n  }\r\n}"
        );
    }

    #[test]
    fn removes_whole_lines_with_their_comment() {
        let text = "terraform {\n  backend \"s3\" {\n    bucket = \"b\"\n    skip_get_ec2_platforms = true # old\n    key = \"k\"\n  }\n}\n";
        assert_eq!(
            remove(text, "skip_get_ec2_platforms"),
            "terraform {\n  backend \"s3\" {\n    bucket = \"b\"\n    key = \"k\"\n  }\n}\n"
        );
        let text = "terraform {\r\n  backend \"s3\" {\r\n    bucket = \"b\"\r\n    key = \"k\"\r\n  }\r\n}\r\n";
        assert_eq!(
            remove(text, "key"),
            "terraform {\r\n  backend \"s3\" {\r\n    bucket = \"b\"\r\n  }\r\n}\r\n"
        );
    }
}
