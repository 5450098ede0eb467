//! The JSON document, version 1.

use serde::Serialize;

use crate::diagnostic::{Position, Report, Severity, Summary};

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'a str,
    name: &'a str,
    severity: Severity,
    message: &'a str,
    help: Option<&'a str>,
    file: &'a str,
    start: Position,
    end: Position,
    fixable: bool,
    url: String,
}

pub fn render(report: &Report) -> String {
    let doc = Document {
        version: 1,
        diagnostics: report
            .diagnostics
            .iter()
            .map(|d| JsonDiagnostic {
                code: d.code,
                name: d.name,
                severity: d.severity,
                message: &d.message,
                help: d.help.as_deref(),
                file: &d.file,
                start: d.start,
                end: d.end,
                fixable: d.fixable(),
                url: d.url(),
            })
            .collect(),
        summary: report.summary,
    };
    let mut out = serde_json::to_string_pretty(&doc).expect("serialising plain data cannot fail");
    out.push('\n');
    out
}
