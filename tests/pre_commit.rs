//! The pre-commit hook, for real: `pre-commit try-repo` builds this repository's hook with
//! `language: rust` and runs it on a throwaway git repository. Skipped (and says so) when
//! `pre-commit` is not installed; `.ci/run` installs it. And the hook's `files:` pattern
//! against what tfblint reads: every kind of file, no other.

mod common;

use std::path::Path;
use std::process::Command;

fn has(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The `files:` pattern of the hook (read with Rust's `regex`, whose syntax the pattern keeps
/// to the part it shares with Python's `re`, which pre-commit uses with `search`).
fn hook_files_pattern() -> regex::Regex {
    let hooks = std::fs::read_to_string(common::repo().join(".pre-commit-hooks.yaml")).unwrap();
    let line = hooks
        .lines()
        .find_map(|l| l.trim().strip_prefix("files: "))
        .expect("a files: line");
    regex::Regex::new(line).expect("a valid pattern")
}

/// Every file under `dir`, hidden ones included, relative to `base`, with `/`.
fn all_files(dir: &Path, base: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            all_files(&path, base, out);
        } else {
            let rel = path.strip_prefix(base).unwrap();
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}

#[test]
fn the_hook_runs_on_every_kind_of_file_tfblint_reads_and_no_other() {
    let pattern = hook_files_pattern();
    let fixtures = common::repo().join("fixtures");
    let mut paths = Vec::new();
    all_files(&fixtures, &fixtures, &mut paths);
    paths.extend(
        [
            "x.tofu",
            "ci/Jenkinsfile.prod",
            "deploy.jenkinsfile",
            "build.mk",
            "tasks.just",
            ".justfile",
            "GNUmakefile",
            "Taskfile.dist.yaml",
            "taskfile.yml",
            ".gitlab-ci.yml",
            "bitbucket-pipelines.yml",
            "azure-pipelines.yaml",
            ".azure-pipelines/apply.yml",
            ".circleci/config.yml",
            ".circleci/other.yml",
            "atlantis.yaml",
            ".github/workflows/ci.yml",
            ".forgejo/workflows/ci.yaml",
            ".gitea/workflows/ci.yml",
            ".github/ci.yml",
            "a/b.yml",
            "README.md",
            "terraform.tfstate",
            "Makefile.bak",
        ]
        .map(String::from),
    );
    let mut kinds = 0;
    for path in &paths {
        let read = tfblint::input::classify::classify(Path::new(path)).is_some();
        kinds += usize::from(read);
        assert_eq!(
            pattern.is_match(path),
            read,
            "{path}: read by tfblint: {read}"
        );
    }
    assert!(kinds > 20, "the fixtures hold files of every kind");
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

    // A commit that only adds a credential to a workflow's init command is checked too, and
    // the hook never prints the credential.
    std::fs::create_dir_all(dir.join(".github/workflows")).unwrap();
    std::fs::write(
        dir.join(".github/workflows/plan.yml"),
        "on: [push]\njobs:\n  plan:\n    runs-on: ubuntu-latest\n    steps:\n      - run: terraform init -backend-config=\"secret_key=hunter2hunter2hunter2\"\n        working-directory: ${{ matrix.dir }}\n",
    )
    .unwrap();
    git(dir, &["add", "-A"]);
    let (code, output) = try_repo(dir, home.path());
    assert_eq!(code, 1, "{output}");
    assert!(
        output.contains("TFB403") && output.contains(".github/workflows/plan.yml"),
        "{output}"
    );
    assert!(!output.contains("hunter2"), "{output}");
}
