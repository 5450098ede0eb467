//! Configuration, selection, severities, suppressions and stdin, through the real binary.

mod common;

use std::fs;
use std::path::Path;

use common::{codes, run, tfblint};

/// A backend missing `skip_s3_checksum` (TFB301, error) and `use_lockfile` (TFB501, warning).
fn backend() -> String {
    common::backend_without(&["skip_s3_checksum", "use_lockfile"])
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, common::own_state(rel, text)).unwrap();
}

fn found(json: &str) -> Vec<String> {
    codes(json)
        .into_iter()
        .map(|(c, f, l, _)| format!("{f}:{l} {c}"))
        .collect()
}

#[test]
fn config_is_found_by_walking_up_and_flags_override_it() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "tfblint.toml", "ignore = [\"TFB5\"]\n");
    write(dir.path(), "envs/prod/main.tf", &backend());
    let cwd = dir.path().join("envs");
    let out = run(&cwd, &["--format", "json", "prod"]);
    assert_eq!(found(&out.stdout), ["prod/main.tf:4 TFB301"]);

    // A flag of the same name replaces the file's value.
    let out = run(&cwd, &["--format", "json", "--ignore", "TFB301", "prod"]);
    assert_eq!(found(&out.stdout), ["prod/main.tf:4 TFB501"]);

    // --no-config ignores the file; --config names another.
    let out = run(&cwd, &["--format", "json", "--no-config", "prod"]);
    assert_eq!(
        found(&out.stdout),
        ["prod/main.tf:4 TFB301", "prod/main.tf:4 TFB501"]
    );
    write(dir.path(), "other.toml", "select = [\"TFB501\"]\n");
    let out = run(
        &cwd,
        &["--format", "json", "--config", "../other.toml", "prod"],
    );
    assert_eq!(found(&out.stdout), ["prod/main.tf:4 TFB501"]);
}

#[test]
fn dot_tfblint_toml_is_found_too() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), ".tfblint.toml", "select = [\"TFB3\"]\n");
    write(dir.path(), "m/main.tf", &backend());
    let out = run(dir.path(), &["--format", "json", "m"]);
    assert_eq!(found(&out.stdout), ["m/main.tf:4 TFB301"]);
}

#[test]
fn severity_overrides_and_fail_on_decide_the_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "m/main.tf", &backend());
    write(dir.path(), "tfblint.toml", "ignore = [\"TFB301\"]\n");
    assert_eq!(run(dir.path(), &["m"]).code, 0, "a warning alone passes");
    assert_eq!(run(dir.path(), &["--fail-on", "warning", "m"]).code, 1);
    write(
        dir.path(),
        "tfblint.toml",
        "ignore = [\"TFB301\"]\nfail-on = \"warning\"\n",
    );
    assert_eq!(run(dir.path(), &["m"]).code, 1);
    assert_eq!(run(dir.path(), &["--fail-on", "error", "m"]).code, 0);

    write(
        dir.path(),
        "tfblint.toml",
        "ignore = [\"TFB301\"]\n[severity]\nTFB501 = \"error\"\n",
    );
    let out = run(dir.path(), &["--format", "compact", "m"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stdout.starts_with("m/main.tf:4:3: error[TFB501]"),
        "{}",
        out.stdout
    );
    let out = run(
        dir.path(),
        &["--format", "compact", "--severity", "TFB501=warning", "m"],
    );
    assert_eq!(out.code, 0);
    assert!(
        out.stdout.starts_with("m/main.tf:4:3: warning[TFB501]"),
        "{}",
        out.stdout
    );
}

#[test]
fn configuration_errors_name_file_line_and_key_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "m/main.tf", &backend());
    let cases = [
        (
            "select = [\"TFB301\"]\nsevrity = {}\n",
            "tfblint.toml:2: unknown field `sevrity`",
        ),
        (
            "ignore = [\"TFB3\", \"XYZ\"]\n",
            "tfblint.toml:1: `ignore`: unknown rule code `XYZ` (`tfblint rules` lists them)",
        ),
        (
            "[per-file-ignores]\n\"envs/[\" = [\"TFB501\"]\n",
            "tfblint.toml:2: `per-file-ignores`: invalid glob `envs/[`",
        ),
        (
            "[severity]\nTFB777 = \"error\"\n",
            "tfblint.toml:2: `severity`: unknown rule code `TFB777`",
        ),
        (
            "engine = \"pulumi\"\n",
            "tfblint.toml:1: unknown variant `pulumi`",
        ),
    ];
    for (text, expected) in cases {
        write(dir.path(), "tfblint.toml", text);
        let out = run(dir.path(), &["m"]);
        assert_eq!(out.code, 2, "{text}");
        assert!(
            out.stderr
                .starts_with(&format!("tfblint: error: {expected}")),
            "{text}: {}",
            out.stderr
        );
        assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    }
    let out = run(dir.path(), &["--no-config", "--select", "TFB3,nope", "m"]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "tfblint: error: --select: unknown rule code `nope` (`tfblint rules` lists them)\n"
    );
}

#[test]
fn per_file_ignores_and_config_excludes_match_globs() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "envs/prod/main.tf", &backend());
    write(dir.path(), "envs/dev/main.tf", &backend());
    write(dir.path(), "legacy/main.tf", &backend());
    write(
        dir.path(),
        "tfblint.toml",
        "exclude = [\"legacy\"]\n\n[per-file-ignores]\n\"envs/dev/**\" = [\"TFB5\"]\n",
    );
    let out = run(dir.path(), &["--format", "json", "."]);
    assert_eq!(
        found(&out.stdout),
        [
            "envs/dev/main.tf:4 TFB301",
            "envs/prod/main.tf:4 TFB301",
            "envs/prod/main.tf:4 TFB501"
        ]
    );
    // Excludes apply to files named on the command line too (pre-commit passes names).
    let out = run(dir.path(), &["--format", "json", "legacy/main.tf"]);
    assert_eq!(found(&out.stdout), Vec::<String>::new());
    // Per-file-ignores globs are relative to the configuration's directory, wherever tfblint runs.
    let out = run(&dir.path().join("envs"), &["--format", "json", "dev"]);
    assert_eq!(found(&out.stdout), ["dev/main.tf:4 TFB301"]);
}

#[test]
fn suppression_comments_silence_findings_and_report_unused_and_unknown_codes() {
    let dir = tempfile::tempdir().unwrap();
    let text = backend().replace(
        "  backend \"s3\" {\n",
        "  # tfblint-ignore: TFB301 -- checksum flag comes from CI\n  backend \"s3\" { // tfblint-ignore: TFB501, TFB106, TFB30X\n",
    );
    write(dir.path(), "m/main.tf", &text);
    let out = run(dir.path(), &["--format", "compact", "m"]);
    assert_eq!(
        out.stdout,
        "m/main.tf:5:45: warning[TFB901] `TFB106` is suppressed here but reports nothing\n\
         m/main.tf:5:53: error[TFB902] `TFB30X` is not a tfblint rule code\n"
    );
    assert_eq!(out.code, 1);
    // A switched-off rule's code is not "unused".
    let out = run(
        dir.path(),
        &["--format", "compact", "--ignore", "TFB106", "m"],
    );
    assert_eq!(
        out.stdout,
        "m/main.tf:5:53: error[TFB902] `TFB30X` is not a tfblint rule code\n"
    );
}

#[test]
fn stdin_is_linted_as_the_named_file_with_its_module_context() {
    let dir = tempfile::tempdir().unwrap();
    let without_version = backend().replace("  required_version = \"~> 1.11\"\n\n", "");
    write(
        dir.path(),
        "mod/versions.tf",
        "terraform {\n  required_version = \"~> 1.11\"\n}\n",
    );
    write(
        dir.path(),
        "mod/backend.tf",
        "# the saved text differs from the buffer\n",
    );
    let out = tfblint(dir.path())
        .args([
            "--format",
            "compact",
            "--stdin-filename",
            "mod/backend.tf",
            "-",
        ])
        .write_stdin(without_version.clone())
        .output()
        .unwrap();
    // versions.tf beside it supplies required_version: no TFB101. The buffer, not the file
    // on disk, is linted.
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "mod/backend.tf:2:3: error[TFB301] `skip_s3_checksum` is not set in the backend block\n\
         mod/backend.tf:2:3: warning[TFB501] state locking is off: `use_lockfile` is not set in the backend block\n"
    );
    assert_eq!(out.status.code(), Some(1));

    // The file need not exist; `-` may be left out when --stdin-filename is given.
    let out = tfblint(dir.path())
        .args(["--format", "compact", "--stdin-filename", "new/main.tf"])
        .write_stdin(without_version)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.starts_with("new/main.tf:2:3: error[TFB101]"),
        "{stdout}"
    );
}
