//! No secret's value appears in any output format, not even in part.
//!
//! The fixtures under `fixtures/secrets/` hold an access key, a secret key, a DigitalOcean
//! `dop_v1_` token and an `sse_customer_key` (all fake), as literals in a backend block, in a
//! partial `.tfbackend` file, in a provider block next to a finding, in files that do not
//! parse (where the masking cannot rely on the syntax tree), and as `-backend-config=KEY=VALUE`
//! on `terraform init` command lines in a script and a workflow (folded and literal scalars),
//! in every other kind of file that runs init (`init-ci/`: Forgejo and Gitea workflows,
//! Bitbucket, Azure Pipelines, CircleCI, a Jenkinsfile, Atlantis, a Makefile with recipe
//! prefixes), where no module is paired, and in the files Terraform writes from those (a
//! backend cache, a plan file and a local state, TFB404, written by Terraform 1.11.4). And in
//! every form a backend is written in besides a `.tf` file: a Terragrunt `config` map
//! (`terragrunt/`), a `generate` heredoc (`terragrunt-heredoc/`), the `remote_state = { … }` attribute with a secret as a
//! `get_env` default (`terragrunt-attribute/`), and a `*.tf.json` object (`tfjson/`), whose
//! output in every format is snapshotted.

mod common;

use common::{repo, run, subdirs};

const ACCESS_KEY: &str = "DO00QXK7EXAMPLE4ZP9H";
const SECRET_KEY: &str = "Xq3vEXAMPLEsecretKEY/9fJ2mWd8+Lr5TzYb0NcHuA1";
const TOKEN: &str = "dop_v1_3f9c2a7e1b4d8f60a5c9e2d7b1f4a8c3e6d9b2f5a8c1e4d7b0a3f6c9e2d5b8a1";
/// 32 bytes, base64: what `sse_customer_key` takes.
const SSE_CUSTOMER_KEY: &str = "BwoNEBMWGRwfIiUoKy4xNDc6PUBDRklMT1JVWFteYWQ=";

/// Under names the s3 backend does not know (`aws_secret_access_key`, `db_password`).
const MISSPELT: &str = "Wk8pEXAMPLEmisspeltSECRET/3hQ7nVc2+Jr9XyZa4";

const SECRETS: [&str; 5] = [ACCESS_KEY, SECRET_KEY, TOKEN, SSE_CUSTOMER_KEY, MISSPELT];

/// Every substring of 12 characters of `secret` (all of them ASCII) found in `output`.
fn leaks<'a>(secret: &'a str, output: &str) -> Vec<&'a str> {
    (0..=secret.len().saturating_sub(12))
        .map(|i| &secret[i..i + 12])
        .filter(|part| output.contains(part))
        .collect()
}

#[test]
fn the_fixtures_hold_every_secret() {
    assert_eq!(SSE_CUSTOMER_KEY.len(), 44);
    fn read_all(dir: &std::path::Path, all: &mut String) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                read_all(&path, all);
            } else {
                // Plan files are zips: their text parts are enough here.
                all.push_str(&String::from_utf8_lossy(&std::fs::read(path).unwrap()));
            }
        }
    }
    let mut all = String::new();
    for dir in subdirs(&repo().join("fixtures/secrets")) {
        read_all(&dir, &mut all);
    }
    for secret in SECRETS {
        assert!(all.contains(secret), "{secret} is in no fixture");
    }
}

#[test]
fn no_output_format_contains_any_part_of_a_secret() {
    let cases = subdirs(&repo().join("fixtures/secrets"));
    assert_eq!(cases.len(), 12);
    for dir in cases {
        let rel = dir
            .strip_prefix(repo())
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        for format in common::formats() {
            let format = format.as_str();
            for color in ["never", "always"] {
                let out = run(&repo(), &["--format", format, "--color", color, &rel]);
                assert_eq!(out.code, 1, "{rel} --format {format}: findings expected");
                for secret in SECRETS {
                    let found = leaks(secret, &out.stdout);
                    assert!(
                        found.is_empty(),
                        "{rel} --format {format}: {found:?} printed:\n{}",
                        out.stdout
                    );
                    assert!(leaks(secret, &out.stderr).is_empty());
                }
            }
        }
    }
}

/// The secrets are masked in place, not merely absent: the snippets show the lines they are
/// on, with every character of the value replaced.
#[test]
fn snippets_show_secret_lines_masked() {
    let stars = |s: &str| "*".repeat(s.len());
    let human = |rel: &str| run(&repo(), &["--color", "never", rel]).stdout;

    let backend = human("fixtures/secrets/backend-literals");
    for (name, secret) in [
        ("access_key      ", ACCESS_KEY),
        ("secret_key      ", SECRET_KEY),
        ("token           ", TOKEN),
        ("sse_customer_key", SSE_CUSTOMER_KEY),
    ] {
        let line = format!("{name} = \"{}\"", stars(secret));
        assert!(backend.contains(&line), "{line} in:\n{backend}");
    }

    let misspelt = human("fixtures/secrets/misspelt-names");
    for line in [
        format!("aws_secret_access_key = \"{}\"", stars(MISSPELT)),
        format!("spaces_access_token   = \"{}\"", stars(TOKEN)),
        format!(" 21 │ {}\n", "*".repeat(6 + MISSPELT.len())),
    ] {
        assert!(misspelt.contains(&line), "{line} in:\n{misspelt}");
    }

    let provider = human("fixtures/secrets/provider-token");
    let line = format!(
        "provider \"digitalocean\" {{ token = \"{}\" }}",
        stars(TOKEN)
    );
    assert!(provider.contains(&line), "{line} in:\n{provider}");

    let init = human("fixtures/secrets/init-command");
    assert_eq!(
        init.matches("TFB403 credentials-at-init (").count(),
        8,
        "{init}"
    );
    for line in [
        format!("-backend-config=\"access_key={}\"", stars(ACCESS_KEY)),
        format!("-backend-config='secret_key={}'", stars(SECRET_KEY)),
        format!("-backend-config=token={}", stars(TOKEN)),
        format!("\"sse_customer_key={}\"", stars(SSE_CUSTOMER_KEY)),
    ] {
        assert!(init.contains(&line), "{line} in:\n{init}");
    }

    let ci = human("fixtures/secrets/init-ci");
    assert_eq!(
        ci.matches("TFB403 credentials-at-init (").count(),
        15,
        "{ci}"
    );
    for line in [
        format!(
            "sh 'terraform init -backend-config=\"access_key={}\"'",
            stars(ACCESS_KEY)
        ),
        format!("extra_args: [\"-backend-config=token={}\"", stars(TOKEN)),
        format!(
            "-backend-config='sse_customer_key={}'",
            stars(SSE_CUSTOMER_KEY)
        ),
        format!(
            "@terraform init -backend-config=\"secret_key={}\"",
            stars(SECRET_KEY)
        ),
    ] {
        assert!(ci.contains(&line), "{line} in:\n{ci}");
    }

    let broken = human("fixtures/secrets/does-not-parse");
    assert!(
        broken.contains(&format!("token = \"{}\"", stars(TOKEN))),
        "{broken}"
    );
    assert!(
        broken.contains(&format!("token = \"{}\n", stars(TOKEN))),
        "{broken}"
    );
}

#[test]
fn the_backends_inventory_contains_no_part_of_a_secret() {
    for format in ["human", "json"] {
        let out = run(
            &repo(),
            &["backends", "--format", format, "fixtures/secrets"],
        );
        assert!(out.stdout.contains("fixtures/secrets/"), "{}", out.stdout);
        for secret in SECRETS {
            let found = leaks(secret, &out.stdout);
            assert!(found.is_empty(), "{format}: {found:?}\n{}", out.stdout);
        }
    }
    // An endpoint's user info and query are masked.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        format!(
            "terraform {{\n  backend \"s3\" {{\n    endpoints = {{ s3 = \"https://{ACCESS_KEY}:{}@minio.example/?token={TOKEN}\" }}\n  }}\n}}\n",
            &SECRET_KEY[..20]
        ),
    )
    .unwrap();
    let out = run(dir.path(), &["backends", "--format", "json"]);
    assert!(
        out.stdout
            .contains("\"endpoint\": \"https://***@minio.example/?***\""),
        "{}",
        out.stdout
    );
    for secret in SECRETS {
        assert!(leaks(secret, &out.stdout).is_empty(), "{}", out.stdout);
    }
}

/// The Terragrunt and JSON forms' exact output in every format (SARIF: its results, without
/// the rule catalogue every run repeats), each format checked for any part of a secret.
#[test]
fn terragrunt_and_json_forms_in_every_format() {
    for case in [
        "terragrunt",
        "terragrunt-attribute",
        "terragrunt-heredoc",
        "tfjson",
    ] {
        let rel = format!("fixtures/secrets/{case}");
        let mut snapshot = String::new();
        for format in common::formats() {
            let out = run(&repo(), &["--format", &format, "--color", "never", &rel]);
            assert_eq!(out.code, 1, "{rel} --format {format}");
            for secret in SECRETS {
                let found = leaks(secret, &out.stdout);
                assert!(found.is_empty(), "{rel} --format {format}: {found:?}");
            }
            let shown = if format == "sarif" {
                let sarif: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
                serde_json::to_string_pretty(&sarif["runs"][0]["results"]).unwrap()
            } else {
                out.stdout
            };
            snapshot.push_str(&format!("--- {format} ---\n{shown}\n"));
        }
        insta::assert_snapshot!(format!("secrets_every_format__{case}"), snapshot);
    }
}
