//! The command line, run as a user would: exit codes, formats, discovery, module context.

mod common;

use std::fs;
use std::path::Path;

use common::{codes, repo, run};

const GOOD: &str = common::GOOD_BACKEND;

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, common::own_state(rel, text)).unwrap();
}

/// `GOOD` without its `required_version` line.
fn backend_without_version() -> String {
    GOOD.replace("  required_version = \"~> 1.11\"\n\n", "")
}

/// `GOOD` missing `skip_s3_checksum`: one error.
fn backend_missing_checksum_flag() -> String {
    GOOD.replace("    skip_s3_checksum            = true\n", "")
}

#[test]
fn exit_code_is_0_when_clean_1_on_errors_0_on_warnings_alone() {
    let clean = run(&repo(), &["fixtures/guide/second-example"]);
    assert_eq!((clean.code, clean.stderr.as_str()), (0, ""));
    assert_eq!(
        clean.stdout,
        "No problems found (1 file in 1 module checked).\n"
    );

    let errors = run(&repo(), &["fixtures/rules/TFB301/fires"]);
    assert_eq!(errors.code, 1);

    let warnings = run(&repo(), &["fixtures/rules/TFB501/fires-absent"]);
    assert_eq!(warnings.code, 0);
    assert!(warnings.stdout.contains("TFB501"));
}

#[test]
fn exit_code_2_with_one_line_on_stderr_for_a_missing_path_or_bad_usage() {
    let missing = run(&repo(), &["does/not/exist"]);
    assert_eq!(missing.code, 2);
    assert_eq!(
        missing.stderr,
        "tfblint: error: does/not/exist: no such file or directory\n"
    );
    assert_eq!(missing.stdout, "");

    let usage = run(&repo(), &["--format", "xml", "."]);
    assert_eq!(usage.code, 2);
    assert!(
        usage.stderr.contains("invalid value 'xml' for '--format"),
        "{}",
        usage.stderr
    );

    let rule = run(&repo(), &["rule", "TFB999"]);
    assert_eq!(rule.code, 2);
    assert_eq!(
        rule.stderr,
        "tfblint: error: unknown rule `TFB999` (`tfblint rules` lists them)\n"
    );
}

#[test]
fn json_has_the_documented_shape() {
    let out = run(
        &repo(),
        &["--format", "json", "fixtures/rules/TFB303/fires"],
    );
    assert_eq!(out.code, 1);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["version"], 1);
    let expected = serde_json::json!({
        "code": "TFB303",
        "name": "missing-region",
        "severity": "error",
        "message": "`region` is not set in the backend block",
        "help": "add `region = \"us-east-1\"`: the AWS SDK refuses to start without a region (\"Missing region value\"), and Spaces expects `us-east-1`",
        "file": "fixtures/rules/TFB303/fires/main.tf",
        "start": {"line": 4, "column": 3},
        "end": {"line": 4, "column": 15},
        // TFB303 carries a fix (add `region = "us-east-1"`).
        "fixable": true,
        "url": tfblint::rules::doc_url("TFB303"),
    });
    assert_eq!(doc["diagnostics"], serde_json::json!([expected]));
    assert_eq!(
        doc["summary"],
        serde_json::json!({"files": 1, "modules": 1, "errors": 1, "warnings": 0})
    );
}

#[test]
fn compact_is_one_line_per_finding() {
    let out = run(
        &repo(),
        &["--format", "compact", "fixtures/rules/TFB302/fires"],
    );
    assert_eq!(
        out.stdout,
        "fixtures/rules/TFB302/fires/main.tf:15:35: error[TFB302] `skip_region_validation` is set to \"no\": Terraform cannot read \"no\" as a bool\n\
         fixtures/rules/TFB302/fires/main.tf:16:35: error[TFB302] `skip_s3_checksum` is set to false: Terraform reads it as false\n"
    );
}

#[test]
fn a_file_argument_brings_its_directory_in_as_module_context() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "mod/backend.tf", &backend_without_version());
    write(
        dir.path(),
        "mod/versions.tf",
        "terraform {\n  required_version = \"~> 1.11\"\n}\n",
    );
    let one_file = run(dir.path(), &["--format", "json", "mod/backend.tf"]);
    let whole = run(dir.path(), &["--format", "json", "mod"]);
    assert_eq!(codes(&one_file.stdout), vec![]);
    assert_eq!(one_file.stdout, whole.stdout);

    // And findings in a sibling file are reported too, as `tfblint mod` would.
    write(
        dir.path(),
        "mod/versions.tf",
        "terraform {\n  required_version = \">= 1.5\"\n}\n",
    );
    let one_file = run(dir.path(), &["--format", "json", "mod/backend.tf"]);
    let whole = run(dir.path(), &["--format", "json", "mod"]);
    assert_eq!(one_file.stdout, whole.stdout);
    assert_eq!(
        codes(&one_file.stdout),
        vec![
            ("TFB102".into(), "mod/versions.tf".into(), 2, 22),
            ("TFB103".into(), "mod/versions.tf".into(), 2, 22),
        ]
    );
}

#[test]
fn many_files_in_several_modules_give_the_same_findings_as_the_modules_whole() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a/backend.tf", &backend_missing_checksum_flag());
    write(dir.path(), "a/variables.tf", "variable \"x\" {}\n");
    write(dir.path(), "b/main.tf", &backend_without_version());
    let files = run(
        dir.path(),
        &[
            "--format",
            "json",
            "a/backend.tf",
            "a/variables.tf",
            "b/main.tf",
        ],
    );
    let dirs = run(dir.path(), &["--format", "json", "a", "b"]);
    assert_eq!(files.stdout, dirs.stdout);
    assert_eq!(
        codes(&files.stdout),
        vec![
            ("TFB301".into(), "a/backend.tf".into(), 4, 3),
            ("TFB101".into(), "b/main.tf".into(), 2, 3),
        ]
    );
}

#[test]
fn hidden_directories_and_dot_terraform_are_skipped_while_walking() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "env/main.tf", GOOD);
    let bad = backend_missing_checksum_flag();
    write(dir.path(), "env/.terraform/modules/vpc/main.tf", &bad);
    write(dir.path(), ".git/hooks/x.tf", &bad);
    write(dir.path(), "env/.cache/main.tf", &bad);
    let out = run(dir.path(), &["--format", "json", "."]);
    assert_eq!(codes(&out.stdout), vec![]);
    assert_eq!(out.code, 0);
}

#[test]
fn exclude_globs_match_paths_relative_to_the_walked_root() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "envs/prod/main.tf", GOOD);
    write(
        dir.path(),
        "envs/legacy/main.tf",
        &backend_missing_checksum_flag(),
    );
    let all = run(dir.path(), &["--format", "json", "envs"]);
    assert_eq!(codes(&all.stdout).len(), 1);
    let excluded = run(
        dir.path(),
        &["--format", "json", "--exclude", "legacy", "envs"],
    );
    assert_eq!(codes(&excluded.stdout), vec![]);
    let bad_glob = run(dir.path(), &["--exclude", "a[", "envs"]);
    assert_eq!(bad_glob.code, 2);
    assert!(bad_glob
        .stderr
        .starts_with("tfblint: error: invalid --exclude glob `a[`"));
}

#[test]
fn a_syntax_error_in_one_file_does_not_stop_the_others() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a/broken.tf",
        "terraform {\n  required_version = \n",
    );
    // A broken file that cannot hold backend configuration is out of scope (not parsed).
    write(
        dir.path(),
        "b/broken_resource.tf",
        "resource \"x\" \"y\" {\n  name = \n",
    );
    write(dir.path(), "a/backend.tf", &backend_missing_checksum_flag());
    write(dir.path(), "b/main.tf", &backend_without_version());
    let out = run(dir.path(), &["--format", "json", "."]);
    let found: Vec<(String, String)> = codes(&out.stdout)
        .into_iter()
        .map(|(code, file, _, _)| (code, file))
        .collect();
    assert_eq!(
        found,
        vec![
            ("TFB301".into(), "a/backend.tf".into()),
            ("TFB001".into(), "a/broken.tf".into()),
            ("TFB101".into(), "b/main.tf".into()),
        ]
    );
    assert_eq!(out.code, 1);
}

#[test]
fn overlapping_and_repeated_paths_report_each_finding_once() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "mod/main.tf", &backend_missing_checksum_flag());
    let once = run(dir.path(), &["--format", "json", "."]);
    let overlapping = run(
        dir.path(),
        &[
            "--format",
            "json",
            ".",
            "./mod",
            "mod/main.tf",
            "mod/main.tf",
        ],
    );
    assert_eq!(codes(&once.stdout).len(), 1);
    assert_eq!(once.stdout, overlapping.stdout);

    // The same directory under another name (`mod/..` or a symlink) is the same module, and
    // its files the same files: reported once, under the first name given.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("mod", dir.path().join("alias")).unwrap();
        for args in [
            &["mod", "alias", "mod/../mod"][..],
            &["mod/main.tf", "alias/main.tf"][..],
            &["mod", "alias/main.tf"][..],
        ] {
            let mut all = vec!["--format", "json"];
            all.extend_from_slice(args);
            let out = run(dir.path(), &all);
            assert_eq!(
                codes(&out.stdout),
                vec![("TFB301".into(), "mod/main.tf".into(), 4, 3)],
                "{args:?}"
            );
        }
    }
}

#[test]
fn output_is_deterministic_and_sorted() {
    let first = run(&repo(), &["--format", "json", "fixtures"]);
    let second = run(&repo(), &["--format", "json", "fixtures"]);
    assert_eq!(first.stdout, second.stdout);
    let found = codes(&first.stdout);
    let mut sorted = found.clone();
    sorted.sort_by(|a, b| (&a.1, a.2, a.3, &a.0).cmp(&(&b.1, b.2, b.3, &b.0)));
    assert_eq!(found, sorted);
    assert!(found.len() > 30, "the fixtures hold many findings");
}

#[test]
fn color_follows_the_flag() {
    let path = "fixtures/rules/TFB303/fires";
    let never = run(&repo(), &["--color", "never", path]);
    assert!(!never.stdout.contains('\u{1b}'));
    let always = run(&repo(), &["--color", "always", path]);
    assert!(always.stdout.contains("\u{1b}["));
    // Off a terminal, `auto` means no color.
    let auto = run(&repo(), &[path]);
    assert!(!auto.stdout.contains('\u{1b}'));
}

#[test]
fn rules_lists_every_rule_and_rule_prints_its_document() {
    let out = run(&repo(), &["rules"]);
    assert_eq!(out.code, 0);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), tfblint::rules::RULES.len() + 1);
    assert!(lines[0].starts_with("CODE"));
    for (line, rule) in lines[1..].iter().zip(tfblint::rules::RULES) {
        assert!(line.starts_with(rule.code), "{line}");
        assert!(line.contains(rule.name), "{line}");
    }

    let doc = run(&repo(), &["rule", "tfb301"]);
    assert_eq!(doc.code, 0);
    let on_disk = std::fs::read_to_string(repo().join("rules/TFB301.md")).unwrap();
    assert_eq!(doc.stdout, on_disk);
}
