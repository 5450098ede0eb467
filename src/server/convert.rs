//! tfblint's findings as LSP diagnostics.

use lsp_types::{
    CodeDescription, Diagnostic as LspDiagnostic, DiagnosticSeverity, DiagnosticTag,
    NumberOrString, Uri,
};

use super::text::{Encoding, LineIndex};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{self, pipeline};

/// The code of the rule whose findings are deprecated arguments (shown struck through).
const DEPRECATED_ARGUMENT: &str = "TFB202";

/// One finding as an LSP diagnostic: its range in `encoding`, the severity, the rule's code and
/// document URL, the message with the help on a line of its own, and tags.
pub fn diagnostic(
    d: &Diagnostic,
    text: &str,
    index: &LineIndex,
    encoding: Encoding,
) -> LspDiagnostic {
    let message = match &d.help {
        Some(help) => format!("{}\nhelp: {help}", d.message),
        None => d.message.clone(),
    };
    let mut tags = Vec::new();
    if d.code == DEPRECATED_ARGUMENT {
        tags.push(DiagnosticTag::DEPRECATED);
    }
    if d.code == pipeline::UNUSED_SUPPRESSION.code {
        tags.push(DiagnosticTag::UNNECESSARY);
    }
    LspDiagnostic {
        range: index.range(text, &d.span, encoding),
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.code.to_string())),
        code_description: d
            .url()
            .parse::<Uri>()
            .ok()
            .map(|href| CodeDescription { href }),
        source: Some("tfblint".into()),
        message,
        related_information: None,
        tags: (!tags.is_empty()).then_some(tags),
        data: None,
    }
}

/// The hover text of the findings at a position: each rule's document, as Markdown.
pub fn hover_markdown(codes: &[&'static str]) -> String {
    let mut docs: Vec<&str> = Vec::new();
    for code in codes {
        if let Some(rule) = rules::by_code(code) {
            if !docs.contains(&rule.doc) {
                docs.push(rule.doc);
            }
        }
    }
    docs.join("\n\n---\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Position;

    #[test]
    fn a_finding_after_non_ascii_text_gets_a_utf16_range() {
        // On the finding's own line, before it: 2 bytes that are 1 UTF-16 unit, 4 bytes that
        // are 2 units.
        let text = "# x\nx = \"ü🦀\" required_version\n";
        let start = text.find("required_version").unwrap();
        let d = Diagnostic {
            code: "TFB202",
            name: "deprecated-argument",
            severity: Severity::Warning,
            message: "m".into(),
            help: Some("h".into()),
            label: String::new(),
            file: "main.tf".into(),
            span: start..start + "required_version".len(),
            start: Position {
                line: 2,
                column: 13,
            },
            end: Position {
                line: 2,
                column: 29,
            },
            fix: None,
        };
        let index = LineIndex::new(text);
        let lsp = diagnostic(&d, text, &index, Encoding::Utf16);
        assert_eq!((lsp.range.start.line, lsp.range.start.character), (1, 10));
        assert_eq!(lsp.range.end.character, 26);
        assert_eq!(lsp.message, "m\nhelp: h");
        assert_eq!(lsp.tags, Some(vec![DiagnosticTag::DEPRECATED]));
        assert_eq!(
            lsp.code_description.unwrap().href.as_str(),
            crate::diagnostic::doc_url("TFB202")
        );
    }
}
