//! Nothing outside the repository is read (issue 20): a `-backend-config` path that leads out
//! (`../../..`, `/etc/…`, `~/.aws/…`), a link inside the repository that points out, and a
//! `[backend-config]` glob of `tfblint.toml` that leads out are each a TFB002 "outside the
//! repository, not read", with the path shown and none of the file's content, in any format.
#![cfg(unix)]

mod common;

use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;

use common::{formats, run};

/// A credential in the file outside the repository: printed by no format, ever.
const OUTSIDE_SECRET: &str = "OUTSIDEsecretVALUEnever/printed+9fJ2mWd8";

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// `<tmp>/somewhere/credentials` (outside), and `<tmp>/work/repo`, a repository whose module
/// `infra/` is initialised by a script, a workflow and `tfblint.toml` with paths that lead out.
fn layout() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let outside = format!("bucket = \"b\"\nsecret_key = \"{OUTSIDE_SECRET}\"\n");
    write(tmp.path(), "somewhere/credentials", &outside);
    write(tmp.path(), "somewhere/prod.tfbackend", &outside);
    let repo = tmp.path().join("work/repo");
    fs::create_dir_all(repo.join(".git")).unwrap();
    write(
        &repo,
        "infra/main.tf",
        "terraform {\n  required_version = \"~> 1.11\"\n  backend \"s3\" {}\n}\n",
    );
    // A link inside the repository to the file outside.
    fs::create_dir_all(repo.join("envs")).unwrap();
    symlink(
        tmp.path().join("somewhere/prod.tfbackend"),
        repo.join("envs/prod.tfbackend"),
    )
    .unwrap();
    write(
        &repo,
        "scripts/init.sh",
        "cd infra\n\
         terraform init -backend-config=../../../somewhere/credentials\n\
         terraform init -backend-config=/etc/passwd\n\
         terraform init -backend-config=~/.aws/credentials\n\
         terraform init -backend-config=../envs/prod.tfbackend\n",
    );
    write(
        &repo,
        ".github/workflows/ci.yml",
        "jobs:\n  plan:\n    runs-on: ubuntu-latest\n    steps:\n      - run: terraform init -backend-config=../../somewhere/credentials\n        working-directory: infra\n",
    );
    write(
        &repo,
        "tfblint.toml",
        "[backend-config]\n\"infra\" = [\"/etc/host*\", \"../../somewhere/*\", \"envs/*.tfbackend\"]\n",
    );
    tmp
}

#[test]
fn paths_links_and_globs_that_lead_outside_the_repository_are_not_read() {
    let tmp = layout();
    let repo = tmp.path().join("work/repo");
    let out = run(&repo, &["--format", "compact", "."]);
    assert_eq!(
        (out.code, out.stdout.as_str(), out.stderr.as_str()),
        (
            1,
            ".github/workflows/ci.yml:5:29: error[TFB002] `../../somewhere/credentials` is outside the repository, not read\n\
             scripts/init.sh:2:16: error[TFB002] `../../../somewhere/credentials` is outside the repository, not read\n\
             scripts/init.sh:3:16: error[TFB002] `/etc/passwd` is outside the repository, not read\n\
             scripts/init.sh:4:16: error[TFB002] `~/.aws/credentials` is outside the repository, not read\n\
             scripts/init.sh:5:16: error[TFB002] `../envs/prod.tfbackend` is outside the repository, not read\n\
             tfblint.toml:2:12: error[TFB002] `/etc/host*` is outside the repository, not read\n\
             tfblint.toml:2:26: error[TFB002] `../../somewhere/*` is outside the repository, not read\n\
             tfblint.toml:2:47: error[TFB002] `envs/prod.tfbackend` is outside the repository, not read\n",
            ""
        )
    );
    for format in formats() {
        let out = run(&repo, &["--format", &format, "--color", "never", "."]);
        assert_eq!(out.code, 1, "{format}");
        for text in [&out.stdout, &out.stderr] {
            assert!(!text.contains("OUTSIDEsecret"), "{format}:\n{text}");
            assert!(!text.contains("root:x:0"), "{format}:\n{text}");
        }
    }
    // The backends inventory reads nothing outside either.
    let out = run(&repo, &["backends", "--format", "json", "."]);
    assert!(!out.stdout.contains("OUTSIDEsecret"), "{}", out.stdout);
}

#[test]
fn outside_a_repository_the_walked_directory_is_the_boundary() {
    let tmp = layout();
    let repo = tmp.path().join("work/repo");
    fs::remove_dir_all(repo.join(".git")).unwrap();
    fs::remove_file(repo.join("tfblint.toml")).unwrap();
    // `infra` walked alone: its script is read, and nothing above `infra`.
    write(
        &repo,
        "infra/init.sh",
        "terraform init -backend-config=../scripts/init.sh -backend-config=prod.tfbackend\n",
    );
    write(&repo, "infra/prod.tfbackend", "bucket = \"inside\"\n");
    let out = run(&repo, &["--format", "compact", "infra"]);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (
            1,
            "infra/init.sh:1:16: error[TFB002] `../scripts/init.sh` is outside the repository, not read\n"
        ),
        "{}",
        out.stderr
    );
}
