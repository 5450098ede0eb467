//! Cost stays linear in the input (issue 20): each hostile input of the issue, at a size that
//! keeps the test well under a second in a debug build, with a bound on the WORK done (parses,
//! line indexes built, bytes kept) that does not depend on the size, not on the time taken.
//! The full-size figures (release build, before and after) are in `docs/performance.md`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tfblint::input::init::pairing::{pair_text, Pairings};
use tfblint::input::init::{extract, settings, SourceKind};
use tfblint::input::source::{self, FileKind, LineIndex, ParseMode, SourceFile};
use tfblint::linter::init_load::load_pairings;
use tfblint::linter::pipeline::{lint_module, Options};
use tfblint::model::context::Module;

fn module_key() -> PathBuf {
    PathBuf::from("/repo/infra")
}

fn pairings(kind: SourceKind, name: &str, text: String) -> Pairings {
    pair_text(&module_key(), PathBuf::from(name), name.into(), kind, text)
}

/// Loads what the pairings pass to the module, as the pipeline does; returns the number of
/// setting texts parsed for it.
fn load(p: &Pairings) -> (tfblint::model::init::InitData, usize) {
    let before = settings::parses();
    let data = load_pairings(&module_key(), p, &HashMap::new(), &[], ParseMode::Prefilter);
    (data, settings::parses() - before)
}

#[test]
fn a_workflow_with_thousands_of_init_steps_shares_one_text_and_parses_its_settings_once() {
    let steps: String = (0..4000)
        .map(|i| {
            format!("      - run: terraform init -backend-config=bucket=b{i} -backend-config=\"key=k/{i}\"\n")
        })
        .collect();
    let text = format!("on: push\njobs:\n  plan:\n    runs-on: ubuntu-latest\n    steps:\n{steps}");
    let p = pairings(SourceKind::GithubWorkflow, "ci.yml", text);
    assert_eq!(p.pairings.len(), 4000);
    let (data, parses) = load(&p);
    assert_eq!(parses, 1, "one text for every setting of the file");
    assert_eq!(data.configs.len(), 4000);
    // One copy of the source text, shared: the module's file is the pairing's text.
    assert_eq!(data.files.len(), 1);
    assert!(Arc::ptr_eq(&data.files[0].text, &p.sources[0].text));
    // No setting keeps the padding it was laid out on.
    let kept: usize = data
        .configs
        .iter()
        .flat_map(|c| &c.items)
        .map(|item| match item {
            tfblint::model::init::InitItem::Setting(s) => {
                use hcl_edit::Decorate;
                s.attr.decor().prefix().map_or(0, |p| p.len())
                    + s.attr.key.decor().prefix().map_or(0, |p| p.len())
            }
            _ => 0,
        })
        .sum();
    assert_eq!(kept, 0);
    // A second module paired by the same file parses nothing again.
    let (_, again) = load(&p);
    assert_eq!(again, 0);
}

#[test]
fn one_command_with_tens_of_thousands_of_backend_configs_parses_its_settings_once() {
    let args: Vec<String> = (0..10_000)
        .map(|i| format!("-backend-config=key{}=value{i}", i % 50))
        .collect();
    let text = format!("cd infra\nterraform init {}\n", args.join(" "));
    let p = pairings(SourceKind::Shell, "init.sh", text.clone());
    assert_eq!(p.pairings.len(), 1);
    assert_eq!(p.pairings[0].items.len(), 10_000);
    let (data, parses) = load(&p);
    assert_eq!(parses, 1);
    // Every value where it is written in the file.
    let mut checked = 0;
    for item in &data.configs[0].items {
        if let tfblint::model::init::InitItem::Setting(s) = item {
            use hcl_edit::Span;
            let span = s.attr.value.span().unwrap();
            // The string's quotes around the value as written.
            assert_eq!(span.start + 1..span.end - 1, s.value_span);
            checked += 1;
        }
    }
    assert_eq!(checked, 10_000);
}

#[test]
fn a_script_with_30000_pushd_keeps_a_bounded_directory_stack() {
    let mut script = String::new();
    for i in 0..30_000 {
        script.push_str(&format!("pushd dir{i}/sub\n"));
    }
    script.push_str("terraform init -backend-config=deep.tfbackend\n");
    for _ in 0..30_000 {
        script.push_str("popd\n");
    }
    script.push_str("cd infra && terraform init -backend-config=prod.tfbackend\n");
    let found = extract(SourceKind::Shell, &script).unwrap();
    assert_eq!(found.len(), 2);
    // Deeper than any path can be: unknown, not a path of 30,000 components.
    assert_eq!(
        found[0].working_dir,
        tfblint::input::init::WorkingDir::Dynamic
    );
    // Popped past what the bounded stack remembers: unknown too.
    assert_eq!(
        found[1].working_dir,
        tfblint::input::init::WorkingDir::Dynamic
    );
    // A shallow stack is followed exactly.
    let found = extract(
        SourceKind::Shell,
        "pushd a\npushd b\npopd\nterraform init -backend-config=x.tfbackend\n",
    )
    .unwrap();
    assert_eq!(
        found[0].working_dir,
        tfblint::input::init::WorkingDir::Known {
            base: tfblint::input::init::DirBase::Invocation,
            path: PathBuf::from("a"),
        }
    );
}

fn file(name: &str, text: String) -> SourceFile {
    SourceFile::from_bytes(
        PathBuf::from(name),
        name.into(),
        FileKind::Tf,
        text.into_bytes(),
    )
}

fn lint(files: Vec<SourceFile>) -> tfblint::linter::pipeline::ModuleOutcome {
    let module = Module {
        dir: PathBuf::from("."),
        files,
        init: Default::default(),
    };
    let options = Options::new(
        tfblint::linter::config::Config::default_in(Path::new(".")),
        PathBuf::from("."),
    );
    lint_module(&module, &options)
}

#[test]
fn fixes_for_a_thousand_backend_blocks_in_one_file_build_one_line_index() {
    let text: String = (0..1000)
        .map(|_| "terraform {\n  backend \"s3\" {\n    bucket = \"b\"\n  }\n}\n")
        .collect();
    let before = LineIndex::builds();
    let outcome = lint(vec![file("main.tf", text)]);
    let fixes = outcome
        .diagnostics
        .iter()
        .filter(|d| d.fix.is_some())
        .count();
    assert!(fixes >= 1000, "{fixes} fixes");
    // One index for the file (positions and every fix's layout), one for the masked text.
    assert!(
        LineIndex::builds() - before <= 2,
        "{}",
        LineIndex::builds() - before
    );
}

#[test]
fn a_fix_in_a_block_of_thousands_of_arguments_builds_one_line_index() {
    let args: String = (0..1000).map(|i| format!("    arg{i} = \"v\"\n")).collect();
    let text = format!(
        "terraform {{\n  required_version = \"~> 1.11\"\n  backend \"s3\" {{\n{args}  }}\n}}\n"
    );
    let before = LineIndex::builds();
    let outcome = lint(vec![file("main.tf", text)]);
    assert!(outcome.diagnostics.iter().any(|d| d.fix.is_some()));
    assert!(
        LineIndex::builds() - before <= 2,
        "{}",
        LineIndex::builds() - before
    );
}

#[test]
fn thirty_two_repeated_keys_after_a_large_object_are_recovered_in_two_parses() {
    let object: String = (0..2000).map(|i| format!("    k{i} = {i}\n")).collect();
    let repeats: String = (0..32)
        .map(|i| format!("  d{i} = 1\n  d{i} = 2\n"))
        .collect();
    let text = format!("locals {{\n  big = {{\n{object}  }}\n{repeats}}}\n");
    let before = source::parses();
    let (parsed, redefined) = source::parse_recovering(&text);
    assert_eq!(source::parses() - before, 2, "the failing parse, then one");
    let body = parsed.expect("recovered");
    assert_eq!(redefined.len(), 32);
    for r in &redefined {
        assert_eq!(&text[r.span.clone()], r.name);
        assert!(r.first.start < r.span.start);
    }
    let locals = body.get_blocks("locals").next().unwrap();
    assert_eq!(locals.body.attributes().count(), 33);
    assert!(locals.body.get_attribute("d31").is_some());
    // Names alike in other blocks are no repeats: put back as they were.
    let text = "a {\n  x = 1\n}\nb {\n  x = 1\n  x = 2\n}\nc {\n  x = 1\n}\n";
    let (parsed, redefined) = source::parse_recovering(text);
    let body = parsed.unwrap();
    assert_eq!(redefined.len(), 1);
    assert_eq!(redefined[0].span.start, text.find("x = 2").unwrap());
    for name in ["a", "b", "c"] {
        let block = body.get_blocks(name).next().unwrap();
        assert_eq!(block.body.get_attribute("x").unwrap().key.as_str(), "x");
    }
}

#[test]
fn a_file_of_one_long_traversal_is_refused_before_parsing() {
    let text = format!(
        "terraform {{\n  backend \"s3\" {{}}\n}}\nlocals {{\n  x = a{}\n}}\n",
        ".b".repeat(1_100_000)
    );
    let before = source::parses();
    let f = file("main.tf", text);
    assert_eq!(source::parses() - before, 0, "not parsed");
    let failure = f.parsed.as_ref().unwrap_err();
    assert_eq!(
        failure.message,
        "expression too large: the file has more than 1000000 expression parts (traversal steps, items, arguments); not parsed"
    );
    assert_eq!(f.position(failure.span.start).line, 5);
}
