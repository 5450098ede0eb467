//! The `-backend-config=KEY=VALUE` settings of one init source as HCL attributes, parsed
//! together, once per source file, whatever the number of settings and of modules they pair.
//!
//! Each attribute is parsed from a text laid out so that its value's spans are those of the
//! value in the source file (findings land on that argument). Laying out every setting of a
//! file in one text costs one pass over the file; a text per setting would cost a pass over
//! the file before each one (a command with tens of thousands of settings, or a workflow with
//! thousands of `terraform init` steps, is quadratic that way).

use std::collections::HashMap;

use hcl_edit::structure::Attribute;
use hcl_edit::{Decorate, Ident};

use super::SettingValue;

/// One setting to lay out: its key, value and where the value is in the source file.
#[derive(Debug, Clone, Copy)]
pub struct SettingText<'a> {
    pub key: &'a str,
    pub value: &'a SettingValue,
    pub value_start: usize,
}

/// At most this many settings of one source are parsed on a text of their own (a value that
/// does not fit where it is written): each such parse passes over the file once. Beyond it, a
/// setting is unknown (its module's configuration is then open).
pub const MAX_SETTINGS_ALONE: usize = 64;

/// How many texts were parsed for settings on this thread (for tests that bound the work).
#[doc(hidden)]
pub fn parses() -> usize {
    PARSES.with(|c| c.get())
}

thread_local! {
    static PARSES: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

fn parse_body(text: &str) -> Option<hcl_edit::structure::Body> {
    PARSES.with(|c| c.set(c.get() + 1));
    hcl_edit::parser::parse_body(text).ok()
}

/// The attribute of each setting (by the start of its value in the source file): a value of a
/// primitive type (`primitive(key)`) stays the string it was given, any other value is read as
/// an HCL expression when it is one (else as the string), as Terraform builds it
/// (`configValueFromCLI` in `internal/command/init.go`).
pub fn attributes(
    settings: &[SettingText<'_>],
    primitive: &dyn Fn(&str) -> bool,
) -> HashMap<usize, Attribute> {
    let mut sorted: Vec<&SettingText> = settings.iter().collect();
    sorted.sort_by_key(|s| s.value_start);
    sorted.dedup_by_key(|s| s.value_start);
    let mut text = String::new();
    let mut placed: Vec<&SettingText> = Vec::new();
    let mut alone: Vec<(&SettingText, Written)> = Vec::new();
    for (i, s) in sorted.iter().enumerate() {
        let written = written(s, primitive);
        // A short key of its own (unique in the text; the real one is put back after), and
        // the opening quote before the value, so that its content is where it is written.
        let head = format!("k{i:x}={}", written.quote());
        match s.value_start.checked_sub(head.len()) {
            Some(start) if start >= text.len() => {
                text.extend(std::iter::repeat_n(' ', start - text.len()));
                text.push_str(&head);
                text.push_str(&written.text);
                text.push_str(written.quote());
                text.push('\n');
                placed.push(s);
            }
            _ => alone.push((s, written)),
        }
    }
    let mut out = HashMap::new();
    match parse_body(&text) {
        Some(body) => {
            for (s, attr) in placed.iter().zip(body.into_attributes()) {
                out.insert(s.value_start, finish(attr, s.key));
            }
        }
        None => alone.extend(placed.iter().map(|s| (*s, written(s, primitive)))),
    }
    for (s, written) in alone.into_iter().take(MAX_SETTINGS_ALONE) {
        if let Some(attr) = parse_alone(s, &written) {
            out.insert(s.value_start, attr);
        }
    }
    out
}

/// A value as HCL text: the inside of a quoted string, or an expression as given.
struct Written {
    text: String,
    quoted: bool,
}

impl Written {
    fn quote(&self) -> &'static str {
        if self.quoted {
            "\""
        } else {
            ""
        }
    }
}

fn written(s: &SettingText, primitive: &dyn Fn(&str) -> bool) -> Written {
    let quoted = |text: String| Written { text, quoted: true };
    match s.value {
        SettingValue::Literal(v) if !primitive(s.key) => {
            // Checked on its own first (linear in the value), so that one value that is no
            // HCL expression cannot fail the text every setting shares.
            if hcl_edit::parser::parse_expr(v).is_ok() && !v.contains(['\n', '\r']) {
                Written {
                    text: v.clone(),
                    quoted: false,
                }
            } else {
                quoted(escape(v))
            }
        }
        SettingValue::Literal(v) => quoted(escape(v)),
        // The value is never kept: a placeholder of its length.
        SettingValue::Redacted { len } => quoted("*".repeat(*len)),
        SettingValue::Dynamic { .. } => quoted("${init}".to_string()),
    }
}

/// One setting on a text of its own, padded to its place.
fn parse_alone(s: &SettingText, written: &Written) -> Option<Attribute> {
    let head = format!("k={}", written.quote());
    let pad = " ".repeat(s.value_start.saturating_sub(head.len()));
    let text = format!("{pad}{head}{}{}\n", written.text, written.quote());
    let attr = parse_body(&text)?.into_attributes().next()?;
    Some(finish(attr, s.key))
}

/// The real key back in place (any text: a name HCL cannot write is kept for TFB602), and no
/// decoration: the padding before the first attribute is as long as the file.
fn finish(mut attr: Attribute, key: &str) -> Attribute {
    *attr.key.value_mut() = Ident::new_unchecked(key);
    attr.key.decor_mut().clear();
    attr.decor_mut().clear();
    attr
}

/// `v` as the inside of an HCL string literal that reads back as `v`.
pub fn escape(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    let mut chars = v.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use hcl_edit::Span;

    #[test]
    fn every_setting_of_a_file_is_parsed_in_one_text() {
        let values: Vec<SettingValue> = (0..5000)
            .map(|i| SettingValue::Literal(format!("v{i}")))
            .collect();
        let settings: Vec<SettingText> = values
            .iter()
            .enumerate()
            .map(|(i, value)| SettingText {
                key: "bucket",
                value,
                value_start: 40 + i * 30,
            })
            .collect();
        let before = parses();
        let attrs = attributes(&settings, &|_| true);
        assert_eq!(parses() - before, 1);
        assert_eq!(attrs.len(), 5000);
        let last = &attrs[&(40 + 4999 * 30)];
        assert_eq!(last.key.as_str(), "bucket");
        // The quotes around the value's content, which is where it is written.
        assert_eq!(
            last.value.span(),
            Some(40 + 4999 * 30 - 1..40 + 4999 * 30 + 6)
        );
        assert!(last.decor().prefix().is_none());
    }

    #[test]
    fn values_that_do_not_fit_are_parsed_alone_up_to_a_cap() {
        // Values whose escaped text is longer than the room before the next one.
        let values: Vec<SettingValue> = (0..200)
            .map(|_| SettingValue::Literal("\"\"\"\"\"\"\"\"\"\"".into()))
            .collect();
        let settings: Vec<SettingText> = values
            .iter()
            .enumerate()
            .map(|(i, value)| SettingText {
                key: "key",
                value,
                value_start: 10 + i * 12,
            })
            .collect();
        let before = parses();
        let attrs = attributes(&settings, &|_| true);
        assert!(parses() - before <= 1 + MAX_SETTINGS_ALONE);
        assert!(attrs.len() >= 100 && attrs.len() < 200, "{}", attrs.len());
    }
}
