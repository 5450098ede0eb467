//! `--fix`, `--unsafe-fixes` and `--diff`: the fixed text of every fix fixture (as a snapshot of
//! the diff), and the guarantees: only edited bytes change, fixing twice changes nothing, a
//! plain lint writes nothing, a file that cannot be written is reported and leaves the others
//! correct.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use common::{repo, run, subdirs};
use tfblint::fix::FixOptions;
use tfblint::input::discover::Walker;
use tfblint::linter::config::Config;
use tfblint::linter::fixer::{self as fix, Plan};
use tfblint::linter::pipeline::Options;

/// Copies `from` (a directory) into `to`, recursively, byte for byte.
fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file under `dir`, by path relative to it, with its bytes.
fn snapshot_tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in walk(dir) {
        out.insert(
            entry.strip_prefix(dir).unwrap().to_path_buf(),
            fs::read(&entry).unwrap(),
        );
    }
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// Directories under `fixtures/` that hold Terraform files themselves: the modules.
fn fixture_modules() -> Vec<PathBuf> {
    let root = repo().join("fixtures");
    let mut dirs: Vec<PathBuf> = walk(&root)
        .into_iter()
        .filter(|p| {
            p.extension().is_some_and(|e| {
                ["tf", "tofu", "tfbackend", "hcl", "json"]
                    .iter()
                    .any(|x| e == *x)
            })
        })
        .map(|p| {
            p.parent()
                .unwrap()
                .strip_prefix(&root)
                .unwrap()
                .to_path_buf()
        })
        .collect();
    dirs.sort();
    dirs.dedup();
    dirs
}

/// Plans `--fix --unsafe-fixes` for `dir` through the library (run from `cwd`).
fn plan(cwd: &Path, dir: &str, unsafe_fixes: bool) -> Plan {
    let exclude = globset::GlobSet::empty();
    let walker = Walker {
        cwd,
        exclude: &exclude,
        respect_ignore_files: true,
    };
    let discovery = walker.discover(&[cwd.join(dir)]).unwrap();
    let options = Options::new(Config::default_in(cwd), cwd.to_path_buf());
    fix::plan(
        &discovery.modules,
        &[],
        &options,
        FixOptions { unsafe_fixes },
    )
}

#[test]
fn every_fix_fixture_gives_its_expected_diff() {
    let cases = subdirs(&repo().join("fixtures/fix"));
    assert!(cases.len() >= 10, "fix fixtures are missing");
    for dir in cases {
        let case = dir.file_name().unwrap().to_str().unwrap().to_string();
        let rel = format!("fixtures/fix/{case}");
        let all = run(&repo(), &["--diff", "--unsafe-fixes", &rel]);
        let safe = run(&repo(), &["--diff", &rel]);
        for out in [&all, &safe] {
            assert_ne!(out.code, 2, "{rel}: {}", out.stderr);
        }
        let snapshot = format!(
            "$ tfblint --diff --unsafe-fixes {rel}\nexit code: {}\nstderr: {}\n{}\n$ tfblint --diff {rel}\nexit code: {}\nstderr: {}\n{}",
            all.code, all.stderr, all.stdout, safe.code, safe.stderr, safe.stdout
        );
        insta::assert_snapshot!(format!("fix__{case}"), snapshot);
    }
}

#[test]
fn crlf_fixture_stays_crlf_and_a_missing_final_newline_stays_missing() {
    let tmp = tempfile::tempdir().unwrap();
    for case in ["crlf", "no-trailing-newline", "lone-partial"] {
        copy_dir(
            &repo().join("fixtures/fix").join(case),
            &tmp.path().join(case),
        );
    }
    let crlf = fs::read(repo().join("fixtures/fix/crlf/main.tf")).unwrap();
    assert!(
        crlf.windows(2).filter(|w| w == b"\r\n").count() > 5,
        "the CRLF fixture lost its CRLFs (check .gitattributes)"
    );
    let out = run(tmp.path(), &["--fix", "--unsafe-fixes", "."]);
    assert_ne!(out.code, 2, "{}", out.stderr);
    let fixed = fs::read(tmp.path().join("crlf/main.tf")).unwrap();
    assert_ne!(fixed, crlf);
    let lf = fixed.iter().filter(|&&b| b == b'\n').count();
    let crlfs = fixed.windows(2).filter(|w| w == b"\r\n").count();
    assert_eq!(lf, crlfs, "every line of the fixed file ends in CRLF");
    for file in [
        "no-trailing-newline/main.tf",
        "lone-partial/prod.s3.tfbackend",
    ] {
        let before = fs::read(repo().join("fixtures/fix").join(file)).unwrap();
        let after = fs::read(tmp.path().join(file)).unwrap();
        assert_ne!(before, after, "{file} was fixed");
        assert!(
            !after.ends_with(b"\n"),
            "{file} still ends without a newline"
        );
    }
}

/// Every fixture module, copied: `--fix --unsafe-fixes` leaves no fixable finding, a second run
/// changes nothing, and every byte outside the edited ranges is unchanged; a removed line is a
/// line that an edit touched and an added line comes from an edit.
#[test]
fn fixing_every_fixture_converges_and_touches_only_edited_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("fixtures"), &tmp.path().join("fixtures"));
    let modules = fixture_modules();
    assert!(modules.len() > 100, "{} modules", modules.len());
    let mut fixed_modules = 0;
    for module in &modules {
        let rel = format!("fixtures/{}", module.display());
        let plan = plan(tmp.path(), &rel, true);
        for file in &plan.files {
            assert_eq!(file.refused, None, "{}", file.display);
            check_only_touched_bytes_changed(
                &file.display,
                &file.original,
                &file.fixed,
                &file.touched,
            );
        }
        let before = snapshot_tree(&tmp.path().join(&rel));
        let out = run(
            tmp.path(),
            &["--fix", "--unsafe-fixes", "--format", "json", &rel],
        );
        assert_ne!(out.code, 2, "{rel}: {}", out.stderr);
        let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        let left: Vec<&serde_json::Value> = doc["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["fixable"] == true)
            .collect();
        assert!(left.is_empty(), "{rel}: fixable findings remain: {left:?}");
        let after = snapshot_tree(&tmp.path().join(&rel));
        // Exactly the planned files changed, to exactly the planned text.
        for (path, bytes) in &after {
            let planned = plan
                .files
                .iter()
                .find(|f| tmp.path().join(&f.path) == tmp.path().join(&rel).join(path));
            match planned {
                Some(f) => assert_eq!(bytes, f.fixed.as_bytes(), "{}", f.display),
                None => assert_eq!(bytes, &before[path], "{rel}/{}", path.display()),
            }
        }
        if !plan.files.is_empty() {
            fixed_modules += 1;
        }
        // A second time: nothing to do.
        let again = run(tmp.path(), &["--fix", "--unsafe-fixes", &rel]);
        assert_ne!(again.code, 2, "{rel}: {}", again.stderr);
        assert_eq!(snapshot_tree(&tmp.path().join(&rel)), after, "{rel}");
        let diff = run(tmp.path(), &["--diff", "--unsafe-fixes", &rel]);
        assert_eq!((diff.code, diff.stdout.as_str()), (0, ""), "{rel}");
    }
    assert!(fixed_modules > 40, "only {fixed_modules} modules had fixes");
}

/// The original's bytes outside `touched` appear in `fixed`, in order, untouched; and in a line
/// diff every removed line overlaps a touched range.
fn check_only_touched_bytes_changed(
    name: &str,
    original: &str,
    fixed: &str,
    touched: &[std::ops::Range<usize>],
) {
    assert!(!touched.is_empty(), "{name}: changed without edits");
    // The untouched segments, in order.
    let mut segments = Vec::new();
    let mut at = 0;
    for r in touched {
        segments.push(at..r.start);
        at = r.end;
    }
    segments.push(at..original.len());
    let (first, last) = (
        &original[segments[0].clone()],
        &original[segments[segments.len() - 1].clone()],
    );
    assert!(
        fixed.starts_with(first),
        "{name}: the text before the first edit changed"
    );
    assert!(
        fixed.ends_with(last),
        "{name}: the text after the last edit changed"
    );
    let mut pos = first.len();
    for seg in &segments[1..segments.len() - 1] {
        let s = &original[seg.clone()];
        let found = fixed[pos..]
            .find(s)
            .unwrap_or_else(|| panic!("{name}: untouched text {s:?} is gone"));
        pos += found + s.len();
    }
    assert!(pos <= fixed.len() - last.len(), "{name}: segments overlap");

    // Lines: a removed line must overlap a touched range.
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(original.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let diff = similar::TextDiff::from_lines(original, fixed);
    for op in diff.ops() {
        if let similar::DiffOp::Delete {
            old_index, old_len, ..
        }
        | similar::DiffOp::Replace {
            old_index, old_len, ..
        } = *op
        {
            for line in old_index..old_index + old_len {
                let start = line_starts[line];
                let end = line_starts.get(line + 1).copied().unwrap_or(original.len());
                assert!(
                    touched.iter().any(|r| r.start <= end && start <= r.end),
                    "{name}: line {} changed but no edit touched it",
                    line + 1
                );
            }
        }
    }
}

/// Lines without their whitespace, blank lines left out.
fn normalised(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect()
}

#[test]
fn the_guides_first_example_fixed_is_its_second_example() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(
        &repo().join("fixtures/guide/first-example"),
        &tmp.path().join("first-example"),
    );
    let out = run(tmp.path(), &["--fix", "--unsafe-fixes", "first-example"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(
        out.stdout,
        "No problems found (1 file in 1 module checked).\n1 fixed (1 file), 0 remaining\n"
    );
    let fixed = fs::read_to_string(tmp.path().join("first-example/main.tf")).unwrap();
    let second = fs::read_to_string(repo().join("fixtures/guide/second-example/main.tf")).unwrap();
    // The guide's second example also has a comment above `use_lockfile`, which no fix writes.
    let expected: Vec<String> = normalised(&second)
        .into_iter()
        .filter(|l| l != "# Enable state locking with a lockfile")
        .collect();
    assert_eq!(normalised(&fixed), expected);
}

#[test]
fn safe_fixes_alone_leave_behaviour_changes_for_unsafe_fixes() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(
        &repo().join("fixtures/guide/first-example"),
        &tmp.path().join("m"),
    );
    let before = fs::read(tmp.path().join("m/main.tf")).unwrap();
    let out = run(tmp.path(), &["--fix", "m"]);
    assert_eq!(out.code, 0);
    assert!(
        out.stdout.ends_with("0 fixed (0 files), 1 remaining\n"),
        "{}",
        out.stdout
    );
    assert_eq!(fs::read(tmp.path().join("m/main.tf")).unwrap(), before);
    let diff = run(tmp.path(), &["--diff", "m"]);
    assert_eq!((diff.code, diff.stdout.as_str()), (0, ""));
    let usage = run(tmp.path(), &["--unsafe-fixes", "m"]);
    assert_eq!(usage.code, 2);
    assert_eq!(
        usage.stderr,
        "tfblint: error: --unsafe-fixes needs --fix or --diff\n"
    );
}

#[test]
fn a_plain_lint_or_a_diff_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("fixtures");
    copy_dir(&repo().join("fixtures"), &root);
    let stamp = |dir: &Path| -> BTreeMap<PathBuf, (std::time::SystemTime, Vec<u8>)> {
        walk(dir)
            .into_iter()
            .map(|p| {
                let m = fs::metadata(&p).unwrap().modified().unwrap();
                let bytes = fs::read(&p).unwrap();
                (p, (m, bytes))
            })
            .collect()
    };
    let before = stamp(&root);
    for format in ["human", "compact", "json", "sarif"] {
        let out = run(tmp.path(), &["--format", format, "fixtures"]);
        assert_ne!(out.code, 2, "{}", out.stderr);
    }
    let diff = run(tmp.path(), &["--diff", "--unsafe-fixes", "fixtures"]);
    assert_eq!(diff.code, 1);
    assert!(
        diff.stdout.starts_with("--- a/fixtures/"),
        "{}",
        diff.stdout
    );
    assert_eq!(stamp(&root), before);
    // No temporary file was left anywhere.
    assert!(walk(&root)
        .iter()
        .all(|p| !p.to_string_lossy().contains(".tfblint-fix-")));
}

#[test]
fn stdin_fix_prints_exactly_the_fixed_text() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("fixtures/fix/tabs"), &tmp.path().join("m"));
    let input = fs::read_to_string(tmp.path().join("m/main.tf")).unwrap();
    let expected = plan(tmp.path(), "m", false).files[0].fixed.clone();
    assert_ne!(expected, input);
    let out = common::tfblint(tmp.path())
        .args(["--fix", "--stdin-filename", "m/main.tf", "-"])
        .write_stdin(input.clone())
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), expected);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr, "2 fixed (1 file), 0 remaining\n");
    assert_eq!(out.status.code(), Some(0));
    // The file on disk is not touched.
    assert_eq!(
        fs::read_to_string(tmp.path().join("m/main.tf")).unwrap(),
        input
    );

    // Nothing to fix: the input comes back as it was; findings left go to stderr.
    let clean = fs::read_to_string(repo().join("fixtures/rules/TFB201/fires/main.tf")).unwrap();
    let out = common::tfblint(tmp.path())
        .args(["--fix", "--stdin-filename", "x/main.tf", "-"])
        .write_stdin(clean.clone())
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), clean);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("error[TFB201]"), "{stderr}");
    assert!(
        stderr.ends_with("0 fixed (0 files), 1 remaining\n"),
        "{stderr}"
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn json_marks_findings_with_a_fix_as_fixable() {
    let out = run(
        &repo(),
        &[
            "--format",
            "json",
            "fixtures/tutorial-era/sfo2-with-skip-get-ec2-platforms",
        ],
    );
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let fixable: BTreeMap<String, bool> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["fixable"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(fixable.get("TFB301"), Some(&true));
    assert_eq!(fixable.get("TFB602"), Some(&true));
    assert_eq!(fixable.get("TFB101"), Some(&false));
    // Machine formats keep stdout a valid document; the fix summary goes to stderr.
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(
        &repo().join("fixtures/rules/TFB301/fires"),
        &tmp.path().join("m"),
    );
    let out = run(tmp.path(), &["--fix", "--format", "json", "m"]);
    serde_json::from_str::<serde_json::Value>(&out.stdout).expect("valid JSON");
    assert_eq!(out.stderr, "2 fixed (1 file), 0 remaining\n");
}

fn two_modules(tmp: &Path) {
    for m in ["a", "b"] {
        copy_dir(&repo().join("fixtures/rules/TFB301/fires"), &tmp.join(m));
    }
}

#[test]
fn a_read_only_file_is_reported_and_the_others_are_still_fixed() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    two_modules(tmp.path());
    let locked = tmp.path().join("a/main.tf");
    let before = fs::read(&locked).unwrap();
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o444)).unwrap();
    let out = run(tmp.path(), &["--fix", "."]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("tfblint: error: a/main.tf: not written: the file is read-only"),
        "{}",
        out.stderr
    );
    // Root could have written it anyway: tfblint did not.
    assert_eq!(fs::read(&locked).unwrap(), before);
    let expected = plan(&repo(), "fixtures/rules/TFB301/fires", false).files[0]
        .fixed
        .clone();
    assert_eq!(
        fs::read_to_string(tmp.path().join("b/main.tf")).unwrap(),
        expected
    );
    // The fixed file keeps its permissions.
    let mode = fs::metadata(tmp.path().join("b/main.tf"))
        .unwrap()
        .permissions()
        .mode();
    let original = fs::metadata(repo().join("fixtures/rules/TFB301/fires/main.tf"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, original & 0o777);
}

#[test]
fn a_file_that_vanishes_or_changes_before_the_write_is_reported_and_not_written() {
    let tmp = tempfile::tempdir().unwrap();
    for m in ["a", "b", "c"] {
        copy_dir(
            &repo().join("fixtures/rules/TFB301/fires"),
            &tmp.path().join(m),
        );
    }
    let plan = plan(tmp.path(), ".", false);
    assert_eq!(plan.files.len(), 3);
    // Between the lint and the write: one file vanishes, one is edited by someone else.
    fs::remove_file(tmp.path().join("a/main.tf")).unwrap();
    fs::write(tmp.path().join("b/main.tf"), "# edited meanwhile\n").unwrap();
    let absolute: Plan = Plan {
        files: plan
            .files
            .iter()
            .cloned()
            .map(|mut f| {
                f.path = tmp.path().join(&f.path);
                f
            })
            .collect(),
    };
    let (written, errors) = fix::write(&absolute);
    assert_eq!(written.len(), 1);
    assert!(written[0].display.ends_with("c/main.tf"));
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors[0].contains("a/main.tf: not written: no such file or directory"),
        "{}",
        errors[0]
    );
    assert!(
        errors[1].contains("b/main.tf: not written: the file changed on disk"),
        "{}",
        errors[1]
    );
    assert!(!tmp.path().join("a/main.tf").exists());
    assert_eq!(
        fs::read_to_string(tmp.path().join("b/main.tf")).unwrap(),
        "# edited meanwhile\n"
    );
    assert_eq!(
        fs::read_to_string(tmp.path().join("c/main.tf")).unwrap(),
        plan.files[2].fixed
    );
    // A path that became a directory.
    let dir_plan = Plan {
        files: vec![fix::FilePlan {
            path: tmp.path().join("c"),
            ..plan.files[2].clone()
        }],
    };
    let (written, errors) = fix::write(&dir_plan);
    assert!(written.is_empty());
    assert!(
        errors[0].ends_with("not written: not a regular file"),
        "{}",
        errors[0]
    );
}

/// The text `--fix` gives the TFB301 fixture, and that fixture's text.
fn fixed_and_original() -> (String, String) {
    let plan = plan(&repo(), "fixtures/rules/TFB301/fires", false);
    (plan.files[0].fixed.clone(), plan.files[0].original.clone())
}

fn symlink(target: &str, link: &Path) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

/// Every entry under `dir` (links not followed): path, and the link's target or the bytes.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Result<Vec<u8>, PathBuf>> {
    let mut out = BTreeMap::new();
    let mut entries: Vec<_> = fs::read_dir(dir).unwrap().map(|e| e.unwrap()).collect();
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let path = entry.path();
        let kind = entry.file_type().unwrap();
        if kind.is_symlink() {
            out.insert(path.clone(), Err(fs::read_link(&path).unwrap()));
        } else if kind.is_dir() {
            out.extend(tree(&path));
        } else {
            out.insert(path.clone(), Ok(fs::read(&path).unwrap()));
        }
    }
    out
}

/// A repository (`.git` is enough) with `shared/backend.tf` holding the TFB301 fixture, mode
/// 0640, and the directory `envs/prod`.
fn repo_with_shared_backend() -> (tempfile::TempDir, PathBuf) {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("repo");
    fs::create_dir_all(root.join(".git")).unwrap();
    fs::create_dir_all(root.join("shared")).unwrap();
    fs::create_dir_all(root.join("envs/prod")).unwrap();
    let shared = root.join("shared/backend.tf");
    fs::write(&shared, fixed_and_original().1).unwrap();
    fs::set_permissions(&shared, fs::Permissions::from_mode(0o640)).unwrap();
    (tmp, root)
}

#[test]
fn fix_through_a_symlink_writes_its_target_and_keeps_the_link() {
    use std::os::unix::fs::PermissionsExt;
    let (_tmp, root) = repo_with_shared_backend();
    let (fixed, _) = fixed_and_original();
    let link = root.join("envs/prod/backend.tf");
    symlink("../../shared/backend.tf", &link);
    let out = run(&root, &["--fix", "envs/prod/backend.tf"]);
    assert_ne!(out.code, 2, "{}", out.stderr);
    assert!(out.stdout.contains("fixed (1 file)"), "{}", out.stdout);
    assert_eq!(
        fs::read_link(&link).unwrap(),
        Path::new("../../shared/backend.tf")
    );
    let shared = root.join("shared/backend.tf");
    assert_eq!(fs::read_to_string(&shared).unwrap(), fixed);
    let mode = fs::metadata(&shared).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o640);
    // Nothing else was left behind (no temporary file beside the link or the target).
    let entries: Vec<PathBuf> = tree(&root).into_keys().collect();
    assert_eq!(
        entries,
        [root.join("envs/prod/backend.tf"), shared],
        "{entries:?}"
    );
}

#[test]
fn fix_through_a_chain_of_symlinks_writes_the_last_target() {
    let (_tmp, root) = repo_with_shared_backend();
    let (fixed, _) = fixed_and_original();
    symlink(
        "../../shared/backend.tf",
        &root.join("envs/prod/common.tf.link"),
    );
    symlink("common.tf.link", &root.join("envs/prod/backend.tf"));
    let out = run(&root, &["--fix", "envs/prod/backend.tf"]);
    assert_ne!(out.code, 2, "{}", out.stderr);
    assert_eq!(
        fs::read_to_string(root.join("shared/backend.tf")).unwrap(),
        fixed
    );
    let links = tree(&root);
    assert_eq!(
        links[&root.join("envs/prod/backend.tf")],
        Err(PathBuf::from("common.tf.link"))
    );
    assert_eq!(
        links[&root.join("envs/prod/common.tf.link")],
        Err(PathBuf::from("../../shared/backend.tf"))
    );
    assert_eq!(links.len(), 3, "{links:?}");
}

#[test]
fn fix_through_a_symlink_that_leaves_the_repository_is_refused() {
    let (tmp, root) = repo_with_shared_backend();
    let (_, original) = fixed_and_original();
    let outside = tmp.path().join("outside");
    fs::create_dir_all(&outside).unwrap();
    fs::write(outside.join("backend.tf"), &original).unwrap();
    symlink(
        "../../../outside/backend.tf",
        &root.join("envs/prod/backend.tf"),
    );
    // Inside the repository, but in `.git`.
    fs::write(root.join(".git/backend.tf"), &original).unwrap();
    symlink("../../.git/backend.tf", &root.join("envs/prod/git.tf"));
    let before = tree(tmp.path());
    for (name, reason) in [
        ("backend.tf", "a symlink to a file outside the repository"),
        ("git.tf", "a symlink to a file outside the repository"),
    ] {
        let named = format!("envs/prod/{name}");
        let out = run(&root, &["--fix", &named]);
        assert_eq!(out.code, 2, "{}", out.stderr);
        let line = format!("tfblint: error: {named}: not written: {reason}\n");
        assert!(out.stderr.ends_with(&line), "{}", out.stderr);
        assert_eq!(out.stderr.matches("error").count(), 1, "{}", out.stderr);
        // Nothing written anywhere: every file, link and directory as it was.
        assert_eq!(tree(tmp.path()), before);
    }

    // Outside a repository, the directory the link is in is the boundary.
    let plain = tempfile::tempdir().unwrap();
    fs::create_dir_all(plain.path().join("mod")).unwrap();
    fs::write(plain.path().join("shared.tf"), &original).unwrap();
    symlink("../shared.tf", &plain.path().join("mod/backend.tf"));
    let before = tree(plain.path());
    let out = run(plain.path(), &["--fix", "mod/backend.tf"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.ends_with(
            "mod/backend.tf: not written: a symlink to a file outside its directory \
             (not in a git repository)\n"
        ),
        "{}",
        out.stderr
    );
    assert_eq!(tree(plain.path()), before);
}

#[test]
fn fix_through_a_dangling_symlink_writes_nothing() {
    let (tmp, root) = repo_with_shared_backend();
    let link = root.join("envs/prod/backend.tf");
    symlink("nowhere.tf", &link);
    let before = tree(tmp.path());
    let out = run(&root, &["--fix", "envs/prod/backend.tf"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(tree(tmp.path()), before);

    // A link whose target vanishes between the plan and the write.
    fs::remove_file(&link).unwrap();
    symlink("../../shared/backend.tf", &link);
    let planned = plan(&root, "envs/prod/backend.tf", false);
    let absolute = Plan {
        files: planned
            .files
            .into_iter()
            .map(|mut f| {
                f.path = root.join(&f.path);
                f
            })
            .collect(),
    };
    assert_eq!(absolute.writable().count(), 1);
    fs::remove_file(root.join("shared/backend.tf")).unwrap();
    let (written, errors) = fix::write(&absolute);
    assert!(written.is_empty());
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].ends_with("not written: a symlink to nothing"),
        "{}",
        errors[0]
    );
    assert!(fs::symlink_metadata(&link).unwrap().is_symlink());
    assert_eq!(tree(&root.join("shared")), BTreeMap::new());
}
