//! TFB202 deprecated-argument: an argument renamed in 1.6.0 (`endpoint`, `force_path_style`, …),
//! and the error of setting it together with its new name.

use super::dynamodb_locking::foreign_endpoint;
use super::{rule_doc, Fixability, Rule};
use crate::context::{Arg, ModuleContext, S3Config, Sink};
use crate::diagnostic::Severity;
use crate::schema::{
    engine_name, lookup, s3_argument, s3_path, Replacement, Setting, Status, Type,
    DYNAMODB_ARGUMENTS,
};
use crate::value::Literal;

pub static RULE: Rule = Rule {
    code: "TFB202",
    name: "deprecated-argument",
    severity: Severity::Warning,
    fix: Fixability::Never,
    summary: "A deprecated s3 argument that has a new name (an error when both are set)",
    doc: rule_doc!("TFB202"),
    check: Some(check),
};

fn check(ctx: &ModuleContext, sink: &mut Sink) {
    let tool = engine_name(ctx.engine);
    for arg in ctx.s3_arguments() {
        let name = arg.name();
        let Some(Status::Deprecated {
            since,
            replacement: Replacement::Renamed(to),
        }) = s3_argument(name).map(|a| a.status(ctx.engine))
        else {
            continue;
        };
        if matches!(arg.literal(), Literal::Null) {
            continue;
        }
        let configs: Vec<&S3Config> = ctx
            .s3_configs
            .iter()
            .filter(|c| c.arguments.iter().any(|a| std::ptr::eq(a.attr, arg.attr)))
            .collect();
        // DynamoDB settings on a store that is not AWS are TFB502's, which says to remove them.
        if DYNAMODB_ARGUMENTS.contains(&name)
            && configs.iter().any(|c| foreign_endpoint(c).is_some())
        {
            continue;
        }
        let conflict = configs
            .iter()
            .find_map(|c| lookup(c, to).filter(|s| !matches!(Literal::of(s.expr), Literal::Null)));
        match conflict {
            Some(other) => {
                let place = place(&arg, &other);
                let diagnostic = sink.report(
                    &RULE,
                    arg.file,
                    arg.key_span(),
                    format!("`{name}` and its replacement `{to}` ({place}) are both set: {tool} rejects the pair (\"Conflicting Parameters\")"),
                );
                diagnostic.severity = Severity::Error;
                diagnostic
                    .with_label(format!("conflicts with `{to}`"))
                    .with_help(format!("delete `{name}`: `{to}` ({place}) takes its place"));
            }
            None => {
                let since = since
                    .map(|v| format!(" since {tool} {v}"))
                    .unwrap_or_default();
                sink.report(
                    &RULE,
                    arg.file,
                    arg.key_span(),
                    format!("`{name}` is deprecated{since}: its new name is `{to}`"),
                )
                .with_label("deprecated")
                .with_help(replacement_help(configs.first().copied(), &arg, to));
            }
        }
    }
}

/// "line 7", or "`prod.s3.tfbackend` line 2" when the other setting is in another file.
fn place(arg: &Arg, other: &Setting) -> String {
    let line = other.file.position(other.key_span.start).line;
    if std::ptr::eq(arg.file, other.file) {
        format!("line {line}")
    } else {
        format!("`{}` line {line}", other.file.file_name())
    }
}

/// "replace it with `endpoints = { s3 = "https://…" }`", using the old value.
fn replacement_help(config: Option<&S3Config>, arg: &Arg, to: &str) -> String {
    let target = s3_path(to).map(|a| a.ty);
    let mut note = "";
    let value = match arg.literal() {
        lit if target == Some(Type::Bool) && lit.as_bool().is_some() => {
            lit.as_bool().unwrap_or_default().to_string()
        }
        Literal::Str(s) if s.len() <= 80 && !s.contains(['"', '\\', '\n', '$', '%']) => {
            // `endpoints.*` want a complete URL ("Complete URL Expected"); `endpoint` did not.
            let s = if to.starts_with("endpoints.") && !s.is_empty() && !s.contains("://") {
                note = " (with a scheme: `endpoints` expects complete URLs)";
                format!("https://{s}")
            } else {
                s.to_string()
            };
            if target == Some(Type::StringSet) {
                format!("[\"{s}\"]")
            } else {
                format!("\"{s}\"")
            }
        }
        _ => "…".to_string(),
    };
    match to.split_once('.') {
        Some((object, key)) => {
            let existing = config
                .and_then(|c| c.get(object))
                .is_some_and(|a| matches!(a.literal(), Literal::Object(_)));
            if existing {
                format!("move it into the existing `{object}` object: `{key} = {value}`{note}")
            } else {
                format!("replace it with `{object} = {{ {key} = {value} }}`{note}")
            }
        }
        None => format!("replace it with `{to} = {value}`{note}"),
    }
}
