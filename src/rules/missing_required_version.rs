//! TFB101 missing-required-version: nothing stops a Terraform too old for the backend.

use super::{rule_doc, Fixability, Rule, Sink, Stores};
use crate::diagnostic::Severity;
use crate::model::context::ModuleContext;
use crate::model::stores::StoreId;

pub static RULE: Rule = Rule {
    code: "TFB101",
    name: "missing-required-version",
    severity: Severity::Error,
    fix: Fixability::Never,
    summary: "A module with an s3 backend has no `required_version`",
    doc: rule_doc!("TFB101"),
    stores: Stores::ALL,
    check: Some(check),
};

fn check(ctx: &ModuleContext, sink: &mut Sink) {
    // Without the module's code at hand (Terragrunt's `terraform { source }`), no constraint
    // here says nothing.
    if !ctx.constraints.is_unconstrained() || ctx.code_elsewhere {
        return;
    }
    // On AWS alone, only `use_lockfile` needs a recent version (Terraform 1.10, OpenTofu 1.10);
    // nothing is claimed about a store tfblint cannot see (`unknown`).
    if ctx
        .s3_configs
        .iter()
        .all(|c| matches!(c.store.id, StoreId::Aws | StoreId::Unknown))
    {
        let Some(config) = ctx.s3_configs.iter().find(|c| {
            c.get("use_lockfile")
                .is_some_and(|a| a.literal().as_bool() == Some(true))
        }) else {
            return;
        };
        let (file, span) = config.anchor();
        sink.report(
            &RULE,
            file,
            span,
            "this module's s3 backend sets `use_lockfile` but has no `required_version`: a Terraform older than 1.10 rejects it (\"Unsupported argument\")",
        )
        .with_label("backend without a version constraint")
        .with_help("add `required_version = \"~> 1.11\"` to the `terraform` block");
        return;
    }
    let Some((file, span)) = ctx.first_s3_anchor() else {
        return;
    };
    sink.report(
        &RULE,
        file,
        span,
        format!("this module has an s3 backend but no `required_version`: any Terraform may run it, including versions that cannot talk to {}", ctx.store_name()),
    )
    .with_label("backend without a version constraint")
    .with_help("add `required_version = \"~> 1.11\"` to the `terraform` block (at least `\">= 1.6.3\"`; `use_lockfile` needs 1.11)");
}
