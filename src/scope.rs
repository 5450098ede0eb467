//! Which files can hold anything a rule looks at, decided by a byte scan before parsing.
//!
//! Every rule reads only: `terraform` blocks (backends, `required_version`), `provider
//! "digitalocean"` blocks, DigitalOcean API tokens in string literals, and `*.tfbackend` files.
//! A `.tf`/`.tofu` file whose bytes contain none of [`NEEDLES`] has none of those, so it is not
//! parsed: a syntax error in it is out of tfblint's scope (`terraform validate` reports it).
//! Escapes are needles too, so a label or token written with `\u` escapes is never missed.
//!
//! This must stay exact: `tests/prefilter.rs` lints every fixture and a generated corpus with
//! and without this shortcut and requires identical output. A new rule that reads other
//! blocks must add its needle here.

use std::sync::OnceLock;

use aho_corasick::AhoCorasick;

use crate::source::FileKind;

/// Byte strings whose absence proves a configuration file cannot produce a finding.
pub const NEEDLES: &[&str] = &[
    "terraform",
    "digitalocean",
    "dop_v1_",
    "doo_v1_",
    "dor_v1_",
    "\\u",
    "\\U",
];

fn finder() -> &'static AhoCorasick {
    static FINDER: OnceLock<AhoCorasick> = OnceLock::new();
    FINDER.get_or_init(|| AhoCorasick::new(NEEDLES).expect("the needles are valid patterns"))
}

/// Whether a file of this kind with these bytes needs parsing.
pub fn in_scope(kind: FileKind, bytes: &[u8]) -> bool {
    kind == FileKind::TfBackend || finder().is_match(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_by_content() {
        assert!(in_scope(FileKind::TfBackend, b""));
        assert!(in_scope(FileKind::Tf, b"terraform {\n}\n"));
        assert!(in_scope(FileKind::Tf, b"provider \"digitalocean\" {}"));
        assert!(in_scope(
            FileKind::Tf,
            b"provider \"digital\\u006fcean\" {}"
        ));
        assert!(in_scope(FileKind::Tofu, b"x = \"dop_v1_abc\""));
        assert!(!in_scope(
            FileKind::Tf,
            b"resource \"aws_s3_bucket\" \"b\" {}\n"
        ));
        assert!(!in_scope(FileKind::Tf, b""));
    }
}
