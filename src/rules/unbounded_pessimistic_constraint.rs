//! TFB106 unbounded-pessimistic-constraint: `~> 1` has no upper bound (go-version#162).

use super::{rule_doc, Fixability, Rule, Sink, Stores};
use crate::diagnostic::Severity;
use crate::model::constraints::narrow;
use crate::model::context::ModuleContext;

pub static RULE: Rule = Rule {
    code: "TFB106",
    name: "unbounded-pessimistic-constraint",
    severity: Severity::Warning,
    fix: Fixability::Never,
    summary: "`~>` with a single version segment, which has no upper bound",
    doc: rule_doc!("TFB106"),
    stores: Stores::ALL,
    check: Some(check),
};

fn check(ctx: &ModuleContext, sink: &mut Sink) {
    if !ctx.has_s3_backend() {
        return;
    }
    for (rv, text, constraint) in ctx.constraints.valid() {
        let Some(clause) = constraint.unbounded_pessimistic() else {
            continue;
        };
        let major = clause.segments.first().copied().unwrap_or(0);
        sink.report(
            &RULE,
            rv.arg.file,
            narrow(rv.arg, text, clause.span.clone()),
            format!("`~> {major}` has no upper bound: it admits every version from {major}.0.0 on, including {}.0.0", major + 1),
        )
        .with_label("no upper bound")
        .with_help(format!(
            "write two segments, `~> {major}.11`, or an explicit range, `>= {major}.11, < {}.0`",
            major + 1
        ));
    }
}
