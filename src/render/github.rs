//! GitHub Actions workflow commands (`::error file=…::message`), one line per finding.
//!
//! GitHub turns each line printed by a workflow step into an annotation on the pull request.
//! Values are escaped as the Actions toolkit does it: in the message `%`, `\r` and `\n` are
//! percent-encoded; in property values `:` and `,` are too, because they delimit properties.
//! A clean run prints nothing.

use std::fmt::Write as _;

use crate::diagnostic::{Report, Severity};

/// Renders one workflow command per diagnostic, each ending in a newline.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let file = d.file.replace('\\', "/");
        let mut properties = format!("file={},line={}", escape_property(&file), d.start.line);
        // Columns only make sense when the annotation stays on one line.
        let single_line = d.start.line == d.end.line;
        if single_line {
            let _ = write!(properties, ",col={}", d.start.column);
        }
        let _ = write!(properties, ",endLine={}", d.end.line.max(d.start.line));
        if single_line {
            let _ = write!(
                properties,
                ",endColumn={}",
                d.end.column.max(d.start.column)
            );
        }
        let title = format!("{} {}", d.code, d.name);
        let _ = write!(properties, ",title={}", escape_property(&title));

        let mut data = d.message.clone();
        if let Some(help) = &d.help {
            data.push_str("\nhelp: ");
            data.push_str(help);
        }
        let _ = writeln!(out, "::{command} {properties}::{}", escape_data(&data));
    }
    out
}

/// Escapes a command's data (the text after the final `::`).
fn escape_data(s: &str) -> String {
    escape(s, false)
}

/// Escapes a property value (`file=`, `title=`): the data escapes plus `:` and `,`.
fn escape_property(s: &str) -> String {
    escape(s, true)
}

fn escape(s: &str, property: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' if property => out.push_str("%3A"),
            ',' if property => out.push_str("%2C"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_the_actions_toolkit() {
        assert_eq!(escape_data("50% a:b,c\r\nd"), "50%25 a:b,c%0D%0Ad");
        assert_eq!(escape_property("50% a:b,c\r\nd"), "50%25 a%3Ab%2Cc%0D%0Ad");
    }
}
