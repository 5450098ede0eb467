//! miette's graphical report: code, a label on the exact span, help, and a link to the docs.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};

use super::HumanOptions;
use crate::diagnostic::{Diagnostic, Report, Severity};
use crate::input::source::LineIndex;

/// A diagnostic as miette sees it.
struct View<'a> {
    d: &'a Diagnostic,
    source: Source<'a>,
}

/// A file's (masked) text whose line and column numbers miette reads as every other format
/// counts them: lines end at `\n`, columns count characters, a leading BOM is no column.
/// (miette itself counts columns in bytes and also breaks lines at a lone `\r`.)
struct Source<'a> {
    name: &'a str,
    text: &'a str,
    lines: &'a LineIndex,
    d: &'a Diagnostic,
}

impl SourceCode for Source<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let inner = self
            .text
            .read_span(span, context_lines_before, context_lines_after)?;
        let at = inner.span().offset();
        // The diagnostic's own start was computed on the unmasked text: it is the truth.
        let position = if at == self.d.span.start {
            self.d.start
        } else {
            self.lines.position(self.text, at)
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_string(),
            inner.data(),
            *inner.span(),
            position.line - 1,
            position.column - 1,
            inner.line_count(),
        )))
    }
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
    let empty = (Cow::Borrowed(""), LineIndex::new(""));
    let texts: BTreeMap<&str, (Cow<str>, LineIndex)> = report
        .sources
        .iter()
        .map(|(file, text)| {
            let text = printable(text);
            let lines = LineIndex::new(&text);
            (file.as_str(), (text, lines))
        })
        .collect();
    let mut out = String::new();
    for d in &report.diagnostics {
        let (text, lines) = texts.get(d.file.as_str()).unwrap_or(&empty);
        let view = View {
            d,
            source: Source {
                name: &d.file,
                text,
                lines,
                d,
            },
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

/// The text as snippets may show it on a terminal: every control character (a lone carriage
/// return, an escape sequence's ESC, C1 controls) and every bidirectional-override character
/// replaced by a visible one of the same length in bytes, so that spans, lines and columns
/// stay valid. Line feeds, tabs and the carriage return of a CRLF are kept.
fn printable(text: &str) -> Cow<'_, str> {
    let replace = |i: usize, c: char| match c {
        '\n' | '\t' => None,
        '\r' if text[i + 1..].starts_with('\n') => None,
        '\0'..='\x1f' | '\x7f' => Some('?'),
        '\u{80}'..='\u{9f}' => Some('¿'),
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => Some('\u{fffd}'),
        _ => None,
    };
    if !text.char_indices().any(|(i, c)| replace(i, c).is_some()) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        let shown = replace(i, c).unwrap_or(c);
        debug_assert_eq!(shown.len_utf8(), c.len_utf8());
        out.push(shown);
    }
    Cow::Owned(out)
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn summary_line(report: &Report) -> String {
    let mut out = counts_line(report);
    let unseen = report.summary.unseen_backends;
    if unseen > 0 {
        let (verb, them) = if unseen == 1 {
            ("is", "it")
        } else {
            ("are", "them")
        };
        out.push_str(&format!(
            "{} {verb} configured at `terraform init` where tfblint cannot see it: pair {them} in tfblint.toml.\n",
            plural(unseen, "backend")
        ));
    }
    out
}

fn counts_line(report: &Report) -> String {
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
