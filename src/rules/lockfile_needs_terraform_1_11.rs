//! TFB103 lockfile-needs-terraform-1-11: `use_lockfile` is ignored or experimental before 1.11.

use super::{rule_doc, Fixability, Rule};
use crate::context::{ModuleContext, Sink};
use crate::diagnostic::Severity;
use crate::schema::MIN_TERRAFORM_FOR_LOCKFILE;

pub static RULE: Rule = Rule {
    code: "TFB103",
    name: "lockfile-needs-terraform-1-11",
    severity: Severity::Error,
    fix: Fixability::Never,
    summary: "`use_lockfile = true` while `required_version` admits a Terraform older than 1.11",
    doc: rule_doc!("TFB103"),
    check: Some(check),
};

fn check(ctx: &ModuleContext, sink: &mut Sink) {
    let uses_lockfile = ctx.s3_configs.iter().any(|c| {
        c.get("use_lockfile")
            .is_some_and(|a| a.literal().as_bool() == Some(true))
    });
    if !uses_lockfile {
        return;
    }
    let Some((lowest, culprit, text)) = ctx.constraints.below(MIN_TERRAFORM_FOR_LOCKFILE) else {
        return;
    };
    sink.report(
        &RULE,
        culprit.arg.file,
        culprit.arg.value_span(),
        format!("`use_lockfile = true` needs Terraform {MIN_TERRAFORM_FOR_LOCKFILE} or later, but {text:?} admits {lowest}"),
    )
    .with_label(format!("admits {lowest}"))
    .with_help("use `required_version = \"~> 1.11\"`: older versions reject `use_lockfile` or treat it as experimental");
}
