//! Walking respects `.gitignore`, `.ignore` and git's excludes, as rg and ruff do: in a real
//! git repository (made with `git init` here), outside one, turned off by `--no-ignore` and
//! by `respect-gitignore = false`; a file named on the command line is linted all the same.
//! And the parallel walk keeps modules exact: a directory's files are linted together.

mod common;

use std::path::Path;
use std::process::Command;

use common::{backend_without, codes, run};

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, common::own_state(rel, text)).unwrap();
}

/// A backend that fires TFB301 (no `skip_s3_checksum`) and nothing else.
fn bad() -> String {
    backend_without(&["skip_s3_checksum"])
}

fn git_init(root: &Path) {
    let status = Command::new("git")
        .args(["init", "-q"])
        .current_dir(root)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .status()
        .expect("git is installed");
    assert!(status.success());
}

/// The files with a finding, sorted.
fn flagged(root: &Path, args: &[&str]) -> Vec<String> {
    let mut all = vec!["--format", "json", "--no-config"];
    all.extend_from_slice(args);
    let out = run(root, &all);
    assert!(out.code <= 1, "{}", out.stderr);
    let mut files: Vec<String> = codes(&out.stdout).into_iter().map(|c| c.1).collect();
    files.dedup();
    files
}

/// A repository with ignored files at several levels, a nested `.gitignore` and a negation.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git_init(root);
    write(root, ".gitignore", "generated/\n*.gen.tf\n!keep.gen.tf\n");
    write(root, "live/main.tf", &bad());
    write(root, "generated/main.tf", &bad());
    write(root, "app/skip.gen.tf", &bad());
    write(root, "app/keep.gen.tf", &bad());
    write(root, "nested/.gitignore", "local/\n");
    write(root, "nested/local/main.tf", &bad());
    write(root, "nested/kept/main.tf", &bad());
    // Outside `nested/`, its `.gitignore` does not apply.
    write(root, "local/main.tf", &bad());
    // git's own per-repository excludes.
    write(root, ".git/info/exclude", "private/\n");
    write(root, "private/main.tf", &bad());
    dir
}

#[test]
fn ignored_files_are_skipped_in_a_git_repository() {
    let dir = repository();
    assert_eq!(
        flagged(dir.path(), &["."]),
        [
            "app/keep.gen.tf",
            "live/main.tf",
            "local/main.tf",
            "nested/kept/main.tf"
        ]
    );
    // The same from a subdirectory: the `.gitignore` files above it count.
    assert_eq!(flagged(&dir.path().join("app"), &["."]), ["keep.gen.tf"]);
    assert_eq!(flagged(dir.path(), &["nested"]), ["nested/kept/main.tf"]);
}

#[test]
fn no_ignore_lints_everything() {
    let dir = repository();
    let all = [
        "app/keep.gen.tf",
        "app/skip.gen.tf",
        "generated/main.tf",
        "live/main.tf",
        "local/main.tf",
        "nested/kept/main.tf",
        "nested/local/main.tf",
        "private/main.tf",
    ];
    assert_eq!(flagged(dir.path(), &["--no-ignore", "."]), all);

    // The same from the configuration file; the flag needs no file.
    write(dir.path(), "tfblint.toml", "respect-gitignore = false\n");
    let out = run(dir.path(), &["--format", "json", "."]);
    let mut files: Vec<String> = codes(&out.stdout).into_iter().map(|c| c.1).collect();
    files.dedup();
    assert_eq!(files, all);
    write(dir.path(), "tfblint.toml", "respect-gitignore = true\n");
    let out = run(dir.path(), &["--format", "json", "."]);
    assert_eq!(codes(&out.stdout).len(), 4);
}

#[test]
fn a_named_ignored_file_is_linted() {
    let dir = repository();
    // A named file brings its directory's files that are not ignored (`keep.gen.tf`) as
    // its module, never the ignored ones it did not name.
    assert_eq!(
        flagged(dir.path(), &["generated/main.tf", "app/skip.gen.tf"]),
        ["app/keep.gen.tf", "app/skip.gen.tf", "generated/main.tf"]
    );
    write(dir.path(), "app/other.gen.tf", &bad());
    assert_eq!(
        flagged(dir.path(), &["app/skip.gen.tf"]),
        ["app/keep.gen.tf", "app/skip.gen.tf"]
    );
    // Named beside a directory that skips it.
    assert_eq!(
        flagged(dir.path(), &["app", "app/skip.gen.tf"]),
        ["app/keep.gen.tf", "app/skip.gen.tf"]
    );
    // A directory named on the command line is walked even when ignored.
    assert_eq!(flagged(dir.path(), &["generated"]), ["generated/main.tf"]);
}

#[test]
fn gitignore_outside_a_git_repository_is_not_read_but_ignore_files_are() {
    // As git, rg and ruff: `.gitignore` means something only in a git repository.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, ".gitignore", "generated/\n");
    write(root, ".ignore", "vendor/\n");
    write(root, "generated/main.tf", &bad());
    write(root, "vendor/main.tf", &bad());
    write(root, "main.tf", &bad());
    assert_eq!(flagged(root, &["."]), ["generated/main.tf", "main.tf"]);
    assert_eq!(
        flagged(root, &["--no-ignore", "."]),
        ["generated/main.tf", "main.tf", "vendor/main.tf"]
    );
}

#[test]
fn respect_gitignore_is_validated() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "tfblint.toml", "\nrespect-gitignore = \"no\"\n");
    let out = run(dir.path(), &["."]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.starts_with(
            "tfblint: error: tfblint.toml:2: invalid type: string \"no\", expected a boolean"
        ),
        "{}",
        out.stderr
    );
}

/// Many directories of many files, each module's `required_version` in one file and its
/// backend in another: linted apart, every module would report TFB101. The parallel walk
/// must hand each directory over whole.
#[test]
fn modules_stay_whole_in_a_parallel_walk() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let backend = backend_without(&["skip_s3_checksum", "required_version"]);
    assert_ne!(backend, bad(), "the backend fixture sets required_version");
    let modules = 150;
    for m in 0..modules {
        let module = format!("m{:03}/sub{}", m, m % 7);
        for f in 0..20 {
            write(
                root,
                &format!("{module}/r{f:02}.tf"),
                "resource \"null_resource\" \"x\" {}\n",
            );
        }
        write(root, &format!("{module}/backend.tf"), &backend);
        write(
            root,
            &format!("{module}/versions.tf"),
            "terraform {\n  required_version = \"~> 1.11\"\n}\n",
        );
    }
    let out = run(root, &["--format", "json", "--no-config", "."]);
    let found = codes(&out.stdout);
    assert_eq!(found.len(), modules, "{}", out.stdout);
    assert!(found.iter().all(|c| c.0 == "TFB301"), "{found:?}");
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["summary"]["files"], modules * 22);
    assert_eq!(doc["summary"]["modules"], modules);
}
