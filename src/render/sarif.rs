//! SARIF 2.1.0, the format GitHub code scanning ingests.
//!
//! One run whose driver lists every rule of the registry (so `ruleIndex` points into it), and one
//! result per diagnostic. Locations are relative to `%SRCROOT%` (the repository root for code
//! scanning); columns are Unicode code points (`columnKind: unicodeCodePoints`), 1-based, with
//! an exclusive end, which is exactly how [`Position`](crate::diagnostic::Position) counts.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Report, Severity};
use crate::rules::{doc_url, Rule, RULES};

const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const SARIF_VERSION: &str = "2.1.0";
/// The base every relative artifact URI resolves against.
const SRCROOT: &str = "%SRCROOT%";
/// The key of our entry in `partialFingerprints`.
const FINGERPRINT_KEY: &str = "tfblintFingerprint/v1";

/// The tool's home page: the crate's `repository`, else its `homepage`, else the project site.
const INFORMATION_URI: &str = {
    let repository = env!("CARGO_PKG_REPOSITORY");
    let homepage = env!("CARGO_PKG_HOMEPAGE");
    if !repository.is_empty() {
        repository
    } else if !homepage.is_empty() {
        homepage
    } else {
        "https://github.com/tfblint/tfblint"
    }
};

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'static str,
    information_uri: &'static str,
    rules: Vec<ReportingDescriptor<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor<'a> {
    id: &'a str,
    name: &'a str,
    short_description: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    full_description: Option<Text>,
    help_uri: String,
    help: Help<'a>,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help<'a> {
    text: String,
    markdown: &'a str,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Text,
    locations: [Location; 1],
    partial_fingerprints: BTreeMap<&'static str, String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

/// Renders the report as a pretty-printed SARIF 2.1.0 log and a newline.
pub fn render(report: &Report) -> String {
    let fingerprints = super::gitlab::fingerprints(report);
    let results = report
        .diagnostics
        .iter()
        .zip(fingerprints)
        .map(|(d, fingerprint)| result(d, fingerprint))
        .collect();
    let log = Log {
        schema: SCHEMA_URI,
        version: SARIF_VERSION,
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "tfblint",
                    version: env!("CARGO_PKG_VERSION"),
                    information_uri: INFORMATION_URI,
                    rules: RULES.iter().map(|rule| descriptor(rule)).collect(),
                },
            },
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    let mut out = serde_json::to_string_pretty(&log).expect("SARIF log serializes to JSON");
    out.push('\n');
    out
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn descriptor(rule: &Rule) -> ReportingDescriptor<'_> {
    let url = doc_url(rule.code);
    ReportingDescriptor {
        id: rule.code,
        name: rule.name,
        short_description: Text {
            text: rule.summary.to_string(),
        },
        full_description: what_it_does(rule.doc).map(|text| Text { text }),
        help: Help {
            text: format!("{}\n\nSee {url}", rule.summary),
            markdown: rule.doc,
        },
        help_uri: url,
        default_configuration: Configuration {
            level: level(rule.severity),
        },
    }
}

/// The body of the document's `## What it does` section, trimmed; `None` when absent or empty.
fn what_it_does(doc: &str) -> Option<String> {
    let mut lines = doc
        .lines()
        .skip_while(|l| l.trim_end() != "## What it does");
    lines.next()?;
    let body: Vec<&str> = lines
        .take_while(|l| !l.starts_with("## "))
        .map(str::trim_end)
        .collect();
    let body = body.join("\n");
    let body = body.trim();
    (!body.is_empty()).then(|| body.to_string())
}

fn result(d: &Diagnostic, fingerprint: String) -> SarifResult<'_> {
    let mut text = d.message.clone();
    if let Some(help) = &d.help {
        text.push_str("\nhelp: ");
        text.push_str(help);
    }
    let (uri, uri_base_id) = artifact_uri(&d.file);
    SarifResult {
        rule_id: d.code,
        rule_index: RULES.iter().position(|r| r.code == d.code),
        level: level(d.severity),
        message: Text { text },
        locations: [Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation { uri, uri_base_id },
                region: region(d),
            },
        }],
        partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, fingerprint)]),
    }
}

/// A region the schema accepts (every number ≥ 1) that never ends before it starts. A zero-width
/// span keeps `endColumn == startColumn`, which SARIF reads as an insertion point.
fn region(d: &Diagnostic) -> Region {
    let start_line = d.start.line.max(1);
    let start_column = d.start.column.max(1);
    let end_line = d.end.line.max(start_line);
    let end_column = if end_line == start_line {
        d.end.column.max(start_column)
    } else {
        d.end.column.max(1)
    };
    Region {
        start_line,
        start_column,
        end_line,
        end_column,
    }
}

/// The artifact URI of a displayed path: relative paths become percent-encoded URI references
/// against `%SRCROOT%`; absolute paths (files outside the working directory) become `file:` URIs.
fn artifact_uri(file: &str) -> (String, Option<&'static str>) {
    let path = file.replace('\\', "/");
    if let Some(rest) = path.strip_prefix('/') {
        return (format!("file:///{}", percent_encode(rest)), None);
    }
    let bytes = path.as_bytes();
    if bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' {
        // A Windows drive path, `C:/…`; the drive's colon stays literal.
        let rest = path[2..].trim_start_matches('/');
        return (
            format!("file:///{}:/{}", &path[..1], percent_encode(rest)),
            None,
        );
    }
    let mut relative = path.as_str();
    while let Some(rest) = relative.strip_prefix("./") {
        relative = rest;
    }
    (percent_encode(relative), Some(SRCROOT))
}

/// Percent-encodes (RFC 3986, upper-case hex) every byte outside the unreserved set and `/`.
fn percent_encode(path: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(path.len());
    for &b in path.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0x0f)]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_uris() {
        assert_eq!(
            artifact_uri("envs/prod/backend.tf"),
            ("envs/prod/backend.tf".to_string(), Some(SRCROOT))
        );
        assert_eq!(
            artifact_uri("./a b/ü%#?.tf"),
            ("a%20b/%C3%BC%25%23%3F.tf".to_string(), Some(SRCROOT))
        );
        assert_eq!(
            artifact_uri(r"envs\dev\main.tf"),
            ("envs/dev/main.tf".to_string(), Some(SRCROOT))
        );
        assert_eq!(
            artifact_uri("/tmp/x y/main.tf"),
            ("file:///tmp/x%20y/main.tf".to_string(), None)
        );
        assert_eq!(
            artifact_uri(r"C:\work\main.tf"),
            ("file:///C:/work/main.tf".to_string(), None)
        );
    }

    #[test]
    fn extracts_what_it_does() {
        let doc = "# X\n\n## What it does\n\nChecks things.\nTwo lines.\n\n## Why\n\nNo.\n";
        assert_eq!(
            what_it_does(doc).as_deref(),
            Some("Checks things.\nTwo lines.")
        );
        assert_eq!(what_it_does("# X\n\n## Why\n"), None);
        assert_eq!(what_it_does("## What it does\n\n## Why\n"), None);
    }
}
