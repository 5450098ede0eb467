//! TFB701 across a run: both paths of a lint (the stream of a directory outside any
//! repository, the collect pass of one inside), runs on named files, every format, `--fix`,
//! `tfblint backends`, and the summary line's count of backends tfblint cannot see.

mod common;

use std::path::Path;

use common::{codes, copy_dir, repo, run};

const COPIED: &str = "fixtures/rules/TFB701/fires-copy-pasted-key";

/// (code, file, line) of each TFB701 finding of a JSON run.
fn shared(json: &str) -> Vec<(String, u64)> {
    codes(json)
        .into_iter()
        .filter(|(code, ..)| code == "TFB701")
        .map(|(_, file, line, _)| (file, line))
        .collect()
}

#[test]
fn the_copied_key_is_reported_on_both_modules_when_the_tree_is_walked() {
    // Inside this repository: the collect pass.
    let out = run(&repo(), &["--format", "json", COPIED]);
    let expected = vec![
        (format!("{COPIED}/toolchain-deployment/atlantis/main.tf"), 7),
        (format!("{COPIED}/toolchain-deployment/jenkins/main.tf"), 6),
    ];
    assert_eq!(shared(&out.stdout), expected);
    assert_eq!(out.code, 1);
    // Outside any repository: the stream, linting each directory as it is walked.
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join(COPIED), dir.path());
    let out = run(dir.path(), &["--format", "json", "."]);
    assert_eq!(
        shared(&out.stdout),
        vec![
            ("toolchain-deployment/atlantis/main.tf".to_string(), 7),
            ("toolchain-deployment/jenkins/main.tf".to_string(), 6),
        ]
    );
    let compact = run(dir.path(), &["--format", "compact", "."]);
    assert!(
        compact
            .stdout
            .contains("is also written by `toolchain-deployment/jenkins/main.tf:6`"),
        "{}",
        compact.stdout
    );
    let human = run(dir.path(), &["--format", "human", "--color", "never", "."]);
    // The snippet shows the key's own line, read before the module was dropped.
    assert!(
        human
            .stdout
            .contains(" 7 │     key          = \"lapak-toolchain-jenkins.tfstate\""),
        "{}",
        human.stdout
    );
}

#[test]
fn a_run_on_named_files_says_nothing_about_partners_it_did_not_read() {
    let atlantis = format!("{COPIED}/toolchain-deployment/atlantis/main.tf");
    let out = run(&repo(), &["--format", "json", &atlantis]);
    assert_eq!(shared(&out.stdout), vec![]);
    let jenkins = format!("{COPIED}/toolchain-deployment/jenkins/main.tf");
    let out = run(&repo(), &["--format", "json", &atlantis, &jenkins]);
    assert_eq!(shared(&out.stdout).len(), 2);
}

#[test]
fn every_format_carries_the_finding() {
    for format in [
        "human",
        "compact",
        "json",
        "sarif",
        "junit",
        "checkstyle",
        "github",
        "gitlab",
    ] {
        let out = run(&repo(), &["--format", format, "--color", "never", COPIED]);
        assert_eq!(out.code, 1, "{format}");
        assert!(out.stdout.contains("TFB701"), "{format}: {}", out.stdout);
        assert!(
            out.stdout.contains("toolchain-deployment/jenkins/main.tf"),
            "{format}: {}",
            out.stdout
        );
    }
}

#[test]
fn fix_leaves_shared_state_alone() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join(COPIED), dir.path());
    let file = dir.path().join("toolchain-deployment/atlantis/main.tf");
    let before = std::fs::read_to_string(&file).unwrap();
    let out = run(
        dir.path(),
        &["--fix", "--unsafe-fixes", "--format", "compact", "."],
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), before);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert_eq!(out.stdout.matches("[TFB701]").count(), 2, "{}", out.stdout);
}

#[test]
fn severity_and_ignore_settings_apply() {
    let out = run(&repo(), &["--format", "json", "--ignore", "TFB701", COPIED]);
    assert_eq!(shared(&out.stdout), vec![]);
    assert_eq!(out.code, 0);
}

#[test]
fn backends_lists_who_shares_state() {
    let out = run(&repo(), &["backends", "--format", "json", COPIED]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["version"], 1);
    let rows = doc["backends"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(
        rows[0]["shares_state_with"],
        serde_json::json!([format!("{COPIED}/toolchain-deployment/jenkins/main.tf:6")])
    );
    assert_eq!(
        rows[1]["shares_state_with"],
        serde_json::json!([format!("{COPIED}/toolchain-deployment/atlantis/main.tf:7")])
    );
    let table = run(&repo(), &["backends", COPIED]);
    assert!(
        table.stdout.contains("SHARES STATE WITH"),
        "{}",
        table.stdout
    );
    assert!(
        table
            .stdout
            .contains(&format!("{COPIED}/toolchain-deployment/jenkins/main.tf:6")),
        "{}",
        table.stdout
    );
    // A configuration alone shares nothing.
    let out = run(
        &repo(),
        &[
            "backends",
            "--format",
            "json",
            "fixtures/rules/TFB701/silent-same-key-two-buckets",
        ],
    );
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    for row in doc["backends"].as_array().unwrap() {
        assert_eq!(row["shares_state_with"], serde_json::json!([]));
    }
}

fn empty_backends(dir: &Path, n: usize) {
    for i in 0..n {
        let module = dir.join(format!("m{i}"));
        std::fs::create_dir_all(&module).unwrap();
        std::fs::write(
            module.join("main.tf"),
            "terraform {\n  required_version = \"~> 1.11\"\n  backend \"s3\" {}\n}\n",
        )
        .unwrap();
    }
}

#[test]
fn the_summary_counts_backends_configured_out_of_sight() {
    let dir = tempfile::tempdir().unwrap();
    empty_backends(dir.path(), 3);
    // Streamed (no repository).
    let out = run(dir.path(), &["--format", "human", "--color", "never", "."]);
    assert_eq!(out.code, 0);
    assert_eq!(
        out.stdout,
        "No problems found (3 files in 3 modules checked).\n3 backends are configured at `terraform init` where tfblint cannot see it: pair them in tfblint.toml.\n"
    );
    let json = run(dir.path(), &["--format", "json", "."]);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(doc["summary"]["unseen_backends"], 3);
    // Collected (a repository whose root is above the path).
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let out = run(
        dir.path(),
        &["--format", "human", "--color", "never", "m0", "m1"],
    );
    assert_eq!(
        out.stdout,
        "No problems found (2 files in 2 modules checked).\n2 backends are configured at `terraform init` where tfblint cannot see it: pair them in tfblint.toml.\n"
    );
    // `tfblint backends` lists them as unknown.
    let out = run(dir.path(), &["backends", "--format", "json", "."]);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let rows = doc["backends"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    assert!(rows.iter().all(|r| r["store"] == "unknown"));
}
