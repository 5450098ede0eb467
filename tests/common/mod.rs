//! Running the real binary from tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The built `tfblint` with a clean, colorless environment, run in `cwd`.
pub fn tfblint(cwd: &Path) -> Command {
    let mut cmd = Command::cargo_bin("tfblint").expect("binary is built");
    cmd.current_dir(cwd)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env("NO_COLOR", "1");
    cmd
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(cwd: &Path, args: &[&str]) -> Run {
    let Output {
        status,
        stdout,
        stderr,
    } = tfblint(cwd).args(args).output().expect("tfblint runs");
    Run {
        code: status.code().expect("exited normally, not by a signal"),
        stdout: String::from_utf8(stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(stderr).expect("stderr is UTF-8"),
    }
}

/// Copies the tree `from` (hidden files included) to `to`.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Runs `git` in `dir` (system configuration left out) and asserts it succeeded.
pub fn git(dir: &Path, args: &[&str]) {
    let status = std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .status()
        .expect("git is installed");
    assert!(status.success(), "git {args:?}");
}

/// Subdirectories of `dir`, sorted by name.
pub fn subdirs(dir: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// Diagnostics of a `--format json` run as (code, file, line, column) tuples.
pub fn codes(json: &str) -> Vec<(String, String, u64, u64)> {
    let doc: serde_json::Value = serde_json::from_str(json).expect("valid JSON");
    doc["diagnostics"]
        .as_array()
        .expect("diagnostics array")
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
                d["start"]["line"].as_u64().unwrap(),
                d["start"]["column"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// A complete, correct Spaces backend (the guide's second example, compactly written).
pub const GOOD_BACKEND: &str = r#"terraform {
  required_version = "~> 1.11"

  backend "s3" {
    endpoints = { s3 = "https://nyc3.digitaloceanspaces.com" }
    bucket    = "acme-tfstate"
    key       = "prod/terraform.tfstate"

    skip_credentials_validation = true
    skip_requesting_account_id  = true
    skip_metadata_api_check     = true
    skip_region_validation      = true
    skip_s3_checksum            = true
    region                      = "us-east-1"
    use_lockfile                = true
  }
}
"#;

/// `GOOD_BACKEND` without the lines naming these arguments.
pub fn backend_without(arguments: &[&str]) -> String {
    GOOD_BACKEND
        .lines()
        .filter(|line| {
            let name = line.trim_start().split([' ', '=']).next().unwrap_or("");
            !arguments.contains(&name)
        })
        .map(|line| format!("{line}\n"))
        .collect()
}

/// Every `--format` value, from the CLI's own definition: a new format is covered by every test
/// that loops over them.
pub fn formats() -> Vec<String> {
    use clap::ValueEnum;
    tfblint::render::Format::value_variants()
        .iter()
        .map(|f| {
            let value = f.to_possible_value().expect("every format has a name");
            value.get_name().to_string()
        })
        .collect()
}

/// `text` with the `key` of [`GOOD_BACKEND`] made the module's own (`<dir>/terraform.tfstate`
/// for a file at `<dir>/<name>`): modules written from one template would otherwise write the
/// same state, which TFB701 reports.
pub fn own_state(rel: &str, text: &str) -> String {
    match Path::new(rel).parent().and_then(|p| p.to_str()) {
        Some(dir) if !dir.is_empty() => text.replace(
            "\"prod/terraform.tfstate\"",
            &format!("\"{dir}/terraform.tfstate\""),
        ),
        _ => text.to_string(),
    }
}

/// `examples/gen_corpus.rs`, which `cargo test` builds next to the test binaries.
pub fn corpus_generator() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let debug_dir = exe.parent().and_then(Path::parent).unwrap();
    let gen = debug_dir
        .join("examples")
        .join(format!("gen_corpus{}", std::env::consts::EXE_SUFFIX));
    assert!(gen.is_file(), "{} is built by `cargo test`", gen.display());
    gen
}
