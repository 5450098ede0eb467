//! TFB603 wrong-argument-type: a value Terraform cannot convert to the argument's type.
//!
//! Terraform converts number → string, bool → string, string → bool ("true", "false", "1",
//! "0") and string → number (when numeric), and a list to a set; nothing else. Dynamic values
//! are TFB601's, `null` is always fine, and the five skip flags are TFB302's.

use std::ops::Range;

use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::Span;

use super::{rule_doc, Fixability, Rule, Sink, Stores};
use crate::diagnostic::Severity;
use crate::model::context::ModuleContext;
use crate::model::schema::CREDENTIAL_ARGUMENTS;
use crate::model::schema::{engine_name, s3_argument, Argument, Type, SKIP_FLAGS};
use crate::model::value::Literal;

pub static RULE: Rule = Rule {
    code: "TFB603",
    name: "wrong-argument-type",
    severity: Severity::Error,
    fix: Fixability::Never,
    summary: "An argument's value has a type Terraform cannot convert to the one it expects",
    doc: rule_doc!("TFB603"),
    stores: Stores::ALL,
    check: Some(check),
};

/// One value that does not convert.
struct Mismatch {
    span: Range<usize>,
    message: String,
    label: String,
    help: String,
}

fn check(ctx: &ModuleContext, sink: &mut Sink) {
    for arg in ctx.s3_arguments() {
        let name = arg.name();
        if SKIP_FLAGS.iter().any(|&(flag, _)| flag == name) {
            continue;
        }
        // Unknown and removed arguments are TFB602's.
        let Some(spec) = s3_argument(name).filter(|s| s.status(ctx.engine).is_accepted()) else {
            continue;
        };
        let mut found = Vec::new();
        check_value(name, arg.expr(), spec, ctx, &mut found);
        for m in found {
            // On an init command line the value has no quotes of its own.
            let span = if arg.cli.is_some() && arg.expr().span() == Some(m.span.clone()) {
                arg.value_span()
            } else {
                m.span
            };
            sink.report(&RULE, arg.file, span, m.message)
                .with_label(m.label)
                .with_help(m.help);
        }
    }
}

/// Checks `expr`, the value of `path` (`max_retries`, `assume_role.duration`), against `spec`.
fn check_value(
    path: &str,
    expr: &Expression,
    spec: &Argument,
    ctx: &ModuleContext,
    out: &mut Vec<Mismatch>,
) {
    let value = Literal::of(expr);
    if matches!(value, Literal::Dynamic | Literal::Null) {
        return;
    }
    let span = expr.span().unwrap_or(0..0);
    let ty = spec.ty;
    let converts = match ty {
        Type::String => is_scalar(value),
        Type::Bool => value.as_bool().is_some(),
        Type::Number => match value {
            Literal::Number(_) => true,
            Literal::Str(s) => is_numeric(s),
            _ => false,
        },
        Type::StringSet => matches!(value, Literal::Array),
        Type::StringMap | Type::Object(_) => matches!(value, Literal::Object(_)),
    };
    if !converts {
        // A secret's value is never quoted; other scalars are, where it helps.
        let secret = CREDENTIAL_ARGUMENTS.iter().any(|(s, _)| path.ends_with(s));
        let found = match value {
            Literal::Str(_) | Literal::Bool(_) if secret => "a scalar".to_string(),
            _ => value.describe(),
        };
        out.push(Mismatch {
            span,
            message: format!(
                "`{path}` must be {}, but it is {found} ({}: \"{}\")",
                ty.describe(),
                engine_name(ctx.engine),
                cty_error(ty)
            ),
            label: format!("not {}", ty.describe()),
            help: help(path, ty, value, secret),
        });
        return;
    }
    match (ty, expr) {
        (Type::StringSet, Expression::Array(array)) => {
            for element in array.iter() {
                if !is_scalar(Literal::of(element)) {
                    out.push(element_mismatch(path, element, "list"));
                }
            }
        }
        (Type::StringMap, Expression::Object(object)) => {
            for (_, v) in object.iter() {
                if !is_scalar(Literal::of(v.expr())) {
                    out.push(element_mismatch(path, v.expr(), "map"));
                }
            }
        }
        (Type::Object(_), Expression::Object(object)) => {
            for (key, v) in object.iter() {
                let key_name = match key {
                    ObjectKey::Ident(ident) => ident.value().as_str(),
                    ObjectKey::Expression(Expression::String(s)) => s.value().as_str(),
                    _ => continue,
                };
                // Unknown keys are TFB602's.
                if let Some(key_spec) = spec
                    .key(key_name)
                    .filter(|k| k.status(ctx.engine).is_accepted())
                {
                    check_value(&format!("{path}.{key_name}"), v.expr(), key_spec, ctx, out);
                }
            }
            for required in ty.keys().iter().filter(|k| k.required) {
                let present = object.iter().any(|(key, _)| match key {
                    ObjectKey::Ident(ident) => ident.value().as_str() == required.name,
                    ObjectKey::Expression(Expression::String(s)) => {
                        s.value().as_str() == required.name
                    }
                    // A computed key might be it.
                    _ => true,
                });
                if !present {
                    out.push(Mismatch {
                        span: span.clone(),
                        message: format!(
                            "`{path}` lacks `{}`, which {} requires there",
                            required.name,
                            engine_name(ctx.engine),
                        ),
                        label: format!("missing `{}`", required.name),
                        help: format!("add `{} = \"…\"` inside `{path}`", required.name),
                    });
                }
            }
        }
        _ => {}
    }
}

/// A string, number or bool: each converts to a string.
fn is_scalar(value: Literal) -> bool {
    matches!(
        value,
        Literal::Str(_) | Literal::Number(_) | Literal::Bool(_) | Literal::Null | Literal::Dynamic
    )
}

/// What cty's string → number conversion accepts: a decimal number, optionally signed, with
/// an optional fraction and exponent.
fn is_numeric(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (mantissa, exponent) = match s.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e.strip_prefix(['-', '+']).unwrap_or(e))),
        None => (s, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    (!int.is_empty() || frac.is_some_and(|f| !f.is_empty()))
        && digits(int)
        && frac.is_none_or(|f| digits(f) && !(int.is_empty() && f.is_empty()))
        && exponent.is_none_or(|e| !e.is_empty() && digits(e))
}

/// Terraform's (cty's) words for the failed conversion.
fn cty_error(ty: Type) -> &'static str {
    match ty {
        Type::String => "string required",
        Type::Bool => "bool required",
        Type::Number => "number required",
        Type::StringSet => "set of string required",
        Type::StringMap => "map of string required",
        Type::Object(_) => "object required",
    }
}

fn element_mismatch(path: &str, element: &Expression, container: &str) -> Mismatch {
    Mismatch {
        span: element.span().unwrap_or(0..0),
        message: format!(
            "every element of `{path}` must be a string, but this one is {}",
            Literal::of(element).describe()
        ),
        label: "not a string".into(),
        help: format!("write a flat {container} of strings"),
    }
}

/// What to write instead, using the value when it is short, literal and not a secret.
fn help(path: &str, ty: Type, value: Literal, secret: bool) -> String {
    // Inside an object, the attribute is written by its own name.
    let (name, inside) = match path.rsplit_once('.') {
        Some((parent, name)) => (name, format!(" inside `{parent}`")),
        None => (path, String::new()),
    };
    let quoted = match value {
        Literal::Str(s) if !secret && s.len() <= 80 && !s.contains(['"', '\\', '\n']) => {
            Some(format!("\"{s}\""))
        }
        Literal::Number(_) if !secret => Some(number_text(value)),
        _ => None,
    };
    let write = match ty {
        Type::String => format!("write a single string: `{name} = \"…\"`"),
        Type::Bool => format!("write `{name} = true` or `{name} = false`, without quotes"),
        Type::Number => format!("write a number without quotes, such as `{name} = 5`"),
        Type::StringSet => match quoted {
            Some(v) => format!("write a list, even of one string: `{name} = [{v}]`"),
            None => format!("write a list of strings: `{name} = [\"…\"]`"),
        },
        Type::StringMap => format!("write a map of strings: `{name} = {{ key = \"value\" }}`"),
        Type::Object(keys) => {
            // A URL where `endpoints` is expected most likely meant the S3 endpoint.
            match (quoted, keys.iter().find(|k| k.name == "s3")) {
                (Some(v), Some(_)) => format!("write an object: `{name} = {{ s3 = {v} }}`"),
                _ => {
                    let first = keys.first().map_or("name", |k| k.name);
                    format!("write an object: `{name} = {{ {first} = \"…\" }}`")
                }
            }
        }
    };
    format!("{write}{inside}")
}

fn number_text(value: Literal) -> String {
    match value {
        Literal::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("\"{}\"", n as i64),
        Literal::Number(n) => format!("\"{n}\""),
        _ => "\"…\"".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::is_numeric;

    #[test]
    fn numeric_strings_as_cty_reads_them() {
        for ok in ["5", "-5", "+5", "5.0", ".5", "5.", "1e3", "1E-3", "007"] {
            assert!(is_numeric(ok), "{ok}");
        }
        for bad in [
            "", "five", "5 ", " 5", "0x10", "1e", ".", "-", "inf", "NaN", "1_000",
        ] {
            assert!(!is_numeric(bad), "{bad}");
        }
    }
}
