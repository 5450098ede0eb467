//! The language server's latency and memory, end to end over stdio:
//!
//! ```sh
//! cargo bench --bench server                      # 1,000 timed edits, 10,000 for memory
//! TFBLINT_BENCH_EDITS=200 cargo bench --bench server
//! ```
//!
//! A module of 20 files in a temporary directory (one `main.tf` of 200 lines with the backend
//! block, `versions.tf`, and 18 files of resources, variables and outputs); `main.tf` is open.
//! Each edit is one incremental `didChange` (the bucket's name), timed from the write of the
//! notification to the read of the `publishDiagnostics` for that version. Then 10,000 more
//! edits, with the server's resident memory read from `/proc` before and after. Then a burst:
//! 1,000 edits written at once, and how many lints it took.
//!
//! `TFBLINT_BENCH_REPO=DIR cargo bench --bench server` instead times opening files of a big
//! repository whose CI passes settings at init (see `open_in_repo`).

#[path = "../tests/common/lsp.rs"]
mod lsp;

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use serde_json::{json, Value};

use lsp::Lsp;

/// `main.tf`: the backend block, then resources up to 200 lines.
fn main_tf() -> String {
    let mut text = String::from(concat!(
        "terraform {\n",
        "  backend \"s3\" {\n",
        "    endpoints = { s3 = \"https://nyc3.digitaloceanspaces.com\" }\n",
        "    bucket    = \"acme-tfstate\"\n",
        "    key       = \"prod/terraform.tfstate\"\n",
        "\n",
        "    skip_credentials_validation = true\n",
        "    skip_requesting_account_id  = true\n",
        "    skip_metadata_api_check     = true\n",
        "    skip_region_validation      = true\n",
        "    skip_s3_checksum            = true\n",
        "    region                      = \"us-east-1\"\n",
        "    use_lockfile                = true\n",
        "  }\n",
        "}\n",
    ));
    let mut i = 0;
    while text.lines().count() < 193 {
        let _ = write!(
            text,
            "\nresource \"digitalocean_droplet\" \"web_{i}\" {{\n  name   = \"web-{i}\"\n  size   = var.size\n  image  = \"ubuntu-24-04-x64\"\n  region = var.region\n  tags   = [for t in var.tags : lower(t)]\n}}\n"
        );
        i += 1;
    }
    while text.lines().count() < 200 {
        text.push_str("# -\n");
    }
    text
}

fn module(dir: &Path) {
    std::fs::write(dir.join("main.tf"), main_tf()).unwrap();
    std::fs::write(
        dir.join("versions.tf"),
        "terraform {\n  required_version = \"~> 1.11\"\n}\n",
    )
    .unwrap();
    for n in 0..18 {
        let mut text = String::new();
        for i in 0..12 {
            let _ = write!(
                text,
                "variable \"v{n}_{i}\" {{\n  type    = string\n  default = \"x\"\n}}\n\noutput \"o{n}_{i}\" {{\n  value = var.v{n}_{i}\n}}\n\n"
            );
        }
        std::fs::write(dir.join(format!("file{n:02}.tf")), text).unwrap();
    }
}

fn edit(lsp: &mut Lsp, uri: &str, version: i32) {
    // Line 3 (0-based): `    bucket    = "acme-tfstate"`; the name's last 6 characters.
    let name = format!("{:06}", version % 1_000_000);
    lsp.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{
                "range": {"start": {"line": 3, "character": 22}, "end": {"line": 3, "character": 28}},
                "text": name,
            }],
        }),
    );
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let at = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[at]
}

/// With `TFBLINT_BENCH_REPO=DIR` (a repository, such as `benches/ci_repo.py` makes): the
/// server started at its root, the time from `didOpen` of a file to its first diagnostics,
/// for the first file opened (the repository is listed for init sources) and for a file of
/// another module (where they are is known), then after a save of the second.
fn open_in_repo(repo: &Path) {
    let workflow = std::fs::read_to_string(repo.join(".github/workflows/plan.yml")).unwrap();
    let modules: Vec<&str> = workflow
        .lines()
        .filter_map(|l| l.split("-chdir=").nth(1)?.split(' ').next())
        .collect();
    assert!(modules.len() >= 2, "the workflow pairs modules");
    let file = |m: &str| {
        let dir = repo.join(m);
        let mut tf: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "tf"))
            .collect();
        tf.sort();
        tf[0].clone()
    };
    let (mut lsp, _) = Lsp::initialized(repo, json!({}), Value::Null);
    let mut opened = Vec::new();
    for m in [modules[0], modules[modules.len() / 2]] {
        let path = file(m);
        let text = std::fs::read_to_string(&path).unwrap();
        let started = Instant::now();
        let uri = lsp.open(&path, &text);
        lsp.diagnostics(&uri);
        opened.push((uri, started.elapsed().as_secs_f64() * 1000.0));
    }
    let uri = opened[1].0.clone();
    let started = Instant::now();
    lsp.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": uri}}),
    );
    // Diagnostics are published only when they change: a request round trip marks the end.
    lsp.sync();
    let saved = started.elapsed().as_secs_f64() * 1000.0;
    assert!(lsp.shutdown().success());
    println!("| measure ({}) | value |", repo.display());
    println!("| --- | --- |");
    println!(
        "| didOpen → publishDiagnostics, first file of the repository | {:.1} ms |",
        opened[0].1
    );
    println!(
        "| didOpen → publishDiagnostics, a file of another module | {:.1} ms |",
        opened[1].1
    );
    println!("| didSave handled (its module's partners read again) | {saved:.1} ms |");
}

fn main() {
    if let Some(repo) = std::env::var_os("TFBLINT_BENCH_REPO") {
        open_in_repo(Path::new(&repo));
        return;
    }
    // `cargo bench` passes `--bench`; nothing else is understood.
    let edits: usize = std::env::var("TFBLINT_BENCH_EDITS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1000);
    let dir = tempfile::tempdir().unwrap();
    module(dir.path());
    let main = dir.path().join("main.tf");
    let (mut lsp, _) = Lsp::initialized(dir.path(), json!({}), Value::Null);
    let uri = lsp.open(&main, &std::fs::read_to_string(&main).unwrap());
    let first = lsp.diagnostics(&uri);
    assert_eq!(first["diagnostics"], json!([]), "the module is clean");

    let mut version = 1;
    let mut times = Vec::with_capacity(edits);
    for _ in 0..edits {
        version += 1;
        let started = Instant::now();
        edit(&mut lsp, &uri, version);
        let published = lsp.diagnostics(&uri);
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(published["version"], version);
    }
    times.sort_by(|a, b| a.total_cmp(b));

    let rss_before = lsp.rss_kib();
    for _ in 0..10_000 {
        version += 1;
        edit(&mut lsp, &uri, version);
        lsp.diagnostics(&uri);
    }
    let rss_after = lsp.rss_kib();

    // A burst: 1,000 edits in one write.
    let mut burst = Vec::new();
    let start_version = version;
    for _ in 0..1000 {
        version += 1;
        let name = format!("{:06}", version % 1_000_000);
        burst.extend(lsp::frame(&json!({
            "jsonrpc": "2.0", "method": "textDocument/didChange",
            "params": {"textDocument": {"uri": uri, "version": version},
                       "contentChanges": [{"range": {"start": {"line": 3, "character": 22},
                                                     "end": {"line": 3, "character": 28}},
                                           "text": name}]},
        })));
    }
    let started = Instant::now();
    lsp.write_raw(&burst);
    let mut lints = 0;
    loop {
        let published = lsp.diagnostics(&uri);
        lints += 1;
        if published["version"] == version {
            break;
        }
    }
    let burst_ms = started.elapsed().as_secs_f64() * 1000.0;
    assert!(version > start_version);
    let status = lsp.shutdown();
    assert!(status.success());

    let lines = main_tf().lines().count();
    let kib = |k: Option<u64>| {
        k.map_or("n/a".to_string(), |k| {
            format!("{:.1} MiB", k as f64 / 1024.0)
        })
    };
    println!("| measure | value |");
    println!("| --- | --- |");
    println!(
        "| didChange → publishDiagnostics, median ({edits} edits, {lines}-line file, 20-file module) | {:.2} ms |",
        percentile(&times, 0.5)
    );
    println!(
        "| p90 / p99 | {:.2} ms / {:.2} ms |",
        percentile(&times, 0.9),
        percentile(&times, 0.99)
    );
    println!(
        "| resident memory after {edits} edits / after 10,000 more | {} / {} |",
        kib(rss_before),
        kib(rss_after)
    );
    println!("| burst of 1,000 edits in one write: lints, time to the last version | {lints}, {burst_ms:.1} ms |");
}
