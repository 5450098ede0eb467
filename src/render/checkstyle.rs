//! Checkstyle XML, understood by reviewdog, Jenkins Warnings NG, SonarQube importers and many
//! editors.
//!
//! ```xml
//! <?xml version="1.0" encoding="UTF-8"?>
//! <checkstyle version="4.3">
//!   <file name="envs/prod/backend.tf">
//!     <error line="3" column="3" severity="error" message="…" source="tfblint.TFB301"/>
//!   </file>
//! </checkstyle>
//! ```
//!
//! Attribute values are escaped by quick-xml; in addition, tabs and line breaks are written as
//! character references, because a conforming XML parser would otherwise normalise them to spaces
//! (XML 1.0 §3.3.3), and characters XML 1.0 cannot carry at all become U+FFFD.

use std::borrow::Cow;
use std::collections::BTreeMap;

use quick_xml::escape::escape;
use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, Event};
use quick_xml::name::QName;
use quick_xml::Writer;

use crate::diagnostic::{Diagnostic, Report};

/// Renders the report as a Checkstyle 4.3 document ending in a newline.
pub fn render(report: &Report) -> String {
    let mut by_file: BTreeMap<&str, Vec<&Diagnostic>> = BTreeMap::new();
    for d in &report.diagnostics {
        by_file.entry(d.file.as_str()).or_default().push(d);
    }

    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    write(
        &mut writer,
        Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)),
    );
    let mut root = BytesStart::new("checkstyle");
    root.push_attribute(("version", "4.3"));
    write(&mut writer, Event::Start(root));
    for (file, diagnostics) in by_file {
        let mut element = BytesStart::new("file");
        element.push_attribute(attribute("name", file));
        write(&mut writer, Event::Start(element));
        for d in diagnostics {
            let mut error = BytesStart::new("error");
            error.push_attribute(("line", d.start.line.to_string().as_str()));
            error.push_attribute(("column", d.start.column.to_string().as_str()));
            error.push_attribute(("severity", d.severity.as_str()));
            error.push_attribute(attribute("message", &d.message));
            error.push_attribute(("source", format!("tfblint.{}", d.code).as_str()));
            write(&mut writer, Event::Empty(error));
        }
        write(&mut writer, Event::End(BytesEnd::new("file")));
    }
    write(&mut writer, Event::End(BytesEnd::new("checkstyle")));

    let mut out = String::from_utf8(writer.into_inner()).expect("the writer was fed UTF-8");
    out.push('\n');
    out
}

fn write(writer: &mut Writer<Vec<u8>>, event: Event<'_>) {
    writer
        .write_event(event)
        .expect("writing XML to memory cannot fail");
}

/// An attribute whose value survives any conforming XML parser unchanged: quick-xml's escaping
/// of `<>&'"`, plus character references for `\t`, `\n`, `\r`.
fn attribute<'a>(key: &'a str, value: &str) -> Attribute<'a> {
    let value = xml_chars(value);
    let escaped = escape(value.as_ref());
    let mut out = String::with_capacity(escaped.len());
    for c in escaped.chars() {
        match c {
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    Attribute {
        key: QName(key.as_bytes()),
        value: Cow::Owned(out.into_bytes()),
    }
}

/// Replaces the characters XML 1.0 forbids (C0 controls other than tab and line breaks,
/// U+FFFE, U+FFFF) with U+FFFD.
fn xml_chars(s: &str) -> Cow<'_, str> {
    let forbidden = |c: char| matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}');
    if s.contains(forbidden) {
        Cow::Owned(s.replace(forbidden, "\u{fffd}"))
    } else {
        Cow::Borrowed(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_values_keep_whitespace_and_drop_forbidden_characters() {
        let attr = attribute("message", "a<b>\t\"c\"\r\nd\u{1}e");
        assert_eq!(
            std::str::from_utf8(&attr.value).unwrap(),
            "a&lt;b&gt;&#9;&quot;c&quot;&#13;&#10;d\u{fffd}e"
        );
        assert_eq!(attr.unescape_value().unwrap(), "a<b>\t\"c\"\r\nd\u{fffd}e");
    }
}
