//! TFB202 deprecated-argument: an argument renamed in 1.6.0 (`endpoint`, `force_path_style`, …),
//! and the error of setting it together with its new name.

use super::{rule_doc, Fixability, Rule, Sink, Stores};
use crate::diagnostic::{Fix, Severity};
use crate::fix::{self, edits};
use crate::model::context::{Arg, ModuleContext, S3Config};
use crate::model::s3config::{lookup, Setting};
use crate::model::schema::{
    engine_name, s3_argument, s3_path, Replacement, Status, Type, DYNAMODB_ARGUMENTS,
};
use crate::model::value::Literal;

pub static RULE: Rule = Rule {
    code: "TFB202",
    name: "deprecated-argument",
    severity: Severity::Warning,
    fix: Fixability::Safe,
    summary: "A deprecated s3 argument that has a new name (an error when both are set)",
    doc: rule_doc!("TFB202"),
    stores: Stores::ALL,
    check: Some(check),
};

fn check(ctx: &ModuleContext, sink: &mut Sink) {
    let tool = engine_name(ctx.engine);
    for arg in ctx.s3_arguments() {
        let name = arg.name();
        if written_alias(sink, &arg) {
            continue;
        }
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
        if DYNAMODB_ARGUMENTS.contains(&name) && configs.iter().any(|c| c.lacks_dynamodb()) {
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
                let diagnostic = sink
                    .report(
                        &RULE,
                        arg.file,
                        arg.key_span(),
                        format!("`{name}` is deprecated{since}: its new name is `{to}`"),
                    )
                    .with_label("deprecated")
                    .with_help(replacement_help(configs.first().copied(), &arg, to));
                if let Some(fix) = rename_fix(ctx, &configs, &arg, to) {
                    diagnostic.with_fix(fix);
                }
            }
        }
    }
}

/// A key written under an old name that is renamed before the backend reads it (Terragrunt's
/// `lock_table`, read as `dynamodb_table`): the argument has its new name, its key the old.
fn written_alias(sink: &mut Sink, arg: &Arg) -> bool {
    let name = arg.name();
    let written = match arg.cli {
        None => arg.file.text.get(arg.key_span()).unwrap_or(name),
        Some(_) => name,
    };
    if written == name || written.trim_matches('"') == name {
        return false;
    }
    sink.report(
        &RULE,
        arg.file,
        arg.key_span(),
        format!("`{written}` is a deprecated name of `{name}`: it is renamed, with a warning, before the backend reads it"),
    )
    .with_label("deprecated")
    .with_help(format!("rename it to `{name}`"))
    .with_fix(fix::safe(
        format!("rename `{written}` to `{name}`"),
        vec![edits::rename_argument(arg, name)],
    ));
    true
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

/// The value's source text, with `https://` put in front of a scheme-less endpoint string
/// (`endpoints` wants complete URLs, so the move does not leave a TFB203 behind).
fn value_text(arg: &Arg, endpoint: bool) -> String {
    let span = arg.value_span();
    let source = edits::value_text(arg);
    if let (true, Literal::Str(s)) = (endpoint, arg.literal()) {
        let verbatim = arg
            .file
            .string_contents(&span)
            .is_some_and(|inner| &arg.file.text[inner] == s);
        if verbatim && !s.is_empty() && !s.contains("://") && s.trim() == s {
            return format!("\"https://{s}\"");
        }
    }
    source.to_string()
}

/// The rename, when it is mechanical: `force_path_style` → `use_path_style`,
/// `shared_credentials_file = X` → `shared_credentials_files = [X]`, and the deprecated endpoint
/// arguments → one `endpoints = { … }` in their place. Every deprecated endpoint argument of a
/// body gets the same fix (all of them moved at once), so they never make two `endpoints`.
fn rename_fix(ctx: &ModuleContext, configs: &[&S3Config], arg: &Arg, to: &str) -> Option<Fix> {
    let name = arg.name();
    match to.split_once('.') {
        None if to == "use_path_style" => Some(fix::safe(
            format!("rename `{name}` to `{to}`"),
            vec![edits::rename_argument(arg, to)],
        )),
        None if to == "shared_credentials_files" => Some(fix::safe(
            format!("write `{to} = [ … ]`"),
            vec![edits::replace_argument(
                arg,
                to,
                &format!("[{}]", value_text(arg, false)),
            )],
        )),
        Some(("endpoints", _)) => {
            // Not when any configuration already has an `endpoints` to merge into.
            if configs
                .iter()
                .any(|c| c.arguments.iter().any(|a| a.name() == "endpoints"))
            {
                return None;
            }
            let config = configs.first()?;
            let mut moved: Vec<(Arg, &str)> = config
                .arguments
                .iter()
                .filter(|a| std::ptr::eq(a.file, arg.file))
                .filter(|a| !matches!(a.literal(), Literal::Null))
                .filter_map(
                    |a| match s3_argument(a.name()).map(|s| s.status(ctx.engine)) {
                        Some(Status::Deprecated {
                            replacement: Replacement::Renamed(path),
                            ..
                        }) => path.strip_prefix("endpoints.").map(|key| (*a, key)),
                        _ => None,
                    },
                )
                // DynamoDB settings off AWS are TFB502's to remove.
                .filter(|(a, _)| {
                    !(DYNAMODB_ARGUMENTS.contains(&a.name()) && config.lacks_dynamodb())
                })
                .collect();
            moved.sort_by_key(|(a, _)| a.span().start);
            if !moved.iter().any(|(a, _)| std::ptr::eq(a.attr, arg.attr)) {
                return None;
            }
            let items: Vec<String> = moved
                .iter()
                .map(|(a, key)| format!("{key} = {}", value_text(a, true)))
                .collect();
            let (first, _) = moved.first()?;
            let mut list = vec![edits::replace_argument(
                first,
                "endpoints",
                &format!("{{ {} }}", items.join(", ")),
            )];
            list.extend(moved[1..].iter().map(|(a, _)| edits::remove_argument(a)));
            let names: Vec<String> = moved
                .iter()
                .map(|(a, _)| format!("`{}`", a.name()))
                .collect();
            Some(fix::safe(
                format!("move {} into `endpoints = {{ … }}`", names.join(", ")),
                list,
            ))
        }
        _ => None,
    }
}
