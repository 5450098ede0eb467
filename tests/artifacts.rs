//! TFB404: Terraform's own outputs that git would commit. Each kind (backend cache, plan
//! file, local state, state backup) in real git repositories made here with `git`: tracked,
//! untracked and not ignored, ignored (with and without `--no-ignore`), tracked though
//! ignored, and outside any repository. The files are real: written by Terraform 1.11.4
//! (`fixtures/rules/TFB404/`, `fixtures/secrets/terraform-artifacts/`).

mod common;

use std::path::Path;

use common::{codes, git, repo, run};

/// A new, empty git repository.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    dir
}

fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn copy(from: &str, root: &Path, to: &str) {
    let target = root.join(to);
    std::fs::create_dir_all(target.parent().unwrap()).unwrap();
    std::fs::copy(repo().join(from), target).unwrap();
}

const CACHE: &str = "fixtures/rules/TFB404/fires-backend-cache/.terraform/terraform.tfstate";
const PLAN: &str = "fixtures/rules/TFB404/fires-plan-file/tfplan";
const STATE: &str = "fixtures/rules/TFB404/fires-local-state/terraform.tfstate";

/// One of each kind of artifact in `dir` of `root`.
fn artifacts(root: &Path, dir: &str) {
    copy(CACHE, root, &format!("{dir}/.terraform/terraform.tfstate"));
    copy(PLAN, root, &format!("{dir}/prod.tfplan"));
    copy(STATE, root, &format!("{dir}/terraform.tfstate"));
    copy(STATE, root, &format!("{dir}/terraform.tfstate.backup"));
}

/// The files TFB404 reports, sorted, with the exit code.
fn reported(root: &Path, args: &[&str]) -> (Vec<String>, i32) {
    let mut all = vec!["--format", "json", "--no-config"];
    all.extend_from_slice(args);
    let out = run(root, &all);
    assert_eq!(out.stderr, "");
    let files = codes(&out.stdout)
        .into_iter()
        .filter(|c| c.0 == "TFB404")
        .map(|c| {
            assert_eq!((c.2, c.3), (1, 1), "at the file's start");
            c.1
        })
        .collect();
    (files, out.code)
}

fn all_four(dir: &str) -> Vec<String> {
    let mut files: Vec<String> = [
        ".terraform/terraform.tfstate",
        "prod.tfplan",
        "terraform.tfstate",
        "terraform.tfstate.backup",
    ]
    .iter()
    .map(|f| format!("{dir}{f}"))
    .collect();
    files.sort();
    files
}

#[test]
fn tracked_and_untracked_unignored_artifacts_are_reported() {
    let dir = repository();
    let root = dir.path();
    artifacts(root, "tracked");
    artifacts(root, "untracked");
    git(root, &["add", "tracked"]);
    let (mut expected, code) = reported(root, &["."]);
    assert_eq!(code, 1);
    let mut want = all_four("tracked/");
    want.extend(all_four("untracked/"));
    want.sort();
    expected.sort();
    assert_eq!(expected, want);

    let out = run(root, &["--format", "compact", "--no-config", "."]);
    assert!(
        out.stdout.contains("tracked/prod.tfplan:1:1: error[TFB404] a Terraform plan file is in the repository and git tracks it"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("untracked/terraform.tfstate:1:1: error[TFB404] a local Terraform state is in the repository and git would commit it (it is not ignored)"),
        "{}",
        out.stdout
    );
    assert!(out
        .stdout
        .contains("credentials included (`access_key`, `secret_key`; values not shown)"));
}

#[test]
fn ignored_artifacts_are_never_reported_but_tracked_ignored_ones_are() {
    let dir = repository();
    let root = dir.path();
    artifacts(root, "kept");
    artifacts(root, "ignored");
    // Committed before the `.gitignore` that now matches it: git keeps committing it.
    git(root, &["add", "kept"]);
    std::fs::write(
        root.join(".gitignore"),
        ".terraform/\n*.tfstate\n*.tfstate.*\n*.tfplan\n",
    )
    .unwrap();
    let want = all_four("kept/");
    assert_eq!(reported(root, &["."]).0, want);
    // `--no-ignore` reads ignored Terraform files, but nothing would commit ignored outputs.
    assert_eq!(reported(root, &["--no-ignore", "."]).0, want);
    // Named from a subdirectory (the collected lint, not the stream): the same answer.
    assert_eq!(reported(root, &["kept"]).0, all_four("kept/"));
    assert_eq!(reported(root, &["ignored"]).0, Vec::<String>::new());
    assert_eq!(reported(&root.join("kept"), &["."]).0, all_four(""));
    // The help tells how to stop tracking it.
    let out = run(root, &["--format", "json", "--no-config", "kept"]);
    assert!(
        out.stdout
            .contains("git rm --cached -- kept/terraform.tfstate"),
        "{}",
        out.stdout
    );
}

#[test]
fn outside_a_repository_nothing_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    artifacts(root, "infra");
    assert_eq!(reported(root, &["."]), (Vec::new(), 0));
    assert_eq!(reported(root, &["infra"]), (Vec::new(), 0));
}

#[test]
fn the_configuration_selects_and_places_it_like_any_rule() {
    let dir = repository();
    let root = dir.path();
    artifacts(root, "live");
    artifacts(root, "scratch");
    assert_eq!(
        reported(root, &["--ignore", "TFB404", "."]),
        (Vec::new(), 0)
    );
    assert_eq!(
        reported(root, &["--exclude", "scratch", "."]).0,
        all_four("live/")
    );
    assert_eq!(
        reported(root, &["--exclude", "*.tfplan", "live"]).0.len(),
        3
    );
    std::fs::write(
        root.join("tfblint.toml"),
        "[per-file-ignores]\n\"scratch/**\" = [\"TFB404\"]\n\n[severity]\nTFB404 = \"warning\"\n",
    )
    .unwrap();
    let out = run(root, &["--format", "json", "."]);
    assert_eq!(out.code, 0, "warnings only: {}", out.stdout);
    let found: Vec<String> = codes(&out.stdout).into_iter().map(|c| c.1).collect();
    assert_eq!(found, all_four("live/"));
    assert!(
        out.stdout.contains("\"severity\": \"warning\""),
        "{}",
        out.stdout
    );
}

#[test]
fn candidates_that_are_not_terraform_outputs_are_silent_and_never_crash() {
    let dir = repository();
    let root = dir.path();
    let junk: Vec<u8> = (0..=255u8).cycle().take(200_000).collect();
    for name in [
        "terraform.tfstate",
        "x.tfstate.backup",
        "tfplan",
        ".terraform/terraform.tfstate",
    ] {
        write(root, &format!("junk/{name}"), &junk);
    }
    // A zip signature with no archive behind it, an empty file, a JSON state cut short
    // before its `serial`.
    write(root, "junk/plan.bin", b"PK\x03\x04");
    write(root, "junk/empty.tfstate", b"");
    write(
        root,
        "junk/cut.tfstate",
        br#"{"version": 4, "lineage": "ab"#,
    );
    // A state too large to read whole is still known by its first keys.
    let mut big =
        br#"{"version": 4, "serial": 3, "lineage": "9f1c", "outputs": {"x": {"value": ""#.to_vec();
    big.extend(std::iter::repeat_n(b'a', 300_000));
    big.extend(br#""}}, "resources": []}"#);
    write(root, "big/terraform.tfstate", &big);
    let (files, code) = reported(root, &["."]);
    assert_eq!(files, ["big/terraform.tfstate"]);
    assert_eq!(code, 1);
}

#[cfg(unix)]
#[test]
fn a_symlink_is_not_followed() {
    let outside = tempfile::tempdir().unwrap();
    copy(STATE, outside.path(), "real.tfstate");
    let dir = repository();
    let root = dir.path();
    std::os::unix::fs::symlink(
        outside.path().join("real.tfstate"),
        root.join("terraform.tfstate"),
    )
    .unwrap();
    assert_eq!(reported(root, &["."]), (Vec::new(), 0));
}

/// A repository whose CI passes settings at `terraform init` is linted with its pairings (the
/// stream gives way to the collected lint): its outputs are reported once all the same.
#[test]
fn reported_once_whichever_way_the_directory_is_linted() {
    let dir = repository();
    let root = dir.path();
    artifacts(root, "infra");
    write(
        root,
        ".github/workflows/plan.yml",
        b"on: push\njobs:\n  plan:\n    runs-on: ubuntu-latest\n    steps:\n      - run: terraform init -backend-config=prod.s3.tfbackend\n        working-directory: infra\n",
    );
    write(
        root,
        "infra/main.tf",
        b"terraform {\n  backend \"s3\" {}\n}\n",
    );
    let (files, _) = reported(root, &["."]);
    assert_eq!(files, all_four("infra/"));
    // The same directory named twice, or with a directory inside it: each file once.
    let (files, _) = reported(root, &[".", "infra", "./infra"]);
    assert_eq!(files, all_four("infra/"));
}
