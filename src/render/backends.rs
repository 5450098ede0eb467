//! `tfblint backends`: the inventory of s3 configurations, as a table or as JSON.

use serde::Serialize;

use crate::linter::BackendRow;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    backends: Vec<JsonRow<'a>>,
}

#[derive(Serialize)]
struct JsonRow<'a> {
    module: &'a str,
    store: &'a str,
    endpoint: Option<&'a str>,
    bucket: Option<&'a str>,
    key: Option<&'a str>,
    region: Option<&'a str>,
    locking: &'a str,
    files: &'a [String],
    shares_state_with: &'a [String],
}

/// `{"version": 1, "backends": [{"module": …, "store": …, …}, …]}`.
pub fn json(rows: &[BackendRow]) -> String {
    let doc = Document {
        version: 1,
        backends: rows
            .iter()
            .map(|r| JsonRow {
                module: &r.module,
                store: r.store,
                endpoint: r.endpoint.as_deref(),
                bucket: r.bucket.as_deref(),
                key: r.key.as_deref(),
                region: r.region.as_deref(),
                locking: r.locking.as_str(),
                files: &r.files,
                shares_state_with: &r.shares_state_with,
            })
            .collect(),
    };
    let mut out = serde_json::to_string_pretty(&doc).expect("serialising plain data cannot fail");
    out.push('\n');
    out
}

/// A table for people: one row per configuration, `-` for a value that is absent or an
/// expression, then a count.
pub fn table(rows: &[BackendRow]) -> String {
    const HEADER: [&str; 9] = [
        "MODULE",
        "STORE",
        "ENDPOINT",
        "BUCKET",
        "KEY",
        "REGION",
        "LOCKING",
        "SHARES STATE WITH",
        "FILES",
    ];
    let cells: Vec<[String; 9]> = rows
        .iter()
        .map(|r| {
            let or_dash = |v: &Option<String>| v.as_deref().map_or("-".into(), clean);
            [
                clean(&r.module),
                r.store.to_string(),
                or_dash(&r.endpoint),
                or_dash(&r.bucket),
                or_dash(&r.key),
                or_dash(&r.region),
                r.locking.as_str().to_string(),
                if r.shares_state_with.is_empty() {
                    "-".into()
                } else {
                    clean(&r.shares_state_with.join(", "))
                },
                r.files
                    .iter()
                    .map(|f| clean(f))
                    .collect::<Vec<_>>()
                    .join(", "),
            ]
        })
        .collect();
    let mut widths = HEADER.map(|h| h.chars().count());
    for row in &cells {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: &[String]| {
        let mut text = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            if i + 1 == cells.len() {
                text.push_str(cell);
            } else {
                text.push_str(&format!("{cell:<w$}  "));
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(&HEADER.map(String::from));
    for row in &cells {
        line(row);
    }
    let modules = {
        let mut m: Vec<&str> = rows.iter().map(|r| r.module.as_str()).collect();
        m.dedup();
        m.len()
    };
    out.push_str(&format!(
        "\n{} s3 configuration{} in {} module{}.\n",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" },
        modules,
        if modules == 1 { "" } else { "s" },
    ));
    out
}

/// No control characters in a table cell (a file name or value can hold any).
fn clean(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect()
}
