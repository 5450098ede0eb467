//! The diagnostic: what every rule produces and every renderer consumes.
//!
//! A diagnostic carries both its byte span (for snippets and fixes) and its
//! resolved 1-based line/column positions (columns counted in characters), so
//! renderers never need to look at source text to place a finding.

use std::fmt;
use std::ops::Range;

use serde::Serialize;

/// How serious a finding is. Ordered so that `Error > Warning`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// A 1-based line and 1-based column counted in Unicode scalar values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// Whether applying a fix keeps the configuration's behaviour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Applied by `--fix`.
    Safe,
    /// Changes behaviour; applied only with `--unsafe-fixes`.
    Unsafe,
}

/// One replacement of a byte range of the original file text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Edit {
    pub range: Range<usize>,
    pub replacement: String,
}

/// A machine-applicable repair for one diagnostic.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Fix {
    pub applicability: Applicability,
    /// What the fix does, in the imperative ("add `skip_s3_checksum = true`").
    pub description: String,
    pub edits: Vec<Edit>,
}

/// A finding, fully resolved against its file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    /// Rule code, e.g. `TFB301`.
    pub code: &'static str,
    /// Rule name, e.g. `missing-skip-flag`.
    pub name: &'static str,
    pub severity: Severity,
    /// One sentence saying what is wrong. Never contains a secret's value.
    pub message: String,
    /// What to write instead.
    pub help: Option<String>,
    /// The label shown under the span in the human format.
    pub label: String,
    /// The file as the user would type it (relative to the working directory when under it).
    pub file: String,
    /// Byte range in the file's text.
    pub span: Range<usize>,
    pub start: Position,
    /// Exclusive end position.
    pub end: Position,
    pub fix: Option<Fix>,
}

impl Diagnostic {
    pub fn fixable(&self) -> bool {
        self.fix.is_some()
    }

    /// The documentation URL of this diagnostic's rule.
    pub fn url(&self) -> String {
        doc_url(self.code)
    }

    /// The total order every output format uses: file, line, column, code, then the rest
    /// so that equal keys still sort deterministically.
    pub fn sort_key(&self) -> impl Ord + '_ {
        (
            &self.file,
            self.start,
            self.code,
            self.end,
            &self.message,
            self.span.start,
        )
    }
}

/// Counts for the summary line and the machine formats.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub files: usize,
    pub modules: usize,
    pub errors: usize,
    pub warnings: usize,
    /// Backends configured entirely at `terraform init` where tfblint cannot see it (an
    /// empty `backend "s3" {}` that nothing visible supplies): counted, not reported.
    #[serde(skip_serializing_if = "is_zero")]
    pub unseen_backends: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// Everything a renderer needs: the sorted diagnostics, the masked source text of each file that
/// has a finding (for snippets), and the summary. Renderers are pure functions of a `Report`.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    /// File display path → its text with every secret value masked.
    pub sources: std::collections::BTreeMap<String, std::sync::Arc<str>>,
    pub summary: Summary,
}

impl Report {
    pub fn new(
        mut diagnostics: Vec<Diagnostic>,
        sources: std::collections::BTreeMap<String, std::sync::Arc<str>>,
        files: usize,
        modules: usize,
    ) -> Self {
        diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        diagnostics.dedup();
        let errors = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let warnings = diagnostics.len() - errors;
        Report {
            diagnostics,
            sources,
            summary: Summary {
                files,
                modules,
                errors,
                warnings,
                unseen_backends: 0,
            },
        }
    }

    /// Adds findings (about files the report has no text of), keeping the order and counts.
    pub fn add(&mut self, diagnostics: Vec<Diagnostic>) {
        if diagnostics.is_empty() {
            return;
        }
        let mut all = std::mem::take(&mut self.diagnostics);
        all.extend(diagnostics);
        let Summary { files, modules, .. } = self.summary;
        *self = Report::new(all, std::mem::take(&mut self.sources), files, modules);
    }
}

/// Base of the rule documentation links; overridable at build time.
pub const DOCS_BASE: &str = match option_env!("TFBLINT_DOCS_BASE") {
    Some(base) => base,
    None => "https://github.com/tfblint/tfblint/blob/main/rules/",
};

pub fn doc_url(code: &str) -> String {
    format!("{DOCS_BASE}{code}.md")
}
