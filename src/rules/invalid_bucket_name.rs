//! TFB606 invalid-bucket-name: on Spaces, a `bucket` that no Space can be named.

use super::{rule_doc, Fixability, Rule, Sink, Stores};
use crate::diagnostic::Severity;
use crate::model::context::ModuleContext;
use crate::model::spaces::looks_like_placeholder;

pub static RULE: Rule = Rule {
    code: "TFB606",
    name: "invalid-bucket-name",
    severity: Severity::Error,
    fix: Fixability::Never,
    summary: "On Spaces, `bucket` is not a valid bucket name",
    doc: rule_doc!("TFB606"),
    stores: Stores::SPACES,
    check: Some(check),
};

const NAMING: &str = "Spaces bucket names are 3 to 63 characters of lowercase letters, digits and dashes, starting with a letter or digit";

fn check(ctx: &ModuleContext, sink: &mut Sink) {
    for config in ctx.s3_configs.iter().filter(|c| c.is_spaces()) {
        let Some(arg) = config.get("bucket") else {
            continue;
        };
        let Some(name) = arg.literal().as_str() else {
            continue;
        };
        let problems = problems_of(name);
        if problems.is_empty() {
            continue;
        }
        let shown = if name.chars().count() <= 70 {
            format!("`bucket = {name:?}`")
        } else {
            "`bucket`".to_string()
        };
        let (message, help) = if looks_like_placeholder(name) {
            (
                format!("{shown} looks like an unfilled placeholder, not a bucket name"),
                format!("write the name of your Space; {NAMING}"),
            )
        } else {
            let mut help = format!(
                "write the name of your Space as it appears in the control panel; {NAMING}"
            );
            // A shortened name would be a guess: no suggestion for a name too long.
            let suggestion = suggest(name);
            if suggestion != name
                && name.chars().count() <= 63
                && problems_of(&suggestion).is_empty()
            {
                help.push_str(&format!(", e.g. `{suggestion}`"));
            }
            (
                format!(
                    "{shown} is not a valid Spaces bucket name: it {}",
                    join(&problems)
                ),
                help,
            )
        };
        sink.report(&RULE, arg.file, arg.value_span(), message)
            .with_label("invalid bucket name")
            .with_help(help);
    }
}

/// Everything wrong with `name`, each as a phrase following "it".
fn problems_of(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let len = name.chars().count();
    if len == 0 {
        out.push("is empty".to_string());
        return out;
    }
    if len < 3 {
        out.push(format!(
            "is too short: {len} character{} (at least 3)",
            plural(len)
        ));
    }
    if len > 63 {
        out.push(format!("is too long: {len} characters (at most 63)"));
    }
    let mut others: Vec<String> = Vec::new();
    if name.chars().any(|c| c.is_uppercase()) {
        others.push("uppercase letters".to_string());
    }
    for c in name.chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c.is_uppercase() {
            continue;
        }
        let described = match c {
            '_' => "an underscore".to_string(),
            '.' => "a dot".to_string(),
            ' ' => "a space".to_string(),
            c if c.is_whitespace() || c.is_control() => format!("the character U+{:04X}", c as u32),
            c => format!("`{c}`"),
        };
        if !others.contains(&described) {
            others.push(described);
        }
    }
    if !others.is_empty() {
        out.push(format!("has {}", join(&others)));
    }
    if name.starts_with('-') {
        out.push("starts with a dash".to_string());
    }
    out
}

/// The name lowercased, with `_`, `.` and spaces turned into dashes, other characters and
/// leading dashes dropped.
fn suggest(name: &str) -> String {
    let out: String = name
        .chars()
        .filter_map(|c| match c {
            'a'..='z' | '0'..='9' | '-' => Some(c),
            'A'..='Z' => Some(c.to_ascii_lowercase()),
            '_' | '.' | ' ' => Some('-'),
            _ => None,
        })
        .collect();
    out.trim_start_matches('-').to_string()
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// "a", "a and b", "a, b and c".
fn join(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn says_exactly_what_is_wrong() {
        assert!(problems_of("acme-tfstate").is_empty());
        assert!(problems_of("0acme").is_empty());
        assert_eq!(problems_of(""), vec!["is empty"]);
        assert_eq!(
            problems_of("ab"),
            vec!["is too short: 2 characters (at least 3)"]
        );
        assert_eq!(
            problems_of(&"a".repeat(64)),
            vec!["is too long: 64 characters (at most 63)"]
        );
        assert_eq!(
            problems_of("-Acme_TF.state_x"),
            vec![
                "has uppercase letters, an underscore and a dot",
                "starts with a dash"
            ]
        );
        assert_eq!(suggest("-Acme_TF.state"), "acme-tf-state");
    }
}
