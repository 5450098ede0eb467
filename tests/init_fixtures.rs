//! `fixtures/init/`: repositories whose modules get their backend settings from `terraform
//! init` (workflows, GitLab CI, scripts, Makefiles, justfiles, Taskfiles, `tfblint.toml`).
//! Each is copied into a temporary repository (with a `.git`, so that it is its own root) and
//! linted by the real binary; the exact output is snapshotted.

mod common;

use std::path::Path;

use common::{codes, copy_dir, repo, run, subdirs};

/// Copies `fixtures/init/<case>` into a fresh repository and returns it.
fn checkout(case: &str, git: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(&repo().join("fixtures/init").join(case), dir.path());
    if git {
        std::fs::create_dir(dir.path().join(".git")).unwrap();
    }
    dir
}

/// (code, file, line, column) of each finding.
type Found = Vec<(String, String, u64, u64)>;

fn lint(cwd: &Path, args: &[&str]) -> (i32, Found, String) {
    let mut json_args = vec!["--format", "json"];
    json_args.extend(args);
    let json = run(cwd, &json_args);
    assert_eq!(json.stderr, "", "unexpected stderr");
    let mut compact_args = vec!["--format", "compact"];
    compact_args.extend(args);
    let compact = run(cwd, &compact_args);
    let mut human_args = vec!["--format", "human", "--color", "never"];
    human_args.extend(args);
    let human = run(cwd, &human_args);
    assert_eq!(compact.code, human.code);
    assert_eq!(json.code, human.code);
    let snapshot = format!(
        "$ tfblint {}\nexit code: {}\n\n--- compact ---\n{}\n--- human ---\n{}",
        args.join(" "),
        compact.code,
        compact.stdout,
        human.stdout
    );
    (compact.code, codes(&json.stdout), snapshot)
}

fn cases() -> Vec<String> {
    subdirs(&repo().join("fixtures/init"))
        .iter()
        .map(|p| p.file_name().unwrap().to_str().unwrap().to_string())
        .collect()
}

#[test]
fn every_init_fixture_matches_its_snapshot() {
    for case in cases() {
        let repo = checkout(&case, true);
        let (_, _, snapshot) = lint(repo.path(), &["."]);
        insta::assert_snapshot!(format!("init__{case}"), snapshot);
    }
}

#[test]
fn paired_modules_get_no_false_missing_argument_findings() {
    for case in cases() {
        let repo = checkout(&case, true);
        let (_, found, _) = lint(repo.path(), &["."]);
        for (code, file, ..) in &found {
            let on_module = file.ends_with("main.tf");
            assert!(
                !(on_module && ["TFB201", "TFB301", "TFB303"].contains(&code.as_str())),
                "{case}: {code} on {file}"
            );
            // TFB605 on a module only where a real `key` is missing from one environment, or
            // where no command tfblint can resolve pairs it (module-less).
            if on_module && code == "TFB605" {
                assert!(
                    ["two-environments", "toml-pairing", "module-less"].contains(&case.as_str()),
                    "{case}: {code} on {file}"
                );
            }
            assert_ne!(code, "TFB101", "{case}: no module rule on a partial");
        }
    }
}

fn has(found: &Found, code: &str, file: &str, line: u64) -> bool {
    found
        .iter()
        .any(|(c, f, l, _)| c == code && f == file && *l == line)
}

#[test]
fn findings_land_on_the_argument_in_the_file_that_holds_it() {
    let repo = checkout("workflow", true);
    let (code, found, _) = lint(repo.path(), &["."]);
    assert_eq!(code, 1);
    let wf = ".github/workflows/deploy.yml";
    assert!(has(&found, "TFB304", wf, 24), "{found:?}");
    assert!(has(&found, "TFB403", wf, 29), "{found:?}");
    assert!(
        has(&found, "TFB302", "infra/job/backend.hcl", 8),
        "{found:?}"
    );
    // Two jobs pass one partial file, with its `key`, to two modules: they share one state.
    assert!(
        has(&found, "TFB701", "backends/prod.s3.tfbackend", 3),
        "{found:?}"
    );
    assert_eq!(found.len(), 5, "{found:?}");

    let repo = checkout("script-chdir", true);
    let (_, found, _) = lint(repo.path(), &["."]);
    assert!(has(&found, "TFB403", "scripts/init.sh", 6), "{found:?}");
    assert!(has(&found, "TFB403", "scripts/init.sh", 7), "{found:?}");

    let repo = checkout("nowhere", true);
    let (_, found, _) = lint(repo.path(), &["."]);
    assert_eq!(
        found,
        vec![("TFB002".into(), "deploy.sh".into(), 2, 29)],
        "{found:?}"
    );
}

#[test]
fn a_lone_partial_is_linted_for_what_it_holds_without_module_rules() {
    let repo = checkout("lone-partial", true);
    let (_, found, _) = lint(repo.path(), &["."]);
    assert!(
        found.iter().all(|(c, ..)| !c.starts_with("TFB1")),
        "{found:?}"
    );
    assert!(found.iter().any(|(c, ..)| c == "TFB301"), "{found:?}");
}

#[test]
fn bad_input_files_change_nothing() {
    let repo = checkout("bad-input", true);
    let (code, found, _) = lint(repo.path(), &["."]);
    assert_eq!((code, found), (0, vec![]));
}

/// pre-commit passes single files: the module's init commands are still found from the
/// repository root, and a named partial file brings in the module it configures.
#[test]
fn a_subset_of_files_sees_the_same_pairings() {
    let repo = checkout("workflow", true);
    let (_, whole, _) = lint(repo.path(), &["."]);
    for module in ["infra/step", "infra/job", "infra/defaults"] {
        let file = format!("{module}/main.tf");
        let (_, found, _) = lint(repo.path(), &[&file]);
        let expected: Vec<_> = whole
            .iter()
            .filter(|(c, f, l, _)| {
                f.starts_with(module)
                    || (f.ends_with("deploy.yml")
                        && match module {
                            "infra/step" => *l == 29 && c == "TFB403",
                            "infra/job" => *l == 24,
                            _ => false,
                        })
            })
            .cloned()
            .collect();
        assert_eq!(found, expected, "{file}");
    }
    let repo = checkout("makefile", true);
    let (code, found, _) = lint(repo.path(), &["backends/prod.s3.tfbackend"]);
    assert_eq!((code, found), (0, vec![]));
    // From inside a module directory, the Makefile two levels up is found too.
    let (code, found, _) = lint(&repo.path().join("infra"), &["main.tf"]);
    assert_eq!((code, found), (0, vec![]));
}

#[test]
fn without_git_the_walked_directory_is_the_root() {
    for case in ["makefile", "script-cd", "workflow"] {
        let with = checkout(case, true);
        let without = checkout(case, false);
        let (_, a, _) = lint(with.path(), &["."]);
        let (_, b, _) = lint(without.path(), &["."]);
        assert_eq!(a, b, "{case}");
    }
}

#[test]
fn without_the_pairing_the_module_would_get_false_findings() {
    // The proof that the fixtures test something: the same module alone. With no endpoint it
    // is taken for AWS, and `bucket` and `key` are missing.
    let repo = checkout("makefile", true);
    std::fs::remove_file(repo.path().join("Makefile")).unwrap();
    let (_, found, _) = lint(repo.path(), &["infra"]);
    let codes: Vec<&str> = found.iter().map(|(c, ..)| c.as_str()).collect();
    assert_eq!(codes, ["TFB605", "TFB605"]);
    let out = run(repo.path(), &["backends", "--format", "json", "infra"]);
    assert!(out.stdout.contains("\"store\": \"aws\""), "{}", out.stdout);
    // With it, the configuration is Spaces, and complete.
    let repo = checkout("makefile", true);
    let out = run(repo.path(), &["backends", "--format", "json", "infra"]);
    assert!(
        out.stdout.contains("\"store\": \"spaces\""),
        "{}",
        out.stdout
    );
}

/// The merge lists its sources: what `tfblint backends` shows as a configuration's files.
#[test]
fn each_configuration_lists_the_files_that_gave_it_values() {
    use tfblint::input::source::ParseMode;
    use tfblint::linter::config::Config;
    use tfblint::linter::pipeline::{load_module, Options};
    use tfblint::linter::Workspace;
    use tfblint::model::context::{ModuleContext, Settings};

    let repo = checkout("workflow", true);
    let cwd = std::fs::canonicalize(repo.path()).unwrap();
    let workspace = Workspace::new(Options::new(Config::default_in(&cwd), cwd.clone())).unwrap();
    let discovery = workspace.discover(std::slice::from_ref(&cwd), &[]);
    let files = |module: &str| -> Vec<Vec<String>> {
        let loaded = load_module(
            &discovery.modules[&cwd.join(module)],
            &[],
            ParseMode::Prefilter,
        );
        let settings = Settings::default();
        let ctx = ModuleContext::new(&loaded, &settings);
        ctx.s3_configs
            .iter()
            .map(|c| c.files().iter().map(|f| f.display.clone()).collect())
            .collect()
    };
    assert_eq!(
        files("infra/step"),
        vec![vec![
            "infra/step/main.tf",
            "backends/prod.s3.tfbackend",
            ".github/workflows/deploy.yml"
        ]]
    );
    assert_eq!(
        files("infra/job"),
        vec![vec![
            "infra/job/main.tf",
            "infra/job/backend.hcl",
            ".github/workflows/deploy.yml"
        ]]
    );
    assert_eq!(
        files("infra/defaults"),
        vec![vec!["infra/defaults/main.tf", "backends/prod.s3.tfbackend"]]
    );
}

/// `# tfblint-ignore` works in workflows; an unknown key on the command line is TFB602 on it.
#[test]
fn suppressions_and_unknown_keys_in_a_workflow() {
    let repo = checkout("workflow", true);
    let path = repo.path().join(".github/workflows/deploy.yml");
    let text = std::fs::read_to_string(&path).unwrap().replace(
        "      - run: terraform init -backend-config=../../backends/prod.s3.tfbackend -backend-config=\"secret_key",
        "      # tfblint-ignore: TFB403 -- rotated weekly\n      - run: terraform init -backend-config=../../backends/prod.s3.tfbackend -backend-config=\"bogus=1\" -backend-config=\"secret_key",
    );
    std::fs::write(&path, text).unwrap();
    let (_, found, _) = lint(repo.path(), &["."]);
    let wf = ".github/workflows/deploy.yml".to_string();
    assert_eq!(
        found,
        vec![
            ("TFB304".into(), wf.clone(), 24, 37),
            ("TFB602".into(), wf, 30, 95),
            ("TFB701".into(), "backends/prod.s3.tfbackend".into(), 3, 1),
            ("TFB701".into(), "backends/prod.s3.tfbackend".into(), 3, 1),
            ("TFB302".into(), "infra/job/backend.hcl".into(), 8, 31),
        ]
    );
}

/// `tfblint backends` lists what each init command passes among a configuration's files.
#[test]
fn the_backends_inventory_lists_init_sources() {
    let repo = checkout("workflow", true);
    let out = run(repo.path(), &["backends", "--format", "json", "."]);
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let rows: Vec<(String, Vec<String>)> = doc["backends"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let files = r["files"].as_array().unwrap();
            let files = files.iter().map(|f| f.as_str().unwrap().to_string());
            (r["module"].as_str().unwrap().to_string(), files.collect())
        })
        .collect();
    let wf = ".github/workflows/deploy.yml";
    assert_eq!(
        rows,
        vec![
            (
                "infra/defaults".to_string(),
                vec![
                    "infra/defaults/main.tf".into(),
                    "backends/prod.s3.tfbackend".into()
                ]
            ),
            (
                "infra/job".to_string(),
                vec![
                    "infra/job/main.tf".into(),
                    "infra/job/backend.hcl".into(),
                    wf.into()
                ]
            ),
            (
                "infra/step".to_string(),
                vec![
                    "infra/step/main.tf".into(),
                    "backends/prod.s3.tfbackend".into(),
                    wf.into()
                ]
            ),
        ]
    );
}

/// Outside a repository, a named file's directory is read for init sources, not walked.
#[test]
fn outside_a_repository_a_named_file_reads_its_own_directory() {
    let dir = tempfile::tempdir().unwrap();
    let module = dir.path().join("infra");
    copy_dir(&repo().join("fixtures/init/makefile/infra"), &module);
    let partial = std::fs::read(repo().join("fixtures/init/makefile/backends/prod.s3.tfbackend"));
    std::fs::write(module.join("prod.hcl"), partial.unwrap()).unwrap();
    std::fs::write(
        module.join("Makefile"),
        "init:\n\tterraform init -backend-config=prod.hcl\n",
    )
    .unwrap();
    // A script in a subdirectory is not looked for: nothing below is walked.
    std::fs::create_dir(module.join("deep")).unwrap();
    std::fs::write(
        module.join("deep/x.sh"),
        "terraform -chdir=.. init -backend-config=nowhere.hcl\n",
    )
    .unwrap();
    let (code, found, _) = lint(&module, &["main.tf"]);
    assert_eq!((code, found), (0, vec![]));
}

/// A walked directory inside a repository (not its root): its modules pair with the init
/// sources found from the repository root, as in a walk of the root. (Such a lint collects the
/// modules before it pairs them; a walk of the root streams until it meets an init source.)
#[test]
fn a_walked_subdirectory_sees_the_same_pairings() {
    let repo = checkout("workflow", true);
    let (_, whole, _) = lint(repo.path(), &["."]);
    let (_, sub, _) = lint(repo.path(), &["infra"]);
    let in_modules = |found: &Found| -> Found {
        found
            .iter()
            .filter(|(_, f, _, _)| f.starts_with("infra/"))
            .cloned()
            .collect()
    };
    assert!(!whole.is_empty(), "the fixture has findings to compare");
    assert_eq!(in_modules(&sub), in_modules(&whole));
    let not_in_modules = |found: &Found| found.len() - in_modules(found).len();
    assert_eq!(not_in_modules(&sub), not_in_modules(&whole), "{sub:?}");
}
