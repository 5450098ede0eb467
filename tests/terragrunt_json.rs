//! Terragrunt files and `*.tf.json`: every fixture under `fixtures/terragrunt/` and
//! `fixtures/tfjson/` linted by the real binary, its exact output snapshotted; the inventory,
//! `--fix` in a `config` map and a heredoc, no `--fix` for JSON, and the language server.

mod common;
#[path = "common/lsp.rs"]
mod lsp;

use common::{codes, copy_dir, repo, run, subdirs};
use lsp::Lsp;
use serde_json::{json, Value};

fn snapshot_of(rel: &str) -> (String, String) {
    let compact = run(&repo(), &["--format", "compact", rel]);
    let human = run(&repo(), &["--format", "human", "--color", "never", rel]);
    assert_eq!(compact.code, human.code, "{rel}");
    assert_eq!(compact.stderr, "", "{rel}");
    let snapshot = format!(
        "$ tfblint {rel}\nexit code: {}\n\n--- compact ---\n{}\n--- human ---\n{}",
        compact.code, compact.stdout, human.stdout
    );
    (compact.stdout, snapshot)
}

fn found(rel: &str) -> Vec<(String, u64, u64)> {
    let out = run(&repo(), &["--format", "json", rel]);
    codes(&out.stdout)
        .into_iter()
        .map(|(code, _, line, column)| (code, line, column))
        .collect()
}

fn has(found: &[(String, u64, u64)], code: &str) -> bool {
    found.iter().any(|(c, ..)| c == code)
}

#[test]
fn every_terragrunt_and_json_fixture_gives_its_exact_output() {
    for group in ["terragrunt", "terragrunt-functions", "tfjson"] {
        for dir in subdirs(&repo().join("fixtures").join(group)) {
            let case = dir.file_name().unwrap().to_str().unwrap().to_string();
            let rel = format!("fixtures/{group}/{case}");
            let (_, snapshot) = snapshot_of(&rel);
            insta::assert_snapshot!(format!("{group}__{case}"), snapshot);
        }
    }
}

/// Terragrunt's functions and references in values (`fixtures/terragrunt-functions/`): set,
/// their value unknown (a `get_env` default included), never TFB601; what does not depend on
/// a value (a missing argument, a deprecated name, a credential passed on) still fires.
#[test]
fn functions_in_values_are_set_and_unknown() {
    let f = |case: &str| found(&format!("fixtures/terragrunt-functions/{case}"));
    assert_eq!(f("set-by-functions"), []);
    // `get_env("X", "false")` and `get_env("X", "yes")` are silent; the literals beside fire.
    assert_eq!(
        f("defaults-are-not-values"),
        [
            ("TFB302".to_string(), 16, 35),
            ("TFB302".to_string(), 19, 35)
        ]
    );
    // An endpoint from `get_env` leaves the store unknown: no store's rule, no TFB301.
    let store = f("store-from-a-function");
    let codes: Vec<&str> = store.iter().map(|(c, ..)| c.as_str()).collect();
    assert_eq!(codes, ["TFB501", "TFB605", "TFB202", "TFB202"]);
    assert_eq!(
        f("credentials-from-functions"),
        [
            ("TFB401".to_string(), 15, 35),
            ("TFB401".to_string(), 16, 35)
        ]
    );
    // Inside a heredoc only `${…}` is Terragrunt's: the bare `lower(…)` is Terraform's.
    assert_eq!(
        f("heredoc-interpolations"),
        [("TFB601".to_string(), 12, 35)]
    );
    let refs = f("references-and-functions");
    for silent in ["TFB601", "TFB606", "TFB607"] {
        assert!(!has(&refs, silent), "{silent}: {refs:?}");
    }
}

#[test]
fn a_config_map_is_an_s3_configuration_with_findings_on_its_entries() {
    let f = found("fixtures/terragrunt/remote-state-generate");
    // Missing flags on the `config` key (line 12, column 3); the deprecated names on theirs.
    assert!(f.contains(&("TFB301".into(), 12, 3)), "{f:?}");
    assert!(f.contains(&("TFB202".into(), 16, 5)), "{f:?}");
    assert!(f.contains(&("TFB202".into(), 17, 5)), "{f:?}");
    // Terragrunt-only keys are known; its functions are not Terraform's; no version rule
    // without a constraint (the module's code is elsewhere).
    for silent in ["TFB602", "TFB601", "TFB101"] {
        assert!(!has(&f, silent), "{silent}: {f:?}");
    }
}

#[test]
fn terragrunt_only_keys_and_functions_in_a_complete_map_give_nothing() {
    assert_eq!(
        found("fixtures/terragrunt/terragrunt-only-keys-complete"),
        []
    );
    assert_eq!(found("fixtures/tfjson/complete"), []);
}

#[test]
fn settings_passed_at_init_fill_the_modules_empty_block() {
    let f = found("fixtures/terragrunt/remote-state-at-init");
    // One configuration: no second backend (TFB604), no empty deferred block (TFB605).
    assert_eq!(f, [("TFB301".to_string(), 4, 3)]);
}

#[test]
fn the_attribute_form_and_lock_table() {
    let f = found("fixtures/terragrunt/remote-state-attribute");
    assert!(f.contains(&("TFB202".into(), 12, 5)), "{f:?}");
    assert!(!has(&f, "TFB602"), "{f:?}");
    assert!(!has(&f, "TFB601"), "{f:?}");
}

#[test]
fn a_heredoc_is_linted_as_terraform_at_its_own_lines() {
    let f = found("fixtures/terragrunt/generate-heredoc");
    // `var.prefix` is Terraform's (line 15); `${local.bucket}` is Terragrunt's.
    assert_eq!(
        f,
        [
            ("TFB301".to_string(), 10, 3),
            ("TFB601".to_string(), 15, 35)
        ]
    );
}

#[test]
fn terraform_version_constraint_is_the_modules_constraint() {
    let f = found("fixtures/terragrunt/version-constraint");
    assert!(f.contains(&("TFB102".into(), 1, 32)), "{f:?}");
}

#[test]
fn other_hcl_files_are_not_read_and_broken_terragrunt_is_reported() {
    assert_eq!(found("fixtures/terragrunt/not-terragrunt"), []);
    let f = found("fixtures/terragrunt/syntax-error");
    assert_eq!(f, [("TFB001".to_string(), 5, 14)]);
    let f = found("fixtures/tfjson/invalid-json");
    assert_eq!(f, [("TFB001".to_string(), 5, 41)]);
}

#[test]
fn json_object_and_list_forms_with_spans_from_the_parser() {
    let f = found("fixtures/tfjson/object-form");
    assert!(f.contains(&("TFB601".into(), 7, 17)), "{f:?}");
    assert!(f.contains(&("TFB302".into(), 11, 36)), "{f:?}");
    assert!(f.contains(&("TFB102".into(), 3, 25)), "{f:?}");
    let f = found("fixtures/tfjson/list-form");
    assert_eq!(f, [("TFB301".to_string(), 1, 114)]);
}

#[test]
fn json_is_never_fixed_and_says_so() {
    let rel = "fixtures/tfjson/object-form";
    let out = run(&repo(), &["--format", "human", "--color", "never", rel]);
    let summary = out.stdout.lines().last().unwrap_or_default().to_string();
    assert!(summary.starts_with("Found"), "{summary}");
    assert!(!summary.contains("fixable"), "{summary}");
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join(rel), dir.path());
    let before = std::fs::read(dir.path().join("main.tf.json")).unwrap();
    let out = run(dir.path(), &["--fix", "--unsafe-fixes", "."]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(
        std::fs::read(dir.path().join("main.tf.json")).unwrap(),
        before
    );
}

#[test]
fn the_inventory_lists_every_form() {
    let out = run(
        &repo(),
        &["backends", "fixtures/terragrunt", "fixtures/tfjson"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    insta::assert_snapshot!("terragrunt_json__backends", out.stdout);
}

#[test]
fn the_server_lints_hcl_and_tf_json_documents() {
    let dir = tempfile::tempdir().unwrap();
    let module = dir.path().join("live");
    std::fs::create_dir(&module).unwrap();
    let (mut lsp, _) = Lsp::initialized(dir.path(), json!({}), Value::Null);
    let text = std::fs::read_to_string(
        repo().join("fixtures/terragrunt/remote-state-generate/terragrunt.hcl"),
    )
    .unwrap();
    let path = module.join("terragrunt.hcl");
    std::fs::write(&path, &text).unwrap();
    let uri = lsp.open(&path, &text);
    let published = lsp.diagnostics(&uri);
    let names: Vec<&str> = published["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert!(names.contains(&"TFB301"), "{published}");
    let json_text =
        std::fs::read_to_string(repo().join("fixtures/tfjson/object-form/main.tf.json")).unwrap();
    let json_path = dir.path().join("main.tf.json");
    std::fs::write(&json_path, &json_text).unwrap();
    let uri = lsp.open(&json_path, &json_text);
    let published = lsp.diagnostics(&uri);
    assert!(published.to_string().contains("TFB601"), "{published}");
    assert_eq!(lsp.shutdown().code(), Some(0));
}

#[test]
fn remote_state_beside_a_generated_backend_is_one_finding_and_one_configuration() {
    let rel = "fixtures/terragrunt/remote-state-and-generate";
    // TFB604 on the heredoc's block only; the block is no configuration of its own (its
    // missing flags are not reported), the `remote_state` map is.
    assert_eq!(found(rel), [("TFB604".to_string(), 25, 3)]);
    let out = run(&repo(), &["backends", "--format", "json", rel]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    let rows = doc["backends"].as_array().expect("a list of rows");
    assert_eq!(rows.len(), 1, "{}", out.stdout);
    assert_eq!(rows[0]["endpoint"], "https://sfo3.digitaloceanspaces.com");
}

#[test]
fn a_file_over_the_region_limit_is_read_up_to_it_and_says_so() {
    // Each backend object is one region parsed at its own offset; the 33rd is not read.
    let dir = tempfile::tempdir().unwrap();
    let object = |i: usize| {
        format!(
            "    {{\"s3\": {{\"bucket\": \"b\", \"key\": \"k{i}\", \"region\": \"us-east-1\"}}}}"
        )
    };
    let objects: Vec<String> = (0..33).map(object).collect();
    let text = format!(
        "{{\"terraform\": {{\"backend\": [\n{}\n]}}}}\n",
        objects.join(",\n")
    );
    std::fs::write(dir.path().join("main.tf.json"), &text).unwrap();
    let out = run(dir.path(), &["--format", "json", "."]);
    let f: Vec<(String, u64, u64)> = codes(&out.stdout)
        .into_iter()
        .map(|(code, _, line, column)| (code, line, column))
        .collect();
    let unread: Vec<_> = f.iter().filter(|(c, ..)| c == "TFB001").collect();
    // Line 34 holds the 33rd object; its first entry is not read (column 12, after `{"s3": {`).
    assert_eq!(unread, [&("TFB001".to_string(), 34, 13)], "{f:?}");
    assert!(out.stdout.contains("more than 32"), "{}", out.stdout);
    let out = run(dir.path(), &["backends", "--format", "json", "."]);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        doc["backends"].as_array().map(Vec::len),
        Some(32),
        "{}",
        out.stdout
    );
}

#[test]
fn an_included_root_file_configures_each_including_directory() {
    for case in ["included-root", "included-root-literal-key"] {
        let rel = format!("fixtures/terragrunt/{case}");
        // The root file's findings once, not once per child.
        let f = found(&rel);
        assert_eq!(
            f.iter().filter(|(c, ..)| c == "TFB301").count(),
            1,
            "{case}: {f:?}"
        );
        let table = run(&repo(), &["backends", &rel]);
        assert_eq!(table.code, 0, "{}", table.stderr);
        let json = run(&repo(), &["backends", "--format", "json", &rel]);
        assert_eq!(json.code, 0, "{}", json.stderr);
        assert_eq!(
            row_modules(&json.stdout),
            [format!("{rel}/live/app"), format!("{rel}/live/db")],
            "{case}"
        );
        insta::assert_snapshot!(
            format!("backends__{case}"),
            format!("{}\n--- json ---\n{}", table.stdout, json.stdout)
        );
    }
    // A key written with `path_relative_to_include()` differs per child: no TFB701. A literal
    // key in the root file is one state file for both: one TFB701, on the root's `key`.
    assert!(!has(&found("fixtures/terragrunt/included-root"), "TFB701"));
    let f = found("fixtures/terragrunt/included-root-literal-key");
    let shared: Vec<_> = f.iter().filter(|(c, ..)| c == "TFB701").collect();
    assert_eq!(shared, [&("TFB701".to_string(), 10, 5)], "{f:?}");
}

#[test]
fn a_root_file_named_alone_is_its_own_directorys_configuration() {
    let rel = "fixtures/terragrunt/included-root-literal-key/live/root.hcl";
    let f = found(rel);
    assert!(!has(&f, "TFB701"), "{f:?}");
    let json = run(&repo(), &["backends", "--format", "json", rel]);
    assert_eq!(
        row_modules(&json.stdout),
        ["fixtures/terragrunt/included-root-literal-key/live"]
    );
}

/// The `module` of each row of `tfblint backends --format json`.
fn row_modules(json: &str) -> Vec<String> {
    let doc: Value = serde_json::from_str(json).unwrap();
    doc["backends"]
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["module"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn includes_resolve_as_terragrunt_finds_parent_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::read_to_string(
        repo().join("fixtures/terragrunt/included-root-literal-key/live/root.hcl"),
    )
    .unwrap();
    let write = |rel: &str, text: &str| {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    let include = |name: &str| format!("include {{\n  path = find_in_parent_folders({name})\n}}\n");
    // A root file, and below it a nearer `root.hcl` with no backend: it is the one `shadowed`
    // includes, so `shadowed` is no unit of the root.
    write("live/root.hcl", &root);
    write("live/app/terragrunt.hcl", &include("\"root.hcl\""));
    write("live/env/root.hcl", "locals {\n  env = \"prod\"\n}\n");
    write("live/env/shadowed/terragrunt.hcl", &include("\"root.hcl\""));
    // The older form: a parent `terragrunt.hcl`, found without an argument.
    write("old/terragrunt.hcl", &root);
    write("old/unit/terragrunt.hcl", &include(""));
    let out = run(dir.path(), &["backends", "--format", "json", "."]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(row_modules(&out.stdout), ["live/app", "old/unit"]);
}
