//! TFB601 expression-in-backend: a backend block cannot refer to anything or call functions.

use super::{rule_doc, Fixability, Rule, Sink, Stores};
use crate::diagnostic::Severity;
use crate::input::init::SettingValue;
use crate::model::context::{Engine, ModuleContext};
use crate::model::value::{dynamic_part, DynamicKind};

pub static RULE: Rule = Rule {
    code: "TFB601",
    name: "expression-in-backend",
    severity: Severity::Error,
    fix: Fixability::Never,
    summary: "A backend argument uses a reference, interpolation or function call",
    doc: rule_doc!("TFB601"),
    stores: Stores::ALL,
    check: Some(check),
};

const HELP: &str = "write a literal value, or leave the argument out of the block and pass it at init time in a partial configuration file (`terraform init -backend-config=prod.s3.tfbackend`)";

fn check(ctx: &ModuleContext, sink: &mut Sink) {
    for arg in ctx.s3_arguments() {
        // A shell or CI variable on an init command line: set at run time, not HCL.
        if arg
            .cli
            .is_some_and(|c| matches!(c.value, SettingValue::Dynamic { .. }))
        {
            continue;
        }
        let Some(part) = dynamic_part(arg.expr()) else {
            continue;
        };
        // Terragrunt evaluates its functions and references before Terraform runs.
        if arg
            .file
            .evaluated_earlier(&part.span, part.kind == DynamicKind::Interpolation)
        {
            continue;
        }
        let name = arg.name();
        // OpenTofu (1.8+) evaluates variables and locals in backend blocks.
        let tofu_allows = ctx.engine == Engine::OpenTofu
            && part.kind != DynamicKind::FunctionCall
            && part.kind != DynamicKind::ForExpression
            && matches!(part.root.as_deref(), Some("var" | "local"));
        // A reference is only identifiers, so it is safe to quote; other expressions may
        // contain literals (even secrets) and are not quoted.
        let (what, terraform_says) = match part.kind {
            DynamicKind::Reference => (
                format!(
                    "refers to `{}`",
                    reference_text(&arg.file.text[part.span.clone()])
                ),
                "Variables not allowed",
            ),
            DynamicKind::Interpolation => (
                "uses a template interpolation".into(),
                "Variables not allowed",
            ),
            DynamicKind::FunctionCall => ("calls a function".into(), "Function calls not allowed"),
            DynamicKind::ForExpression => {
                ("uses a `for` expression".into(), "Variables not allowed")
            }
        };
        if tofu_allows {
            sink.report(
                &RULE,
                arg.file,
                part.span,
                format!("`{name}` {what}: OpenTofu 1.8+ evaluates it at `tofu init`, but Terraform and older OpenTofu reject it, and its value is stored in plain text in `.terraform/` and plan files"),
            )
            .with_label("evaluated at init")
            .with_help("keep it if the module is only ever run by OpenTofu 1.8 or later (`required_version = \">= 1.8\"`); otherwise write a literal or use a partial configuration file")
            .severity = Severity::Warning;
            continue;
        }
        sink.report(
            &RULE,
            arg.file,
            part.span,
            format!("`{name}` {what}: backend configuration is read before anything is evaluated ({}: \"{terraform_says}\")", ctx.engine.name()),
        )
        .with_label("not a literal")
        .with_help(HELP);
    }
}

/// `var.x`, collapsed to one line and cut short if long.
fn reference_text(text: &str) -> String {
    let flat: String = text.split_whitespace().collect();
    if flat.chars().count() > 60 {
        format!("{}…", flat.chars().take(60).collect::<String>())
    } else {
        flat
    }
}
