//! Bad input, run through the real binary: a clear finding or error, never a panic, never a
//! hang, never a byte of a binary file printed. Every input is generated in a temporary
//! directory at test time.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::{tfblint, Run};

/// A backend Spaces accepts, with no finding.
const GOOD: &str = common::GOOD_BACKEND;

/// `GOOD` with `skip_s3_checksum = "no"` on line 13: one TFB302 at 13:35.
fn good_with_bad_flag() -> String {
    GOOD.replace(
        "skip_s3_checksum            = true",
        "skip_s3_checksum            = \"no\"",
    )
}

const BAD_FLAG: &str =
    "error[TFB302] `skip_s3_checksum` is set to \"no\": Terraform cannot read \"no\" as a bool";

fn write(root: &Path, rel: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    match std::str::from_utf8(bytes.as_ref()) {
        Ok(text) => fs::write(&path, common::own_state(rel, text)).unwrap(),
        Err(_) => fs::write(&path, bytes).unwrap(),
    }
    path
}

/// Runs the binary with a deadline, so that a hang fails the test instead of blocking it.
fn run(cwd: &Path, args: &[&str]) -> Run {
    let out = tfblint(cwd)
        .args(args)
        .timeout(Duration::from_secs(60))
        .output()
        .expect("tfblint runs");
    Run {
        code: out
            .status
            .code()
            .unwrap_or_else(|| panic!("killed by a signal or timed out: {:?}", out.status)),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

fn compact(cwd: &Path, args: &[&str]) -> (i32, String) {
    let mut all = vec!["--format", "compact"];
    all.extend_from_slice(args);
    let out = run(cwd, &all);
    assert_eq!(out.stderr, "", "stderr of tfblint {args:?}");
    (out.code, out.stdout)
}

/// One finding of the JSON format, every field that locates and explains it.
#[derive(Debug, PartialEq, Eq)]
struct Finding {
    code: String,
    file: String,
    start: (u64, u64),
    end: (u64, u64),
    message: String,
}

/// A header that puts a file in tfblint's scope (`src/scope.rs`): syntax errors are reported
/// only in files that can hold backend configuration. It adds [`HEADER_LINES`] lines.
const IN_SCOPE_HEADER: &str = "terraform {\n}\n";
const HEADER_LINES: u64 = 2;

fn in_scope(text: impl AsRef<str>) -> String {
    format!("{IN_SCOPE_HEADER}{}", text.as_ref())
}

fn finding(code: &str, file: &str, start: (u64, u64), end: (u64, u64), message: &str) -> Finding {
    Finding {
        code: code.into(),
        file: file.into(),
        start,
        end,
        message: message.into(),
    }
}

fn json(cwd: &Path, args: &[&str]) -> (i32, Vec<Finding>) {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let out = run(cwd, &all);
    assert_eq!(out.stderr, "", "stderr of tfblint {args:?}");
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).expect("valid JSON");
    let pos = |p: &serde_json::Value| (p["line"].as_u64().unwrap(), p["column"].as_u64().unwrap());
    let findings = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| Finding {
            code: d["code"].as_str().unwrap().into(),
            file: d["file"].as_str().unwrap().into(),
            start: pos(&d["start"]),
            end: pos(&d["end"]),
            message: d["message"].as_str().unwrap().into(),
        })
        .collect();
    (out.code, findings)
}

/// The only finding of a one-file module that fails to parse.
fn parse_error(rel: &str, bytes: impl AsRef<[u8]>) -> (i32, Vec<Finding>) {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), rel, bytes);
    json(dir.path(), &["."])
}

fn tfb001(file: &str, at: (u64, u64), message: &str) -> Vec<Finding> {
    vec![finding("TFB001", file, at, at, message)]
}

// ---- Encodings and odd bytes ----------------------------------------------------------------

#[test]
fn invalid_utf8_is_a_parse_error_at_the_first_bad_byte() {
    let got = parse_error("main.tf", b"locals {\n  a = \"caf\xe9\"\n}\n");
    let expected = tfb001(
        "main.tf",
        (2, 11),
        "file is not valid UTF-8 (invalid byte at offset 19)",
    );
    assert_eq!(got, (1, expected));
}

#[test]
fn a_utf8_bom_lints_normally_and_is_not_a_column() {
    let dir = tempfile::tempdir().unwrap();
    // Line 1 holds a finding, so its column is measured after the BOM.
    let text = format!(
        "\u{feff}terraform {{ required_version = \">= 1.0\" }}\n{}",
        GOOD.replace("  required_version = \"~> 1.11\"\n", "")
    );
    write(dir.path(), "main.tf", text);
    let (code, found) = json(dir.path(), &["."]);
    assert_eq!(code, 1);
    let located: Vec<_> = found
        .iter()
        .map(|f| (f.code.as_str(), f.start, f.end))
        .collect();
    assert_eq!(
        located,
        vec![("TFB102", (1, 32), (1, 40)), ("TFB103", (1, 32), (1, 40))]
    );
    // The human format's location agrees.
    let human = run(dir.path(), &["."]);
    assert!(
        human.stdout.contains("╭─[main.tf:1:32]"),
        "{}",
        human.stdout
    );

    // A BOM on an otherwise clean file changes nothing.
    write(dir.path(), "main.tf", format!("\u{feff}{GOOD}"));
    assert_eq!(compact(dir.path(), &["."]), (0, String::new()));
}

#[test]
fn crlf_line_endings_keep_positions_right() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "main.tf",
        good_with_bad_flag().replace('\n', "\r\n"),
    );
    let (code, found) = json(dir.path(), &["."]);
    assert_eq!(code, 1);
    assert_eq!(
        found,
        vec![finding(
            "TFB302",
            "main.tf",
            (13, 35),
            (13, 39),
            "`skip_s3_checksum` is set to \"no\": Terraform cannot read \"no\" as a bool"
        )]
    );
    let human = run(dir.path(), &["."]);
    assert!(
        human.stdout.contains("╭─[main.tf:13:35]"),
        "{}",
        human.stdout
    );
    assert!(
        !human.stdout.contains('\r'),
        "no carriage return is printed"
    );
}

#[test]
fn a_nul_byte_makes_a_file_binary() {
    let got = parse_error("main.tf", b"locals {\n  a = 1\n}\n\0\n");
    let expected = tfb001(
        "main.tf",
        (1, 1),
        "file contains a NUL byte at offset 19: it is binary, not HCL",
    );
    assert_eq!(got, (1, expected));
}

/// Deterministic pseudo-random bytes (xorshift64*).
fn noise(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed ^= seed >> 12;
            seed ^= seed << 25;
            seed ^= seed >> 27;
            (seed.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 56) as u8
        })
        .collect()
}

#[test]
fn a_binary_main_tf_is_one_finding_and_none_of_it_is_printed() {
    let dir = tempfile::tempdir().unwrap();
    // Printable text first (a marker that must never be echoed), then noise with NULs.
    let mut bytes = b"access_key = \"MARKERMARKERMARKER\"\n".to_vec();
    let first_nul = bytes.len() + 7;
    let mut tail = noise(64 * 1024, 0x5eed);
    tail.iter_mut().take(8).for_each(|b| *b = b'x');
    tail[7] = 0;
    bytes.extend(tail);
    write(dir.path(), "main.tf", &bytes);
    write(dir.path(), "backend.tf", good_with_bad_flag());
    let (code, found) = json(dir.path(), &["."]);
    assert_eq!(code, 1);
    let message = format!("file contains a NUL byte at offset {first_nul}: it is binary, not HCL");
    assert_eq!(
        found,
        vec![
            finding(
                "TFB302",
                "backend.tf",
                (13, 35),
                (13, 39),
                "`skip_s3_checksum` is set to \"no\": Terraform cannot read \"no\" as a bool"
            ),
            finding("TFB001", "main.tf", (1, 1), (1, 1), &message),
        ]
    );
    for format in common::formats() {
        let format = format.as_str();
        let out = run(dir.path(), &["--format", format, "."]);
        assert_eq!(out.code, 1, "{format}");
        assert!(!out.stdout.contains("MARKER"), "{format}: {}", out.stdout);
        assert!(
            !out.stdout.contains('\u{fffd}'),
            "{format}: no decoded byte of the binary file is printed"
        );
    }
}

#[test]
fn an_empty_file_and_a_file_of_only_comments_are_clean() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "empty.tf", "");
    write(
        dir.path(),
        "comments.tf",
        "# hash\n// slashes\n/* block\n   comment */\n\n",
    );
    let out = run(dir.path(), &["."]);
    assert_eq!(
        (out.code, out.stdout.as_str(), out.stderr.as_str()),
        (0, "No problems found (2 files in 1 module checked).\n", "")
    );
}

// ---- Size ------------------------------------------------------------------------------------

#[test]
fn a_50_mb_file_is_refused_quickly_without_being_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "huge.tf", "# a comment, then 50 MB of zeros\n");
    // A sparse file: 50 MB on the file system's word, no disk or time spent writing it.
    fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(50 * 1024 * 1024)
        .unwrap();
    write(dir.path(), "backend.tf", good_with_bad_flag());
    let started = Instant::now();
    let (code, out) = compact(dir.path(), &["."]);
    let elapsed = started.elapsed();
    assert_eq!(code, 1);
    assert_eq!(
        out,
        format!(
            "backend.tf:13:35: {BAD_FLAG}\n\
             huge.tf:1:1: error[TFB001] file is 52428800 bytes, over the 16 MiB limit; not parsed\n"
        )
    );
    assert!(elapsed < Duration::from_secs(10), "took {elapsed:?}");
    // Named on the command line: the same finding (it is readable, just too big to parse).
    let (code, out) = compact(dir.path(), &["huge.tf"]);
    assert_eq!(code, 1);
    assert!(
        out.ends_with(
            "huge.tf:1:1: error[TFB001] file is 52428800 bytes, over the 16 MiB limit; not parsed\n"
        ),
        "{out}"
    );

    // Refused by its size: nothing is read, so memory stays bounded.
    match tfblint::input::read::read_limited(&path) {
        Err(tfblint::input::read::ReadError::TooLarge(len)) => assert_eq!(len, 52_428_800),
        other => panic!("expected TooLarge, got {other:?}"),
    }
    // A file of exactly the limit is read.
    fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(tfblint::input::source::MAX_FILE_BYTES)
        .unwrap();
    let bytes = tfblint::input::read::read_limited(&path).unwrap();
    assert_eq!(bytes.len() as u64, tfblint::input::source::MAX_FILE_BYTES);
}

#[test]
fn a_single_1_mb_line_is_parsed_and_linted() {
    let dir = tempfile::tempdir().unwrap();
    // 500,000 two-byte characters in a comment, then a finding on the same line.
    let comment = "é".repeat(500_000);
    let line = format!("/* {comment} */ terraform {{ required_version = \">= 1.0\" }}\n");
    assert!(line.len() > 1_000_000);
    let text = format!(
        "{line}{}",
        GOOD.replace("  required_version = \"~> 1.11\"\n", "")
    );
    write(dir.path(), "main.tf", text);
    let (code, found) = json(dir.path(), &["."]);
    assert_eq!(code, 1);
    // Columns count characters: `/* ` is 3, the comment 500,000, ` */ ` 4, then
    // `terraform { required_version = ` is 31 more.
    let column = 3 + 500_000 + 4 + 31 + 1;
    let located: Vec<_> = found.iter().map(|f| (f.code.as_str(), f.start)).collect();
    assert_eq!(
        located,
        vec![("TFB102", (1, column)), ("TFB103", (1, column))]
    );
}

// ---- Depth -----------------------------------------------------------------------------------

/// Each deeply nested input and the one finding it gives.
fn too_deep() -> Vec<(&'static str, String, Finding)> {
    let n = 10_000;
    let nesting = "invalid nesting depth; expected at most 64 nested levels";
    let operators = "invalid binary operation; expected at most 128 chained binary operators";
    let at = |file: &str, (line, column): (u64, u64), message: &str| {
        let pos = (line + HEADER_LINES, column);
        finding("TFB001", file, pos, pos, message)
    };
    vec![
        (
            "arrays.tf",
            format!("x = {}{}\n", "[".repeat(n), "]".repeat(n)),
            at("arrays.tf", (1, 70), nesting),
        ),
        (
            "objects.tf",
            format!("x = {}1{}\n", "{a = ".repeat(n), "}".repeat(n)),
            at("objects.tf", (1, 326), nesting),
        ),
        (
            "blocks.tf",
            format!("{}{}", "a {\n".repeat(n), "}\n".repeat(n)),
            at("blocks.tf", (65, 3), nesting),
        ),
        (
            "parens.tf",
            format!("x = {}1{}\n", "(".repeat(n), ")".repeat(n)),
            at("parens.tf", (1, 70), nesting),
        ),
        (
            "templates.tf",
            format!("x = \"{}{}\"\n", "${\"".repeat(n), "\"}".repeat(n)),
            at("templates.tf", (1, 200), nesting),
        ),
        (
            "operators.tf",
            format!("x = {}\n", vec!["1"; 100_001].join(" + ")),
            at("operators.tf", (1, 519), operators),
        ),
    ]
}

#[test]
fn nesting_10000_deep_and_100000_operators_are_parse_errors_not_stack_overflows() {
    let dir = tempfile::tempdir().unwrap();
    let mut expected = Vec::new();
    for (name, text, finding) in too_deep() {
        write(dir.path(), name, in_scope(text));
        expected.push(finding);
    }
    expected.sort_by(|a, b| a.file.cmp(&b.file));
    assert_eq!(json(dir.path(), &["."]), (1, expected));
}

/// The deepest input hcl-edit accepts, in each shape: 63 levels (the 64th is the attribute).
fn deepest_accepted() -> Vec<(&'static str, String)> {
    let n = 63;
    vec![
        ("arrays.tf", format!("x = {}{}\n", "[".repeat(n), "]".repeat(n))),
        ("objects.tf", format!("x = {}1{}\n", "{a = ".repeat(n), "}".repeat(n))),
        ("blocks.tf", format!("{}{}", "a {\n".repeat(n), "}\n".repeat(n))),
        ("parens.tf", format!("x = {}1{}\n", "(".repeat(n), ")".repeat(n))),
        ("templates.tf", format!("x = \"{}{}\"\n", "${\"".repeat(n), "\"}".repeat(n))),
        ("calls.tf", format!("x = {}{}\n", "f(".repeat(n), ")".repeat(n))),
        ("fors.tf", format!("x = {}y{}\n", "[for x in ".repeat(n), " : x]".repeat(n))),
        ("conditionals.tf", format!("x = {}1{}\n", "true ? ".repeat(n), " : 2".repeat(n))),
        ("operators.tf", format!("x = {}\n", vec!["1"; 129].join(" + "))),
        (
            // Deep values inside a backend block, so that every rule walks them (a skip flag
            // makes it an S3-compatible store's, which the S3-compatible rules see).
            "backend.tf",
            format!(
                "terraform {{\n  backend \"s3\" {{\n    bucket = {}1{}\n    access_key = {}{}\n    skip_s3_checksum = true\n  }}\n}}\n",
                "{a = ".repeat(61),
                "}".repeat(61),
                "f(".repeat(61),
                ")".repeat(61)
            ),
        ),
    ]
}

#[test]
fn the_deepest_accepted_trees_are_linted_and_dropped_on_worker_threads() {
    // Several modules, so the pipeline spreads them over its worker threads (a single module
    // would run on the calling thread). rayon's default 2 MiB stacks overflowed here in a
    // debug build before the pipeline gave its workers bigger stacks.
    let dir = tempfile::tempdir().unwrap();
    for module in ["m1", "m2", "m3", "m4"] {
        for (name, text) in deepest_accepted() {
            // In scope, so that every one is parsed (and dropped) on a worker thread.
            let text = if name == "backend.tf" {
                text
            } else {
                in_scope(text)
            };
            write(dir.path(), &format!("{module}/{name}"), text);
        }
    }
    let (code, found) = json(dir.path(), &["."]);
    assert_eq!(code, 1);
    // No parse error: every file is accepted; only the backend's findings.
    assert!(found.iter().all(|f| f.code != "TFB001"), "{found:#?}");
    let m1: Vec<_> = found
        .iter()
        .filter(|f| f.file.starts_with("m1/"))
        .map(|f| (f.code.as_str(), f.start))
        .collect();
    assert_eq!(
        m1,
        vec![
            ("TFB101", (2, 3)),
            ("TFB201", (2, 3)),
            ("TFB301", (2, 3)),
            ("TFB301", (2, 3)),
            ("TFB301", (2, 3)),
            ("TFB301", (2, 3)),
            ("TFB303", (2, 3)),
            ("TFB501", (2, 3)),
            ("TFB605", (2, 3)),
            ("TFB603", (3, 14)),
            ("TFB401", (4, 18)),
            ("TFB601", (4, 18)),
        ]
    );
    assert_eq!(found.len(), 4 * m1.len());
}

#[test]
fn the_library_pipeline_runs_deep_trees_on_its_own_big_stacks_whatever_thread_calls_it() {
    let dir = tempfile::tempdir().unwrap();
    for module in ["m1", "m2"] {
        for (name, text) in deepest_accepted() {
            // In scope, so that every one is parsed (and dropped) on a worker thread.
            let text = if name == "backend.tf" {
                text
            } else {
                in_scope(text)
            };
            write(dir.path(), &format!("{module}/{name}"), text);
        }
    }
    let root = dir.path().to_path_buf();
    // A caller on a small stack: `run` must not parse (or drop) on it.
    let findings = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || {
            let exclude = globset::GlobSet::empty();
            let walker = tfblint::input::discover::Walker {
                cwd: &root,
                exclude: &exclude,
                respect_ignore_files: true,
            };
            let found = walker.discover(std::slice::from_ref(&root)).unwrap();
            tfblint::linter::pipeline::run(&found.modules, &[], &Default::default())
                .diagnostics
                .len()
        })
        .unwrap()
        .join()
        .expect("no stack overflow");
    assert_eq!(findings, 2 * 12);
}

// ---- Unterminated constructs -------------------------------------------------------------------

#[test]
fn unterminated_heredocs_strings_and_interpolations_are_located() {
    let cases: &[(&str, &str, (u64, u64), &str)] = &[
        (
            "heredoc.tf",
            "locals {\n  a = <<EOT\n  hello\n",
            (3, 3),
            "expected heredoc end delimiter",
        ),
        (
            "indented_heredoc.tf",
            "locals {\n  a = <<-EOT\n    x\n    EOTX\n}\n",
            (3, 5),
            "expected heredoc end delimiter",
        ),
        (
            "string.tf",
            "locals {\n  a = \"hello\n  b = 1\n}\n",
            (2, 3),
            "invalid block body; expected `}`, newline or identifier",
        ),
        (
            "string_at_eof.tf",
            "locals {\n  a = \"abc",
            (2, 3),
            "invalid block body; expected `}`, newline or identifier",
        ),
        (
            "interpolation.tf",
            "locals {\n  a = \"x${var.y\"\n}\n",
            (2, 16),
            "expected `}`",
        ),
        (
            "interpolation_at_eof.tf",
            "locals {\n  a = \"x${var.y",
            (2, 15),
            "expected `}`",
        ),
        (
            "directive.tf",
            "locals {\n  a = \"%{ if true }x\"\n}\n",
            (2, 3),
            "invalid block body; expected `}`, newline or identifier",
        ),
        (
            "comment.tf",
            "/* never closed\n",
            (1, 1),
            "unexpected token",
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (name, text, _, _) in cases {
        write(dir.path(), name, in_scope(text));
    }
    let (code, found) = json(dir.path(), &["."]);
    let mut expected: Vec<Finding> = cases
        .iter()
        .map(|(name, _, (line, column), message)| {
            let at = (line + HEADER_LINES, *column);
            finding("TFB001", name, at, at, message)
        })
        .collect();
    expected.sort_by(|a, b| a.file.cmp(&b.file));
    assert_eq!((code, found), (1, expected));
}

#[test]
fn unicode_identifiers_and_emoji_before_a_finding_count_as_one_column_each() {
    let dir = tempfile::tempdir().unwrap();
    let text = good_with_bad_flag()
        .replace(
            "skip_s3_checksum            = \"no\"",
            "skip_s3_checksum = /* é🎉 */ \"no\"",
        )
        .replace(
            "    bucket    = \"acme-tfstate\"",
            "    bucket    = \"🎉-${var.ünïcödé}\"",
        )
        + "locals {\n  région_ü = \"x\"\n}\n";
    write(dir.path(), "main.tf", text);
    let (code, found) = json(dir.path(), &["."]);
    assert_eq!(code, 1);
    let located: Vec<_> = found
        .iter()
        .map(|f| (f.code.as_str(), f.start, f.end))
        .collect();
    // `    bucket    = "🎉-` is 19 characters (22 bytes): the interpolation starts at 20.
    // `    skip_s3_checksum = /* é🎉 */ ` is 32 characters (35 bytes): `"no"` is at 33.
    assert_eq!(
        located,
        vec![("TFB601", (6, 20), (6, 34)), ("TFB302", (13, 33), (13, 37))],
    );
    let human = run(dir.path(), &["."]);
    assert!(
        human.stdout.contains("╭─[main.tf:6:20]"),
        "{}",
        human.stdout
    );
    assert!(
        human.stdout.contains("╭─[main.tf:13:33]"),
        "{}",
        human.stdout
    );
}

// ---- The file system -------------------------------------------------------------------------

#[cfg(unix)]
fn symlink(target: impl AsRef<Path>, link: impl AsRef<Path>) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

#[cfg(unix)]
#[test]
fn symlinks_are_never_followed_while_walking() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    let outside = dir.path().join("outside");
    write(&outside, "main.tf", good_with_bad_flag());
    write(&root, "mod/main.tf", GOOD);
    symlink(&outside, root.join("mod/out")); // a directory outside the tree
    symlink(outside.join("main.tf"), root.join("mod/linked.tf")); // a file outside
    symlink("main.tf", root.join("mod/alias.tf")); // a file inside
    symlink("loop2.tf", root.join("mod/loop1.tf")); // a loop
    symlink("loop1.tf", root.join("mod/loop2.tf"));
    symlink(".", root.join("mod/self")); // a directory loop
    symlink("..", root.join("mod/up"));
    symlink("nowhere.tf", root.join("mod/dangling.tf"));
    fs::create_dir_all(root.join("mod/x.tf")).unwrap(); // a directory named like a file

    let out = run(&root, &["--format", "compact", "."]);
    assert_eq!(
        (out.code, out.stdout.as_str(), out.stderr.as_str()),
        (0, "", "")
    );
    let summary = run(&root, &["."]).stdout;
    assert_eq!(summary, "No problems found (1 file in 1 module checked).\n");

    // A directory named like a file is a directory, even named on the command line.
    let out = run(&root, &["mod/x.tf"]);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (0, "No problems found (0 files in 0 modules checked).\n")
    );

    // A named file brings its directory's regular files only.
    let out = run(&root, &["mod/main.tf"]);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (0, "No problems found (1 file in 1 module checked).\n")
    );
}

#[cfg(unix)]
#[test]
fn symlinks_named_on_the_command_line_that_lead_nowhere_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "ok/main.tf", good_with_bad_flag());
    symlink("nowhere.tf", dir.path().join("dangling.tf"));
    symlink("loop2.tf", dir.path().join("loop1.tf"));
    symlink("loop1.tf", dir.path().join("loop2.tf"));
    let out = run(
        dir.path(),
        &["--format", "compact", "dangling.tf", "ok", "loop1.tf"],
    );
    assert_eq!(out.code, 2);
    // The rest of the run completes.
    assert_eq!(out.stdout, format!("ok/main.tf:13:35: {BAD_FLAG}\n"));
    assert_eq!(
        out.stderr,
        "tfblint: error: dangling.tf: no such file or directory\n\
         tfblint: error: loop1.tf: Too many levels of symbolic links (os error 40)\n"
    );
}

/// Makes a FIFO with the system's `mkfifo`, or says why not.
#[cfg(unix)]
fn mkfifo(path: &Path) -> bool {
    match Command::new("mkfifo").arg(path).status() {
        Ok(status) if status.success() => true,
        other => {
            println!("skipped: mkfifo failed: {other:?}");
            false
        }
    }
}

#[cfg(unix)]
#[test]
fn a_fifo_named_like_a_tf_file_never_blocks() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "mod/main.tf", good_with_bad_flag());
    if !mkfifo(&dir.path().join("mod/y.tf")) {
        return;
    }
    // Walking: skipped, as every file that is not a regular file.
    let (code, out) = compact(dir.path(), &["."]);
    assert_eq!((code, out), (1, format!("mod/main.tf:13:35: {BAD_FLAG}\n")));
    // Named beside another file: that file's module context skips it too.
    let (code, out) = compact(dir.path(), &["mod/main.tf"]);
    assert_eq!((code, out), (1, format!("mod/main.tf:13:35: {BAD_FLAG}\n")));
    // Named itself: an error, and the rest of the run completes.
    let out = run(dir.path(), &["--format", "compact", "mod/y.tf", "mod"]);
    assert_eq!(
        (out.code, out.stdout, out.stderr),
        (
            2,
            format!("mod/main.tf:13:35: {BAD_FLAG}\n"),
            "tfblint: error: mod/y.tf: not a regular file\n".to_string()
        )
    );
}

#[test]
fn a_file_that_disappears_between_walk_and_read_is_a_finding_and_the_rest_completes() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    write(&root, "a/backend.tf", good_with_bad_flag());
    write(&root, "a/gone.tf", "locals {}\n");
    write(&root, "b/main.tf", good_with_bad_flag());
    let exclude = globset::GlobSet::empty();
    let walker = tfblint::input::discover::Walker {
        cwd: &root,
        exclude: &exclude,
        respect_ignore_files: true,
    };
    let found = walker.discover(std::slice::from_ref(&root)).unwrap();
    assert!(found.errors.is_empty());
    fs::remove_file(root.join("a/gone.tf")).unwrap();
    let report = tfblint::linter::pipeline::run(&found.modules, &[], &Default::default());
    let got: Vec<_> = report
        .diagnostics
        .iter()
        .map(|d| {
            (
                d.code,
                d.file.as_str(),
                d.start.line,
                d.start.column,
                d.message.as_str(),
            )
        })
        .collect();
    let flag = "`skip_s3_checksum` is set to \"no\": Terraform cannot read \"no\" as a bool";
    assert_eq!(
        got,
        vec![
            ("TFB302", "a/backend.tf", 13, 35, flag),
            (
                "TFB001",
                "a/gone.tf",
                1,
                1,
                "cannot read file: no such file or directory"
            ),
            ("TFB302", "b/main.tf", 13, 35, flag),
        ]
    );
    assert_eq!(report.summary.files, 3);
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_is_a_finding_when_walked_and_an_error_when_named() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "mod/main.tf", good_with_bad_flag());
    let secret = write(dir.path(), "mod/secret.tf", "locals {}\n");
    fs::set_permissions(&secret, fs::Permissions::from_mode(0o000)).unwrap();
    if fs::read(&secret).is_ok() {
        println!("skipped: running as root");
        return;
    }
    let (code, out) = compact(dir.path(), &["."]);
    assert_eq!(
        (code, out),
        (
            1,
            format!(
                "mod/main.tf:13:35: {BAD_FLAG}\n\
                 mod/secret.tf:1:1: error[TFB001] cannot read file: permission denied\n"
            )
        )
    );
    let out = run(dir.path(), &["--format", "compact", "mod/secret.tf"]);
    assert_eq!(
        (out.code, out.stdout.as_str(), out.stderr.as_str()),
        (2, "", "tfblint: error: mod/secret.tf: permission denied\n")
    );
}

#[test]
fn a_nonexistent_path_beside_good_ones_is_an_error_and_the_rest_completes() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a/main.tf", good_with_bad_flag());
    write(dir.path(), "b/main.tf", good_with_bad_flag());
    let out = run(
        dir.path(),
        &[
            "--format",
            "compact",
            "a",
            "missing",
            "b/main.tf",
            "gone.tf",
        ],
    );
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stdout,
        format!("a/main.tf:13:35: {BAD_FLAG}\nb/main.tf:13:35: {BAD_FLAG}\n")
    );
    assert_eq!(
        out.stderr,
        "tfblint: error: missing: no such file or directory\n\
         tfblint: error: gone.tf: no such file or directory\n"
    );
}

/// Linux only: other systems' file systems may refuse such names.
#[cfg(target_os = "linux")]
#[test]
fn file_names_with_a_line_break_or_invalid_utf8_keep_one_line_per_finding() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    // Two modules, so that each file's backend is the only one in its module.
    write(dir.path(), "m2/b\nc.tf", good_with_bad_flag());
    fs::create_dir_all(dir.path().join("m1")).unwrap();
    let invalid = dir.path().join("m1").join(OsStr::from_bytes(b"a\xff.tf"));
    fs::write(invalid, good_with_bad_flag()).unwrap();
    let (code, out) = compact(dir.path(), &["."]);
    assert_eq!(
        (code, out),
        (
            1,
            format!("m1/a\u{fffd}.tf:13:35: {BAD_FLAG}\nm2/b\\nc.tf:13:35: {BAD_FLAG}\n")
        )
    );
    // The JSON format keeps the name as it is (decoded lossily when it is not UTF-8).
    let (_, found) = json(dir.path(), &["."]);
    let files: Vec<&str> = found.iter().map(|f| f.file.as_str()).collect();
    assert_eq!(files, ["m1/a\u{fffd}.tf", "m2/b\nc.tf"]);
}

// ---- Output ----------------------------------------------------------------------------------

/// Linux only: writes to `/dev/full` fail with "No space left on device".
#[cfg(target_os = "linux")]
#[test]
fn output_that_cannot_be_written_is_an_error_not_a_silent_loss_or_a_panic() {
    use std::process::Stdio;
    let full = || Stdio::from(fs::File::options().write(true).open("/dev/full").unwrap());
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "main.tf", good_with_bad_flag());

    let tfblint = || {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_tfblint"));
        cmd.current_dir(dir.path());
        cmd
    };
    let out = tfblint()
        .args(["--format", "json", "."])
        .stdout(full())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "tfblint: error: cannot write the output: No space left on device (os error 28)\n"
    );

    // An error message that cannot be written: still exit 2, not a panic (101).
    let out = tfblint()
        .args(["missing.tf"])
        .stderr(full())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn snippets_never_print_control_characters_or_bidi_overrides() {
    let dir = tempfile::tempdir().unwrap();
    // An escape sequence and a right-to-left override in a string, then a syntax error.
    write(
        dir.path(),
        "a.tf",
        in_scope("locals {\n  a = \"\u{1b}[31mred\u{1b}[0m \u{202e}evil\u{7}\" x\n}\n"),
    );
    // Lone carriage returns are no line breaks (HCL rejects them).
    write(
        dir.path(),
        "b.tf",
        "terraform {\r  backend \"s3\" {\r  }\r}\r",
    );
    let (code, out) = compact(dir.path(), &["."]);
    assert_eq!(
        (code, out.as_str()),
        (
            1,
            "a.tf:4:29: error[TFB001] expected newline or eof\n\
             b.tf:1:12: error[TFB001] invalid block body; expected `}`, newline or identifier\n"
        )
    );
    let human = run(dir.path(), &["--color", "never", "."]).stdout;
    for c in ['\u{1b}', '\u{202e}', '\u{7}', '\r'] {
        assert!(!human.contains(c), "{c:?} printed:\n{human}");
    }
    // Replaced one for one, so the snippet's lines and the label's place stay right.
    assert!(
        human.contains(" 4 │   a = \"?[31mred?[0m \u{fffd}evil?\" x\n"),
        "{human}"
    );
    assert!(
        human.contains(" 1 │ terraform {?  backend \"s3\" {?  }?}?\n"),
        "{human}"
    );
}
