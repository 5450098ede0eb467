//! Stores: each fixture under `fixtures/stores/` linted by the real binary with its exact
//! output snapshotted, the rules each store gets, the `store` setting, and `tfblint backends`.

mod common;

use common::{codes, repo, run, subdirs};

/// The exit code, compact and human output of linting `rel`, as one snapshot text.
fn lint(rel: &str, extra: &[&str]) -> (Vec<(String, String, u64, u64)>, String) {
    let mut args = extra.to_vec();
    let json = run(&repo(), &[&args[..], &["--format", "json", rel]].concat());
    args.extend(["--format", "compact", rel]);
    let compact = run(&repo(), &args);
    let human = run(
        &repo(),
        &[extra, &["--format", "human", "--color", "never", rel]].concat(),
    );
    assert_eq!(compact.stderr, "", "{rel}: unexpected stderr");
    let snapshot = format!(
        "$ tfblint {}{rel}\nexit code: {}\n\n--- compact ---\n{}\n--- human ---\n{}",
        extra.iter().map(|a| format!("{a} ")).collect::<String>(),
        compact.code,
        compact.stdout,
        human.stdout
    );
    (codes(&json.stdout), snapshot)
}

fn only_codes(found: &[(String, String, u64, u64)]) -> Vec<&str> {
    found.iter().map(|(c, ..)| c.as_str()).collect()
}

/// Codes only an S3-compatible store needs: never on an AWS configuration.
const S3_COMPATIBLE_ONLY: &[&str] = &[
    "TFB102", "TFB201", "TFB301", "TFB302", "TFB303", "TFB304", "TFB502",
];

#[test]
fn every_store_fixture_matches_its_snapshot() {
    let root = repo().join("fixtures/stores");
    let mut dirs = subdirs(&root);
    dirs.retain(|d| !d.ends_with("mixed"));
    dirs.extend(subdirs(&root.join("mixed")));
    for dir in dirs {
        let rel = dir
            .strip_prefix(repo())
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        let (_, snapshot) = lint(&rel, &[]);
        let name = rel
            .trim_start_matches("fixtures/stores/")
            .replace('/', "__");
        insta::assert_snapshot!(name, snapshot);
    }
}

#[test]
fn aws_configurations_get_nothing_only_s3_compatible_stores_need() {
    for case in [
        "aws-classic",
        "aws-lockfile",
        "aws-endpoint",
        "aws-kms-assume-role",
    ] {
        let (found, _) = lint(&format!("fixtures/stores/{case}"), &[]);
        for code in only_codes(&found) {
            assert!(!S3_COMPATIBLE_ONLY.contains(&code), "{case}: {code}");
        }
    }
    // DynamoDB locking is locking on AWS: deprecated by Terraform, not "off".
    let (found, snapshot) = lint("fixtures/stores/aws-classic", &[]);
    assert_eq!(only_codes(&found), ["TFB501"]);
    assert!(snapshot.contains("deprecated DynamoDB locking in favour of `use_lockfile`"));
    assert!(!snapshot.contains("locking is off"));
    // OpenTofu did not deprecate it.
    let (found, _) = lint("fixtures/stores/aws-classic", &["--engine", "opentofu"]);
    assert_eq!(only_codes(&found), Vec::<&str>::new());
    for case in ["aws-lockfile", "aws-endpoint", "aws-kms-assume-role"] {
        let (found, _) = lint(&format!("fixtures/stores/{case}"), &[]);
        assert_eq!(only_codes(&found), Vec::<&str>::new(), "{case}");
    }
}

#[test]
fn skip_flags_without_an_endpoint_still_get_tfb201() {
    let (found, _) = lint("fixtures/stores/skip-flags-no-endpoint", &[]);
    assert_eq!(only_codes(&found), ["TFB201"]);
}

#[test]
fn r2_without_skip_flags_gets_what_r2_requires() {
    let (found, snapshot) = lint("fixtures/stores/r2-no-skip-flags", &[]);
    assert_eq!(
        only_codes(&found),
        ["TFB301", "TFB301", "TFB301", "TFB301", "TFB303"]
    );
    for flag in [
        "skip_credentials_validation",
        "skip_region_validation",
        "skip_requesting_account_id",
        "skip_s3_checksum",
    ] {
        assert!(
            snapshot.contains(&format!("on Cloudflare R2, `{flag}` is not set")),
            "{flag}"
        );
    }
    // Cloudflare does not need it.
    assert!(!snapshot.contains("skip_metadata_api_check"));
    assert!(snapshot.contains("add `region = \"auto\"`"));
    let (found, _) = lint("fixtures/stores/r2-clean", &[]);
    assert_eq!(only_codes(&found), Vec::<&str>::new());
}

#[test]
fn a_mixed_repository_reports_only_what_is_wrong_in_each_module() {
    let (found, _) = lint("fixtures/stores/mixed", &[]);
    let got: Vec<(&str, &str)> = found
        .iter()
        .map(|(c, f, ..)| (c.as_str(), f.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("TFB501", "fixtures/stores/mixed/aws/main.tf"),
            ("TFB401", "fixtures/stores/mixed/aws/main.tf"),
            ("TFB301", "fixtures/stores/mixed/r2/main.tf"),
            ("TFB301", "fixtures/stores/mixed/spaces/main.tf"),
        ]
    );
    let (_, snapshot) = lint("fixtures/stores/mixed", &[]);
    insta::assert_snapshot!("mixed", snapshot);
}

#[test]
fn backends_lists_the_mixed_repository_as_a_table_and_as_json() {
    let table = run(&repo(), &["backends", "fixtures/stores/mixed"]);
    assert_eq!((table.code, table.stderr.as_str()), (0, ""));
    insta::assert_snapshot!("backends_table", table.stdout);

    let json = run(
        &repo(),
        &["backends", "--format", "json", "fixtures/stores/mixed"],
    );
    assert_eq!((json.code, json.stderr.as_str()), (0, ""));
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(doc["version"], 1);
    let rows = doc["backends"].as_array().unwrap();
    let keys: Vec<&str> = rows[0]
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    let mut expected = [
        "module",
        "store",
        "endpoint",
        "bucket",
        "key",
        "region",
        "locking",
        "files",
        "shares_state_with",
    ];
    expected.sort_unstable();
    let mut sorted = keys.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, expected);
    let stores: Vec<&str> = rows.iter().map(|r| r["store"].as_str().unwrap()).collect();
    assert_eq!(stores, ["aws", "cloudflare-r2", "spaces"]);
    assert_eq!(rows[0]["endpoint"], serde_json::Value::Null);
    insta::assert_snapshot!("backends_json", json.stdout);
    // The access key in the AWS module is never printed.
    assert!(!table.stdout.contains("AKIA") && !json.stdout.contains("AKIA"));
}

#[test]
fn backends_shows_unknown_stores_and_missing_paths() {
    let out = run(
        &repo(),
        &[
            "backends",
            "--format",
            "json",
            "fixtures/rules/TFB605/silent-empty-block-without-partial",
            "no/such/dir",
        ],
    );
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("no/such/dir"), "{}", out.stderr);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let row = &doc["backends"][0];
    assert_eq!(row["store"], "unknown");
    assert_eq!(row["locking"], "unknown");
    assert_eq!(row["bucket"], serde_json::Value::Null);
}

#[test]
fn the_store_setting_says_where_configurations_without_an_endpoint_go() {
    // The endpoint comes from the environment: no TFB201, and Spaces rules apply.
    let (found, snapshot) = lint(
        "fixtures/stores/skip-flags-no-endpoint",
        &["--store", "spaces"],
    );
    assert_eq!(only_codes(&found), Vec::<&str>::new(), "{snapshot}");
    // The setting never overrides an endpoint that is written.
    let (found, _) = lint("fixtures/stores/r2-no-skip-flags", &["--store", "aws"]);
    assert!(only_codes(&found).contains(&"TFB301"));

    // In tfblint.toml, per path, validated like every other key.
    let dir = tempfile::tempdir().unwrap();
    let module = dir.path().join("envs/legacy");
    std::fs::create_dir_all(&module).unwrap();
    std::fs::copy(
        repo().join("fixtures/stores/skip-flags-no-endpoint/main.tf"),
        module.join("main.tf"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("tfblint.toml"),
        "store = \"aws\"\n\n[per-path-store]\n\"envs/legacy/**\" = \"cloudflare-r2\"\n",
    )
    .unwrap();
    let out = run(dir.path(), &["backends", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["backends"][0]["store"], "cloudflare-r2");
    assert_eq!(doc["backends"][0]["module"], "envs/legacy");

    std::fs::write(dir.path().join("tfblint.toml"), "\nstore = \"r3\"\n").unwrap();
    let out = run(dir.path(), &["."]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .starts_with("tfblint: error: tfblint.toml:2: `store`: unknown store `r3` (one of aws, spaces, cloudflare-r2,"),
        "{}",
        out.stderr
    );
    std::fs::write(
        dir.path().join("tfblint.toml"),
        "[per-path-store]\n\"a/**\" = \"aws\"\n\"b[\" = \"aws\"\n",
    )
    .unwrap();
    let out = run(dir.path(), &["."]);
    assert!(
        out.stderr
            .starts_with("tfblint: error: tfblint.toml:3: `per-path-store`: invalid glob `b[`"),
        "{}",
        out.stderr
    );
    let out = run(dir.path(), &["--no-config", "--store", "unknown", "."]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("--store: unknown store `unknown`"),
        "{}",
        out.stderr
    );
}
