//! TFB602 unknown-argument: an argument (or `endpoints`/`assume_role` key) the s3 backend
//! does not have: a typo, a removed argument, or one only the other engine knows.

use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::Span;

use super::{rule_doc, Fixability, Rule, Sink, Stores};
use crate::diagnostic::Severity;
use crate::fix::{self, edits};
use crate::model::context::{Arg, Engine, ModuleContext};
use crate::model::schema::{
    engine_name, other_engine, s3_argument, Argument, Status, S3_ARGUMENTS,
};
use crate::model::spaces::edit_distance;
use crate::model::value::Literal;
use crate::model::version::Version;

/// The Terraform version OpenTofu forked from.
const FORK: Version = Version::new(1, 6, 0);

pub static RULE: Rule = Rule {
    code: "TFB602",
    name: "unknown-argument",
    severity: Severity::Error,
    fix: Fixability::Safe,
    summary: "An argument or object key the s3 backend does not have",
    doc: rule_doc!("TFB602"),
    stores: Stores::ALL,
    check: Some(check),
};

fn check(ctx: &ModuleContext, sink: &mut Sink) {
    let engine = ctx.engine;
    let tool = engine_name(engine);
    for arg in ctx.s3_arguments() {
        let name = arg.name();
        let spec = s3_argument(name);
        match spec.map(|s| (s, s.status(engine))) {
            Some((spec, status)) if status.is_accepted() => check_keys(engine, arg, spec, sink),
            Some((_, Status::Removed { version, instead })) => {
                // OpenTofu forked from Terraform 1.6: older removals are Terraform's.
                let when = if version < FORK {
                    format!("Terraform {version}")
                } else {
                    format!("{tool} {version}")
                };
                let diagnostic = sink
                    .report(
                        &RULE,
                        arg.file,
                        arg.key_span(),
                        format!("`{name}` was removed from the s3 backend in {when}: {tool} rejects it (\"Unsupported argument\")"),
                    )
                    .with_label(format!("removed in {version}"))
                    .with_help(format!("write {instead}"));
                // Removed from both engines with nothing to replace it: delete the line. (The
                // legacy assume-role arguments carry a value that belongs elsewhere: kept.)
                let gone_everywhere = spec.is_some_and(|s| {
                    matches!(s.terraform, Status::Removed { .. })
                        && matches!(s.opentofu, Status::Removed { .. })
                });
                if gone_everywhere {
                    diagnostic.with_fix(fix::safe(
                        format!("delete `{name}`"),
                        vec![edits::remove_argument(&arg)],
                    ));
                }
            }
            _ => {
                let (mut message, help) = unknown(engine, None, spec, name, S3_ARGUMENTS);
                if arg.cli.is_some() {
                    // On the command line, `backendConfigOverrideBody` has its own words.
                    message = message.replace(
                        "\"Unsupported argument\"",
                        "\"Invalid backend configuration argument\"",
                    );
                }
                sink.report(&RULE, arg.file, arg.key_span(), message)
                    .with_label("unknown argument")
                    .with_help(help);
            }
        }
    }
}

/// The keys of an object-typed argument written as an object literal.
fn check_keys(engine: Engine, arg: Arg, spec: &Argument, sink: &mut Sink) {
    let keys = spec.ty.keys();
    if keys.is_empty() {
        return;
    }
    let Literal::Object(object) = arg.literal() else {
        return;
    };
    for (key, _) in object.iter() {
        let key_name = match key {
            ObjectKey::Ident(ident) => ident.value().as_str(),
            ObjectKey::Expression(Expression::String(s)) => s.value().as_str(),
            _ => continue,
        };
        let key_spec = spec.key(key_name);
        if key_spec.is_some_and(|k| k.status(engine).is_accepted()) {
            continue;
        }
        let (message, help) = unknown(engine, Some(spec.name), key_spec, key_name, keys);
        let help = if help.starts_with("did you mean") {
            help
        } else {
            let valid: Vec<String> = keys
                .iter()
                .filter(|k| k.status(engine).is_accepted())
                .map(|k| format!("`{}`", k.name))
                .collect();
            format!("{help}; `{}` takes {}", spec.name, valid.join(", "))
        };
        sink.report(
            &RULE,
            arg.file,
            key.span().unwrap_or_else(|| arg.value_span()),
            message,
        )
        .with_label("unknown key")
        .with_help(help);
    }
}

/// The message and help for a name `engine` does not know: who has it when the other engine
/// does, else a suggestion among `candidates`. `object`: the argument whose key it is.
fn unknown(
    engine: Engine,
    object: Option<&str>,
    spec: Option<&Argument>,
    name: &str,
    candidates: &[Argument],
) -> (String, String) {
    let tool = engine_name(engine);
    let other = other_engine(engine);
    // Terraform's own words for an unknown top-level argument.
    let (says, rejects) = match object {
        None => (
            format!(" ({tool}: \"Unsupported argument\")"),
            " (\"Unsupported argument\")",
        ),
        Some(_) => (String::new(), ""),
    };
    if let Some(status @ (Status::Supported { .. } | Status::Deprecated { .. })) =
        spec.map(|s| s.status(other))
    {
        let since = match status {
            Status::Supported { since: Some(v) } => format!(" ({v} and later)"),
            _ => String::new(),
        };
        let what = match object {
            None => format!("the argument `{name}`"),
            Some(object) => format!("the `{object}` key `{name}`"),
        };
        let other_name = engine_name(other);
        return (
            format!("only {other_name}{since} has {what}; {tool} rejects it{rejects}"),
            format!(
                "remove it; if {other_name} runs this module, lint it with `--engine {}` (a module with `.tofu` files is linted as OpenTofu)",
                other_name.to_ascii_lowercase()
            ),
        );
    }
    let message = match object {
        None => format!("the s3 backend has no argument `{name}`{says}"),
        Some(object) => format!("`{object}` has no key `{name}`"),
    };
    let known = candidates
        .iter()
        .filter(|c| c.status(engine).is_accepted())
        .map(|c| c.name);
    match suggestion(name, known) {
        Some(near) => (message, format!("did you mean `{near}`?")),
        None => (message, "remove it".to_string()),
    }
}

/// The closest of `candidates` within edit distance 2, as HCL suggests ("Did you mean …?");
/// ties go to the first.
fn suggestion<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|c| (edit_distance(name, c), c))
        .filter(|&(d, _)| d < 3)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_characters() {
        assert_eq!(edit_distance("", ""), 0);
        assert_eq!(edit_distance("abc", ""), 3);
        assert_eq!(edit_distance("", "ab"), 2);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("bucket", "Bucket"), 1);
        assert_eq!(edit_distance("é", "e"), 1);
        assert_eq!(
            edit_distance("skip_credential_validation", "skip_credentials_validation"),
            1
        );
    }

    #[test]
    fn suggests_the_closest_within_two_edits() {
        let names = ["bucket", "key", "region"];
        assert_eq!(suggestion("buckt", names.into_iter()), Some("bucket"));
        assert_eq!(suggestion("kye", names.into_iter()), Some("key"));
        assert_eq!(suggestion("regoin", names.into_iter()), Some("region"));
        assert_eq!(suggestion("endpoint_url", names.into_iter()), None);
    }
}
