//! Two ways to lint directories must agree byte for byte: streaming (what `tfblint DIR` runs:
//! the pairings of init commands found first, then each module linted as the walk finds it,
//! with what pairs it) and collecting (every module discovered, paired, then linted: what named
//! files, stdin and the fix engine use). Both run here on every fixture, on the init fixtures
//! as repositories (whole, and from a subdirectory), and on generated corpora with CI that
//! passes settings at `terraform init`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{copy_dir, corpus_generator, repo, subdirs};
use tfblint::linter::config::{self, Config};
use tfblint::linter::pipeline::Options;
use tfblint::linter::Workspace;
use tfblint::render::{render, Format, HumanOptions};

/// Lints `paths` from `cwd` both ways (with the configuration the command line would find),
/// asserts that they agree in every output format, and returns the JSON.
fn same_both_ways(cwd: &Path, paths: &[&str]) -> String {
    let config = match config::discover(cwd) {
        Some(file) => config::load(&file, cwd).unwrap(),
        None => Config::default_in(cwd),
    };
    let workspace = Workspace::new(Options::new(config, cwd.to_path_buf())).unwrap();
    // Absolute: the process's working directory is not `cwd`.
    let paths: Vec<PathBuf> = paths.iter().map(|p| cwd.join(p)).collect();
    let streamed = workspace.lint_paths(&paths, &[]);
    let discovery = workspace.discover(&paths, &[]);
    let mut collected = workspace.lint(&discovery, &[]);
    // What both paths add after linting the modules (TFB404).
    collected.add(workspace.artifacts(&paths));
    let what = format!("{} {paths:?}", cwd.display());
    for format in [Format::Json, Format::Human, Format::Sarif] {
        let human = HumanOptions { color: false };
        let (a, b) = (
            render(format, &streamed.report, human),
            render(format, &collected, human),
        );
        if a != b {
            panic!(
                "{what}: streaming and collecting differ ({format:?}):\n{}",
                difference(&a, &b)
            );
        }
    }
    assert_eq!(streamed.errors, discovery.errors, "{what}: errors differ");
    assert_eq!(
        streamed.found_modules,
        !discovery.modules.is_empty(),
        "{what}"
    );
    render(
        Format::Json,
        &streamed.report,
        HumanOptions { color: false },
    )
}

/// The lines where two outputs part (streamed `-`, collected `+`), with a little context.
fn difference(streamed: &str, collected: &str) -> String {
    let diff = similar::TextDiff::from_lines(streamed, collected);
    diff.unified_diff().context_radius(3).to_string()
}

#[test]
fn every_fixture_lints_the_same_streamed_and_collected() {
    let root = repo();
    let all = same_both_ways(&root, &["fixtures"]);
    assert!(all.contains("\"code\""), "the fixtures have findings");
    for group in subdirs(&root.join("fixtures")) {
        for case in subdirs(&group) {
            let shown = case.strip_prefix(&root).unwrap().to_str().unwrap();
            same_both_ways(&root, &[shown]);
        }
    }
}

/// Each init fixture as the repository it stands for: walked from its root, from each of its
/// subdirectories (the repository's init sources still pair them), and from both at once.
#[test]
fn init_fixtures_lint_the_same_streamed_and_collected() {
    let mut paired = 0;
    for case in subdirs(&repo().join("fixtures/init")) {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&case, dir.path());
        std::fs::create_dir(dir.path().join(".git")).unwrap();
        let out = same_both_ways(dir.path(), &["."]);
        if out.contains("terraform init") {
            paired += 1;
        }
        for sub in subdirs(dir.path()) {
            let name = sub.file_name().unwrap().to_str().unwrap().to_string();
            if name == ".git" {
                continue;
            }
            same_both_ways(dir.path(), &[&name]);
            same_both_ways(dir.path(), &[".", &name]);
            same_both_ways(&sub, &["."]);
        }
    }
    assert!(paired > 3, "init commands pair modules in the fixtures");
}

/// Generated corpora in a git repository, with a workflow that passes settings and partial
/// files to some modules, a partial file passed from another directory, and a script whose
/// partial file is missing: streamed and collected, from the root and from a subdirectory.
#[test]
fn generated_corpora_with_init_commands_lint_the_same_streamed_and_collected() {
    for (files, seed) in [(600, 3), (1500, 11)] {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let status = Command::new(corpus_generator())
            .args(["--out", root.to_str().unwrap()])
            .args(["--files", &files.to_string(), "--seed", &seed.to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        std::fs::create_dir(root.join(".git")).unwrap();
        let mut modules: Vec<PathBuf> = Vec::new();
        collect_modules(root, root, &mut modules);
        modules.sort();
        assert!(modules.len() > 10, "{} modules", modules.len());
        let mut steps = String::new();
        for (i, module) in modules.iter().enumerate().step_by(7) {
            let module = module.to_str().unwrap();
            steps.push_str(&format!(
                "      - run: terraform -chdir={module} init -backend-config=region=nyc3 \
                 -backend-config=shared/env{i}.s3.tfbackend -backend-config=skip_credentials_validation=false\n"
            ));
            let partial = root.join("shared").join(format!("env{i}.s3.tfbackend"));
            std::fs::create_dir_all(partial.parent().unwrap()).unwrap();
            std::fs::write(partial, format!("bucket = \"b{i}\"\nkey = \"k{i}\"\n")).unwrap();
        }
        let workflow =
            format!("on: push\njobs:\n  plan:\n    runs-on: ubuntu-latest\n    steps:\n{steps}");
        std::fs::create_dir_all(root.join(".github/workflows")).unwrap();
        std::fs::write(root.join(".github/workflows/plan.yml"), workflow).unwrap();
        let script = format!(
            "#!/bin/sh\ncd {} && terraform init -backend-config=missing.tfbackend\n",
            modules[1].display()
        );
        std::fs::write(root.join("deploy.sh"), script).unwrap();

        let out = same_both_ways(root, &["."]);
        let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert!(doc["summary"]["modules"].as_u64().unwrap() > 10);
        assert!(out.contains("plan.yml"), "findings land in the workflow");
        let first = modules[0].components().next().unwrap();
        let first = first.as_os_str().to_str().unwrap();
        same_both_ways(root, &[first]);
        same_both_ways(root, &["shared"]);
    }
}

/// The directories under `dir` (relative to `root`) that hold a `.tf` file.
fn collect_modules(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
    let mut has_tf = false;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect_modules(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "tf") {
            has_tf = true;
        }
    }
    if has_tf {
        out.push(dir.strip_prefix(root).unwrap().to_path_buf());
    }
}
