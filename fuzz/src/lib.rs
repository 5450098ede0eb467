//! The fuzz target's logic: arbitrary bytes through parse → model → every rule → every
//! renderer, with invariants checked on the way.
//!
//! Shared by `fuzz_targets/lint_bytes.rs` (cargo-fuzz, nightly) and by the stable mutation
//! harness `tests/fuzz_smoke.rs` in the main crate, which includes this file as a module.
//! Keep it free of inner attributes and of dependencies other than `tfblint`, `serde_json`
//! and `quick_xml`.

pub mod framing;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use tfblint::diagnostic::{Diagnostic, Position, Report};
use tfblint::input::init::{pairing::pair_text, SourceKind};
use tfblint::input::source::{FileKind, ParseMode, SourceFile};
use tfblint::linter::init_load::load_pairings;
use tfblint::linter::pipeline::{lint_module, Options};
use tfblint::model::context::Module;
use tfblint::render::{render, Format, HumanOptions};

/// Splits an input into a `.tf` file and an optional partial `.tfbackend` file.
pub const SEPARATOR: &[u8] = b"\n#---tfbackend---\n";

/// What follows is a file that runs `terraform init`, of the kind its first byte selects
/// ([`INIT_KINDS`], modulo their number); its commands are paired with the module.
pub const INIT_SEPARATOR: &[u8] = b"\n#---init---\n";

/// Every init-source format, with a file name of it and the name of its own fuzz target
/// (`fuzz_targets/<target>.rs`, which calls [`check_init`]). A new format (a new
/// [`SourceKind`]) is added here, with its target file and `[[bin]]` in `Cargo.toml`:
/// `tests/fuzz_smoke.rs` then runs its checks on stable, on its fixtures and mutations of them.
pub const INIT_FORMATS: [(SourceKind, &str, &str); 11] = [
    (SourceKind::Shell, "init.sh", "init_shell"),
    (
        SourceKind::GithubWorkflow,
        ".github/workflows/ci.yml",
        "init_github_workflow",
    ),
    (SourceKind::GitlabCi, ".gitlab-ci.yml", "init_gitlab_ci"),
    (SourceKind::Makefile, "Makefile", "init_makefile"),
    (SourceKind::Justfile, "justfile", "init_justfile"),
    (SourceKind::Taskfile, "Taskfile.yml", "init_taskfile"),
    (
        SourceKind::BitbucketPipelines,
        "bitbucket-pipelines.yml",
        "init_bitbucket_pipelines",
    ),
    (
        SourceKind::AzurePipelines,
        "azure-pipelines.yml",
        "init_azure_pipelines",
    ),
    (
        SourceKind::CircleCi,
        ".circleci/config.yml",
        "init_circleci",
    ),
    (SourceKind::Jenkinsfile, "Jenkinsfile", "init_jenkinsfile"),
    (SourceKind::Atlantis, "atlantis.yaml", "init_atlantis"),
];

pub const INIT_KINDS: [(SourceKind, &str); 11] = [
    (SourceKind::Shell, "init.sh"),
    (SourceKind::GithubWorkflow, ".github/workflows/ci.yml"),
    (SourceKind::GitlabCi, ".gitlab-ci.yml"),
    (SourceKind::Makefile, "Makefile"),
    (SourceKind::Justfile, "justfile"),
    (SourceKind::Taskfile, "Taskfile.yml"),
    (SourceKind::BitbucketPipelines, "bitbucket-pipelines.yml"),
    (SourceKind::AzurePipelines, "azure-pipelines.yml"),
    (SourceKind::CircleCi, ".circleci/config.yml"),
    (SourceKind::Jenkinsfile, "Jenkinsfile"),
    (SourceKind::Atlantis, "atlantis.yaml"),
];

/// A module paired by the init source in a format's fuzz target.
const INIT_MODULE: &[u8] =
    b"terraform {\n  required_version = \"~> 1.11\"\n  backend \"s3\" {}\n}\n";

/// Arbitrary bytes as an init source of `kind`: the extractor's spans lie in the text on
/// character boundaries, in order, and it is deterministic; then the whole pipeline with the
/// source paired to a module ([`check`]: positions, renderers, no secret printed).
pub fn check_init(kind: SourceKind, data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let found = tfblint::input::init::extract(kind, &text);
    assert_eq!(
        found,
        tfblint::input::init::extract(kind, &text),
        "extraction is not deterministic"
    );
    for command in found.iter().flatten() {
        let mut spans = vec![command.span.clone(), command.binary_span.clone()];
        spans.extend(command.chdir.iter().map(|c| c.span.clone()));
        for arg in &command.backend_configs {
            spans.push(arg.span.clone());
            match &arg.value {
                tfblint::input::init::BackendConfigValue::File { span, .. }
                | tfblint::input::init::BackendConfigValue::Empty { span } => {
                    spans.push(span.clone())
                }
                tfblint::input::init::BackendConfigValue::Setting {
                    key_span,
                    value_span,
                    ..
                } => {
                    spans.push(key_span.clone());
                    spans.push(value_span.clone());
                }
            }
        }
        for span in spans {
            assert!(
                span.start <= span.end && text.get(span.clone()).is_some(),
                "{kind:?}: span {span:?} is not in the text of {} bytes",
                text.len()
            );
        }
    }
    let index = INIT_KINDS
        .iter()
        .position(|(k, _)| *k == kind)
        .expect("every kind is one the lint_bytes target chooses");
    let mut joined = INIT_MODULE.to_vec();
    joined.extend_from_slice(INIT_SEPARATOR);
    joined.push(index as u8);
    joined.extend_from_slice(data);
    check(&joined);
}

pub const FORMATS: [Format; 8] = [
    Format::Human,
    Format::Compact,
    Format::Json,
    Format::Sarif,
    Format::Junit,
    Format::Checkstyle,
    Format::Github,
    Format::Gitlab,
];

/// The names whose string values are secrets.
const SECRET_NAMES: [&str; 4] = ["access_key", "secret_key", "token", "sse_customer_key"];

/// Lints `data` and panics if any invariant does not hold.
pub fn check(data: &[u8]) {
    let outputs = lint_and_render(data);

    // Deterministic: the same bytes give the same output.
    assert_eq!(
        outputs,
        lint_and_render(data),
        "output is not deterministic"
    );

    for (format, out) in &outputs {
        match format {
            Format::Json | Format::Sarif | Format::Gitlab => {
                if let Err(e) = serde_json::from_str::<serde_json::Value>(out) {
                    panic!("{format:?} output is not JSON ({e}):\n{out}");
                }
            }
            Format::Junit | Format::Checkstyle => check_xml(*format, out),
            _ => {}
        }
    }

    // No secret value appears in any output. A value is only suspect if it occurs once in the
    // input; an output holding it is a leak only if it holds it fewer times once the value is
    // changed in the input (rules' own texts, such as a help message, may hold the same words).
    let whole = String::from_utf8_lossy(data);
    let (hcl, init) = split_init(data);
    let mut parts: Vec<(&[u8], bool)> = split(hcl).into_iter().map(|(p, _)| (p, false)).collect();
    parts.extend(init.map(|p| (p, true)));
    for (part, cli) in parts {
        let text = String::from_utf8_lossy(part);
        let found = if cli {
            cli_secret_values(&text)
        } else {
            secret_values(&text)
        };
        for secret in found {
            if whole.matches(secret.as_str()).count() != 1 {
                continue;
            }
            let leaked: Vec<Format> = outputs
                .iter()
                .filter(|(_, out)| out.contains(secret.as_str()))
                .map(|(f, _)| *f)
                .collect();
            if leaked.is_empty() {
                continue;
            }
            let disguised = replace_all(data, secret.as_bytes(), &disguise(&secret));
            let again = lint_and_render(&disguised);
            for format in leaked {
                let count = |outputs: &[(Format, String)]| {
                    let out = &outputs.iter().find(|(f, _)| *f == format).unwrap().1;
                    out.matches(secret.as_str()).count()
                };
                assert!(
                    count(&outputs) <= count(&again),
                    "{format:?} output prints the secret {secret:?}"
                );
            }
        }
    }
}

/// The `.tf` part and the optional `.tfbackend` part of an input, with their kinds.
fn split(data: &[u8]) -> Vec<(&[u8], FileKind)> {
    match find(data, SEPARATOR) {
        Some(at) => vec![
            (&data[..at], FileKind::Tf),
            (&data[at + SEPARATOR.len()..], FileKind::TfBackend),
        ],
        None => vec![(data, FileKind::Tf)],
    }
}

/// The Terraform part and the optional init-source part of an input.
fn split_init(data: &[u8]) -> (&[u8], Option<&[u8]>) {
    match find(data, INIT_SEPARATOR) {
        Some(at) => (&data[..at], Some(&data[at + INIT_SEPARATOR.len()..])),
        None => (data, None),
    }
}

fn lint_and_render(data: &[u8]) -> Vec<(Format, String)> {
    let (data, init) = split_init(data);
    let files: Vec<SourceFile> = split(data)
        .into_iter()
        .map(|(bytes, kind)| {
            let name = match kind {
                FileKind::TfBackend => "prod.s3.tfbackend",
                _ => "main.tf",
            };
            SourceFile::from_bytes(
                PathBuf::from("fuzz").join(name),
                format!("fuzz/{name}"),
                kind,
                bytes.to_vec(),
            )
        })
        .collect();
    let init = init.map(|part| {
        let (kind, name) =
            INIT_KINDS[usize::from(part.first().copied().unwrap_or(0)) % INIT_KINDS.len()];
        let text = String::from_utf8_lossy(part.get(1..).unwrap_or_default()).into_owned();
        let dir = Path::new("fuzz");
        let pairings = pair_text(dir, dir.join(name), format!("fuzz/{name}"), kind, text);
        load_pairings(dir, &pairings, &HashMap::new(), &[], ParseMode::Prefilter)
    });
    let module = Module {
        dir: PathBuf::from("fuzz"),
        files,
        init: init.unwrap_or_default(),
    };
    let outcome = lint_module(&module, &Options::default());
    for d in &outcome.diagnostics {
        let file = module
            .all_files()
            .find(|f| f.display == d.file)
            .unwrap_or_else(|| panic!("{} names no file of the module", d.code));
        check_location(d, &file.text);
    }
    let sources: BTreeMap<String, _> = outcome.sources.into_iter().collect();
    for (name, masked) in &sources {
        let file = module.all_files().find(|f| &f.display == name).unwrap();
        assert_eq!(
            masked.len(),
            file.text.len(),
            "masking changed the length of {name}"
        );
        assert_eq!(
            masked.matches('\n').count(),
            file.text.matches('\n').count(),
            "masking changed the lines of {name}"
        );
    }
    let report = Report::new(outcome.diagnostics, sources, module.files.len(), 1);
    FORMATS
        .iter()
        .map(|&format| {
            let options = HumanOptions {
                color: format == Format::Human,
            };
            (format, render(format, &report, options))
        })
        .collect()
}

/// The span lies in the text on character boundaries, and the positions are the ones
/// computed independently from the text.
fn check_location(d: &Diagnostic, text: &str) {
    let span = &d.span;
    assert!(
        span.start <= span.end && span.end <= text.len(),
        "{} span {span:?} outside a text of {} bytes",
        d.code,
        text.len()
    );
    assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "{} span {span:?} not on character boundaries",
        d.code
    );
    assert!(d.start <= d.end, "{} starts after it ends", d.code);
    assert_eq!(d.start, position(text, span.start), "{} start", d.code);
    assert_eq!(d.end, position(text, span.end), "{} end", d.code);
}

/// 1-based line (lines end at `\n`) and column in characters, a leading BOM not counted.
pub fn position(text: &str, offset: usize) -> Position {
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let mut line = &before[line_start..];
    if line_start == 0 {
        line = line.strip_prefix('\u{feff}').unwrap_or(line);
    }
    Position {
        line: before.matches('\n').count() + 1,
        column: line.chars().count() + 1,
    }
}

/// XML 1.0 allows no control character but tab, newline and carriage return.
fn check_xml(format: Format, out: &str) {
    if let Some(c) = out.chars().find(|&c| {
        (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{fffe}' || c == '\u{ffff}'
    }) {
        panic!("{format:?} output holds {c:?}, which XML forbids:\n{out}");
    }
    let mut reader = quick_xml::Reader::from_str(out);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("{format:?} output is not well-formed XML ({e}):\n{out}"),
        }
    }
}

/// Values of `name = "value"` for a secret name, longer than 8 characters, made of the
/// characters keys and tokens are made of.
pub fn secret_values(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
    let value_char = |b: u8| b.is_ascii_alphanumeric() || b"+/=_.-".contains(&b);
    let mut values = Vec::new();
    for name in SECRET_NAMES {
        let mut from = 0;
        while let Some(at) = text[from..].find(name).map(|i| from + i) {
            from = at + name.len();
            if at > 0 && ident(bytes[at - 1]) {
                continue;
            }
            let rest = &text[at + name.len()..];
            let rest = rest.trim_start_matches([' ', '\t']);
            let Some(rest) = rest.strip_prefix('=') else {
                continue;
            };
            if rest.starts_with('=') {
                continue;
            }
            let rest = rest.trim_start_matches([' ', '\t']);
            let Some(rest) = rest.strip_prefix('"') else {
                continue;
            };
            let len = rest.bytes().take_while(|&b| value_char(b)).count();
            if len > 8 && rest.as_bytes().get(len) == Some(&b'"') {
                values.push(rest[..len].to_string());
            }
        }
    }
    values
}

/// Values of `name=value` on an init command line (`-backend-config="secret_key=…"`), longer
/// than 8 characters, ending at a quote, a blank or the end of the line.
pub fn cli_secret_values(text: &str) -> Vec<String> {
    let value_char = |b: u8| b.is_ascii_alphanumeric() || b"+/=_.-".contains(&b);
    let mut values = Vec::new();
    for name in SECRET_NAMES {
        let needle = format!("{name}=");
        let mut from = 0;
        while let Some(at) = text[from..].find(&needle).map(|i| from + i) {
            from = at + needle.len();
            let rest = &text[from..];
            let len = rest.bytes().take_while(|&b| value_char(b)).count();
            let end = rest.as_bytes().get(len).copied();
            if len > 8
                && matches!(
                    end,
                    None | Some(b'"' | b'\'' | b' ' | b'\n' | b'\r' | b'\t')
                )
            {
                values.push(rest[..len].to_string());
            }
        }
    }
    values
}

/// The same characters shifted (letters and digits only), so the input keeps its shape.
fn disguise(secret: &str) -> Vec<u8> {
    secret
        .bytes()
        .map(|b| match b {
            b'a'..=b'y' | b'A'..=b'Y' | b'0'..=b'8' => b + 1,
            b'z' => b'a',
            b'Z' => b'A',
            b'9' => b'0',
            other => other,
        })
        .collect()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn replace_all(data: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len());
    let mut i = 0;
    while i < data.len() {
        if data[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(data[i]);
            i += 1;
        }
    }
    out
}
