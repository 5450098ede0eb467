//! TFB301 missing-skip-flag: one of the five AWS-only checks is left on.

use super::{rule_doc, Fixability, Rule, Sink};
use crate::diagnostic::Severity;
use crate::fix::{self, edits};
use crate::model::context::{Missing, ModuleContext};
use crate::model::schema::SKIP_FLAGS;

pub static RULE: Rule = Rule {
    code: "TFB301",
    name: "missing-skip-flag",
    severity: Severity::Error,
    fix: Fixability::Safe,
    summary: "An s3 backend on an S3-compatible store leaves an AWS-only check on",
    doc: rule_doc!("TFB301"),
    check: Some(check),
};

fn check(ctx: &ModuleContext, sink: &mut Sink) {
    for &(flag, why) in SKIP_FLAGS {
        for Missing { config, place } in ctx.missing(|c| c.get(flag).is_some()) {
            let (file, span) = config.anchor();
            sink.report(&RULE, file, span, format!("`{flag}` is not set {place}"))
                .with_label(format!("missing `{flag} = true`"))
                .with_help(format!("add `{flag} = true`: {why}"))
                .with_fix(fix::safe(
                    format!("add `{flag} = true`"),
                    vec![edits::add_argument(config, flag, "true")],
                ));
        }
    }
}
