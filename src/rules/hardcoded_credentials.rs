//! TFB401 hardcoded-credentials: keys in backend configuration leak into `.terraform/` and plans.

use super::{rule_doc, Fixability, Rule, Sink, Stores};
use crate::diagnostic::Severity;
use crate::model::context::ModuleContext;
use crate::model::schema::CREDENTIAL_ARGUMENTS;
use crate::model::value::Literal;

pub static RULE: Rule = Rule {
    code: "TFB401",
    name: "hardcoded-credentials",
    severity: Severity::Error,
    fix: Fixability::Never,
    summary: "Credentials or an encryption key are written in a backend configuration",
    doc: rule_doc!("TFB401"),
    stores: Stores::ALL,
    check: Some(check),
};

fn check(ctx: &ModuleContext, sink: &mut Sink) {
    // On an init command line, credentials are TFB403's.
    for arg in ctx.s3_arguments().into_iter().filter(|a| a.cli.is_none()) {
        let name = arg.name();
        let Some(&(_, env)) = CREDENTIAL_ARGUMENTS.iter().find(|(n, _)| *n == name) else {
            continue;
        };
        let literal = arg.literal();
        if matches!(literal, Literal::Null | Literal::Str("")) {
            continue;
        }
        let place = arg.place();
        // Never the value itself: only the argument's name.
        let message = if literal.as_str().is_some() {
            format!("`{name}` is hardcoded in {place}")
        } else {
            format!("`{name}` is set in {place}")
        };
        sink.report(&RULE, arg.file, arg.value_span(), message)
            .with_label("credential (value masked)")
            .with_help(format!(
                "remove `{name}` and export `{env}` instead: backend settings are copied in plain text into `.terraform/terraform.tfstate` and every plan file; rotate this key if it was ever committed"
            ));
    }
}
