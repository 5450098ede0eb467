//! Which files can hold anything a rule looks at, decided by a byte scan before parsing.
//!
//! Every rule reads only: top-level `terraform` blocks (backends, `required_version`),
//! `provider "digitalocean"` blocks, DigitalOcean API tokens in string literals, and
//! `*.tfbackend` files. A `.tf`/`.tofu` file with none of those is not parsed: a syntax error
//! in it is out of tfblint's scope (`terraform validate` reports it).
//!
//! The scan is exact for valid HCL, by its grammar:
//! - a block header starts its line (structures are separated by newlines), so a `terraform`
//!   block's identifier has only blanks before it on its line (or a BOM, or the end of a
//!   `/* */` comment), and is followed, on the same line, by `{`, a label or an inline comment.
//!   `# run terraform plan`, `"managed-by" = "terraform"` and `terraform.workspace` are not
//!   block headers;
//! - the provider's label is exactly `digitalocean`, so `digitalocean_droplet` does not count,
//!   and its block matters only when it sets a credential argument, whose name (an
//!   identifier, which cannot be escaped) must then appear in the file;
//! - escapes (`\u`, `\U`) count wherever they are, so a label or token written with escapes is
//!   never missed.
//!
//! `tests/prefilter.rs` lints every fixture and a generated corpus with and without this
//! shortcut and requires identical output. A new rule that reads other blocks must add its
//! needle here.

use std::sync::OnceLock;

use memchr::memmem::Finder;

use crate::input::source::FileKind;

/// Byte strings at least one of which every file that can produce a finding contains.
pub const NEEDLES: &[&str] = &[
    "terraform",
    "digitalocean",
    "dop_v1_",
    "doo_v1_",
    "dor_v1_",
    "\\u",
    "\\U",
];

/// The SIMD substring finders of the scan, built once. The three token prefixes share one
/// pass (`_v1_`, then the three bytes before it), and both escapes one (a backslash, then
/// the byte after it): each pass over a file that holds nothing costs as much as the next.
struct Finders {
    terraform: Finder<'static>,
    digitalocean: Finder<'static>,
    token_tail: Finder<'static>,
    marker: Finder<'static>,
    credentials: Vec<Finder<'static>>,
}

fn finders() -> &'static Finders {
    static FINDERS: OnceLock<Finders> = OnceLock::new();
    FINDERS.get_or_init(|| Finders {
        terraform: Finder::new(NEEDLES[0].as_bytes()),
        digitalocean: Finder::new(NEEDLES[1].as_bytes()),
        token_tail: Finder::new(b"_v1_"),
        marker: Finder::new(SUPPRESSION_MARKER.as_bytes()),
        credentials: PROVIDER_SECRET_ARGUMENTS
            .iter()
            .map(|(name, _)| Finder::new(name.as_bytes()))
            .collect(),
    })
}

/// Whether a file of this kind with these bytes needs parsing: whether it holds one of
/// [`NEEDLES`] where it can matter.
pub fn in_scope(kind: FileKind, bytes: &[u8]) -> bool {
    if kind == FileKind::TfBackend {
        return true;
    }
    let f = finders();
    match kind {
        // Only what Terragrunt writes counts: its own `terraform` block is not Terraform's.
        // (Packer, Nomad and Vault write `.hcl` too: their files are not read.)
        // An `include` block makes its directory a module its root file configures.
        FileKind::Terragrunt => {
            return crate::input::terragrunt::may_configure(bytes)
                || crate::input::terragrunt::may_include(bytes)
        }
        // `"terraform"` is a property name, in quotes (or escaped, `\u`).
        FileKind::TfJson => return f.terraform.find(bytes).is_some() || holds_token(bytes),
        _ => {}
    }
    let terraform = NEEDLES[0].len();
    if f.terraform
        .find_iter(bytes)
        .any(|at| starts_block(bytes, at, at + terraform))
    {
        return true;
    }
    let digitalocean = NEEDLES[1].len();
    if f.digitalocean.find_iter(bytes).any(|at| {
        !bytes
            .get(at + digitalocean)
            .is_some_and(|&b| is_ident_byte(b))
    }) && names_a_provider_credential(bytes)
    {
        return true;
    }
    holds_token(bytes)
}

/// A DigitalOcean token's prefix (`dop_v1_`, `doo_v1_`, `dor_v1_`), or an escape (`\u`, `\U`)
/// that may spell anything.
fn holds_token(bytes: &[u8]) -> bool {
    let f = finders();
    if f.token_tail
        .find_iter(bytes)
        .any(|at| at >= 3 && matches!(&bytes[at - 3..at], b"dop" | b"doo" | b"dor"))
    {
        return true;
    }
    // `\u`, `\U`.
    memchr::memchr_iter(b'\\', bytes).any(|at| matches!(bytes.get(at + 1), Some(b'u' | b'U')))
}

/// What starts a suppression comment (`# tfblint-ignore: CODE`).
pub const SUPPRESSION_MARKER: &str = "tfblint-ignore";

/// Whether the text holds a suppression comment's marker anywhere.
pub fn has_suppression_marker(bytes: &[u8]) -> bool {
    finders().marker.find(bytes).is_some()
}

/// Whether a file found while walking has to be linted at all: it can hold something a rule
/// reads ([`in_scope`]), a suppression comment (an unused one is a finding), or bytes that are
/// not UTF-8 text (a finding whatever the file holds). A file for which this is `false` adds
/// nothing to its module but its name, so its bytes need not be kept.
pub fn worth_linting(kind: FileKind, bytes: &[u8]) -> bool {
    in_scope(kind, bytes)
        || has_suppression_marker(bytes)
        || memchr::memchr(0, bytes).is_some()
        || std::str::from_utf8(bytes).is_err()
}

/// The credentials of `provider "digitalocean"` and the environment variable each is read
/// from when left out.
pub const PROVIDER_SECRET_ARGUMENTS: &[(&str, &str)] = &[
    ("token", "DIGITALOCEAN_TOKEN"),
    ("spaces_access_id", "SPACES_ACCESS_KEY_ID"),
    ("spaces_secret_key", "SPACES_SECRET_ACCESS_KEY"),
];

fn names_a_provider_credential(bytes: &[u8]) -> bool {
    finders()
        .credentials
        .iter()
        .any(|finder| finder.find(bytes).is_some())
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// Whether the identifier at `start..end` can begin a block header.
fn starts_block(bytes: &[u8], start: usize, end: usize) -> bool {
    let line_start = memchr::memrchr(b'\n', &bytes[..start]).map_or(0, |i| i + 1);
    let before = &bytes[line_start..start];
    let before = before.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(before);
    let trimmed = before.trim_ascii();
    if !(trimmed.is_empty() || trimmed.ends_with(b"*/")) {
        return false;
    }
    let rest = &bytes[end..];
    let blanks = rest
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    match rest.get(blanks) {
        Some(b'{' | b'"' | b'/') => true,
        // An identifier label needs a blank before it (else it is a longer identifier).
        Some(&b) if blanks > 0 => b.is_ascii_alphabetic() || b == b'_',
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_by_content() {
        assert!(in_scope(FileKind::TfBackend, b""));
        assert!(in_scope(FileKind::Tf, b"terraform {\n}\n"));
        assert!(in_scope(
            FileKind::Tf,
            b"provider \"digitalocean\" {\n  token = var.do_token\n}"
        ));
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
        // Mentions that are not block headers.
        for text in [
            "# run terraform plan first\n",
            "tags = { \"managed-by\" = \"terraform\" }\n",
            "locals { ws = terraform.workspace }\n",
            "terraform_remote_state = 1\n",
            "x = 1 # terraform {\n",
            "resource \"digitalocean_droplet\" \"web\" {}\n",
            "data \"terraform_remote_state\" \"vpc\" {}\n",
            // Credentials from the environment: nothing to check in the block.
            "provider \"digitalocean\" {}\n",
        ] {
            assert!(!in_scope(FileKind::Tf, text.as_bytes()), "{text}");
        }
        // Block headers, however written.
        for text in [
            "terraform {\n}\n",
            "  terraform{\n}\n",
            "\u{feff}terraform {\n}\n",
            "/* pinned */ terraform {\n}\n",
            "terraform /* pinned */ {\n}\n",
            "terraform \"x\" {\n}\n",
            "terraform x {\n}\n",
            "a = 1\r\n\tterraform {\r\n}\r\n",
            "provider digitalocean {\n  token = var.t\n}\n",
            "provider \"digitalocean\" {\n  spaces_secret_key = \"x\"\n}\n",
        ] {
            assert!(in_scope(FileKind::Tf, text.as_bytes()), "{text}");
        }
    }
}
