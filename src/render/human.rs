//! miette's graphical report: code, a label on the exact span, help, and a link to the docs.

use std::fmt;
use std::sync::Arc;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};

use super::HumanOptions;
use crate::diagnostic::{Diagnostic, Report, Severity};

/// A diagnostic as miette sees it.
struct View<'a> {
    d: &'a Diagnostic,
    source: NamedSource<Arc<str>>,
}

impl fmt::Debug for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.d.message)
    }
}

impl fmt::Display for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.d.message)
    }
}

impl std::error::Error for View<'_> {}

impl miette::Diagnostic for View<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(format!("{} {}", self.d.code, self.d.name)))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.d
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn url<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.d.url()))
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let label = (!self.d.label.is_empty()).then(|| self.d.label.clone());
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            label,
            self.d.span.clone(),
        ))))
    }
}

pub fn render(report: &Report, options: HumanOptions) -> String {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_width(100)
        .with_context_lines(1);
    let empty: Arc<str> = Arc::from("");
    let mut out = String::new();
    for d in &report.diagnostics {
        let text = report.sources.get(&d.file).unwrap_or(&empty);
        let view = View {
            d,
            source: NamedSource::new(&d.file, Arc::clone(text)),
        };
        if handler.render_report(&mut out, &view).is_err() {
            // Rendering into a String cannot fail; keep the finding visible regardless.
            out.push_str(&format!(
                "{}:{}:{}: {}[{}] {}\n",
                d.file, d.start.line, d.start.column, d.severity, d.code, d.message
            ));
        }
        out.push('\n');
    }
    out.push_str(&summary_line(report));
    out
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn summary_line(report: &Report) -> String {
    let s = report.summary;
    let scope = format!(
        "{} in {}",
        plural(s.files, "file"),
        plural(s.modules, "module")
    );
    if s.errors + s.warnings == 0 {
        format!("No problems found ({scope} checked).\n")
    } else {
        let count = |a: crate::diagnostic::Applicability| {
            report
                .diagnostics
                .iter()
                .filter(|d| d.fix.as_ref().is_some_and(|f| f.applicability == a))
                .count()
        };
        let safe = count(crate::diagnostic::Applicability::Safe);
        let unsafe_ = count(crate::diagnostic::Applicability::Unsafe);
        let fix_note = match (safe, unsafe_) {
            (0, 0) => String::new(),
            (n, 0) => format!(" {n} fixable with `tfblint --fix`."),
            (0, m) => format!(" {m} fixable with `tfblint --fix --unsafe-fixes`."),
            (n, m) => {
                format!(" {n} fixable with `tfblint --fix` ({m} more with `--unsafe-fixes`).")
            }
        };
        let counts: Vec<String> = [(s.errors, "error"), (s.warnings, "warning")]
            .into_iter()
            .filter(|&(n, _)| n > 0)
            .map(|(n, word)| plural(n, word))
            .collect();
        format!(
            "Found {} ({scope} checked).{fix_note}\n",
            counts.join(" and ")
        )
    }
}
