//! TFB104 invalid-version-constraint: Terraform would refuse the constraint itself.

use super::{rule_doc, Fixability, Rule, Sink, Stores};
use crate::diagnostic::Severity;
use crate::model::constraints::Parsed;
use crate::model::context::ModuleContext;

pub static RULE: Rule = Rule {
    code: "TFB104",
    name: "invalid-version-constraint",
    severity: Severity::Error,
    fix: Fixability::Never,
    summary: "A `required_version` Terraform rejects as malformed",
    doc: rule_doc!("TFB104"),
    stores: Stores::ALL,
    check: Some(check),
};

fn check(ctx: &ModuleContext, sink: &mut Sink) {
    if !ctx.has_s3_backend() {
        return;
    }
    for rv in &ctx.constraints.items {
        let Parsed::Invalid { message, span } = &rv.parsed else {
            continue;
        };
        sink.report(
            &RULE,
            rv.arg.file,
            span.clone(),
            format!("invalid version constraint: {message}"),
        )
        .with_label("Terraform: \"Invalid version constraint\"")
        .with_help("write operators and versions separated by commas, e.g. `\">= 1.6.3, < 2.0.0\"` or `\"~> 1.11\"`");
    }
}
