//! The prefilter (`src/scope.rs`) skips parsing files that cannot produce a finding. It must
//! be exact: linting with and without it gives byte-identical output, over every fixture and
//! over a generated corpus of realistic modules.

mod common;

use std::path::Path;
use std::process::Command;

use common::{copy_dir, corpus_generator, repo, run};

fn same_with_and_without_prefilter(cwd: &Path, path: &str) -> String {
    let fast = run(cwd, &["--format", "json", path]);
    let full = run(cwd, &["--format", "json", "--no-prefilter", path]);
    assert_eq!(fast.code, full.code, "{path}: exit codes differ");
    assert_eq!(fast.stderr, full.stderr, "{path}: stderr differs");
    assert_eq!(fast.stdout, full.stdout, "{path}: findings differ");
    fast.stdout
}

#[test]
fn every_fixture_gives_the_same_output_with_and_without_the_prefilter() {
    let out = same_with_and_without_prefilter(&repo(), "fixtures");
    assert!(out.contains("\"code\""), "the fixtures have findings");
}

/// Files that run `terraform init` are read only when their bytes hold `init` and
/// `backend-config`: without the shortcut, every one is parsed, and the output is the same.
#[test]
fn init_sources_give_the_same_output_with_and_without_the_prefilter() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join(".git")).unwrap();
    copy_dir(&repo().join("fixtures/init"), root);
    // Decoys: init without backend-config, backend-config without init, neither.
    let decoys: &[(&str, &str)] = &[
        ("makefile/tools/plain.sh", "cd ../infra && terraform init -reconfigure\n"),
        ("makefile/tools/Makefile", "# backend-config is documented elsewhere\nplan:\n\tterraform -chdir=../infra plan\n"),
        ("workflow/.github/workflows/lint.yml", "jobs:\n  lint:\n    steps:\n      - run: terraform init\n        working-directory: infra/step\n"),
        ("gitlab/build.sh", "echo nothing to see\n"),
    ];
    for (path, text) in decoys {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let out = same_with_and_without_prefilter(root, ".");
    for code in ["TFB002", "TFB403", "TFB302"] {
        assert!(out.contains(code), "{code} expected in {out}");
    }
}

#[test]
fn a_generated_corpus_gives_the_same_output_with_and_without_the_prefilter() {
    let dir = tempfile::tempdir().unwrap();
    let status = Command::new(corpus_generator())
        .args([
            "--out",
            dir.path().to_str().unwrap(),
            "--files",
            "2000",
            "--seed",
            "7",
        ])
        .status()
        .unwrap();
    assert!(status.success());

    // Make it harder: files that are out of scope but broken, and in-scope files whose only
    // needle is an escape or a token prefix.
    std::fs::write(
        dir.path().join("envs/broken_resource.tf"),
        "resource \"x\" \"y\" {\n  name = \n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("envs/escaped_provider.tf"),
        "provider \"digital\\u006fcean\" {\n  token = \"not-a-token\"\n}\n",
    )
    .unwrap();

    let out = same_with_and_without_prefilter(dir.path(), ".");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["summary"]["files"], 2002);
    assert!(
        doc["summary"]["errors"].as_u64().unwrap() > 0,
        "the corpus has bad backends"
    );
}
