//! The fuzz target's checks (`fuzz/src/lib.rs`) on stable Rust: every fixture, every saved
//! regression input under `tests/regressions/`, and deterministic mutations of them (bit
//! flips, interesting bytes, HCL tokens inserted, ranges deleted or repeated, truncations,
//! splices between inputs).
//!
//! `TFBLINT_FUZZ_ITERATIONS` sets the number of mutated inputs (default 800, about ten
//! seconds in a debug build); `TFBLINT_FUZZ_SEED` the first seed. A failing input is written to
//! `target/fuzz-smoke-failure.bin` for `tests/regressions/`.

#[allow(dead_code)]
#[path = "../fuzz/src/lib.rs"]
mod fuzz_check;
#[path = "common/mutate.rs"]
mod mutate;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use fuzz_check::{check, check_init, INIT_FORMATS, INIT_KINDS, INIT_SEPARATOR, SEPARATOR};
use mutate::{fail, mutate, settings, Rng, Vocabulary};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Every fixture file, each module's `.tf` files joined with its `.tfbackend` file, and every
/// saved regression input.
fn seeds() -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    files_under(&repo().join("fixtures"), &mut files);
    let mut seeds: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|p| (p.display().to_string(), std::fs::read(p).unwrap()))
        .collect();
    for backend in files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "tfbackend"))
    {
        let mut joined = Vec::new();
        for tf in files
            .iter()
            .filter(|p| p.parent() == backend.parent() && p.extension().is_some_and(|e| e == "tf"))
        {
            joined.extend(std::fs::read(tf).unwrap());
        }
        joined.extend_from_slice(SEPARATOR);
        joined.extend(std::fs::read(backend).unwrap());
        seeds.push((format!("{} (joined)", backend.display()), joined));
    }
    // Each file that runs `terraform init` under fixtures/init, after its fixture's module.
    for source in files
        .iter()
        .filter(|p| p.starts_with(repo().join("fixtures/init")))
    {
        let Some(kind) = tfblint::input::init::source_kind(source)
            .and_then(|k| INIT_KINDS.iter().position(|(kind, _)| *kind == k))
        else {
            continue;
        };
        let fixture = source
            .ancestors()
            .find(|a| a.parent() == Some(&repo().join("fixtures/init")))
            .unwrap();
        let mut joined = Vec::new();
        for tf in files
            .iter()
            .filter(|p| p.starts_with(fixture) && p.extension().is_some_and(|e| e == "tf"))
            .take(1)
        {
            joined.extend(std::fs::read(tf).unwrap());
        }
        joined.extend_from_slice(INIT_SEPARATOR);
        joined.push(kind as u8);
        joined.extend(std::fs::read(source).unwrap());
        seeds.push((format!("{} (init)", source.display()), joined));
    }
    let mut regressions = Vec::new();
    files_under(&repo().join("tests/regressions"), &mut regressions);
    seeds.extend(
        regressions
            .iter()
            .map(|p| (p.display().to_string(), std::fs::read(p).unwrap())),
    );
    seeds
}

/// Runs `check` on a thread with the pipeline's stack (tests run on 2 MiB threads), and
/// saves the input if it fails.
fn run_check(name: &str, data: &[u8]) {
    run_with(name, data, check)
}

/// Runs `target` on `data` as [`run_check`] runs `check`.
fn run_with(name: &str, data: &[u8], target: impl Fn(&[u8]) + Send + 'static) {
    let owned = data.to_vec();
    let outcome = std::thread::Builder::new()
        .stack_size(tfblint::linter::pipeline::WORKER_STACK_BYTES)
        .spawn(move || catch_unwind(AssertUnwindSafe(|| target(&owned))))
        .unwrap()
        .join()
        .unwrap();
    if let Err(panic) = outcome {
        fail(name, data, panic, "fuzz-smoke-failure.bin");
    }
}

const INTERESTING: &[u8] = b"\"{}[]()$%=\n\r\t\0\xff\xfe#/*\\<>-:,.";

const TOKENS: &[&str] = &[
    "${",
    "%{",
    "}",
    "{",
    "\"",
    "<<EOT\n",
    "<<-EOT\n",
    "\nEOT\n",
    "/*",
    "*/",
    "//",
    "#",
    "\r\n",
    "\u{feff}",
    "é",
    "🎉",
    "\u{200b}",
    "backend \"s3\" {\n",
    "terraform {\n",
    "required_version = \"~> 1.11\"\n",
    "required_version = \">= 1.0, < 2\"\n",
    "use_lockfile = true\n",
    "skip_s3_checksum = \"false\"\n",
    "endpoints = { s3 = \"https://nyc3.digitaloceanspaces.com\" }\n",
    "endpoint = \"https://fra1.digitaloceanspaces.com\"\n",
    "region = \"nyc3\"\n",
    "access_key = \"AKIAEXAMPLEKEY12345\"\n",
    "token = \"dop_v1_0123456789abcdef\"\n",
    "sse_customer_key = \"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=\"\n",
    "var.x",
    "lower(\"X\")",
    "[for x in y : x]",
    " ? ",
    " : ",
    " + ",
    "null",
    "1e400",
    "-0",
    "\n#---tfbackend---\n",
    "\n#---init---\n",
    " -backend-config=",
    "\"secret_key=SECRETVALUE0123456789\"",
    "terraform init ",
    "tofu -chdir=infra init ",
    "cd infra && ",
    "${{ secrets.X }}",
    " \\\n",
    "      - run: |\n",
    "key=a/b.tfstate ",
    "endpoints={s3=\"http://x\"} ",
];

const VOCABULARY: Vocabulary = Vocabulary {
    interesting: INTERESTING,
    tokens: TOKENS,
};

#[test]
fn every_fixture_and_regression_input_passes_the_fuzz_checks() {
    let seeds = seeds();
    assert!(seeds.len() > 50, "fixtures found: {}", seeds.len());
    let init = seeds.iter().filter(|(n, _)| n.ends_with("(init)")).count();
    assert!(init >= 12, "init sources found under fixtures/init: {init}");
    for (name, data) in &seeds {
        run_check(name, data);
    }
}

#[test]
fn mutated_fixtures_pass_the_fuzz_checks() {
    let seeds = seeds();
    let (iterations, mut rng) = settings(800, 0x7f6b_1e57);
    for i in 0..iterations {
        let (name, seed) = &seeds[rng.below(seeds.len())];
        let mut input = seed.clone();
        mutate(&mut rng, &mut input, &seeds, |(_, b)| b, &VOCABULARY);
        run_check(&format!("mutation {i} of {name}"), &input);
    }
}

/// Each init-source format's own fuzz target (`fuzz/fuzz_targets/init_*.rs`, listed in
/// `INIT_FORMATS`): its checks on every file of that format under `fixtures/`, then on
/// deterministic mutations of them (`TFBLINT_FUZZ_INIT_ITERATIONS` each, default 40).
#[test]
fn every_init_format_target_passes_its_checks() {
    let mut files = Vec::new();
    files_under(&repo().join("fixtures"), &mut files);
    let manifest = std::fs::read_to_string(repo().join("fuzz/Cargo.toml")).unwrap();
    let iterations: usize = std::env::var("TFBLINT_FUZZ_INIT_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(40);
    for (index, (kind, _, target)) in INIT_FORMATS.into_iter().enumerate() {
        let file = repo().join(format!("fuzz/fuzz_targets/{target}.rs"));
        assert!(file.exists(), "{kind:?}: no {}", file.display());
        assert!(
            manifest.contains(&format!("name = \"{target}\"")),
            "{target} not in fuzz/Cargo.toml"
        );
        let seeds: Vec<(String, Vec<u8>)> = files
            .iter()
            .filter(|p| tfblint::input::init::source_kind(p) == Some(kind))
            .map(|p| (p.display().to_string(), std::fs::read(p).unwrap()))
            .collect();
        assert!(!seeds.is_empty(), "{kind:?}: no fixture of this format");
        for (name, data) in &seeds {
            run_with(name, data, move |d| check_init(kind, d));
        }
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ (index as u64 + 1));
        for i in 0..iterations {
            let mut input = seeds[rng.below(seeds.len())].1.clone();
            mutate(&mut rng, &mut input, &seeds, |(_, b)| b, &VOCABULARY);
            run_with(&format!("{target} mutation {i}"), &input, move |d| {
                check_init(kind, d)
            });
        }
    }
}
