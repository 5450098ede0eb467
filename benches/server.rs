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

fn main() {
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
