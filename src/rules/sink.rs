//! How rules report: a [`Sink`] collects one module's findings, and the builder methods on
//! [`Diagnostic`] add a label, a help line and a fix.

use std::ops::Range;

use super::Rule;
use crate::diagnostic::{Diagnostic, Fix};
use crate::input::source::SourceFile;

/// Collects a rule's findings for one module.
#[derive(Debug, Default)]
pub struct Sink {
    diagnostics: Vec<Diagnostic>,
}

impl Sink {
    pub fn new() -> Self {
        Self::default()
    }

    /// Reports a finding of `rule` on `span` of `file`, with the rule's default severity.
    /// The message must never contain a secret's value.
    pub fn report(
        &mut self,
        rule: &'static Rule,
        file: &SourceFile,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        let message = message.into();
        self.diagnostics.push(Diagnostic {
            code: rule.code,
            name: rule.name,
            severity: rule.severity,
            label: String::new(),
            message,
            help: None,
            file: file.display.clone(),
            start: file.position(span.start),
            end: file.position(span.end),
            span,
            fix: None,
        });
        self.diagnostics.last_mut().expect("just pushed")
    }

    /// Reports a finding about a whole file that is not shown (a binary or a file of secrets):
    /// at its start, with no span and no snippet.
    pub fn report_file(
        &mut self,
        rule: &'static Rule,
        display: &str,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        let start = crate::diagnostic::Position { line: 1, column: 1 };
        self.diagnostics.push(Diagnostic {
            code: rule.code,
            name: rule.name,
            severity: rule.severity,
            label: String::new(),
            message: message.into(),
            help: None,
            file: display.to_string(),
            start,
            end: start,
            span: 0..0,
            fix: None,
        });
        self.diagnostics.last_mut().expect("just pushed")
    }

    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.diagnostics
    }
}

impl Diagnostic {
    pub fn with_help(&mut self, help: impl Into<String>) -> &mut Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_label(&mut self, label: impl Into<String>) -> &mut Self {
        self.label = label.into();
        self
    }

    pub fn with_fix(&mut self, fix: Fix) -> &mut Self {
        self.fix = Some(fix);
        self
    }
}
