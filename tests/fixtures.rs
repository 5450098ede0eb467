//! Every fixture under `fixtures/`, linted by the real binary, with its exact output
//! checked against a snapshot (`tests/snapshots/`).

mod common;

use common::{codes, repo, run, subdirs};

/// Lints a fixture directory and returns the text that is snapshotted: the exit code, the
/// compact output and the human output.
fn lint_fixture(rel: &str) -> (i32, String, String) {
    let compact = run(&repo(), &["--format", "compact", rel]);
    let human = run(&repo(), &["--format", "human", "--color", "never", rel]);
    assert_eq!(
        compact.code, human.code,
        "{rel}: exit codes differ by format"
    );
    assert_eq!(compact.stderr, "", "{rel}: unexpected stderr");
    let snapshot = format!(
        "$ tfblint {rel}\nexit code: {}\n\n--- compact ---\n{}\n--- human ---\n{}",
        compact.code, compact.stdout, human.stdout
    );
    (compact.code, compact.stdout, snapshot)
}

#[test]
fn every_rule_fixture_fires_or_stays_silent_as_named() {
    for code_dir in subdirs(&repo().join("fixtures/rules")) {
        let code = code_dir.file_name().unwrap().to_str().unwrap().to_string();
        for case_dir in subdirs(&code_dir) {
            let case = case_dir.file_name().unwrap().to_str().unwrap().to_string();
            let rel = format!("fixtures/rules/{code}/{case}");
            let (_, compact, snapshot) = lint_fixture(&rel);
            let fired = compact.contains(&format!("[{code}]"));
            if case.starts_with("fires") {
                assert!(fired, "{rel} should fire {code}:\n{compact}");
            } else if case.starts_with("silent") {
                assert!(!fired, "{rel} should not fire {code}:\n{compact}");
            } else {
                panic!("{rel}: fixture cases are named fires-* or silent-*");
            }
            insta::assert_snapshot!(format!("{code}__{case}"), snapshot);
        }
    }
}

#[test]
fn every_rule_has_fixtures_that_fire_and_that_stay_silent() {
    for rule in tfblint::rules::RULES {
        let dir = repo().join("fixtures/rules").join(rule.code);
        let cases: Vec<String> = subdirs(&dir)
            .iter()
            .map(|p| p.file_name().unwrap().to_str().unwrap().to_string())
            .collect();
        assert!(
            cases.iter().any(|c| c.starts_with("fires")),
            "{}: no fires-* fixture",
            rule.code
        );
        assert!(
            cases.iter().any(|c| c.starts_with("silent")),
            "{}: no silent* fixture",
            rule.code
        );
    }
}

#[test]
fn the_guides_first_example_gives_exactly_one_finding_tfb501() {
    let out = run(
        &repo(),
        &["--format", "json", "fixtures/guide/first-example"],
    );
    assert_eq!(
        codes(&out.stdout),
        vec![(
            "TFB501".to_string(),
            "fixtures/guide/first-example/main.tf".to_string(),
            4,
            3
        )]
    );
    // A warning alone does not fail the run.
    assert_eq!(out.code, 0);
    let (_, _, snapshot) = lint_fixture("fixtures/guide/first-example");
    insta::assert_snapshot!("guide__first-example", snapshot);
}

#[test]
fn the_guides_second_example_is_clean() {
    let out = run(
        &repo(),
        &["--format", "json", "fixtures/guide/second-example"],
    );
    assert_eq!(codes(&out.stdout), vec![]);
    assert_eq!(out.code, 0);
    let (_, _, snapshot) = lint_fixture("fixtures/guide/second-example");
    insta::assert_snapshot!("guide__second-example", snapshot);
}

#[test]
fn modules_without_an_s3_backend_give_no_finding() {
    for dir in subdirs(&repo().join("fixtures/no-s3")) {
        let rel = dir
            .strip_prefix(repo())
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        let out = run(&repo(), &["--format", "json", &rel]);
        assert_eq!(codes(&out.stdout), vec![], "{rel}");
        assert_eq!(out.code, 0, "{rel}");
    }
}

#[test]
fn a_partial_configurations_findings_land_in_its_own_file() {
    let out = run(&repo(), &["--format", "json", "fixtures/partial"]);
    // Staging's bucket-in-hostname endpoint and hardcoded secret, in staging's file; nothing
    // in prod's file or in the shared block.
    assert_eq!(
        codes(&out.stdout),
        vec![
            (
                "TFB205".to_string(),
                "fixtures/partial/staging.s3.tfbackend".to_string(),
                1,
                30
            ),
            (
                "TFB401".to_string(),
                "fixtures/partial/staging.s3.tfbackend".to_string(),
                4,
                14
            ),
        ]
    );
    assert_eq!(out.code, 1);
    let (_, _, snapshot) = lint_fixture("fixtures/partial");
    insta::assert_snapshot!("partial", snapshot);
}

#[test]
fn other_s3_compatible_stores_are_never_told_to_use_spaces() {
    for dir in subdirs(&repo().join("fixtures/other-stores")) {
        let name = dir.file_name().unwrap().to_str().unwrap().to_string();
        let rel = format!("fixtures/other-stores/{name}");
        let out = run(&repo(), &["--format", "json", &rel]);
        assert_eq!(codes(&out.stdout), vec![], "{rel}");
        assert_eq!(out.code, 0, "{rel}");
        let (_, compact, snapshot) = lint_fixture(&rel);
        assert!(!compact.contains("digitaloceanspaces"), "{rel}: {compact}");
        insta::assert_snapshot!(format!("other-stores__{name}"), snapshot);
    }
}

/// Blocks modelled on the DigitalOcean tutorials written before Terraform 1.6: each snapshot
/// must hold exactly the findings a user needs to migrate.
#[test]
fn tutorial_era_blocks_get_the_findings_needed_to_migrate() {
    for dir in subdirs(&repo().join("fixtures/tutorial-era")) {
        let case = dir.file_name().unwrap().to_str().unwrap().to_string();
        let (_, _, snapshot) = lint_fixture(&format!("fixtures/tutorial-era/{case}"));
        insta::assert_snapshot!(format!("tutorial-era__{case}"), snapshot);
    }
}

#[test]
fn the_engine_flag_chooses_which_arguments_exist() {
    let fired = |engine: &str, rel: &str| {
        let out = run(&repo(), &["--format", "json", "--engine", engine, rel]);
        codes(&out.stdout).iter().any(|(code, ..)| code == "TFB602")
    };
    let tags_tf = "fixtures/rules/TFB602/fires-state-tags-under-terraform";
    let tags_tofu = "fixtures/rules/TFB602/silent-opentofu-state-and-lock-tags";
    let legacy_tofu = "fixtures/rules/TFB602/silent-opentofu-legacy-assume-role";
    assert!(fired("terraform", tags_tf));
    assert!(!fired("opentofu", tags_tf));
    assert!(!fired("opentofu", tags_tofu));
    assert!(!fired("opentofu", legacy_tofu));
    // Terraform does not read `.tofu` files at all: forcing it finds no configuration there.
    assert!(!fired("terraform", tags_tofu));
    assert!(!fired("terraform", legacy_tofu));
    let out = run(
        &repo(),
        &["--format", "json", "--engine", "terraform", tags_tofu],
    );
    assert_eq!(codes(&out.stdout), vec![]);
}
