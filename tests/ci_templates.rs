//! The GitHub Action (action.yml) and the GitLab CI template (ci/gitlab-ci.yml), run as their
//! platforms run them: each `run:` step of the composite action with `bash --noprofile --norc
//! -eo pipefail`, its inputs in `INPUT_*` variables, `GITHUB_OUTPUT`, `GITHUB_PATH` and
//! `GITHUB_WORKSPACE` files and directories; the GitLab job's script lines in one bash with
//! `set -eo pipefail` and its variables. Both on a fixture repository with an error.
//!
//! Installing: `.ci/run` builds the wheel first (scripts/check-wheel.sh) and sets
//! `TFBLINT_WHEEL`; the install steps then pip-install that wheel into a fresh virtual
//! environment. Without it (a developer's `cargo test`), the install steps are left out and the
//! tfblint under test is put on PATH instead; under `CI=true` a missing wheel is a failure.

use saphyr::{LoadableYamlNode, Yaml};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn load(path: &str) -> Yaml<'static> {
    let text: &'static str = Box::leak(
        std::fs::read_to_string(repo().join(path))
            .unwrap()
            .into_boxed_str(),
    );
    let mut docs = Yaml::load_from_str(text).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert_eq!(docs.len(), 1, "{path}: one YAML document");
    docs.remove(0)
}

fn get<'a>(node: &'a Yaml<'static>, key: &str) -> Option<&'a Yaml<'static>> {
    node.as_mapping_get(key)
}

fn str_of<'a>(node: &'a Yaml<'static>, key: &str) -> Option<&'a str> {
    get(node, key).and_then(|n| n.as_str())
}

/// The wheel `.ci/run` built, or `None` (then the install steps are left out).
fn wheel() -> Option<PathBuf> {
    match std::env::var_os("TFBLINT_WHEEL") {
        Some(w) if !w.is_empty() => {
            let path = PathBuf::from(w);
            assert!(
                path.is_file(),
                "TFBLINT_WHEEL={} is no file",
                path.display()
            );
            Some(path)
        }
        _ => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "TFBLINT_WHEEL is not set, and CI=true: .ci/run builds the wheel first"
            );
            eprintln!(
                "note: TFBLINT_WHEEL is not set: the install steps are left out and the \
                 tfblint under test is on PATH (`.ci/run` runs them with the built wheel)"
            );
            None
        }
    }
}

/// PATH with the directory of the tfblint under test first (used when there is no wheel).
fn path_with_test_binary() -> String {
    let bin = Path::new(env!("CARGO_BIN_EXE_tfblint")).parent().unwrap();
    format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// A repository with one module in error (TFB301 and others), one clean, under `infra/`,
/// each with a state key of its own.
fn fixture_repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let infra = dir.path().join("infra");
    for (from, to) in [
        ("fixtures/rules/TFB301/fires", "bad"),
        ("fixtures/guide/second-example", "good"),
    ] {
        let target = infra.join(to);
        std::fs::create_dir_all(&target).unwrap();
        for entry in std::fs::read_dir(repo().join(from)).unwrap() {
            let entry = entry.unwrap();
            // Each module its own state key: the two fixtures share one, which TFB701 reports.
            let text = std::fs::read_to_string(entry.path()).unwrap();
            let text = text.replace(
                "\"prod/terraform.tfstate\"",
                &format!("\"{to}/terraform.tfstate\""),
            );
            std::fs::write(target.join(entry.file_name()), text).unwrap();
        }
    }
    dir
}

/// What the action's `${{ … }}` expressions may be: inputs and earlier steps' outputs.
fn expand(
    text: &str,
    inputs: &BTreeMap<String, String>,
    outputs: &BTreeMap<String, String>,
) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${{") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find("}}").expect("an unclosed expression") + start;
        let expr = rest[start + 3..end].trim();
        let value = if let Some(name) = expr.strip_prefix("inputs.") {
            inputs
                .get(name)
                .unwrap_or_else(|| panic!("no input {name}"))
                .clone()
        } else if let Some(name) = expr.strip_prefix("steps.") {
            outputs.get(name).cloned().unwrap_or_default()
        } else {
            panic!("an expression the test does not know: {expr}")
        };
        out.push_str(&value);
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    out
}

struct ActionRun {
    /// The exit code of the first step that failed, or 0.
    code: i32,
    /// Everything the run steps printed on stdout.
    stdout: String,
    /// `steps.<id>.outputs.<name>` → value.
    outputs: BTreeMap<String, String>,
    /// The `uses:` steps that would run next, with their `with:` expanded.
    uses: Vec<(String, BTreeMap<String, String>)>,
}

/// Runs action.yml's steps in `workspace` with `given` inputs, as GitHub runs a composite action.
fn run_action(workspace: &Path, runner_temp: &Path, given: &[(&str, &str)]) -> ActionRun {
    let action = load("action.yml");
    assert_eq!(
        get(&action, "runs").and_then(|r| str_of(r, "using")),
        Some("composite")
    );
    let mut inputs = BTreeMap::new();
    for (name, spec) in get(&action, "inputs").unwrap().as_mapping().unwrap() {
        let default = str_of(spec, "default").unwrap_or("").to_string();
        inputs.insert(name.as_str().unwrap().to_string(), default);
    }
    for (name, value) in given {
        assert!(inputs.contains_key(*name), "action.yml has no input {name}");
        inputs.insert(name.to_string(), value.to_string());
    }
    let wheel = wheel();
    if let Some(w) = &wheel {
        inputs.insert("version".into(), w.display().to_string());
    }

    let mut path = if wheel.is_some() {
        std::env::var("PATH").unwrap_or_default()
    } else {
        path_with_test_binary()
    };
    let mut run = ActionRun {
        code: 0,
        stdout: String::new(),
        outputs: BTreeMap::new(),
        uses: Vec::new(),
    };
    let steps = get(get(&action, "runs").unwrap(), "steps")
        .unwrap()
        .as_sequence()
        .unwrap();
    for (i, step) in steps.iter().enumerate() {
        let name = str_of(step, "name").unwrap_or("");
        if let Some(uses) = str_of(step, "uses") {
            // A `uses:` step runs after a failure only if its condition says so.
            let condition = str_of(step, "if").unwrap_or("");
            if run.code != 0
                && !condition.contains("!cancelled()")
                && !condition.contains("always()")
            {
                continue;
            }
            let mut with = BTreeMap::new();
            if let Some(w) = get(step, "with") {
                for (k, v) in w.as_mapping().unwrap() {
                    with.insert(
                        k.as_str().unwrap().to_string(),
                        expand(v.as_str().unwrap(), &inputs, &run.outputs),
                    );
                }
            }
            with.insert("if".into(), condition.to_string());
            run.uses.push((uses.to_string(), with));
            continue;
        }
        if run.code != 0 {
            continue;
        }
        if name == "Install tfblint" && wheel.is_none() {
            continue;
        }
        assert_eq!(str_of(step, "shell"), Some("bash"), "step {name}: shell");
        let script = str_of(step, "run").expect("a run step");
        assert!(
            !script.contains("${{"),
            "step {name}: an expression in a script (put it in env:)"
        );
        let id = str_of(step, "id").map_or(format!("step{i}"), String::from);
        let dir = str_of(step, "working-directory")
            .map_or_else(|| ".".to_string(), |d| expand(d, &inputs, &run.outputs));
        let files = runner_temp.join(format!("files-{id}"));
        std::fs::create_dir_all(&files).unwrap();
        let script_file = files.join("step.sh");
        std::fs::write(&script_file, script).unwrap();
        let github_output = files.join("output");
        let github_path = files.join("path");
        std::fs::write(&github_output, "").unwrap();
        std::fs::write(&github_path, "").unwrap();
        let mut command = Command::new("bash");
        command
            .args(["--noprofile", "--norc", "-eo", "pipefail"])
            .arg(&script_file)
            .current_dir(workspace.join(dir))
            .env_clear()
            .env("PATH", &path)
            .env(
                "HOME",
                std::env::var("HOME").unwrap_or_else(|_| "/root".into()),
            )
            .env("CI", "true")
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_WORKSPACE", workspace)
            .env("GITHUB_ACTION_PATH", repo())
            .env("GITHUB_OUTPUT", &github_output)
            .env("GITHUB_PATH", &github_path)
            .env("RUNNER_TEMP", runner_temp);
        if let Some(env) = get(step, "env") {
            for (k, v) in env.as_mapping().unwrap() {
                command.env(
                    k.as_str().unwrap(),
                    expand(v.as_str().unwrap(), &inputs, &run.outputs),
                );
            }
        }
        let out = command.output().unwrap();
        run.stdout.push_str(&String::from_utf8_lossy(&out.stdout));
        eprint!("{}", String::from_utf8_lossy(&out.stderr));
        for line in std::fs::read_to_string(&github_output).unwrap().lines() {
            let (k, v) = line.split_once('=').expect("key=value in GITHUB_OUTPUT");
            run.outputs
                .insert(format!("{id}.outputs.{k}"), v.to_string());
        }
        for dir in std::fs::read_to_string(&github_path).unwrap().lines() {
            path = format!("{dir}:{path}");
        }
        run.code = out.status.code().unwrap_or(-1);
    }
    run
}

fn annotations(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter(|l| l.starts_with("::error ") || l.starts_with("::warning "))
        .map(|l| l.split("::").nth(1).unwrap().to_string())
        .collect()
}

#[test]
fn the_action_annotates_findings_fails_on_errors_and_uploads_sarif() {
    let workspace = fixture_repository();
    let temp = tempfile::tempdir().unwrap();

    // The bad module: error annotations, exit 1, no upload (sarif is false by default).
    let run = run_action(
        workspace.path(),
        temp.path(),
        &[("paths", "infra/bad infra/good")],
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
    let found = annotations(&run.stdout);
    assert!(!found.is_empty(), "{}", run.stdout);
    assert!(
        found
            .iter()
            .all(|a| a.contains("file=infra/bad/main.tf,line=")),
        "{found:?}"
    );
    assert!(found
        .iter()
        .any(|a| a.starts_with("error ") && a.contains("title=TFB301 missing-skip-flag")));
    assert_eq!(
        run.outputs
            .get("lint.outputs.exit-code")
            .map(String::as_str),
        Some("1")
    );
    // The upload step's condition holds only with sarif: true.
    let (_, upload) = run
        .uses
        .iter()
        .find(|(u, _)| u == "github/codeql-action/upload-sarif@v3")
        .expect("the upload step is reached after a failed lint (its condition has !cancelled())");
    assert!(
        upload["if"].contains("inputs.sarif == 'true'"),
        "{}",
        upload["if"]
    );
    assert_eq!(upload["sarif_file"], "", "no SARIF without sarif: true");

    // The clean module: no annotation, exit 0.
    let run = run_action(workspace.path(), temp.path(), &[("paths", "infra/good")]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(annotations(&run.stdout).is_empty(), "{}", run.stdout);

    // args: only the TFB5 rules (none fires on the bad module's TFB301 fixture at error level).
    let run = run_action(
        workspace.path(),
        temp.path(),
        &[
            ("paths", "infra/bad"),
            ("args", "--select TFB5 --color never"),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        annotations(&run.stdout)
            .iter()
            .all(|a| a.contains("title=TFB5")),
        "{}",
        run.stdout
    );

    // working-directory: paths are relative to it, annotations to the repository.
    let run = run_action(
        workspace.path(),
        temp.path(),
        &[("working-directory", "infra"), ("paths", "bad good")],
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
    let found = annotations(&run.stdout);
    assert!(!found.is_empty());
    assert!(
        found
            .iter()
            .all(|a| a.contains("file=infra/bad/main.tf,line=")),
        "{found:?}"
    );

    // sarif: the SARIF file is written and handed to GitHub's upload action.
    let run = run_action(
        workspace.path(),
        temp.path(),
        &[("paths", "infra"), ("sarif", "true")],
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
    let (_, upload) = run
        .uses
        .iter()
        .find(|(u, _)| u == "github/codeql-action/upload-sarif@v3")
        .unwrap();
    assert_eq!(upload["category"], "tfblint");
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&upload["sarif_file"]).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    assert!(results.iter().any(|r| r["ruleId"] == "TFB301"));
}

#[test]
fn the_readme_shows_a_five_line_workflow_that_uses_the_action() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let block = readme
        .split("```yaml\n")
        .skip(1)
        .map(|b| b.split("```").next().unwrap())
        .find(|b| b.contains("uses: tfblint/tfblint@"))
        .expect("a YAML block in the README that uses the action");
    assert_eq!(block.lines().count(), 5, "{block}");
    let workflow = Yaml::load_from_str(block).unwrap().remove(0);
    let job = get(&workflow, "jobs")
        .unwrap()
        .as_mapping()
        .unwrap()
        .values()
        .next()
        .unwrap();
    let steps = get(job, "steps").unwrap().as_sequence().unwrap();
    let uses: Vec<&str> = steps.iter().filter_map(|s| str_of(s, "uses")).collect();
    assert!(uses[0].starts_with("actions/checkout@"), "{uses:?}");
    let version = env!("CARGO_PKG_VERSION");
    assert_eq!(uses[1], format!("tfblint/tfblint@v{version}"));
}

/// Runs the GitLab template's `tfblint` job: its variables (with `overrides`), then its
/// script lines in one bash, as the runner does.
fn run_gitlab_job(project: &Path, overrides: &[(&str, &str)]) -> (i32, String) {
    let template = load("ci/gitlab-ci.yml");
    let job = get(&template, "tfblint").expect("a `tfblint` job");
    let mut variables = BTreeMap::new();
    for (k, v) in get(job, "variables").unwrap().as_mapping().unwrap() {
        variables.insert(
            k.as_str().unwrap().to_string(),
            v.as_str().unwrap().to_string(),
        );
    }
    for (k, v) in overrides {
        assert!(
            variables.contains_key(*k),
            "the template has no variable {k}"
        );
        variables.insert(k.to_string(), v.to_string());
    }
    let wheel = wheel();
    if let Some(w) = &wheel {
        variables.insert("TFBLINT_VERSION".into(), w.display().to_string());
    }
    let mut script = String::from("set -eo pipefail\n");
    for line in get(job, "script").unwrap().as_sequence().unwrap() {
        let line = line.as_str().expect("each script line is a string");
        if wheel.is_none() && (line.contains("pip install") || line.contains(" -m venv ")) {
            continue;
        }
        script.push_str(line);
        script.push('\n');
    }
    let tmp = tempfile::tempdir().unwrap();
    let mut command = Command::new("bash");
    command
        .args(["--noprofile", "--norc", "-c", &script])
        .current_dir(project)
        .env_clear()
        .env(
            "PATH",
            if wheel.is_some() {
                std::env::var("PATH").unwrap_or_default()
            } else {
                path_with_test_binary()
            },
        )
        .env(
            "HOME",
            std::env::var("HOME").unwrap_or_else(|_| "/root".into()),
        )
        .env("TMPDIR", tmp.path())
        .env("CI", "true")
        .env("GITLAB_CI", "true")
        .env("CI_PROJECT_DIR", project)
        .envs(&variables);
    let out = command.output().unwrap();
    eprint!("{}", String::from_utf8_lossy(&out.stderr));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn the_gitlab_template_publishes_code_quality_and_fails_on_errors() {
    let template = load("ci/gitlab-ci.yml");
    let job = get(&template, "tfblint").unwrap();
    let artifacts = get(job, "artifacts").unwrap();
    assert_eq!(str_of(artifacts, "when"), Some("always"));
    let report = get(artifacts, "reports")
        .and_then(|r| str_of(r, "codequality"))
        .unwrap();

    let project = fixture_repository();
    let (code, stdout) =
        run_gitlab_job(project.path(), &[("TFBLINT_PATHS", "infra/bad infra/good")]);
    assert_eq!(code, 1, "{stdout}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(project.path().join(report)).unwrap())
            .unwrap();
    let issues = json.as_array().unwrap();
    assert!(!issues.is_empty());
    for issue in issues {
        assert_eq!(issue["location"]["path"], "infra/bad/main.tf", "{issue}");
        assert!(issue["fingerprint"].as_str().is_some_and(|f| !f.is_empty()));
    }
    assert!(issues.iter().any(|i| i["check_name"] == "TFB301"), "{json}");
    // The compact listing for the job log.
    assert!(stdout.contains("infra/bad/main.tf:"), "{stdout}");

    let (code, stdout) = run_gitlab_job(
        project.path(),
        &[
            ("TFBLINT_PATHS", "infra/good"),
            ("TFBLINT_ARGS", "--fail-on error"),
        ],
    );
    assert_eq!(code, 0, "{stdout}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(project.path().join(report)).unwrap())
            .unwrap();
    assert_eq!(json, serde_json::json!([]));
}
