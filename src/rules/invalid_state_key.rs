//! TFB607 invalid-state-key: a `key` or `workspace_key_prefix` Terraform rejects.

use std::ops::Range;

use super::{rule_doc, Fixability, Rule, Sink, Stores};
use crate::diagnostic::Severity;
use crate::model::context::{Arg, ModuleContext};

pub static RULE: Rule = Rule {
    code: "TFB607",
    name: "invalid-state-key",
    severity: Severity::Error,
    fix: Fixability::Never,
    summary: "`key` is empty or malformed, or `workspace_key_prefix` starts or ends with `/`",
    doc: rule_doc!("TFB607"),
    stores: Stores::ALL,
    check: Some(check),
};

fn check(ctx: &ModuleContext, sink: &mut Sink) {
    for config in &ctx.s3_configs {
        if let Some(arg) = config.get("key") {
            check_path(sink, arg, true);
        }
        if let Some(arg) = config.get("workspace_key_prefix") {
            check_path(sink, arg, false);
        }
    }
}

/// One thing wrong with a path, and where in the value it is.
struct Problem {
    what: &'static str,
    label: &'static str,
    range: Range<usize>,
}

fn check_path(sink: &mut Sink, arg: Arg, is_key: bool) {
    let Some(value) = arg.literal().as_str() else {
        return;
    };
    let name = arg.name();
    if value.is_empty() {
        if is_key {
            sink.report(
                &RULE,
                arg.file,
                arg.value_span(),
                "`key` is empty: Terraform needs the path of the state object in the bucket",
            )
            .with_label("empty")
            .with_help("set `key` to the state's path, e.g. `key = \"prod/terraform.tfstate\"`");
        }
        return;
    }
    let mut problems = Vec::new();
    let leading = value.len() - value.trim_start_matches('/').len();
    if leading > 0 {
        problems.push(Problem {
            what: "starts with `/`",
            label: "leading `/`",
            range: 0..leading,
        });
    }
    let trailing = value.len() - value.trim_end_matches('/').len();
    if trailing > 0 && trailing < value.len() {
        problems.push(Problem {
            what: "ends with `/`",
            label: "trailing `/`",
            range: value.len() - trailing..value.len(),
        });
    }
    if is_key {
        // A `//` not already part of the leading or trailing slashes.
        let inner = &value[leading..value.len() - trailing.min(value.len() - leading)];
        if let Some(at) = inner.find("//") {
            let start = leading + at;
            let len = inner[at..].len() - inner[at..].trim_start_matches('/').len();
            problems.push(Problem {
                what: "contains `//`",
                label: "`//`",
                range: start..start + len,
            });
        }
    }
    if problems.is_empty() {
        return;
    }
    let span = match problems.as_slice() {
        [one] => narrow(&arg, value, one.range.clone()),
        _ => arg.value_span(),
    };
    let whats: Vec<&str> = problems.iter().map(|p| p.what).collect();
    let what = match whats.as_slice() {
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
        [] => unreachable!(),
    };
    let label = match problems.as_slice() {
        [one] => one.label,
        _ => "invalid path",
    };
    let cleaned = clean(value);
    let help = if cleaned.is_empty() {
        format!("write `{name}` as a path of names separated by single slashes, e.g. `\"prod/terraform.tfstate\"`")
    } else {
        format!("write `{name} = \"{cleaned}\"`")
    };
    sink.report(
        &RULE,
        arg.file,
        span,
        format!("`{name}` {what}, which Terraform rejects"),
    )
    .with_label(label)
    .with_help(help);
}

/// The file range of `range` within a string value written without escapes, else the value.
fn narrow(arg: &Arg, value: &str, range: Range<usize>) -> Range<usize> {
    let span = arg.value_span();
    match arg.file.string_contents(&span) {
        Some(inner) if arg.file.text.get(inner.clone()) == Some(value) => {
            inner.start + range.start..inner.start + range.end
        }
        _ => span,
    }
}

/// The path with its outer slashes removed and inner runs of slashes collapsed.
fn clean(value: &str) -> String {
    value
        .split('/')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("/")
}
