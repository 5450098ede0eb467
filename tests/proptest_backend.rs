//! Generated backend blocks: random subsets of known and unknown arguments, values of every
//! kind, comments between arguments, spaces and tabs, LF or CRLF, with or without a final
//! newline, one-line blocks, and sometimes a partial `.tfbackend` file beside them.
//!
//! Invariants: the text parses (the generator writes valid HCL), nothing panics, every span
//! lies in its file on character boundaries, every position is the one recomputed from the
//! text, the same input gives the same output, and the JSON output parses.

use std::collections::BTreeMap;
use std::path::PathBuf;

use proptest::prelude::*;
use tfblint::diagnostic::{Position, Report};
use tfblint::input::source::{FileKind, SourceFile};
use tfblint::linter::pipeline::{lint_module, Options};
use tfblint::model::context::Module;
use tfblint::render::{render, Format, HumanOptions};

const KNOWN: &[&str] = &[
    "bucket",
    "key",
    "region",
    "endpoint",
    "endpoints",
    "access_key",
    "secret_key",
    "token",
    "sse_customer_key",
    "skip_credentials_validation",
    "skip_requesting_account_id",
    "skip_metadata_api_check",
    "skip_region_validation",
    "skip_s3_checksum",
    "use_lockfile",
    "use_path_style",
    "encrypt",
    "workspace_key_prefix",
];

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::sample::select(KNOWN).prop_map(str::to_string),
        1 => "[a-z][a-z0-9_]{0,12}",
        1 => "[a-zé][a-zé0-9_-]{0,6}",
    ]
}

/// The inside of a quoted string: plain text, unicode, emoji and escapes.
fn string_body() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            4 => "[a-zA-Z0-9 ./:_-]{1,8}",
            1 => Just("é".to_string()),
            1 => Just("🎉".to_string()),
            1 => Just("日本".to_string()),
            1 => Just("\\n".to_string()),
            1 => Just("\\\"".to_string()),
            1 => Just("\\\\".to_string()),
            1 => Just("\\u00e9".to_string()),
            1 => Just("$${x}".to_string()),
        ],
        0..6,
    )
    .prop_map(|parts| parts.concat())
}

fn scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("true".to_string()),
        Just("false".to_string()),
        Just("null".to_string()),
        proptest::sample::select(vec!["\"true\"", "\"false\"", "\"1\"", "\"0\"", "\"yes\""])
            .prop_map(str::to_string),
        (-1000i64..100_000).prop_map(|n| n.to_string()),
        Just("1.5".to_string()),
        Just("1e3".to_string()),
        string_body().prop_map(|s| format!("\"{s}\"")),
        Just("\"https://nyc3.digitaloceanspaces.com\"".to_string()),
        Just("\"us-east-1\"".to_string()),
        Just("\"nyc3\"".to_string()),
        proptest::sample::select(vec![
            "var.x",
            "local.a.b",
            "path.module",
            "terraform.workspace"
        ])
        .prop_map(str::to_string),
        proptest::sample::select(vec!["lower(\"X\")", "format(\"%s\", var.x)", "file(\"k\")"])
            .prop_map(str::to_string),
        (string_body(), string_body()).prop_map(|(a, b)| format!("\"{a}${{var.r}}{b}\"")),
        Just("\"%{ if true }x%{ endif }\"".to_string()),
        Just("[for s in var.l : s]".to_string()),
    ]
}

fn value() -> impl Strategy<Value = String> {
    scalar().prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..3)
                .prop_map(|items| format!("[{}]", items.join(", "))),
            proptest::collection::btree_map(name(), inner, 0..3).prop_map(|items| {
                let items: Vec<String> = items
                    .into_iter()
                    .map(|(k, v)| format!("{k} = {v}"))
                    .collect();
                format!("{{ {} }}", items.join(", "))
            }),
        ]
    })
}

/// An argument's value: any value, or a heredoc (which needs lines of its own).
fn argument_value() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => value(),
        1 => string_body().prop_map(|s| format!("<<EOT\n{s} ${{var.x}}\nEOT")),
        1 => string_body().prop_map(|s| format!("<<-EOT\n    {s}\n  EOT")),
    ]
}

fn comment() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        3 => Just(None),
        1 => "[a-z é🎉]{0,10}".prop_map(|c| Some(format!("# {c}"))),
        1 => "[a-z é🎉]{0,10}".prop_map(|c| Some(format!("// {c}"))),
        1 => "[a-z é🎉]{0,10}".prop_map(|c| Some(format!("/* {c} */"))),
    ]
}

fn indent() -> impl Strategy<Value = String> {
    "[ \t]{0,4}"
}

#[derive(Debug, Clone)]
struct Case {
    args: Vec<(String, String, Option<String>, String)>,
    required_version: Option<String>,
    one_line: bool,
    crlf: bool,
    final_newline: bool,
    bom: bool,
    partial: Option<Vec<(String, String)>>,
}

fn case() -> impl Strategy<Value = Case> {
    (
        proptest::collection::vec((name(), argument_value(), comment(), indent()), 0..10),
        proptest::option::of(proptest::sample::select(vec![
            "\"~> 1.11\"",
            "\">= 1.0\"",
            "\"~> 1\"",
            "\"=> 1.6\"",
            "\">= 2.0, < 1.9\"",
            "[\"1.6\"]",
            "var.v",
        ])),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        proptest::bool::weighted(0.1),
        proptest::option::weighted(0.3, proptest::collection::vec((name(), value()), 0..5)),
    )
        .prop_map(
            |(mut args, required_version, one_line, crlf, final_newline, bom, mut partial)| {
                // HCL rejects an attribute defined twice in one body.
                let mut seen = std::collections::BTreeSet::new();
                args.retain(|(name, ..)| seen.insert(name.clone()));
                if let Some(partial) = &mut partial {
                    let mut seen = std::collections::BTreeSet::new();
                    partial.retain(|(name, _)| seen.insert(name.clone()));
                }
                Case {
                    args,
                    required_version: required_version.map(str::to_string),
                    one_line,
                    crlf,
                    final_newline,
                    bom,
                    partial,
                }
            },
        )
}

impl Case {
    fn tf(&self) -> String {
        let mut lines = Vec::new();
        lines.push("terraform {".to_string());
        if let Some(v) = &self.required_version {
            lines.push(format!("\trequired_version = {v}"));
        }
        let single_line = self.args.iter().all(|(_, v, _, _)| !v.contains('\n'));
        if self.one_line && self.args.len() <= 1 && single_line {
            let inner = self
                .args
                .first()
                .map(|(n, v, _, _)| format!(" {n} = {v} "))
                .unwrap_or_default();
            lines.push(format!("  backend \"s3\" {{{inner}}}"));
        } else {
            lines.push("  backend \"s3\" {".to_string());
            for (name, value, comment, indent) in &self.args {
                if let Some(c) = comment {
                    lines.push(format!("{indent}{c}"));
                }
                lines.push(format!("{indent}{name} = {value}"));
            }
            lines.push("  }".to_string());
        }
        lines.push("}".to_string());
        self.join(lines)
    }

    fn tfbackend(&self) -> Option<String> {
        let partial = self.partial.as_ref()?;
        let lines = partial.iter().map(|(n, v)| format!("{n} = {v}")).collect();
        Some(self.join(lines))
    }

    fn join(&self, lines: Vec<String>) -> String {
        let mut text = if self.bom {
            "\u{feff}".to_string()
        } else {
            String::new()
        };
        text.push_str(&lines.join("\n"));
        if self.final_newline {
            text.push('\n');
        }
        if self.crlf {
            text = text.replace('\n', "\r\n");
        }
        text
    }
}

/// Line and column counted one character at a time: a different computation from the
/// library's line index.
fn recount(text: &str, offset: usize) -> Position {
    let (mut line, mut column) = (1, 1);
    for (i, c) in text.char_indices() {
        if i >= offset {
            break;
        }
        match c {
            '\n' => {
                line += 1;
                column = 1;
            }
            '\u{feff}' if i == 0 => {}
            _ => column += 1,
        }
    }
    Position { line, column }
}

fn lint(case: &Case) -> (Module, Report) {
    let mut files = vec![SourceFile::from_bytes(
        PathBuf::from("m/main.tf"),
        "m/main.tf".into(),
        FileKind::Tf,
        case.tf().into_bytes(),
    )];
    if let Some(text) = case.tfbackend() {
        files.push(SourceFile::from_bytes(
            PathBuf::from("m/prod.s3.tfbackend"),
            "m/prod.s3.tfbackend".into(),
            FileKind::TfBackend,
            text.into_bytes(),
        ));
    }
    let module = Module {
        dir: PathBuf::from("m"),
        files,
        init: Default::default(),
    };
    let outcome = lint_module(&module, &Options::default());
    let sources: BTreeMap<_, _> = outcome.sources.into_iter().collect();
    let report = Report::new(outcome.diagnostics, sources, module.files.len(), 1);
    (module, report)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn generated_backends_keep_every_invariant(case in case()) {
        let (module, report) = lint(&case);
        for file in &module.files {
            prop_assert!(
                file.parsed.is_ok(),
                "{} does not parse: {:?}\n{}",
                file.display,
                file.parsed.as_ref().err(),
                file.text
            );
        }
        for d in &report.diagnostics {
            let file = module.files.iter().find(|f| f.display == d.file).unwrap();
            let text = &file.text;
            prop_assert!(d.span.start <= d.span.end && d.span.end <= text.len());
            prop_assert!(text.is_char_boundary(d.span.start));
            prop_assert!(text.is_char_boundary(d.span.end));
            prop_assert_eq!(d.start, recount(text, d.span.start), "{} start", d.code);
            prop_assert_eq!(d.end, recount(text, d.span.end), "{} end", d.code);
            prop_assert!(d.start <= d.end);
        }

        // Deterministic: the same findings, the same masked texts, the same bytes out.
        let (_, again) = lint(&case);
        prop_assert_eq!(&report.diagnostics, &again.diagnostics);
        prop_assert_eq!(&report.sources, &again.sources);
        for format in [Format::Human, Format::Json] {
            prop_assert_eq!(
                render(format, &report, HumanOptions::default()),
                render(format, &again, HumanOptions::default()),
                "{:?} differs between runs", format
            );
        }
        // Every format renders; the JSON ones parse.
        for format in [
            Format::Compact,
            Format::Json,
            Format::Sarif,
            Format::Junit,
            Format::Checkstyle,
            Format::Github,
            Format::Gitlab,
        ] {
            let out = render(format, &report, HumanOptions::default());
            if matches!(format, Format::Json | Format::Sarif | Format::Gitlab) {
                prop_assert!(serde_json::from_str::<serde_json::Value>(&out).is_ok());
            }
        }
    }
}
