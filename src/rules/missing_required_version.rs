//! TFB101 missing-required-version: nothing stops a Terraform too old for the backend.

use super::{rule_doc, Fixability, Rule, Sink};
use crate::diagnostic::Severity;
use crate::model::context::ModuleContext;

pub static RULE: Rule = Rule {
    code: "TFB101",
    name: "missing-required-version",
    severity: Severity::Error,
    fix: Fixability::Never,
    summary: "A module with an s3 backend has no `required_version`",
    doc: rule_doc!("TFB101"),
    check: Some(check),
};

fn check(ctx: &ModuleContext, sink: &mut Sink) {
    if !ctx.constraints.is_unconstrained() {
        return;
    }
    let Some((file, span)) = ctx.first_s3_anchor() else {
        return;
    };
    sink.report(
        &RULE,
        file,
        span,
        "this module has an s3 backend but no `required_version`: any Terraform may run it, including versions that cannot talk to Spaces",
    )
    .with_label("backend without a version constraint")
    .with_help("add `required_version = \"~> 1.11\"` to the `terraform` block (at least `\">= 1.6.3\"`; `use_lockfile` needs 1.11)");
}
