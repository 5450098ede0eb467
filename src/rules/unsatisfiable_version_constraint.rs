//! TFB105 unsatisfiable-version-constraint: no Terraform version satisfies every constraint.

use super::{rule_doc, Fixability, Rule, Sink, Stores};
use crate::diagnostic::Severity;
use crate::model::context::ModuleContext;

pub static RULE: Rule = Rule {
    code: "TFB105",
    name: "unsatisfiable-version-constraint",
    severity: Severity::Error,
    fix: Fixability::Never,
    summary: "The module's `required_version` constraints admit no version at all",
    doc: rule_doc!("TFB105"),
    stores: Stores::ALL,
    check: Some(check),
};

fn check(ctx: &ModuleContext, sink: &mut Sink) {
    if !ctx.has_s3_backend() {
        return;
    }
    let Some(admitted) = ctx.constraints.admitted() else {
        return;
    };
    if !admitted.is_empty() {
        return;
    }
    let valid: Vec<_> = ctx.constraints.valid().collect();
    let Some(&(first, _, _)) = valid.first() else {
        return;
    };
    let all = valid
        .iter()
        .map(|(rv, text, _)| format!("{text:?} ({})", rv.arg.file.file_name()))
        .collect::<Vec<_>>()
        .join(" and ");
    sink.report(
        &RULE,
        first.arg.file,
        first.arg.value_span(),
        format!("no Terraform version satisfies every `required_version`: {all}"),
    )
    .with_label("unsatisfiable")
    .with_help("every `required_version` in the module must hold at once; make them agree, e.g. all `\"~> 1.11\"`");
}
