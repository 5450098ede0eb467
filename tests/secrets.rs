//! Secrets never appear in any output format: not in messages, not in snippets, not in
//! machine formats. Each fixture below holds fake secrets that rules report.

mod common;

use common::{repo, run};

const HEX: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

/// The fixtures, each with the fake secret values written in it.
fn cases() -> Vec<(&'static str, Vec<String>)> {
    vec![
        (
            "fixtures/rules/TFB402/fires-variable-default",
            vec![format!("dop_v1_{HEX}")],
        ),
        (
            "fixtures/rules/TFB402/fires-provider-literals",
            vec![
                format!("dop_v1_{HEX}"),
                "EXAMPLESPACESKEY0001".to_string(),
                "example/spaces/secret/never/print/abcdefghij".to_string(),
            ],
        ),
        (
            "fixtures/rules/TFB402/fires-anywhere",
            vec![
                format!("dop_v1_{HEX}"),
                format!("doo_v1_{HEX}"),
                format!("dor_v1_{HEX}"),
            ],
        ),
        (
            "fixtures/rules/TFB402/fires-in-tfbackend",
            vec![format!("dop_v1_{HEX}")],
        ),
        (
            "fixtures/rules/TFB206/fires-credentials",
            vec!["EXAMPLEUSERINFOKEY0001:example-userinfo-secret-never-print".to_string()],
        ),
    ]
}

/// Every 12-character piece of `secret`.
fn pieces(secret: &str) -> Vec<&str> {
    let chars: Vec<(usize, char)> = secret.char_indices().collect();
    (0..chars.len().saturating_sub(11))
        .map(|i| {
            let start = chars[i].0;
            let end = chars.get(i + 12).map_or(secret.len(), |c| c.0);
            &secret[start..end]
        })
        .collect()
}

#[test]
fn no_secret_or_piece_of_one_appears_in_any_format() {
    for (fixture, secrets) in cases() {
        // The fixture does hold its secrets, and a rule does report on them.
        let text: String = std::fs::read_dir(repo().join(fixture))
            .unwrap()
            .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
            .collect();
        for secret in &secrets {
            assert!(text.contains(secret.as_str()), "{fixture} lacks {secret}");
        }
        for format in common::formats() {
            let format = format.as_str();
            let out = run(&repo(), &["--format", format, "--color", "never", fixture]);
            assert_eq!(out.code, 1, "{fixture} --format {format}: {}", out.stderr);
            assert!(
                out.stdout.contains("TFB402") || out.stdout.contains("TFB206"),
                "{fixture} --format {format} reports nothing:\n{}",
                out.stdout
            );
            let all = format!("{}{}", out.stdout, out.stderr);
            for secret in &secrets {
                for piece in pieces(secret) {
                    assert!(
                        !all.contains(piece),
                        "{fixture} --format {format} shows `{piece}` of a secret:\n{all}"
                    );
                }
            }
        }
    }
}

#[test]
fn pieces_cover_the_whole_secret() {
    assert_eq!(
        pieces("abcdefghijklm"),
        vec!["abcdefghijkl", "bcdefghijklm"]
    );
    assert!(pieces("short").is_empty());
}
