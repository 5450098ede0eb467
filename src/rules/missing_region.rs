//! TFB303 missing-region: the AWS SDK needs a region even when the store ignores it.

use super::{rule_doc, Fixability, Rule, Sink};
use crate::diagnostic::Severity;
use crate::fix::{self, edits};
use crate::model::context::{Missing, ModuleContext};
use crate::model::schema::SPACES_SIGNING_REGION;

pub static RULE: Rule = Rule {
    code: "TFB303",
    name: "missing-region",
    severity: Severity::Error,
    fix: Fixability::Safe,
    summary: "An s3 backend has no `region`",
    doc: rule_doc!("TFB303"),
    check: Some(check),
};

fn check(ctx: &ModuleContext, sink: &mut Sink) {
    for Missing { config, place } in ctx.missing(|c| c.get("region").is_some()) {
        let (file, span) = config.anchor();
        sink.report(
            &RULE,
            file,
            span,
            format!("`region` is not set {place}"),
        )
        .with_label("missing `region`")
        .with_help(format!(
            "add `region = \"{SPACES_SIGNING_REGION}\"`: the AWS SDK refuses to start without a region (\"Missing region value\"), and Spaces expects `{SPACES_SIGNING_REGION}`"
        ))
        .with_fix(fix::safe(
            format!("add `region = \"{SPACES_SIGNING_REGION}\"`"),
            vec![edits::add_argument(
                config,
                "region",
                &format!("\"{SPACES_SIGNING_REGION}\""),
            )],
        ));
    }
}
