//! The pre-commit hook, for real: `pre-commit try-repo` builds this repository's hook with
//! `language: rust` and runs it on a throwaway git repository. Skipped (and says so) when
//! `pre-commit` is not installed; `.ci/run` installs it.

mod common;

use std::path::Path;
use std::process::Command;

fn has(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(args)
        .current_dir(dir)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

fn try_repo(dir: &Path, home: &Path) -> (i32, String) {
    let out = Command::new("pre-commit")
        .args([
            "try-repo",
            common::repo().to_str().unwrap(),
            "tfblint",
            "--all-files",
        ])
        .current_dir(dir)
        .env("PRE_COMMIT_HOME", home)
        .env("NO_COLOR", "1")
        // The hook's `cargo install` builds a release binary; this test checks the hook's
        // wiring, not speed, so build it unoptimised (minutes faster on a 2-core CI machine)
        // and keep its artifacts under target/ so local reruns reuse them.
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
        .env("CARGO_PROFILE_RELEASE_LTO", "off")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "256")
        .env("CARGO_PROFILE_RELEASE_DEBUG", "false")
        .env("CARGO_INCREMENTAL", "0")
        .env(
            "CARGO_TARGET_DIR",
            common::repo().join("target").join("pre-commit-hook"),
        )
        .output()
        .expect("pre-commit runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn the_hook_fails_on_a_bad_backend_and_passes_once_it_is_fixed() {
    if !has("pre-commit") || !has("git") {
        eprintln!("skipped: pre-commit or git is not installed");
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let dir = work.path();
    git(dir, &["init", "-q"]);
    std::fs::create_dir_all(dir.join("envs/prod")).unwrap();
    std::fs::write(
        dir.join("envs/prod/backend.tf"),
        common::backend_without(&["skip_s3_checksum"]),
    )
    .unwrap();
    std::fs::write(dir.join("envs/prod/variables.tf"), "variable \"x\" {}\n").unwrap();
    std::fs::write(dir.join("README.md"), "not linted\n").unwrap();
    git(dir, &["add", "-A"]);

    let (code, output) = try_repo(dir, home.path());
    assert_eq!(code, 1, "{output}");
    assert!(output.contains("tfblint"), "{output}");
    assert!(
        output.contains("TFB301") && output.contains("`skip_s3_checksum` is not set"),
        "{output}"
    );

    let fixed = common::backend_without(&["skip_s3_checksum"]).replace(
        "    region                      = \"us-east-1\"\n",
        "    skip_s3_checksum            = true\n    region                      = \"us-east-1\"\n",
    );
    std::fs::write(dir.join("envs/prod/backend.tf"), fixed).unwrap();
    git(dir, &["add", "-A"]);
    let (code, output) = try_repo(dir, home.path());
    assert_eq!(code, 0, "{output}");
    assert!(output.contains("Passed"), "{output}");
}
