//! GitLab Code Quality report: a JSON array of issues, shown in merge-request widgets.
//!
//! Each issue carries a fingerprint that GitLab uses to match findings between the source and
//! target branches. It hashes the rule code, the file, the message and the trimmed text of the
//! line the finding starts on, but not the line number, so it survives unrelated edits that
//! shift lines. Findings that would hash alike get an occurrence counter mixed in, so every
//! fingerprint in one report is distinct.

use std::collections::HashSet;

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Report, Severity};

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'a str,
    fingerprint: String,
    severity: &'static str,
    location: Location,
}

#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
    end: usize,
}

/// Renders the report as a pretty-printed JSON array (`[]` for a clean run) and a newline.
pub fn render(report: &Report) -> String {
    let fingerprints = fingerprints(report);
    let issues: Vec<Issue<'_>> = report
        .diagnostics
        .iter()
        .zip(fingerprints)
        .map(|(d, fingerprint)| Issue {
            description: format!("{} {}", d.code, d.message),
            check_name: d.code,
            fingerprint,
            severity: match d.severity {
                Severity::Error => "major",
                Severity::Warning => "minor",
            },
            location: Location {
                path: d.file.replace('\\', "/"),
                lines: Lines {
                    begin: d.start.line,
                    end: d.end.line.max(d.start.line),
                },
            },
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&issues).expect("issues serialize to JSON");
    out.push('\n');
    out
}

/// One stable, distinct fingerprint (16 lowercase hex digits) per diagnostic, in report order.
///
/// Shared with the SARIF renderer's `partialFingerprints`.
pub(crate) fn fingerprints(report: &Report) -> Vec<String> {
    let mut seen = HashSet::new();
    report
        .diagnostics
        .iter()
        .map(|d| {
            let base = fingerprint_input(report, d);
            let mut hash = fnv1a64(&base);
            let mut occurrence = 1u64;
            while !seen.insert(hash) {
                let mut salted = base.clone();
                salted.push(0);
                salted.extend_from_slice(occurrence.to_string().as_bytes());
                hash = fnv1a64(&salted);
                occurrence += 1;
            }
            format!("{hash:016x}")
        })
        .collect()
}

/// The bytes hashed for one diagnostic: code, path, message and the trimmed starting line,
/// separated by NUL bytes.
fn fingerprint_input(report: &Report, d: &Diagnostic) -> Vec<u8> {
    let mut input = Vec::new();
    input.extend_from_slice(d.code.as_bytes());
    input.push(0);
    input.extend_from_slice(d.file.replace('\\', "/").as_bytes());
    input.push(0);
    input.extend_from_slice(d.message.as_bytes());
    input.push(0);
    if let Some(source) = report.sources.get(&d.file) {
        input.extend_from_slice(line_at(source.as_bytes(), d.span.start));
    }
    input
}

/// The line of `text` containing byte `offset`, without its line ending and surrounding
/// whitespace (so re-indenting does not change fingerprints).
fn line_at(text: &[u8], offset: usize) -> &[u8] {
    let offset = offset.min(text.len());
    let start = text[..offset]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let end = text[offset..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(text.len(), |i| offset + i);
    text[start..end].trim_ascii()
}

/// 64-bit FNV-1a.
fn fnv1a64(bytes: &[u8]) -> u64 {
    const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes.iter().fold(OFFSET_BASIS, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(PRIME)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a64_matches_reference_vectors() {
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn line_at_finds_the_trimmed_line() {
        let text = b"a = 1\n  b = 2\r\nc";
        assert_eq!(line_at(text, 0), b"a = 1");
        assert_eq!(line_at(text, 5), b"a = 1");
        assert_eq!(line_at(text, 8), b"b = 2");
        assert_eq!(line_at(text, 15), b"c");
        assert_eq!(line_at(text, 99), b"c");
        assert_eq!(line_at(b"", 0), b"");
    }
}
