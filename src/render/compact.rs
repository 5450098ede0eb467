//! `path:line:col: severity[CODE] message`, one line per finding (editors, grep, errorformat).

use std::fmt::Write;

use crate::diagnostic::Report;

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        let message = d.message.replace(['\n', '\r'], " ");
        // One line per finding, even for a file whose name holds a line break.
        let file = d.file.replace('\n', "\\n").replace('\r', "\\r");
        let _ = writeln!(
            out,
            "{}:{}:{}: {}[{}] {}",
            file, d.start.line, d.start.column, d.severity, d.code, message
        );
    }
    out
}
