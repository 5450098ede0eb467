//! Code actions and hover. Every action is a `WorkspaceEdit` for the client to apply: the
//! server never writes a file.
//!
//! - a `quickfix` per fixable finding, with that finding's fix alone (safe fixes preferred,
//!   unsafe ones labelled);
//! - `source.fixAll.tfblint`: every safe fix of the document, planned by the fix engine (the
//!   passes, re-lints and checks of `tfblint --fix`);
//! - "Ignore TFB… on this line": the suppression comment, added to the line's comment if it
//!   already has one.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, DocumentChanges, Hover, HoverContents,
    MarkupContent, MarkupKind, OneOf, OptionalVersionedTextDocumentIdentifier, Position,
    Range as LspRange, TextDocumentEdit, TextEdit, WorkspaceEdit,
};

use super::convert;
use super::session::{Document, Session};
use crate::diagnostic::{Applicability, Diagnostic, Edit};
use crate::fix::FixOptions;
use crate::linter::suppress;
use crate::rules::pipeline;

/// The kind of the fix-all action.
pub const FIX_ALL: &str = "source.fixAll.tfblint";

/// What the client can apply.
#[derive(Debug, Clone, Copy, Default)]
pub struct EditSupport {
    /// `workspace.workspaceEdit.documentChanges`: versioned edits, refused by the client when
    /// the document changed since.
    pub document_changes: bool,
}

/// The actions for a range of a document, filtered by the kinds the client asked for.
pub fn code_actions(
    session: &mut Session,
    path: &Path,
    range: LspRange,
    only: Option<&[CodeActionKind]>,
    support: EditSupport,
) -> Vec<CodeActionOrCommand> {
    let wanted = |kind: &str| {
        only.is_none_or(|only| {
            only.iter().any(|k| {
                let k = k.as_str();
                kind == k
                    || kind
                        .strip_prefix(k)
                        .is_some_and(|rest| rest.starts_with('.'))
            })
        })
    };
    let mut actions = Vec::new();
    let Some(document) = session.document(path) else {
        return actions;
    };
    let encoding = session.encoding;
    let span = document.index.span(&document.text, range, encoding);
    let quickfix = "quickfix";
    if wanted(quickfix) {
        let mut seen: Vec<&[Edit]> = Vec::new();
        for d in document.findings.iter().filter(|d| touches(&d.span, &span)) {
            let lsp = convert::diagnostic(d, &document.text, &document.index, encoding);
            if let Some(fix) = d
                .fix
                .as_ref()
                .filter(|f| !seen.contains(&f.edits.as_slice()))
            {
                seen.push(&fix.edits);
                let safe = fix.applicability == Applicability::Safe;
                let title = if safe {
                    format!("{}: {}", d.code, fix.description)
                } else {
                    format!(
                        "{}: {} (unsafe: changes behaviour)",
                        d.code, fix.description
                    )
                };
                let edits = fix
                    .edits
                    .iter()
                    .map(|e| text_edit(document, &e.range, &e.replacement, session))
                    .collect();
                actions.push(action(
                    title,
                    quickfix,
                    Some(lsp.clone()),
                    edit(document, edits, support),
                    safe,
                ));
            }
            if let Some(edit) = ignore_edit(document, d, session) {
                actions.push(action(
                    format!("Ignore {} on this line", d.code),
                    quickfix,
                    Some(lsp),
                    self::edit(document, vec![edit], support),
                    false,
                ));
            }
        }
    }
    let has_safe_fix = document.findings.iter().any(|d| {
        d.fix
            .as_ref()
            .is_some_and(|f| FixOptions::default().applies(f))
    });
    if wanted(FIX_ALL) && has_safe_fix {
        let edits = fix_all(session, path);
        if let (Some(edits), Some(document)) = (edits, session.document(path)) {
            actions.push(action(
                "tfblint: fix all safe fixes".into(),
                FIX_ALL,
                None,
                edit(document, edits, support),
                false,
            ));
        }
    }
    actions
}

/// Every safe fix of a document, as the fix engine plans it with the module's open documents:
/// edits from the text to the fixed text, or `None` when there is nothing to fix or the fixed
/// text was refused.
fn fix_all(session: &mut Session, path: &Path) -> Option<Vec<TextEdit>> {
    let dir = path.parent()?;
    let (workspace, discovery, buffers) = session.discover(dir);
    let plan = workspace.plan_fixes(&discovery, &buffers, FixOptions::default());
    let file = plan
        .writable()
        .find(|f| workspace.absolute(&f.path) == path)?;
    let document = session.document(path)?;
    if file.original != document.text {
        return None;
    }
    Some(
        line_edits(&file.original, &file.fixed)
            .into_iter()
            .map(|(range, new)| text_edit(document, &range, &new, session))
            .collect(),
    )
}

/// The changes from one text to another, line by line: few edits, each small, so the
/// client keeps the cursor and the folds where nothing changed.
fn line_edits(old: &str, new: &str) -> Vec<(Range<usize>, String)> {
    let diff = similar::TextDiff::from_lines(old, new);
    let (old_lines, new_lines) = (diff.old_slices(), diff.new_slices());
    let offset = |lines: &[&str], i: usize| lines[..i].iter().map(|l| l.len()).sum::<usize>();
    diff.ops()
        .iter()
        .filter(|op| op.tag() != similar::DiffTag::Equal)
        .map(|op| {
            let (o, n) = (op.old_range(), op.new_range());
            let start = offset(old_lines, o.start);
            let end = start + old_lines[o].iter().map(|l| l.len()).sum::<usize>();
            (start..end, new_lines[n].concat())
        })
        .collect()
}

/// The suppression comment for a finding, on the line where it starts: the code added to the
/// line's own `tfblint-ignore` comment, or a new comment at the line's end. None for the
/// findings about suppression comments themselves.
fn ignore_edit(document: &Document, d: &Diagnostic, session: &Session) -> Option<TextEdit> {
    if d.code == pipeline::UNUSED_SUPPRESSION.code || d.code == pipeline::UNKNOWN_CODE.code {
        return None;
    }
    let text = &document.text;
    let at = d.span.start.min(text.len());
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let line_end = if text[..line_end].ends_with('\r') {
        line_end - 1
    } else {
        line_end
    };
    let existing = suppress::directives_in(text).into_iter().find(|x| {
        !x.file_level && (line_start..=line_end).contains(&x.span.start) && !x.codes.is_empty()
    });
    let (insert_at, insert) = match existing {
        Some(directive) => (directive.span.end, format!(", {}", d.code)),
        None => (line_end, suppress::line_directive(d.code)),
    };
    Some(text_edit(
        document,
        &(insert_at..insert_at),
        &insert,
        session,
    ))
}

/// The hover of a position: the documents of the rules whose findings cover it.
pub fn hover(session: &Session, path: &Path, position: Position) -> Option<Hover> {
    let document = session.document(path)?;
    let encoding = session.encoding;
    let offset = document.index.offset(&document.text, position, encoding);
    let here: Vec<&Diagnostic> = document
        .findings
        .iter()
        .filter(|d| d.span.start <= offset && offset <= d.span.end)
        .collect();
    let first = here.first()?;
    let codes: Vec<&'static str> = here.iter().map(|d| d.code).collect();
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: convert::hover_markdown(&codes),
        }),
        range: Some(document.index.range(&document.text, &first.span, encoding)),
    })
}

/// Whether a finding's span meets a requested range (touching counts, so a cursor at either
/// end of a finding, or on an empty finding, finds it).
fn touches(span: &Range<usize>, range: &Range<usize>) -> bool {
    span.start <= range.end && range.start <= span.end
}

fn text_edit(
    document: &Document,
    range: &Range<usize>,
    new_text: &str,
    session: &Session,
) -> TextEdit {
    TextEdit {
        range: document
            .index
            .range(&document.text, range, session.encoding),
        new_text: new_text.to_string(),
    }
}

fn edit(document: &Document, edits: Vec<TextEdit>, support: EditSupport) -> WorkspaceEdit {
    if support.document_changes {
        WorkspaceEdit {
            document_changes: Some(DocumentChanges::Edits(vec![TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier {
                    uri: document.uri.clone(),
                    version: Some(document.version),
                },
                edits: edits.into_iter().map(OneOf::Left).collect(),
            }])),
            ..WorkspaceEdit::default()
        }
    } else {
        WorkspaceEdit {
            changes: Some(HashMap::from([(document.uri.clone(), edits)])),
            ..WorkspaceEdit::default()
        }
    }
}

fn action(
    title: String,
    kind: &str,
    diagnostic: Option<lsp_types::Diagnostic>,
    edit: WorkspaceEdit,
    preferred: bool,
) -> CodeActionOrCommand {
    CodeActionOrCommand::CodeAction(CodeAction {
        title,
        kind: Some(CodeActionKind::from(kind.to_string())),
        diagnostics: diagnostic.map(|d| vec![d]),
        edit: Some(edit),
        is_preferred: preferred.then_some(true),
        ..CodeAction::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(old: &str, edits: &[(Range<usize>, String)]) -> String {
        let mut out = old.to_string();
        for (range, new) in edits.iter().rev() {
            out.replace_range(range.clone(), new);
        }
        out
    }

    #[test]
    fn line_edits_rebuild_the_new_text() {
        let old = "a\nb\nc\nd\n";
        for new in [
            "a\nB\nc\nd\n",
            "a\nb\nc\nd\ne\n",
            "x\na\nc\n",
            "",
            "a\nb\nc\nd",
        ] {
            let edits = line_edits(old, new);
            assert_eq!(apply(old, &edits), new, "{edits:?}");
        }
        assert_eq!(line_edits("a\nb\n", "a\nB\n"), [(2..4, "B\n".to_string())]);
    }
}
