//! Secrets written in a module's files, found once for both reporting and masking.
//!
//! TFB402 reports what is found here, and [`ModuleContext::secret_ranges`] masks it in every
//! snippet: DigitalOcean API tokens, literal credentials of `provider "digitalocean"`, and
//! credentials (`user:password@`) in URLs.

use std::ops::Range;

use hcl_edit::structure::{Attribute, Block, BlockLabel};
use hcl_edit::visit::{visit_attr, visit_block, Visit};
use hcl_edit::{Decorated, Span, Spanned};

use crate::input::source::SourceFile;
use crate::model::context::{Arg, ModuleContext};
use crate::model::endpoints::endpoint_values;
use crate::model::schema::CREDENTIAL_ARGUMENTS;

/// DigitalOcean API token prefixes and what each token is.
pub const TOKEN_PREFIXES: &[(&str, &str)] = &[
    ("dop_v1_", "personal access token"),
    ("doo_v1_", "OAuth access token"),
    ("dor_v1_", "OAuth refresh token"),
];

/// The number of lowercase hexadecimal digits after a token's prefix.
pub const TOKEN_HEX_DIGITS: usize = 64;

pub use crate::input::scope::PROVIDER_SECRET_ARGUMENTS;

/// A DigitalOcean API token found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenMatch {
    /// The whole token, prefix included.
    pub range: Range<usize>,
    /// What kind of token its prefix says it is ("personal access token").
    pub kind: &'static str,
}

/// Every DigitalOcean API token in `text`: a prefix from [`TOKEN_PREFIXES`] and exactly 64
/// lowercase hexadecimal digits, not part of a longer word.
pub fn find_tokens(text: &str) -> Vec<TokenMatch> {
    let bytes = text.as_bytes();
    let is_word = |b: &u8| b.is_ascii_alphanumeric();
    let mut out = Vec::new();
    // Every prefix is three letters followed by `_v1_`.
    for at in memchr::memmem::find_iter(bytes, b"_v1_") {
        let Some(start) = at.checked_sub(3) else {
            continue;
        };
        let Some(&(_, kind)) = TOKEN_PREFIXES
            .iter()
            .find(|(prefix, _)| bytes[start..].starts_with(prefix.as_bytes()))
        else {
            continue;
        };
        let hex_start = at + 4;
        let end = hex_start + TOKEN_HEX_DIGITS;
        let Some(hex) = bytes.get(hex_start..end) else {
            continue;
        };
        let lower_hex = |b: &u8| b.is_ascii_digit() || (b'a'..=b'f').contains(b);
        if hex.iter().all(lower_hex)
            && !start
                .checked_sub(1)
                .is_some_and(|before| is_word(&bytes[before]))
            && !bytes.get(end).is_some_and(is_word)
        {
            out.push(TokenMatch {
                range: start..end,
                kind,
            });
        }
    }
    out
}

/// A token found inside a string literal of a parsed file.
#[derive(Debug, Clone)]
pub struct LiteralToken<'a> {
    pub file: &'a SourceFile,
    pub token: TokenMatch,
    /// Where it is, for messages: "`default` in `variable \"do_token\"`".
    pub place: String,
}

/// Every token inside a string literal of `file`: quoted strings, heredocs and the literal
/// parts of templates, in any block at any depth, in any expression (objects, lists,
/// function arguments, conditionals), block labels and object keys included.
pub fn tokens_in_literals(file: &SourceFile) -> Vec<LiteralToken<'_>> {
    let Some(body) = file.body() else {
        return Vec::new();
    };
    // Every token contains `_v1_` in the source text: without it, no literal can hold one.
    if memchr::memmem::find(file.text.as_bytes(), b"_v1_").is_none() {
        return Vec::new();
    }
    let mut finder = LiteralTokenFinder {
        file,
        blocks: Vec::new(),
        attribute: None,
        found: Vec::new(),
    };
    finder.visit_body(body);
    finder.found
}

struct LiteralTokenFinder<'a> {
    file: &'a SourceFile,
    /// `variable "do_token"` for each enclosing block, outermost first.
    blocks: Vec<String>,
    attribute: Option<String>,
    found: Vec<LiteralToken<'a>>,
}

impl LiteralTokenFinder<'_> {
    fn scan(&mut self, span: Option<Range<usize>>) {
        let Some(span) = span else { return };
        let Some(text) = self.file.text.get(span.clone()) else {
            return;
        };
        for mut token in find_tokens(text) {
            token.range = span.start + token.range.start..span.start + token.range.end;
            let place = match (&self.attribute, self.blocks.first()) {
                (Some(attr), Some(block)) => format!("`{attr}` in `{block}`"),
                (Some(attr), None) => format!("`{attr}` in `{}`", self.file.file_name()),
                (None, Some(block)) => format!("`{block}`"),
                (None, None) => format!("`{}`", self.file.file_name()),
            };
            self.found.push(LiteralToken {
                file: self.file,
                token,
                place,
            });
        }
    }
}

impl Visit for LiteralTokenFinder<'_> {
    fn visit_block(&mut self, node: &Block) {
        let mut header = node.ident.value().as_str().to_string();
        for label in &node.labels {
            let text = match label {
                BlockLabel::String(s) => format!("\"{}\"", s.value()),
                BlockLabel::Ident(i) => i.value().as_str().to_string(),
            };
            // A label is quoted in messages only if it holds no token.
            if find_tokens(&text).is_empty() {
                header.push(' ');
                header.push_str(&text);
            }
        }
        self.blocks.push(header);
        // A block's attributes are named relative to it, not to an enclosing attribute.
        let attribute = self.attribute.take();
        visit_block(self, node);
        self.attribute = attribute;
        self.blocks.pop();
    }

    fn visit_attr(&mut self, node: &Attribute) {
        let previous = self
            .attribute
            .replace(node.key.value().as_str().to_string());
        visit_attr(self, node);
        self.attribute = previous;
    }

    fn visit_string(&mut self, node: &Decorated<String>) {
        self.scan(node.span());
    }

    fn visit_literal(&mut self, node: &Spanned<String>) {
        self.scan(node.span());
    }
}

/// A literal credential in a `provider "digitalocean"` block.
#[derive(Debug, Clone, Copy)]
pub struct ProviderSecret<'a> {
    pub arg: Arg<'a>,
    /// The environment variable the provider reads instead.
    pub env: &'static str,
}

impl ProviderSecret<'_> {
    /// The value between the quotes: what is masked.
    pub fn contents(&self) -> Range<usize> {
        let span = self.arg.value_span();
        self.arg.file.string_contents(&span).unwrap_or(span)
    }
}

/// Every non-empty literal `token`, `spaces_access_id` or `spaces_secret_key` of every
/// `provider "digitalocean"` block in `files`.
pub fn provider_secrets(files: &[SourceFile]) -> Vec<ProviderSecret<'_>> {
    let mut out = Vec::new();
    for file in files.iter().filter(|f| f.kind.is_config()) {
        let Some(body) = file.body() else { continue };
        for block in body.get_blocks("provider") {
            if block.labels.first().map(|l| l.as_str()) != Some("digitalocean") {
                continue;
            }
            for attr in block.body.attributes() {
                let arg = Arg::of(file, attr);
                let Some(&(_, env)) = PROVIDER_SECRET_ARGUMENTS
                    .iter()
                    .find(|(name, _)| *name == arg.name())
                else {
                    continue;
                };
                if arg.literal().as_str().is_some_and(|s| !s.is_empty()) {
                    out.push(ProviderSecret { arg, env });
                }
            }
        }
    }
    out
}

/// The `user:password` part of every `scheme://user:password@host` in `text`, wherever it is
/// (strings, heredocs, comments): only ever masked, so a generous match is safe.
pub fn find_url_userinfo(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    for at in memchr::memmem::find_iter(text.as_bytes(), b"://") {
        let start = at + 3;
        let authority = &text[start..];
        let end = authority
            .find(|c: char| c.is_whitespace() || "/?#\"'\\<>{}[]`".contains(c))
            .unwrap_or(authority.len());
        if let Some(userinfo_end) = authority[..end].rfind('@') {
            if userinfo_end > 0 {
                out.push(start..start + userinfo_end);
            }
        }
    }
    out
}

/// The byte ranges to mask in the module's files: every DigitalOcean token and every URL's
/// credentials anywhere in any file, the literal credentials of `provider "digitalocean"`,
/// and the credentials of every s3 endpoint URL.
pub fn secret_ranges<'a>(ctx: &ModuleContext<'a>) -> Vec<(&'a SourceFile, Range<usize>)> {
    let mut out = Vec::new();
    // Init sources (workflows, scripts, partial files elsewhere) too: their text is shown in
    // snippets when a finding lands there.
    for file in ctx.module.all_files() {
        out.extend(find_tokens(&file.text).into_iter().map(|t| (file, t.range)));
        out.extend(find_url_userinfo(&file.text).into_iter().map(|r| (file, r)));
    }
    out.extend(
        provider_secrets(&ctx.module.files)
            .iter()
            .map(|p| (p.arg.file, p.contents())),
    );
    for value in endpoint_values(ctx.s3_arguments()) {
        if let Some(userinfo) = value.endpoint.spans.userinfo.clone() {
            let span = value.span_of(userinfo);
            // Spelled with escapes: mask the whole value.
            let span = if span == value.span() {
                value.file.string_contents(&span).unwrap_or(span)
            } else {
                span
            };
            out.push((value.file, span));
        }
    }
    out
}

impl<'a> ModuleContext<'a> {
    /// Byte ranges of secret values, per file index in `module.files`, to mask in snippets.
    pub fn secret_ranges(&self) -> Vec<(&'a SourceFile, Range<usize>)> {
        let mut ranges: Vec<(&'a SourceFile, Range<usize>)> = self
            .s3_arguments()
            .into_iter()
            .filter(|a| CREDENTIAL_ARGUMENTS.iter().any(|(n, _)| *n == a.name()))
            .filter_map(|a| {
                let span = a.value_span();
                let inner = a.file.string_contents(&span).unwrap_or(span);
                (!inner.is_empty()).then_some((a.file, inner))
            })
            .collect();
        // DigitalOcean tokens, provider credentials and URL credentials.
        ranges.extend(secret_ranges(self));
        // Credentials on any init command line of the files holding them.
        let extra = &self.module.init;
        ranges.extend(
            extra
                .secrets
                .iter()
                .flat_map(|(i, rs)| rs.iter().map(|r| (&extra.files[*i], r.clone()))),
        );
        ranges
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEX: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn finds_exactly_the_tokens() {
        let text = format!(
            "a dop_v1_{HEX} b \"doo_v1_{HEX}\" dor_v1_{HEX}\nxdop_v1_{HEX} dop_v1_{HEX}0 dop_v1_{} dop_v2_{HEX} dop_v1_{}",
            HEX.to_uppercase(),
            &HEX[1..]
        );
        let found: Vec<String> = find_tokens(&text)
            .into_iter()
            .map(|t| format!("{} {}", &text[t.range], t.kind))
            .collect();
        assert_eq!(
            found,
            vec![
                format!("dop_v1_{HEX} personal access token"),
                format!("doo_v1_{HEX} OAuth access token"),
                format!("dor_v1_{HEX} OAuth refresh token"),
            ]
        );
        assert!(find_tokens("dop_v1_").is_empty());
        assert!(find_tokens("").is_empty());
    }

    #[test]
    fn finds_tokens_in_every_kind_of_literal_with_exact_ranges() {
        let text = format!(
            r#"variable "do_token" {{
  default = "dop_v1_{HEX}"
}}
locals {{
  list = [lower("x"), {{ k = "Bearer doo_v1_{HEX}" }}]
  tmpl = "${{var.a}}-dor_v1_{HEX}"
  doc  = <<-EOT
    token: dop_v1_{HEX}
  EOT
}}
# dop_v1_{HEX} in a comment is not a literal
resource "x" "y" {{
  nested {{
    deeper {{ v = "dop_v1_{HEX}" }}
  }}
}}
"#
        );
        let file = SourceFile::from_bytes(
            "main.tf".into(),
            "main.tf".into(),
            crate::input::source::FileKind::Tf,
            text.clone().into_bytes(),
        );
        let found = tokens_in_literals(&file);
        let places: Vec<&str> = found.iter().map(|t| t.place.as_str()).collect();
        assert_eq!(
            places,
            vec![
                "`default` in `variable \"do_token\"`",
                "`list` in `locals`",
                "`tmpl` in `locals`",
                "`doc` in `locals`",
                "`v` in `resource \"x\" \"y\"`",
            ]
        );
        for t in &found {
            let s = &text[t.token.range.clone()];
            assert!(s.ends_with(HEX) && s.len() == 7 + 64, "{s}");
        }
        // The comment's token is masked, though not a literal.
        assert_eq!(find_tokens(&text).len(), 6);
    }

    #[test]
    fn url_credentials() {
        let text = "s3 = \"https://KEY:se/cret@h\"\n# http://user:pw@minio:9000/x\nssh://git@github.com https://host/a@b";
        let found: Vec<&str> = find_url_userinfo(text)
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert_eq!(found, vec!["user:pw", "git"]);
        let text = "\"https://KEY:secret@nyc3.digitaloceanspaces.com\"";
        let found: Vec<&str> = find_url_userinfo(text)
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert_eq!(found, vec!["KEY:secret"]);
    }
}
