//! TFB103 lockfile-needs-terraform-1-11: `use_lockfile` is ignored or experimental before 1.11.

use super::{rule_doc, Fixability, Rule, Sink, Stores};
use crate::diagnostic::Severity;
use crate::fix::{self, versions};
use crate::model::context::ModuleContext;

pub static RULE: Rule = Rule {
    code: "TFB103",
    name: "lockfile-needs-terraform-1-11",
    severity: Severity::Error,
    fix: Fixability::Unsafe,
    summary: "`use_lockfile = true` while `required_version` admits a version without it (Terraform < 1.11, OpenTofu < 1.10)",
    doc: rule_doc!("TFB103"),
    stores: Stores::ALL,
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
    let (engine, minimum) = (ctx.engine.name(), ctx.engine.min_for_lockfile());
    let Some((lowest, culprit, text)) = ctx.constraints.below(minimum) else {
        return;
    };
    let suggestion = format!("~> {}.{}", minimum.major, minimum.minor);
    let edit = versions::rewrite(culprit, |text, c| {
        versions::pessimistic_at_least(text, c, minimum)
    });
    let diagnostic = sink.report(
        &RULE,
        culprit.arg.file,
        culprit.arg.value_span(),
        format!("`use_lockfile = true` needs {engine} {minimum} or later, but {text:?} admits {lowest}"),
    )
    .with_label(format!("admits {lowest}"))
    .with_help(format!(
        "use `required_version = \"{suggestion}\"`: older versions reject `use_lockfile` or treat it as experimental"
    ));
    if let Some(edit) = edit {
        diagnostic.with_fix(fix::unsafe_fix(
            format!("require `{}`", edit.replacement),
            vec![edit],
        ));
    }
}
