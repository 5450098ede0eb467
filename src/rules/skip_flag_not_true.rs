//! TFB302 skip-flag-not-true: a skip flag is set to something Terraform does not read as true.

use super::{rule_doc, Fixability, Rule, Sink, Stores};
use crate::diagnostic::Severity;
use crate::fix::{self, edits};
use crate::model::context::ModuleContext;
use crate::model::schema::SKIP_FLAGS;

pub static RULE: Rule = Rule {
    code: "TFB302",
    name: "skip-flag-not-true",
    severity: Severity::Error,
    fix: Fixability::Safe,
    summary: "A skip flag is set to a value Terraform does not read as true",
    doc: rule_doc!("TFB302"),
    stores: Stores::S3_COMPATIBLE,
    check: Some(check),
};

fn check(ctx: &ModuleContext, sink: &mut Sink) {
    for config in &ctx.s3_configs {
        for &(flag, why) in SKIP_FLAGS {
            // A flag the store's vendor documents as not needed may be anything.
            let Some(arg) = config.get(flag).filter(|_| config.needs_flag(flag)) else {
                continue;
            };
            let value = arg.literal();
            if value.is_dynamic() || value.as_bool() == Some(true) {
                continue;
            }
            let reading = match value.as_bool() {
                Some(false) => "Terraform reads it as false".to_string(),
                _ => format!("Terraform cannot read {} as a bool", value.describe()),
            };
            sink.report(
                &RULE,
                arg.file,
                arg.value_span(),
                format!("`{flag}` is set to {}: {reading}", value.describe()),
            )
            .with_label("not true")
            .with_help(format!("write `{flag} = true`: {why}"))
            .with_fix(fix::safe(
                format!("set `{flag} = true`"),
                vec![edits::replace_value(&arg, "true")],
            ));
        }
    }
}
