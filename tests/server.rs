//! `tfblint server`, driven over stdio with JSON-RPC by a small client (tests/common/lsp.rs):
//! the real binary, the real protocol.

mod common;
#[path = "common/lsp.rs"]
mod lsp;

use std::path::Path;

use serde_json::{json, Value};

use common::{backend_without, GOOD_BACKEND};
use lsp::{apply_edits, uri, Lsp};

/// A client that can apply `documentChanges` and pull nothing: what most editors are.
fn caps() -> Value {
    json!({"workspace": {"workspaceEdit": {"documentChanges": true}}})
}

fn codes(diagnostics: &Value) -> Vec<String> {
    let mut codes: Vec<String> = diagnostics
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect();
    codes.sort();
    codes
}

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// `versions.tf` of [`backend_and_versions`].
const VERSIONS: &str = "terraform {\n  required_version = \"~> 1.11\"\n}\n";

/// A module of two files: `backend.tf`, the complete backend without `required_version`, and
/// `versions.tf` ([`VERSIONS`]) with it. Their paths, and the text of `backend.tf`.
fn backend_and_versions(dir: &Path) -> (std::path::PathBuf, String, std::path::PathBuf) {
    let backend_text = GOOD_BACKEND.replace("  required_version = \"~> 1.11\"\n\n", "");
    let backend = write(dir, "backend.tf", &backend_text);
    let versions = write(dir, "versions.tf", VERSIONS);
    (backend, backend_text, versions)
}

/// A server on a new temporary directory holding an empty `main.tf`: the directory (to keep
/// it alive), the client, and the file's path.
fn start(capabilities: Value, options: Value) -> (tempfile::TempDir, Lsp, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "main.tf", "");
    let (lsp, _) = Lsp::initialized(dir.path(), capabilities, options);
    (dir, lsp, path)
}

/// [`start`] with `main.tf` opened with this text: its URI.
fn opened(text: &str) -> (tempfile::TempDir, Lsp, String) {
    let (dir, mut lsp, path) = start(caps(), Value::Null);
    let uri = lsp.open(&path, text);
    (dir, lsp, uri)
}

/// Replaces a document's text; the codes of its new diagnostics.
fn relinted(lsp: &mut Lsp, uri: &str, version: i32, text: &str) -> Vec<String> {
    lsp.change_full(uri, version, text);
    codes(&lsp.diagnostics(uri)["diagnostics"])
}

/// The edits of a code action for one document, whichever form the edit takes.
fn edits_of(action: &Value, uri: &str) -> Value {
    let edit = &action["edit"];
    if let Some(changes) = edit["documentChanges"].as_array() {
        let change = changes
            .iter()
            .find(|c| c["textDocument"]["uri"] == uri)
            .expect("an edit of the document");
        return change["edits"].clone();
    }
    edit["changes"][uri].clone()
}

fn code_actions(lsp: &mut Lsp, uri: &str, range: &Value, only: Option<&[&str]>) -> Vec<Value> {
    let mut context = json!({"diagnostics": []});
    if let Some(only) = only {
        context["only"] = json!(only);
    }
    let response = lsp.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range, "context": context}),
    );
    response["result"].as_array().expect("actions").clone()
}

fn find<'a>(diagnostics: &'a Value, code: &str) -> &'a Value {
    diagnostics
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {diagnostics}"))
}

#[test]
fn initialize_announces_what_the_server_does() {
    let dir = tempfile::tempdir().unwrap();
    let (lsp, result) = Lsp::initialized(dir.path(), json!({}), Value::Null);
    let capabilities = &result["capabilities"];
    assert_eq!(capabilities["positionEncoding"], "utf-16");
    assert_eq!(capabilities["textDocumentSync"]["openClose"], true);
    assert_eq!(capabilities["textDocumentSync"]["change"], 2);
    assert_eq!(
        capabilities["codeActionProvider"]["codeActionKinds"],
        json!(["quickfix", "source.fixAll.tfblint"])
    );
    assert_eq!(capabilities["hoverProvider"], true);
    // No pull diagnostics for a client that cannot pull.
    assert!(capabilities.get("diagnosticProvider").is_none());
    assert_eq!(result["serverInfo"]["name"], "tfblint");
    assert_eq!(lsp.shutdown().code(), Some(0));
}

#[test]
fn an_opened_file_gets_diagnostics_with_every_field() {
    let (_dir, mut lsp, path) = start(caps(), Value::Null);
    let text = backend_without(&["skip_s3_checksum", "endpoints"]).replace(
        "bucket    = \"acme-tfstate\"",
        "bucket    = \"acme-tfstate\"\n    endpoint  = \"https://nyc3.digitaloceanspaces.com\"",
    );
    let uri = lsp.open(&path, &text);
    let published = lsp.diagnostics(&uri);
    assert_eq!(published["version"], 1);
    let diagnostics = &published["diagnostics"];
    // The deprecated `endpoint` still names an endpoint: no TFB201.
    assert_eq!(codes(diagnostics), ["TFB202", "TFB301"]);
    let d = find(diagnostics, "TFB301");
    assert_eq!(d["source"], "tfblint");
    assert_eq!(d["severity"], 1);
    assert_eq!(
        d["codeDescription"]["href"],
        "https://github.com/tfblint/tfblint/blob/main/rules/TFB301.md"
    );
    let message = d["message"].as_str().unwrap();
    assert!(
        message.starts_with("`skip_s3_checksum` is not set in the backend block\nhelp: add `skip_s3_checksum = true`"),
        "{message}"
    );
    // On `backend "s3"` of line 4 (0-based 3).
    assert_eq!(
        d["range"],
        json!({"start": {"line": 3, "character": 2}, "end": {"line": 3, "character": 14}})
    );
    let deprecated = find(diagnostics, "TFB202");
    assert_eq!(deprecated["tags"], json!([2]));
    assert_eq!(deprecated["severity"], 2);
    assert!(d.get("tags").is_none());
    assert_eq!(lsp.shutdown().code(), Some(0));
}

#[test]
fn full_and_incremental_changes_are_linted() {
    let (_dir, mut lsp, path) = start(caps(), Value::Null);
    let uri = lsp.open(&path, GOOD_BACKEND);
    assert_eq!(lsp.diagnostics(&uri)["diagnostics"], json!([]));

    // Full: the whole text, without `region`.
    lsp.change_full(&uri, 2, &backend_without(&["region"]));
    let published = lsp.diagnostics(&uri);
    assert_eq!(published["version"], 2);
    assert_eq!(codes(&published["diagnostics"]), ["TFB303"]);

    // Incremental: back to the good text, then `use_lockfile = false` by a range edit.
    lsp.change_full(&uri, 3, GOOD_BACKEND);
    assert_eq!(lsp.diagnostics(&uri)["diagnostics"], json!([]));
    let line = GOOD_BACKEND
        .lines()
        .position(|l| l.contains("use_lockfile"))
        .unwrap();
    let column = GOOD_BACKEND
        .lines()
        .nth(line)
        .unwrap()
        .find("true")
        .unwrap();
    lsp.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": uri, "version": 4},
            "contentChanges": [{
                "range": {"start": {"line": line, "character": column},
                          "end": {"line": line, "character": column + 4}},
                "text": "false",
            }],
        }),
    );
    let published = lsp.diagnostics(&uri);
    assert_eq!(published["version"], 4);
    assert_eq!(codes(&published["diagnostics"]), ["TFB501"]);
    assert_eq!(lsp.shutdown().code(), Some(0));
}

#[test]
fn an_unsaved_edit_in_one_file_changes_another_files_diagnostics() {
    let dir = tempfile::tempdir().unwrap();
    let (backend, backend_text, versions) = backend_and_versions(dir.path());
    let versions_text = VERSIONS;
    let (mut lsp, _) = Lsp::initialized(dir.path(), caps(), Value::Null);
    let backend_uri = lsp.open(&backend, &backend_text);
    let versions_uri = lsp.open(&versions, versions_text);
    assert_eq!(lsp.diagnostics(&backend_uri)["diagnostics"], json!([]));
    assert_eq!(lsp.diagnostics(&versions_uri)["diagnostics"], json!([]));

    // Nothing saved: the disk still has `required_version`.
    lsp.change_full(&versions_uri, 2, "terraform {\n}\n");
    let published = lsp.diagnostics(&backend_uri);
    assert_eq!(codes(&published["diagnostics"]), ["TFB101"]);
    assert_eq!(lsp.diagnostics(&versions_uri)["diagnostics"], json!([]));

    // A version too old for `use_lockfile`: the finding moves to versions.tf.
    lsp.change_full(
        &versions_uri,
        3,
        "terraform {\n  required_version = \">= 1.6.3\"\n}\n",
    );
    assert_eq!(lsp.diagnostics(&backend_uri)["diagnostics"], json!([]));
    assert_eq!(
        codes(&lsp.diagnostics(&versions_uri)["diagnostics"]),
        ["TFB103"]
    );

    // Closing versions.tf: the file on disk counts again.
    lsp.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": versions_uri}}),
    );
    assert_eq!(lsp.diagnostics(&versions_uri)["diagnostics"], json!([]));
    lsp.sync();
    let backend_updates = lsp.drain(|m| m["params"]["uri"] == backend_uri.as_str());
    assert!(
        backend_updates.is_empty(),
        "backend.tf's findings did not change: {backend_updates:?}"
    );
    assert_eq!(lsp.shutdown().code(), Some(0));
}

#[test]
fn a_quickfix_fixes_its_finding_and_the_text_is_linted_again() {
    let (_dir, mut lsp, path) = start(json!({}), Value::Null);
    let text = backend_without(&["skip_s3_checksum", "region"]);
    let uri = lsp.open(&path, &text);
    let diagnostics = lsp.diagnostics(&uri)["diagnostics"].clone();
    assert_eq!(codes(&diagnostics), ["TFB301", "TFB303"]);
    let d = find(&diagnostics, "TFB301");
    let actions = code_actions(&mut lsp, &uri, &d["range"], Some(&["quickfix"]));
    let titles: Vec<&str> = actions
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "TFB301: add `skip_s3_checksum = true`",
            "Ignore TFB301 on this line",
            "TFB303: add `region = \"us-east-1\"`",
            "Ignore TFB303 on this line",
        ]
    );
    let fix = &actions[0];
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["isPreferred"], true);
    assert_eq!(fix["diagnostics"][0]["code"], "TFB301");
    // No `documentChanges` offered: plain `changes`.
    let edits = edits_of(fix, &uri);
    assert!(fix["edit"].get("documentChanges").is_none());
    let fixed = apply_edits(&text, &edits);
    assert!(
        fixed.contains("    skip_s3_checksum            = true\n"),
        "{fixed}"
    );
    // That finding alone: `region` is still missing.
    assert!(!fixed.contains("us-east-1"), "{fixed}");

    assert_eq!(relinted(&mut lsp, &uri, 2, &fixed), ["TFB303"]);
    assert_eq!(lsp.shutdown().code(), Some(0));
}

#[test]
fn an_unsafe_fix_is_labelled_and_not_preferred() {
    let text = backend_without(&["use_lockfile"]);
    let (_dir, mut lsp, uri) = opened(&text);
    let diagnostics = lsp.diagnostics(&uri)["diagnostics"].clone();
    let d = find(&diagnostics, "TFB501");
    let actions = code_actions(&mut lsp, &uri, &d["range"], None);
    let fix = actions
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("TFB501:"))
        .expect("a fix for TFB501");
    assert!(
        fix["title"]
            .as_str()
            .unwrap()
            .ends_with("(unsafe: changes behaviour)"),
        "{fix}"
    );
    assert!(fix.get("isPreferred").is_none());
    // Versioned edits, as the client offered.
    assert_eq!(
        fix["edit"]["documentChanges"][0]["textDocument"]["version"],
        1
    );
    // Fix-all applies safe fixes only: nothing here.
    assert!(!actions.iter().any(|a| a["kind"] == "source.fixAll.tfblint"));
    assert_eq!(lsp.shutdown().code(), Some(0));
}

#[test]
fn fix_all_applies_every_safe_fix_as_tfblint_fix_does() {
    let (dir, mut lsp, path) = start(caps(), Value::Null);
    let text = backend_without(&[
        "skip_s3_checksum",
        "skip_region_validation",
        "region",
        "use_lockfile",
    ]);
    let uri = lsp.open(&path, &text);
    lsp.diagnostics(&uri);
    let everything =
        json!({"start": {"line": 0, "character": 0}, "end": {"line": 99, "character": 0}});
    let actions = code_actions(&mut lsp, &uri, &everything, Some(&["source.fixAll"]));
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert_eq!(actions[0]["kind"], "source.fixAll.tfblint");
    let fixed = apply_edits(&text, &edits_of(&actions[0], &uri));

    // The same text as `tfblint --fix` on stdin.
    std::fs::write(&path, &text).unwrap();
    let out = common::tfblint(dir.path())
        .args(["--fix", "--stdin-filename", "main.tf", "-"])
        .write_stdin(text.clone())
        .output()
        .unwrap();
    assert_eq!(fixed, String::from_utf8(out.stdout).unwrap());

    lsp.change_full(&uri, 2, &fixed);
    // Left: the unsafe one.
    assert_eq!(codes(&lsp.diagnostics(&uri)["diagnostics"]), ["TFB501"]);
    assert_eq!(lsp.shutdown().code(), Some(0));
}

#[test]
fn the_ignore_action_silences_the_finding_on_its_line() {
    let text = GOOD_BACKEND.replace("\"us-east-1\"", "\"nyc3\"");
    let (_dir, mut lsp, uri) = opened(&text);
    let diagnostics = lsp.diagnostics(&uri)["diagnostics"].clone();
    assert_eq!(codes(&diagnostics), ["TFB304"]);
    let ignore = |lsp: &mut Lsp, text: &str, diagnostics: &Value, code: &str| {
        let d = find(diagnostics, code);
        let actions = code_actions(lsp, &uri, &d["range"], Some(&["quickfix"]));
        let action = actions
            .iter()
            .find(|a| a["title"] == format!("Ignore {code} on this line"))
            .expect("an ignore action")
            .clone();
        apply_edits(text, &edits_of(&action, &uri))
    };
    let ignored = ignore(&mut lsp, &text, &diagnostics, "TFB304");
    assert!(
        ignored.contains("region                      = \"nyc3\" # tfblint-ignore: TFB304\n"),
        "{ignored}"
    );
    lsp.change_full(&uri, 2, &ignored);
    assert_eq!(lsp.diagnostics(&uri)["diagnostics"], json!([]));

    // A second finding on a line that already has a directive: its code joins the list. (A
    // skip flag shows an S3-compatible store, so the missing endpoint is TFB201.)
    let text = "terraform {\n  backend \"s3\" { # tfblint-ignore: TFB201\n    bucket = \"b\"\n    skip_s3_checksum = true\n  }\n}\n";
    lsp.change_full(&uri, 3, text);
    let diagnostics = lsp.diagnostics(&uri)["diagnostics"].clone();
    assert!(codes(&diagnostics).contains(&"TFB301".to_string()));
    let ignored = ignore(&mut lsp, text, &diagnostics, "TFB303");
    assert!(
        ignored.contains("backend \"s3\" { # tfblint-ignore: TFB201, TFB303\n"),
        "{ignored}"
    );
    assert_eq!(lsp.shutdown().code(), Some(0));
}

#[test]
fn hover_on_a_finding_shows_its_rules_document() {
    let text = backend_without(&["skip_s3_checksum"]);
    let (_dir, mut lsp, uri) = opened(&text);
    let d = find(&lsp.diagnostics(&uri)["diagnostics"], "TFB301").clone();
    let hover = lsp.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 3, "character": 5}}),
    );
    let contents = &hover["result"]["contents"];
    assert_eq!(contents["kind"], "markdown");
    assert!(
        contents["value"]
            .as_str()
            .unwrap()
            .starts_with("# TFB301 missing-skip-flag\n"),
        "{contents}"
    );
    assert_eq!(hover["result"]["range"], d["range"]);
    // Nowhere near a finding: nothing.
    let none = lsp.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(none["result"], Value::Null);
    assert_eq!(lsp.shutdown().code(), Some(0));
}

/// `region = "nyc3"` after non-ASCII text on its own line: é is 2 bytes and 1 UTF-16 unit,
/// 😀 is 4 bytes and 2 units.
const NON_ASCII: &str = "/* é😀 */ region = \"nyc3\"";

fn non_ascii_backend() -> String {
    GOOD_BACKEND.replace("    region                      = \"us-east-1\"", NON_ASCII)
}

#[test]
fn ranges_count_utf16_units_after_non_ascii_text() {
    let text = non_ascii_backend();
    let (_dir, mut lsp, uri) = opened(&text);
    let d = find(&lsp.diagnostics(&uri)["diagnostics"], "TFB304").clone();
    // `"nyc3"` starts after `/* é😀 */ region = `: 19 UTF-16 units (22 bytes).
    let start = NON_ASCII.find("\"nyc3\"").unwrap();
    assert_eq!(start, 22);
    assert_eq!(d["range"]["start"]["character"], 19);
    assert_eq!(d["range"]["end"]["character"], 25);
    let at = lsp::offset_utf16(&text, &d["range"]["start"]);
    assert!(text[at..].starts_with("\"nyc3\""));

    // The quickfix lands in the right place.
    let actions = code_actions(&mut lsp, &uri, &d["range"], Some(&["quickfix"]));
    let fixed = apply_edits(&text, &edits_of(&actions[0], &uri));
    assert!(
        fixed.contains("/* é😀 */ region = \"us-east-1\""),
        "{fixed}"
    );
    // Incremental edits count UTF-16 units too: replace `"nyc3"` by its range.
    lsp.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": uri, "version": 2},
            "contentChanges": [{"range": d["range"], "text": "\"us-east-1\""}],
        }),
    );
    assert_eq!(lsp.diagnostics(&uri)["diagnostics"], json!([]));
    assert_eq!(lsp.shutdown().code(), Some(0));
}

#[test]
fn a_client_offering_utf8_gets_byte_columns() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "main.tf", "");
    let capabilities = json!({"general": {"positionEncodings": ["utf-8", "utf-16"]}});
    let (mut lsp, result) = Lsp::initialized(dir.path(), capabilities, Value::Null);
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-8");
    let uri = lsp.open(&path, &non_ascii_backend());
    let d = find(&lsp.diagnostics(&uri)["diagnostics"], "TFB304").clone();
    assert_eq!(d["range"]["start"]["character"], 22);
    assert_eq!(lsp.shutdown().code(), Some(0));
}

#[test]
fn initialization_options_select_ignore_and_engine() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "main.tf", "");
    // `use_lockfile` with a version too old for it: the message names the engine's version.
    let text = backend_without(&["skip_s3_checksum", "region"]).replace("~> 1.11", ">= 1.6.3");
    let message = |options: Value| {
        let (mut lsp, _) = Lsp::initialized(dir.path(), caps(), options);
        let uri = lsp.open(&path, &text);
        let diagnostics = lsp.diagnostics(&uri)["diagnostics"].clone();
        assert_eq!(codes(&diagnostics), ["TFB103"]);
        assert_eq!(lsp.shutdown().code(), Some(0));
        diagnostics[0]["message"].as_str().unwrap().to_string()
    };
    let tofu = message(json!({"ignore": ["TFB3"], "engine": "opentofu"}));
    assert!(tofu.contains("needs OpenTofu 1.10.0 or later"), "{tofu}");
    let terraform = message(json!({"ignore": ["TFB3"]}));
    assert!(
        terraform.contains("needs Terraform 1.11.0 or later"),
        "{terraform}"
    );

    let options = json!({"tfblint": {"select": ["TFB303"]}});
    let (mut lsp, _) = Lsp::initialized(dir.path(), caps(), options);
    let uri = lsp.open(&path, &text);
    assert_eq!(codes(&lsp.diagnostics(&uri)["diagnostics"]), ["TFB303"]);
    assert_eq!(lsp.shutdown().code(), Some(0));
}

#[test]
fn a_bad_option_is_shown_and_the_defaults_apply() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "main.tf", "");
    let options = json!({"ignore": ["TFB999"]});
    let (mut lsp, _) = Lsp::initialized(dir.path(), caps(), options);
    let uri = lsp.open(&path, &backend_without(&["region"]));
    assert_eq!(codes(&lsp.diagnostics(&uri)["diagnostics"]), ["TFB303"]);
    let shown = lsp.wait_for(|m| m["method"] == "window/showMessage", "showMessage");
    assert_eq!(
        shown["params"]["message"],
        "tfblint: setting `ignore`: unknown rule code `TFB999` (`tfblint rules` lists them)"
    );
    assert_eq!(lsp.shutdown().code(), Some(0));
}

#[test]
fn the_configuration_file_is_read_again_when_it_changes() {
    let dir = tempfile::tempdir().unwrap();
    let config = write(dir.path(), "tfblint.toml", "ignore = [\"TFB303\"]\n");
    let module = dir.path().join("envs/prod");
    std::fs::create_dir_all(&module).unwrap();
    let path = write(&module, "main.tf", "");
    let capabilities =
        json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}});
    let (mut lsp, _) = Lsp::initialized(dir.path(), capabilities, Value::Null);
    let registration = lsp.wait_for(
        |m| m["method"] == "client/registerCapability",
        "registerCapability",
    );
    let registration = &registration["params"]["registrations"][0];
    assert_eq!(registration["method"], "workspace/didChangeWatchedFiles");
    let globs: Vec<&str> = registration["registerOptions"]["watchers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["globPattern"].as_str().unwrap())
        .collect();
    assert_eq!(
        globs,
        [
            "**/{tfblint.toml,.tfblint.toml}",
            "**/*.{tf,tofu,tfbackend}",
            "**/*.{sh,bash,mk,just,jenkinsfile}",
            "**/{Makefile,makefile,GNUmakefile,justfile,Justfile,JUSTFILE,.justfile,Jenkinsfile}",
            "**/Jenkinsfile.*",
            "**/{.gitlab-ci,bitbucket-pipelines,azure-pipelines,atlantis}.{yml,yaml}",
            "**/{Taskfile,taskfile,Taskfile.dist,taskfile.dist}.{yml,yaml}",
            "**/{.github,.forgejo,.gitea}/workflows/*.{yml,yaml}",
            "**/.azure-pipelines/*.{yml,yaml}",
            "**/.circleci/config.{yml,yaml}",
        ]
    );

    let text = backend_without(&["region", "skip_s3_checksum"]);
    let uri = lsp.open(&path, &text);
    assert_eq!(codes(&lsp.diagnostics(&uri)["diagnostics"]), ["TFB301"]);

    std::fs::write(&config, "ignore = [\"TFB301\"]\n").unwrap();
    lsp.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": lsp::uri(&config), "type": 2}]}),
    );
    assert_eq!(codes(&lsp.diagnostics(&uri)["diagnostics"]), ["TFB303"]);

    // A broken file: the user is told, and the defaults apply.
    std::fs::write(&config, "ignore = [\"TFB301\"\n").unwrap();
    lsp.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": lsp::uri(&config), "type": 2}]}),
    );
    assert_eq!(
        codes(&lsp.diagnostics(&uri)["diagnostics"]),
        ["TFB301", "TFB303"]
    );
    let shown = lsp.wait_for(|m| m["method"] == "window/showMessage", "showMessage");
    assert!(
        shown["params"]["message"]
            .as_str()
            .unwrap()
            .starts_with("tfblint: "),
        "{shown}"
    );
    assert_eq!(shown["params"]["type"], 1);

    // Deleted: the defaults.
    std::fs::remove_file(&config).unwrap();
    lsp.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": lsp::uri(&config), "type": 3}]}),
    );
    lsp.sync();
    assert_eq!(lsp.shutdown().code(), Some(0));
}

#[test]
fn settings_can_change_while_running() {
    let (_dir, mut lsp, path) = start(caps(), json!({"select": ["TFB303"]}));
    let text = backend_without(&["region", "skip_s3_checksum"]);
    let uri = lsp.open(&path, &text);
    assert_eq!(codes(&lsp.diagnostics(&uri)["diagnostics"]), ["TFB303"]);
    // Settings for another tool leave tfblint's alone.
    lsp.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"other": {"x": 1}}}),
    );
    lsp.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"tfblint": {"select": ["TFB301"]}}}),
    );
    assert_eq!(codes(&lsp.diagnostics(&uri)["diagnostics"]), ["TFB301"]);
    assert_eq!(lsp.shutdown().code(), Some(0));
}

#[test]
fn broken_text_is_a_diagnostic_not_a_crash() {
    let (_dir, mut lsp, path) = start(caps(), Value::Null);
    let uri = lsp.open(&path, "terraform {\n  backend \"s3\" {\n    region = \n");
    let published = lsp.diagnostics(&uri);
    assert_eq!(codes(&published["diagnostics"]), ["TFB001"]);
    // Ranges past the end, backwards, inside a character; NUL bytes, deep nesting.
    let changes = [
        json!({"range": {"start": {"line": 99, "character": 0}, "end": {"line": 99, "character": 5}}, "text": "é😀"}),
        json!({"range": {"start": {"line": 4, "character": 3}, "end": {"line": 0, "character": 1}}, "text": "\u{0}"}),
        json!({"range": {"start": {"line": 3, "character": 1}, "end": {"line": 3, "character": 2}}, "text": "x"}),
        json!({"text": format!("locals {{\n  x = {}1{}\n}}\n", "[".repeat(500), "]".repeat(500))}),
        json!({"text": format!("locals {{\n  x = {}1{}\n}}\nterraform {{\n  backend \"s3\" {{}}\n}}\n", "[for a in b : ".repeat(63), "]".repeat(63))}),
    ];
    for (version, change) in changes.into_iter().enumerate() {
        lsp.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": uri, "version": version + 2},
                "contentChanges": [change],
            }),
        );
        lsp.diagnostics(&uri);
    }
    // A notification with bad params, and one for a document never opened.
    lsp.notify("textDocument/didChange", json!({"nonsense": true}));
    lsp.change_full("file:///nowhere/x.tf", 2, "x");
    lsp.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": "untitled:Untitled-1", "languageId": "terraform", "version": 1, "text": "x"}}),
    );
    let bad = lsp.request("textDocument/hover", json!({"position": 3}));
    assert_eq!(bad["error"]["code"], -32602);
    lsp.sync();
    assert_eq!(lsp.shutdown().code(), Some(0));
}

#[test]
fn a_file_deleted_under_the_server_is_no_crash() {
    let dir = tempfile::tempdir().unwrap();
    let module = dir.path().join("m");
    std::fs::create_dir(&module).unwrap();
    let path = write(&module, "main.tf", GOOD_BACKEND);
    let other = write(&module, "other.tf", "locals {}\n");
    let (mut lsp, _) = Lsp::initialized(dir.path(), caps(), Value::Null);
    let uri = lsp.open(&path, GOOD_BACKEND);
    assert_eq!(lsp.diagnostics(&uri)["diagnostics"], json!([]));
    std::fs::remove_file(&other).unwrap();
    std::fs::remove_file(&path).unwrap();
    lsp.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": lsp::uri(&other), "type": 3}]}),
    );
    assert_eq!(
        relinted(&mut lsp, &uri, 2, &backend_without(&["region"])),
        ["TFB303"]
    );
    // The whole directory gone.
    std::fs::remove_dir_all(&module).unwrap();
    lsp.change_full(&uri, 3, GOOD_BACKEND);
    assert_eq!(lsp.diagnostics(&uri)["diagnostics"], json!([]));
    lsp.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": uri}}),
    );
    let everything =
        json!({"start": {"line": 0, "character": 0}, "end": {"line": 99, "character": 0}});
    code_actions(&mut lsp, &uri, &everything, None);
    assert_eq!(lsp.shutdown().code(), Some(0));
}

#[test]
fn an_unknown_request_is_method_not_found() {
    let dir = tempfile::tempdir().unwrap();
    let (mut lsp, _) = Lsp::initialized(dir.path(), caps(), Value::Null);
    let response = lsp.request("textDocument/formatting", json!({}));
    assert_eq!(response["error"]["code"], -32601);
    lsp.notify("$/unknownNotification", json!({}));
    lsp.notify("$/cancelRequest", json!({"id": 99}));
    let response = lsp.request("workspace/executeCommand", json!({"command": "x"}));
    assert_eq!(response["error"]["code"], -32601);
    assert_eq!(lsp.shutdown().code(), Some(0));
}

#[test]
fn shutdown_and_exit() {
    let dir = tempfile::tempdir().unwrap();
    // A request before `initialize`: ServerNotInitialized.
    let mut lsp = Lsp::start(dir.path(), &[]);
    let early = lsp.request("textDocument/hover", json!({}));
    assert_eq!(early["error"]["code"], -32002);
    lsp.initialize(dir.path(), caps(), Value::Null);
    let response = lsp.request("shutdown", Value::Null);
    assert_eq!(response["result"], Value::Null);
    // After shutdown, requests are refused.
    let late = lsp.request("textDocument/hover", json!({}));
    assert_eq!(late["error"]["code"], -32600);
    lsp.notify("exit", Value::Null);
    assert_eq!(lsp.wait_exit().code(), Some(0));

    // `exit` without `shutdown`: 1.
    let (mut lsp, _) = Lsp::initialized(dir.path(), caps(), Value::Null);
    lsp.notify("exit", Value::Null);
    assert_eq!(lsp.wait_exit().code(), Some(1));

    // The client vanishes: the server ends too, without hanging.
    let (mut lsp, _) = Lsp::initialized(dir.path(), caps(), Value::Null);
    lsp.open(&dir.path().join("main.tf"), GOOD_BACKEND);
    lsp.close_stdin();
    assert_eq!(lsp.wait_exit().code(), Some(1));

    // A header that cannot be framed ends it too (a body that is not JSON does not: see
    // `a_body_that_is_not_json_is_answered_or_dropped_and_the_server_serves_on`).
    let (mut lsp, _) = Lsp::initialized(dir.path(), caps(), Value::Null);
    lsp.write_raw(b"Content-Length: five\r\n\r\n{{{{{");
    assert_eq!(lsp.wait_exit().code(), Some(1));
}

/// A server initialized in a new directory, logging to `server.log` there: the directory,
/// the client and the log's path.
fn logged() -> (tempfile::TempDir, Lsp, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("server.log");
    let mut lsp = Lsp::start(dir.path(), &["--log-file", log.to_str().unwrap()]);
    lsp.initialize(dir.path(), caps(), Value::Null);
    (dir, lsp, log)
}

/// The server has ended with exit code 1 on its own and logged `error`.
fn ended_with(lsp: &mut Lsp, log: &Path, error: &str) {
    assert_eq!(lsp.wait_exit().code(), Some(1));
    let logged = std::fs::read_to_string(log).unwrap();
    assert!(
        logged.contains(&format!("connection closed: {error}")),
        "{logged}"
    );
}

/// The server still answers a request.
fn serves_on(lsp: &mut Lsp) {
    let response = lsp.request("textDocument/formatting", json!({}));
    assert_eq!(response["error"]["code"], -32601, "{response}");
}

#[test]
fn a_64_gib_content_length_ends_the_server_before_any_body_arrives() {
    let (_dir, mut lsp, log) = logged();
    // The header alone, stdin left open: the server does not wait for (or make room for) a
    // body of 64 GiB, it refuses the length and exits.
    lsp.write_raw(b"Content-Length: 68719476736\r\n\r\n{");
    ended_with(
        &mut lsp,
        &log,
        "Content-Length 68719476736 is over the limit of 67108864 bytes",
    );
}

#[test]
fn a_content_length_beyond_any_integer_ends_the_server() {
    // Just over u64::MAX, and far over it.
    let (_dir, mut lsp, log) = logged();
    lsp.write_raw(b"Content-Length: 18446744073709551616\r\n\r\n");
    ended_with(
        &mut lsp,
        &log,
        "Content-Length 18446744073709551616 is over the limit of 67108864 bytes",
    );
    let (_dir, mut lsp, log) = logged();
    let header = format!("Content-Length: {}\r\n\r\n", "9".repeat(300));
    lsp.write_raw(header.as_bytes());
    ended_with(
        &mut lsp,
        &log,
        "Content-Length of 300 digits is over the limit of 67108864 bytes",
    );
}

/// Frames a body given as raw text (serde_json cannot write a lone surrogate).
fn raw(body: &str) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend(body.as_bytes());
    out
}

#[test]
fn a_lone_surrogate_gets_a_parse_error_and_the_server_serves_on() {
    let (dir, mut lsp, log) = logged();
    lsp.write_raw(&raw(
        r#"{"jsonrpc":"2.0","id":"half-emoji","method":"textDocument/hover","params":{"textDocument":{"uri":"file:///x/\ud83d.tf"},"position":{"line":0,"character":0}}}"#,
    ));
    let response = lsp.wait_for(|m| m["id"] == "half-emoji", "the parse error");
    assert_eq!(response["error"]["code"], -32700, "{response}");
    let message = response["error"]["message"].as_str().unwrap();
    assert!(message.starts_with("Parse error: "), "{message}");
    // A notification holding one has no one to answer: it is dropped.
    let path = dir.path().join("main.tf");
    lsp.write_raw(&raw(&format!(
        r##"{{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{{"textDocument":{{"uri":"{}","languageId":"terraform","version":1,"text":"# \ud83d"}}}}}}"##,
        lsp::uri(&path)
    )));
    serves_on(&mut lsp);
    // The document was never opened; opening it properly works.
    let uri = lsp.open(&path, GOOD_BACKEND);
    assert_eq!(lsp.diagnostics(&uri)["diagnostics"], json!([]));
    assert_eq!(lsp.shutdown().code(), Some(0));
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(
        logged.contains("undecodable message answered with error -32700: not JSON text"),
        "{logged}"
    );
    assert!(
        logged.contains("undecodable message dropped (no id)"),
        "{logged}"
    );
}

#[test]
fn a_body_that_is_not_json_is_answered_or_dropped_and_the_server_serves_on() {
    let (_dir, mut lsp, log) = logged();
    // With an id before the point where it breaks: answered.
    lsp.write_raw(&raw(
        r#"{"jsonrpc":"2.0","id":41,"method":"x","params":{,}}"#,
    ));
    let response = lsp.wait_for(|m| m["id"] == 41, "the parse error");
    assert_eq!(response["error"]["code"], -32700, "{response}");
    // Without one: dropped.
    lsp.write_raw(&raw("{{{{{"));
    lsp.write_raw(b"Content-Length: 2\r\n\r\n\xff\xfe");
    serves_on(&mut lsp);
    // JSON that is no message: Invalid request.
    lsp.write_raw(&raw(r#"{"jsonrpc":"2.0","id":42}"#));
    let response = lsp.wait_for(|m| m["id"] == 42, "the invalid request");
    assert_eq!(response["error"]["code"], -32600, "{response}");
    serves_on(&mut lsp);
    assert_eq!(lsp.shutdown().code(), Some(0));
    let logged = std::fs::read_to_string(&log).unwrap();
    assert_eq!(
        logged
            .matches("undecodable message dropped (no id)")
            .count(),
        2,
        "{logged}"
    );
}

#[test]
fn stdin_closed_inside_a_message_ends_the_server() {
    // Inside the header.
    let (_dir, mut lsp, log) = logged();
    lsp.write_raw(b"Content-Len");
    lsp.close_stdin();
    ended_with(&mut lsp, &log, "the input ended inside a message header");
    // Inside the body.
    let (_dir, mut lsp, log) = logged();
    lsp.write_raw(b"Content-Length: 200\r\n\r\n{\"jsonrpc\":");
    lsp.close_stdin();
    ended_with(&mut lsp, &log, "the input ended inside a message body");
    // A complete `exit` under a header announcing more: not taken as `exit`.
    let (_dir, mut lsp, log) = logged();
    let exit = r#"{"jsonrpc":"2.0","method":"exit"}"#;
    lsp.write_raw(format!("Content-Length: {}\r\n\r\n{exit}", exit.len() + 10).as_bytes());
    lsp.close_stdin();
    ended_with(&mut lsp, &log, "the input ended inside a message body");
}

#[test]
fn a_client_that_pulls_diagnostics_gets_them_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let (backend, backend_text, versions) = backend_and_versions(dir.path());
    let capabilities = json!({
        "textDocument": {"diagnostic": {"dynamicRegistration": false}},
        "workspace": {"diagnostics": {"refreshSupport": true}},
    });
    let (mut lsp, result) = Lsp::initialized(dir.path(), capabilities, Value::Null);
    assert_eq!(
        result["capabilities"]["diagnosticProvider"]["interFileDependencies"],
        true
    );
    let backend_uri = lsp.open(&backend, &backend_text);
    let versions_uri = lsp.open(&versions, "terraform {\n}\n");
    let pull = |lsp: &mut Lsp, uri: &str, previous: Option<&str>| {
        let mut params = json!({"textDocument": {"uri": uri}});
        if let Some(previous) = previous {
            params["previousResultId"] = json!(previous);
        }
        lsp.request("textDocument/diagnostic", params)["result"].clone()
    };
    let report = pull(&mut lsp, &backend_uri, None);
    assert_eq!(report["kind"], "full");
    assert_eq!(codes(&report["items"]), ["TFB101"]);
    let id = report["resultId"].as_str().unwrap().to_string();
    let again = pull(&mut lsp, &backend_uri, Some(&id));
    assert_eq!(again, json!({"kind": "unchanged", "resultId": id}));

    // An edit of versions.tf changes backend.tf: the client is asked to pull again.
    lsp.change_full(&versions_uri, 2, VERSIONS);
    lsp.wait_for(
        |m| m["method"] == "workspace/diagnostic/refresh",
        "diagnostic refresh",
    );
    let report = pull(&mut lsp, &backend_uri, Some(&id));
    assert_eq!(report["kind"], "full");
    assert_eq!(report["items"], json!([]));

    // Pulling versions.tf after an edit of it also brings backend.tf's new diagnostics.
    pull(&mut lsp, &versions_uri, None);
    lsp.change_full(&versions_uri, 3, "terraform {\n}\n");
    let report = pull(&mut lsp, &versions_uri, None);
    assert_eq!(report["items"], json!([]));
    let related = &report["relatedDocuments"][backend_uri.as_str()];
    assert_eq!(related["kind"], "full");
    assert_eq!(codes(&related["items"]), ["TFB101"]);
    lsp.sync();
    // Nothing is pushed to a client that pulls.
    let pushed = lsp.drain(|m| m["method"] == "textDocument/publishDiagnostics");
    assert!(pushed.is_empty(), "{pushed:?}");
    assert_eq!(lsp.shutdown().code(), Some(0));
}

#[test]
fn a_burst_of_keystrokes_is_linted_on_the_latest_text() {
    let (_dir, mut lsp, path) = start(caps(), Value::Null);
    let uri = lsp.open(&path, GOOD_BACKEND);
    lsp.diagnostics(&uri);
    // 1,000 changes in one write: the last one removes `region`.
    let mut burst = Vec::new();
    for version in 2..1001 {
        let text = GOOD_BACKEND.replace("acme-tfstate", &format!("acme-{version}"));
        burst.extend(lsp::frame(&json!({
            "jsonrpc": "2.0", "method": "textDocument/didChange",
            "params": {"textDocument": {"uri": uri, "version": version},
                       "contentChanges": [{"text": text}]},
        })));
    }
    lsp.write_raw(&burst);
    lsp.change_full(&uri, 1001, &backend_without(&["region"]));
    lsp.sync();
    let published = lsp.drain(|m| m["method"] == "textDocument/publishDiagnostics");
    let last = published.last().expect("diagnostics");
    assert_eq!(last["params"]["version"], 1001);
    assert_eq!(codes(&last["params"]["diagnostics"]), ["TFB303"]);
    assert!(
        published.len() < 500,
        "{} lints for 1,000 changes: stale texts were linted",
        published.len()
    );
    assert_eq!(lsp.shutdown().code(), Some(0));
}

#[test]
fn secrets_reach_neither_diagnostics_nor_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "main.tf", "");
    let log = dir.path().join("server.log");
    let mut lsp = Lsp::start(dir.path(), &["--log-file", log.to_str().unwrap()]);
    lsp.initialize(dir.path(), caps(), Value::Null);
    let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    let text = GOOD_BACKEND.replace(
        "    use_lockfile",
        &format!("    secret_key = \"{secret}\"\n    use_lockfile"),
    );
    let uri = lsp.open(&path, &text);
    let published = lsp.diagnostics(&uri);
    assert_eq!(codes(&published["diagnostics"]), ["TFB401"]);
    let everything =
        json!({"start": {"line": 0, "character": 0}, "end": {"line": 99, "character": 0}});
    let actions = code_actions(&mut lsp, &uri, &everything, None);
    let hover = lsp.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": find(&published["diagnostics"], "TFB401")["range"]["start"]}),
    );
    for shown in [published.to_string(), hover.to_string()] {
        assert!(!shown.contains(secret), "{shown}");
    }
    // Actions may only delete the secret, never repeat it (in a title, an edit or a diagnostic).
    assert!(!actions.is_empty());
    for action in &actions {
        assert!(!action.to_string().contains(secret), "{action}");
    }
    assert_eq!(lsp.shutdown().code(), Some(0));
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(logged.contains("textDocument/didOpen"), "{logged}");
    assert!(!logged.contains(secret), "{logged}");
    assert!(!logged.contains("secret_key"), "{logged}");
}

#[test]
fn files_that_are_not_terraform_are_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let (mut lsp, _) = Lsp::initialized(dir.path(), caps(), Value::Null);
    let vars = dir.path().join("prod.tfvars");
    lsp.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri(&vars), "languageId": "terraform-vars", "version": 1, "text": "region = \"x\"\n"}}),
    );
    let backend = dir.path().join("prod.tfbackend");
    lsp.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri(&backend), "languageId": "hcl", "version": 1, "text": "region = \"nyc3\"\n"}}),
    );
    let published = lsp.diagnostics(&uri(&backend));
    assert!(codes(&published["diagnostics"]).contains(&"TFB201".to_string()));
    lsp.sync();
    let for_vars = lsp.drain(|m| m["params"]["uri"] == uri(&vars).as_str());
    assert!(for_vars.is_empty(), "{for_vars:?}");
    assert_eq!(lsp.shutdown().code(), Some(0));
}

#[test]
fn server_help_names_the_log_option() {
    let dir = tempfile::tempdir().unwrap();
    let out = common::run(dir.path(), &["server", "--help"]);
    assert_eq!(out.code, 0);
    assert!(out.stdout.contains("--log-file <PATH>"), "{}", out.stdout);
    let out = common::run(
        dir.path(),
        &["server", "--log-file", "/nonexistent/dir/x.log"],
    );
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "tfblint: error: --log-file /nonexistent/dir/x.log: no such file or directory\n"
    );
}

/// What a workflow passes at `terraform init` counts for an open file, and a workflow changed on
/// disk is read again: the server is told (it watches init sources) and lints with the new text.
/// One that goes away is forgotten, and one that appears is found.
#[test]
fn a_workflow_changed_on_disk_is_read_again() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let module = dir.path().join("infra");
    std::fs::create_dir_all(&module).unwrap();
    std::fs::create_dir_all(dir.path().join(".github/workflows")).unwrap();
    let workflow = |settings: &str| {
        format!(
            "on: push\njobs:\n  plan:\n    runs-on: ubuntu-latest\n    steps:\n      \
             - run: terraform -chdir=infra init {settings}\n"
        )
    };
    let plan = write(
        &dir.path().join(".github/workflows"),
        "plan.yml",
        &workflow("-backend-config=\"region=us-east-1\""),
    );
    let path = write(&module, "main.tf", &backend_without(&["region"]));
    let capabilities =
        json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}});
    let (mut lsp, _) = Lsp::initialized(dir.path(), capabilities, Value::Null);
    let uri = lsp.open(&path, &backend_without(&["region"]));
    // Once the repository is listed (off the main loop), the workflow passes the region.
    lsp.settled(&uri, |d| codes(&d["diagnostics"]).is_empty());

    let changed = |lsp: &mut Lsp, kind: u32| {
        lsp.notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": lsp::uri(&plan), "type": kind}]}),
        );
    };
    // Each change is linted at once; the repository-wide pieces are read again off the main
    // loop and may publish once more: what settles is what counts.
    std::fs::write(&plan, workflow("-backend-config=\"key=other\"")).unwrap();
    changed(&mut lsp, 2);
    lsp.settled(&uri, |d| codes(&d["diagnostics"]) == ["TFB303"]);

    std::fs::write(&plan, workflow("-backend-config=\"region=us-east-1\"")).unwrap();
    changed(&mut lsp, 2);
    lsp.settled(&uri, |d| codes(&d["diagnostics"]).is_empty());

    std::fs::remove_file(&plan).unwrap();
    changed(&mut lsp, 3);
    lsp.settled(&uri, |d| codes(&d["diagnostics"]) == ["TFB303"]);

    // A new workflow: the repository is listed for init sources again.
    let deploy = write(
        &dir.path().join(".github/workflows"),
        "deploy.yml",
        &workflow("-backend-config=\"region=us-east-1\""),
    );
    lsp.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": lsp::uri(&deploy), "type": 1}]}),
    );
    lsp.settled(&uri, |d| codes(&d["diagnostics"]).is_empty());
    assert!(lsp.shutdown().success());
}

#[test]
fn an_open_file_is_told_about_a_partner_on_disk_that_writes_the_same_state() {
    let dir = tempfile::tempdir().unwrap();
    let module = |name: &str| {
        let path = dir.path().join(name);
        std::fs::create_dir_all(&path).unwrap();
        let text = GOOD_BACKEND.replace("prod/terraform.tfstate", "shared.tfstate");
        assert_ne!(text, GOOD_BACKEND);
        (write(&path, "main.tf", &text), text)
    };
    let (_jenkins, _) = module("jenkins");
    let (atlantis, text) = module("atlantis");
    let (mut lsp, _) = Lsp::initialized(dir.path(), caps(), Value::Null);
    let uri = lsp.open(&atlantis, &text);
    // The other modules are read off the main loop: the open file is linted again with them.
    let message = |published: &Value| -> String {
        let diagnostics = &published["diagnostics"];
        let d = diagnostics
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["code"] == "TFB701");
        d.map(|d| d["message"].as_str().unwrap().to_string())
            .unwrap_or_default()
    };
    lsp.settled(&uri, |d| message(d).contains("jenkins/main.tf:"));
    // A module saved on disk is read again alone: a new one that writes the same state…
    let (circle, _) = module("circle");
    lsp.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": lsp::uri(&circle), "type": 1}]}),
    );
    let published = lsp.settled(&uri, |d| message(d).contains("circle/main.tf:"));
    assert!(
        message(&published).contains("jenkins/main.tf:"),
        "{published}"
    );
    // …and one that no longer does.
    std::fs::write(&circle, GOOD_BACKEND).unwrap();
    lsp.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": lsp::uri(&circle), "type": 2}]}),
    );
    let published = lsp.settled(&uri, |d| !message(d).contains("circle/main.tf:"));
    assert!(
        message(&published).contains("jenkins/main.tf:"),
        "{published}"
    );
    // An unsaved edit that gives the open file a key of its own ends it.
    let own = text.replace("shared.tfstate", "atlantis.tfstate");
    assert!(!relinted(&mut lsp, &uri, 2, &own).contains(&"TFB701".to_string()));
    assert_eq!(lsp.shutdown().code(), Some(0));
}

#[test]
fn an_edit_that_cannot_be_read_stops_the_diagnostics_until_the_whole_text_comes_again() {
    let (dir, mut lsp, log) = logged();
    let path = dir.path().join("main.tf");
    let broken = backend_without(&["region"]);
    let uri = lsp.open(&path, &broken);
    assert_eq!(codes(&lsp.diagnostics(&uri)["diagnostics"]), ["TFB303"]);
    // A `didChange` whose text holds a lone surrogate: not JSON text, and no id to answer.
    let lost = format!(
        r##"{{"jsonrpc":"2.0","method":"textDocument/didChange","params":{{"textDocument":{{"uri":"{uri}","version":2}},"contentChanges":[{{"range":{{"start":{{"line":0,"character":0}},"end":{{"line":0,"character":0}}}},"text":"# \ud83d\n"}}]}}}}"##
    );
    lsp.write_raw(&raw(&lost));
    let shown = lsp.wait_for(|m| m["method"] == "window/showMessage", "the warning");
    assert_eq!(shown["params"]["type"], 2, "{shown}");
    // What was shown is withdrawn: it was computed on a text the editor no longer holds.
    assert_eq!(lsp.diagnostics(&uri)["diagnostics"], json!([]));
    // Further edits of the lost text are not linted.
    let unchanged = |d: &Value| d["diagnostics"] == json!([]);
    lsp.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [{
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
            "text": "\n",
        }]}),
    );
    lsp.sync();
    for published in lsp.drain(|m| m["method"] == "textDocument/publishDiagnostics") {
        assert!(unchanged(&published["params"]), "{published}");
    }
    // The whole text again: linted again.
    assert_eq!(relinted(&mut lsp, &uri, 4, &broken), ["TFB303"]);
    assert_eq!(lsp.shutdown().code(), Some(0));
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(logged.contains("edit lost: "), "{logged}");
    assert!(!logged.contains("ud83d"), "{logged}");
}
