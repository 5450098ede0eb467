//! `tfblint completions SHELL` and `tfblint man`, run through the real binary: the bash script
//! parses (`bash -n`) and completes `--format`'s values in a real bash, and the man page renders
//! with groff and `man -l` without a warning. groff and man-db are Debian packages `.ci/run`
//! installs; without them these tests fail under `CI=true` and say they are skipped otherwise.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn tfblint(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_tfblint"))
        .args(args)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "tfblint {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn stdout(args: &[&str]) -> String {
    String::from_utf8(tfblint(args).stdout).unwrap()
}

/// Whether `program` can be run; when not, fails under `CI=true` (`.ci/run` installs it) and
/// otherwise says the test is skipped.
fn have(program: &str, package: &str) -> bool {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{program} is not installed, and CI=true: .ci/run installs it (apt-get install {package})"
        );
        eprintln!("skipped: {program} is not installed (apt-get install {package})");
    }
    found
}

fn write_temp(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Runs `script` in bash after sourcing the completion script; returns its stdout.
fn bash_with_completions(script: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = write_temp(
        dir.path(),
        "tfblint.bash",
        &stdout(&["completions", "bash"]),
    );
    let out = Command::new("bash")
        .args(["--norc", "--noprofile", "-c"])
        .arg(format!("source {}\n{script}", file.display()))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "bash: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// What bash completes for the words of `line` (the last one being completed), as the
/// `complete -F` function registered for `tfblint` computes it.
fn complete(words: &[&str]) -> Vec<String> {
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let cword = words.len() - 1;
    let script = format!(
        r#"spec=$(complete -p tfblint) || exit 3
fn=${{spec#*-F }}; fn=${{fn%% *}}
COMP_WORDS=({words}); COMP_CWORD={cword}
COMP_LINE="${{COMP_WORDS[*]}}"; COMP_POINT=${{#COMP_LINE}}
"$fn" tfblint "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
printf '%s\n' "${{COMPREPLY[@]}}""#,
        words = quoted.join(" "),
    );
    let mut got: Vec<String> = bash_with_completions(&script)
        .lines()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    got.sort();
    got
}

#[test]
fn bash_completion_parses_and_completes_format() {
    if !have("bash", "bash") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = write_temp(
        dir.path(),
        "tfblint.bash",
        &stdout(&["completions", "bash"]),
    );
    let check = Command::new("bash").arg("-n").arg(&file).output().unwrap();
    assert!(
        check.status.success(),
        "bash -n: {}",
        String::from_utf8_lossy(&check.stderr)
    );

    let formats = [
        "checkstyle",
        "compact",
        "github",
        "gitlab",
        "human",
        "json",
        "junit",
        "sarif",
    ];
    assert_eq!(complete(&["tfblint", "--format", ""]), formats);
    assert_eq!(
        complete(&["tfblint", "--format", "g"]),
        ["github", "gitlab"]
    );
    assert_eq!(complete(&["tfblint", "--form"]), ["--format"]);
    let shells: Vec<String> = complete(&["tfblint", "completions", ""])
        .into_iter()
        .filter(|w| !w.starts_with('-'))
        .collect();
    assert_eq!(shells, ["bash", "elvish", "fish", "powershell", "zsh"]);
    assert!(complete(&["tfblint", "bac"]).contains(&"backends".to_string()));
}

#[test]
fn every_shell_gets_a_script_that_knows_the_formats() {
    for (shell, marker, format) in [
        ("bash", "complete -F", "--format"),
        ("zsh", "#compdef tfblint", "--format"),
        ("fish", "complete -c tfblint", "-l format"),
        ("powershell", "Register-ArgumentCompleter", "--format"),
        (
            "elvish",
            "edit:completion:arg-completer[tfblint]",
            "--format",
        ),
    ] {
        let script = stdout(&["completions", shell]);
        assert!(script.contains(marker), "{shell}: no `{marker}`");
        assert!(script.contains(format), "{shell}: --format is missing");
        assert!(
            script.contains("spaces-regions"),
            "{shell}: a flag is missing"
        );
    }
    let out = Command::new(env!("CARGO_BIN_EXE_tfblint"))
        .args(["completions", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn zsh_and_fish_scripts_parse_where_those_shells_are_installed() {
    for (shell, flag) in [("zsh", "-n"), ("fish", "--no-execute")] {
        let present = Command::new("sh")
            .args(["-c", &format!("command -v {shell}")])
            .output()
            .is_ok_and(|o| o.status.success());
        if !present {
            eprintln!("skipped: {shell} is not installed");
            continue;
        }
        let dir = tempfile::tempdir().unwrap();
        let file = write_temp(dir.path(), "script", &stdout(&["completions", shell]));
        let out = Command::new(shell).arg(flag).arg(&file).output().unwrap();
        assert!(
            out.status.success(),
            "{shell} {flag}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

fn man_page() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let page = write_temp(dir.path(), "tfblint.1", &stdout(&["man"]));
    (dir, page)
}

#[test]
fn the_man_page_renders_with_groff_without_warnings() {
    if !have("groff", "groff") {
        return;
    }
    let (_dir, page) = man_page();
    let out = Command::new("groff")
        .args(["-man", "-Tutf8", "-ww"])
        .arg(&page)
        .env("LC_ALL", "C.UTF-8")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stderr), "", "groff warned");
    let text = strip_overstrike(&String::from_utf8_lossy(&out.stdout));
    for heading in [
        "NAME",
        "SYNOPSIS",
        "DESCRIPTION",
        "OPTIONS",
        "SUBCOMMANDS",
        "EXIT STATUS",
        "ENVIRONMENT",
        "FILES",
        "SEE ALSO",
    ] {
        assert!(
            text.lines().any(|l| l == heading),
            "no {heading} section in:\n{text}"
        );
    }
    for needle in [
        "--format",
        "--fix",
        "tfblint-completions",
        "tfblint.toml",
        "NO_COLOR",
        "*.tfbackend",
        ".gitlab-ci.yml",
    ] {
        assert!(text.contains(needle), "the man page lacks {needle}");
    }
    // The exit codes, each with its meaning.
    let exit_status = text
        .split("\nEXIT STATUS\n")
        .nth(1)
        .and_then(|s| s.split("\nENVIRONMENT\n").next())
        .unwrap();
    for (code, meaning) in [
        ("0", "no finding"),
        ("1", "at least one"),
        ("2", "a usage error"),
    ] {
        assert!(
            exit_status.lines().any(|l| {
                let l = l.trim_start();
                l.starts_with(code) && l[1..].trim_start().starts_with(meaning)
            }),
            "exit code {code} is not listed with its meaning:\n{exit_status}"
        );
    }
}

#[test]
fn the_man_page_renders_with_man_l() {
    if !have("man", "man-db") {
        return;
    }
    let (_dir, page) = man_page();
    let out = Command::new("man")
        .args(["--warnings", "-l", "-P", "cat"])
        .arg(&page)
        .env("MANWIDTH", "100")
        .env("LC_ALL", "C.UTF-8")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "man -l: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stderr), "", "man warned");
    let text = strip_overstrike(&String::from_utf8_lossy(&out.stdout));
    assert!(text.contains("EXIT STATUS"));
    assert!(text.contains("tfblint - "), "{text}");
}

/// The files the FILES section names are the ones tfblint reads: each example is classified.
#[test]
fn the_files_section_names_what_the_walk_reads() {
    // roff writes a hyphen as `\-`.
    let page = stdout(&["man"]).replace("\\-", "-");
    let files = page
        .split(".SH FILES")
        .nth(1)
        .and_then(|s| s.split(".SH ").next())
        .expect("a FILES section");
    for (example, named_as) in [
        ("main.tf", "*.tf"),
        ("x.tofu", "*.tofu"),
        ("prod.tfbackend", "*.tfbackend"),
        (".github/workflows/ci.yml", ".github/workflows/*.yml"),
        (".github/workflows/ci.yaml", ".github/workflows/*.yaml"),
        (".gitlab-ci.yml", ".gitlab-ci.yml"),
        ("deploy.sh", "*.sh"),
        ("deploy.bash", "*.bash"),
        ("Makefile", "Makefile"),
        ("makefile", "makefile"),
        ("GNUmakefile", "GNUmakefile"),
        ("rules.mk", "*.mk"),
        ("justfile", "justfile"),
        ("tasks.just", "*.just"),
        ("Taskfile.yml", "Taskfile.yml"),
        ("Taskfile.yaml", "Taskfile.yaml"),
    ] {
        assert!(
            tfblint::input::classify::classify(Path::new(example)).is_some(),
            "{example} is not read by the walk"
        );
        assert!(
            files.contains(named_as),
            "FILES does not name {named_as} ({example})"
        );
    }
}

/// groff's terminal output marks bold as `c\bc` and underline as `_\bc`: the marks are
/// dropped, and justified lines made single-spaced, so that phrases can be looked for.
fn strip_overstrike(text: &str) -> String {
    let mut out: Vec<char> = Vec::new();
    for c in text.chars() {
        if c == '\u{8}' {
            out.pop();
        } else {
            out.push(c);
        }
    }
    let text: String = out.into_iter().collect();
    text.lines()
        .map(|l| {
            let indent = l.len() - l.trim_start().len();
            let words: Vec<&str> = l.split_whitespace().collect();
            format!("{}{}", " ".repeat(indent), words.join(" "))
        })
        .collect::<Vec<_>>()
        .join("\n")
}
