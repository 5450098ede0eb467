//! TFB102 required-version-too-low: the constraints admit a Terraform older than 1.6.3.

use super::{rule_doc, Fixability, Rule, Sink, Stores};
use crate::diagnostic::Severity;
use crate::fix::{self, versions};
use crate::model::context::ModuleContext;

pub static RULE: Rule = Rule {
    code: "TFB102",
    name: "required-version-too-low",
    severity: Severity::Error,
    fix: Fixability::Unsafe,
    summary: "`required_version` admits a Terraform older than 1.6.3",
    doc: rule_doc!("TFB102"),
    stores: Stores::S3_COMPATIBLE,
    check: Some(check),
};

fn check(ctx: &ModuleContext, sink: &mut Sink) {
    if !ctx.has_s3_backend() {
        return;
    }
    let (engine, minimum) = (ctx.engine.name(), ctx.engine.min_for_backend());
    let Some((lowest, culprit, text)) = ctx.constraints.below(minimum) else {
        return;
    };
    let whose = if ctx.constraints.valid().count() > 1 {
        format!("the module's `required_version` constraints (with {text:?}) admit")
    } else {
        format!("{text:?} admits")
    };
    let edit = versions::rewrite(culprit, |text, c| {
        versions::raise_lower_bound(text, c, minimum)
    });
    let diagnostic = sink.report(
        &RULE,
        culprit.arg.file,
        culprit.arg.value_span(),
        format!("{whose} {engine} {lowest}, but an s3 backend on {} needs {engine} {minimum} or later", ctx.store_name()),
    )
    .with_label(format!("admits {lowest}"))
    .with_help(format!(
        "raise the lower bound: `required_version = \">= {minimum}\"` (or `\"~> 1.11\"` with `use_lockfile`); older versions lack `skip_s3_checksum` or `endpoints`"
    ));
    if let Some(edit) = edit {
        diagnostic.with_fix(fix::unsafe_fix(
            format!("require `{}`", edit.replacement),
            vec![edit],
        ));
    }
}
