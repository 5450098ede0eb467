//! What a file that is not Terraform's native syntax says to Terraform: its [`View`].
//!
//! A Terragrunt file ([`crate::input::terragrunt`]) or a `*.tf.json` file
//! ([`crate::input::tfjson`]) is read into the same hcl-edit tree a `.tf` file gives:
//! `terraform` blocks holding `backend "s3"` blocks and `required_version`, whose every
//! attribute and expression carries a byte range of the file it was written in. The model
//! reads a view exactly as it reads a `.tf` file's body, so every rule applies unchanged, and
//! a fix is a byte edit of the real file.
//!
//! Spans come from parsing: a region of the file (an object's entries, a heredoc's lines) is
//! written, at its own offsets, into a buffer of spaces the length of the file, and parsed
//! there ([`Reparser`]). An object's entries become a body's attributes by a same-length
//! rewrite: quotes around an identifier key blanked, `:` made `=`, a separating comma made a
//! line break. Blocks the reader builds itself (`terraform`, `backend "s3"`) have no span
//! from the parser; the view records where each one is written ([`View::block_spans`]).

use std::ops::Range;

use hcl_edit::expr::Object;
use hcl_edit::structure::{Block, BlockLabel, Body};
use hcl_edit::{Decorated, Ident, Span};

use crate::input::parse::{floor_char_boundary, ParseFailure};

/// Regions of one file parsed at most (retries included): each parse costs a pass over the
/// file up to the region's end (hcl-edit gives no way to shift spans, so a region is parsed at
/// its own offset, after spaces), so an unbounded count would make a file's cost quadratic.
/// A file that needs more is read up to there, with a TFB001 finding ([`View::unread`]).
pub const MAX_REGIONS: usize = 32;

/// The Terraform configuration a Terragrunt or JSON file writes.
#[derive(Debug, Default)]
pub struct View {
    /// Top-level `terraform` blocks, as Terraform reads them.
    pub body: Body,
    /// Where each block the reader built is written.
    spans: Vec<BuiltSpan>,
    /// Ranges whose expressions Terragrunt evaluates before Terraform reads anything, and
    /// whether only their interpolations are (a heredoc's `${…}`) or everything is (a
    /// `config` map's functions and references).
    evaluated: Vec<(Range<usize>, bool)>,
    /// The module's Terraform code is elsewhere (Terragrunt's `terraform { source }`): what
    /// it does not say here (a version constraint) is unknown, not missing.
    pub code_elsewhere: bool,
    /// Backend blocks (their spans) that a `remote_state` of the same file configures again:
    /// a `generate` heredoc's, beside Terragrunt's own (TFB604 reports them once; they are
    /// no configuration of their own).
    superseded: Vec<Range<usize>>,
    /// Where the reader stopped, over [`MAX_REGIONS`]: what follows is not read (TFB001).
    pub unread: Option<ParseFailure>,
}

/// A block the reader builds, before it is placed in the view.
#[derive(Debug)]
pub struct Built {
    pub block: Block,
    pub header: Range<usize>,
    pub whole: Range<usize>,
    /// A backend's settings are passed at `terraform init` (`-backend-config`, as Terragrunt
    /// does without `generate`), to the module's own `backend "s3"` block if it has one.
    pub at_init: bool,
    /// How messages name what the block is written as ("the `config` map", "the `s3`
    /// object"), when it is not a block; `None` names it as the block it stands for.
    pub noun: Option<&'static str>,
}

/// Where a block the reader built is written, found by the block's address.
#[derive(Debug)]
struct BuiltSpan {
    address: usize,
    header: Range<usize>,
    whole: Range<usize>,
    at_init: bool,
    noun: Option<&'static str>,
}

impl View {
    /// A view of `terraform` blocks: those parsed from the file as they are (a heredoc's),
    /// and one built around `backends` and `required_version` attributes, at `wrapper`.
    pub fn new(mut parsed: Vec<Block>, built: Option<(Built, Vec<Built>)>) -> View {
        let mut order = Vec::new();
        if let Some((mut wrapper, backends)) = built {
            for b in backends {
                order.push((b.header, b.whole, b.at_init, b.noun));
                wrapper.block.body.push(b.block);
            }
            order.insert(0, (wrapper.header, wrapper.whole, false, wrapper.noun));
            parsed.insert(0, wrapper.block);
        }
        let body: Body = parsed.into_iter().collect();
        let mut view = View {
            body,
            ..View::default()
        };
        // The built blocks are the first `terraform` block and its backends, in order.
        if !order.is_empty() {
            let mut addresses = Vec::new();
            if let Some(tf) = view.body.get_blocks("terraform").next() {
                addresses.push(tf as *const Block as usize);
                addresses.extend(
                    tf.body
                        .get_blocks("backend")
                        .map(|b| b as *const Block as usize),
                );
            }
            view.spans = addresses
                .into_iter()
                .zip(order)
                .map(|(address, (header, whole, at_init, noun))| BuiltSpan {
                    address,
                    header,
                    whole,
                    at_init,
                    noun,
                })
                .collect();
        }
        view
    }

    pub fn with_evaluated(mut self, evaluated: Vec<(Range<usize>, bool)>) -> View {
        self.evaluated = evaluated;
        self
    }

    fn built(&self, block: &Block) -> Option<&BuiltSpan> {
        let address = block as *const Block as usize;
        self.spans.iter().find(|s| s.address == address)
    }

    pub fn with_superseded(mut self, superseded: Vec<Range<usize>>) -> View {
        self.superseded = superseded;
        self
    }

    /// Records where `reparser` stopped, if it did.
    pub fn with_unread(mut self, reparser: &Reparser) -> View {
        self.unread = reparser.refused.clone();
        self
    }

    /// Whether the backend block written at `span` is configured again by the file's
    /// `remote_state` ([`View::superseded`]).
    pub fn is_superseded(&self, span: &Range<usize>) -> bool {
        self.superseded.contains(span)
    }

    /// The header and whole range of a block the reader built, by identity.
    pub fn block_spans(&self, block: &Block) -> Option<(Range<usize>, Range<usize>)> {
        self.built(block)
            .map(|s| (s.header.clone(), s.whole.clone()))
    }

    /// Whether a backend block the reader built is passed at init ([`Built::at_init`]).
    pub fn passed_at_init(&self, block: &Block) -> bool {
        self.built(block).is_some_and(|s| s.at_init)
    }

    /// How messages name what a block the reader built is written as ([`Built::noun`]).
    pub fn block_noun(&self, block: &Block) -> Option<&'static str> {
        self.built(block).and_then(|s| s.noun)
    }

    /// The [`Built::noun`] of the innermost built block written around `offset`.
    pub fn noun_at(&self, offset: usize) -> Option<&'static str> {
        self.spans
            .iter()
            .rev()
            .filter(|s| s.whole.contains(&offset))
            .find_map(|s| s.noun)
    }

    /// Whether the expression part at `span` is evaluated before Terraform reads the file
    /// (by Terragrunt): `interpolation` says whether the part is a `${…}`.
    pub fn evaluated_earlier(&self, span: &Range<usize>, interpolation: bool) -> bool {
        self.evaluated.iter().any(|(range, only_interpolations)| {
            range.start <= span.start
                && span.end <= range.end
                && (interpolation || !*only_interpolations)
        })
    }
}

/// A block named `ident` with no span of its own, at `header` within `whole`.
pub fn build_block(
    ident: &str,
    label: Option<&str>,
    header: Range<usize>,
    whole: Range<usize>,
) -> Built {
    let mut block = Block::new(Decorated::new(Ident::new(ident)));
    if let Some(label) = label {
        block.labels = vec![BlockLabel::from(label)];
    }
    Built {
        block,
        header,
        whole,
        at_init: false,
        noun: None,
    }
}

/// One entry of an object, by byte ranges of the file.
#[derive(Debug, Clone)]
pub struct Entry {
    pub key: Range<usize>,
    pub value: Range<usize>,
    /// Whether the entry is kept: a key that is not an identifier (after unquoting), or one
    /// the reader strips, is blanked.
    pub keep: bool,
}

/// Whether `s` is an HCL identifier.
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// The entries of a parsed HCL object, by their ranges.
pub fn object_entries(object: &Object) -> Vec<(String, Entry)> {
    object
        .iter()
        .filter_map(|(key, value)| {
            let name = match key {
                hcl_edit::expr::ObjectKey::Ident(i) => i.value().as_str().to_string(),
                hcl_edit::expr::ObjectKey::Expression(hcl_edit::expr::Expression::String(s)) => {
                    s.value().as_str().to_string()
                }
                _ => String::new(),
            };
            let entry = Entry {
                key: key.span()?,
                value: value.expr().span()?,
                keep: is_identifier(&name),
            };
            Some((name, entry))
        })
        .collect()
}

/// The text of `region` of `text` rewritten, byte for byte in length, so that `entries`
/// (those of an object whose braces are outside `region`) read as a body's attributes.
pub fn entries_as_body(text: &str, region: Range<usize>, entries: &[Entry]) -> String {
    let mut out = text[region.clone()].as_bytes().to_vec();
    let at = |offset: usize| offset - region.start;
    for entry in entries {
        if !entry.keep {
            blank(&mut out, at(entry.key.start)..at(entry.value.end));
        } else {
            if text.as_bytes()[entry.key.start] == b'"' {
                out[at(entry.key.start)] = b' ';
                out[at(entry.key.end) - 1] = b' ';
            }
            // `:` or `=` between key and value.
            if let Some(i) = text[entry.key.end..entry.value.start].find(':') {
                out[at(entry.key.end + i)] = b'=';
            }
        }
        // The comma that separates it from the next entry.
        let rest = &text[entry.value.end..region.end];
        let gap = rest.len() - rest.trim_start().len();
        if rest[gap..].starts_with(',') {
            out[at(entry.value.end + gap)] = b'\n';
        }
    }
    // Only ASCII bytes were replaced by ASCII bytes.
    String::from_utf8(out).unwrap_or_default()
}

fn blank(bytes: &mut [u8], range: Range<usize>) {
    for b in &mut bytes[range] {
        if *b != b'\n' {
            *b = b' ';
        }
    }
}

/// Parses regions of one file at their own offsets: a buffer of spaces the length of the
/// file, each region written in, parsed up to its end, and blanked again.
pub struct Reparser {
    buffer: String,
    parsed: usize,
    /// The first region refused, over [`MAX_REGIONS`].
    refused: Option<ParseFailure>,
}

impl Reparser {
    pub fn new(len: usize) -> Self {
        Reparser {
            buffer: " ".repeat(len),
            parsed: 0,
            refused: None,
        }
    }

    /// Whether a region was refused: nothing more is parsed.
    pub fn exhausted(&self) -> bool {
        self.refused.is_some()
    }

    /// `content` (of the length of the region it stands for) parsed as a body at `start`.
    pub fn body(&mut self, start: usize, content: &str) -> Result<Body, ParseFailure> {
        if self.parsed >= MAX_REGIONS {
            let failure = ParseFailure {
                message: format!(
                    "more than {MAX_REGIONS} backend maps, heredocs and JSON objects to parse in one file (each costs a pass over the file up to it): tfblint reads the file up to here, not what follows"
                ),
                span: start..start,
            };
            self.refused.get_or_insert_with(|| failure.clone());
            return Err(failure);
        }
        self.parsed += 1;
        let end = start + content.len();
        self.buffer.replace_range(start..end, content);
        let result = hcl_edit::parser::parse_body(&self.buffer[..end]).map_err(|err| {
            let offset = floor_char_boundary(&self.buffer, err.location().offset());
            ParseFailure {
                message: err.message().to_string(),
                span: offset..offset,
            }
        });
        let spaces = " ".repeat(content.len());
        self.buffer.replace_range(start..end, &spaces);
        result
    }
}

/// The attributes of an object (its entries at `entries`, between braces at `open` and
/// `close`) as a body at their own offsets. An entry Terraform would not parse (a JSON escape
/// HCL lacks) is left out, and the rest kept.
pub fn reparse_object(
    reparser: &mut Reparser,
    text: &str,
    open: usize,
    close: usize,
    entries: &mut [Entry],
) -> Body {
    let region = open + 1..close;
    for _ in 0..=entries.len() {
        if reparser.exhausted() {
            break;
        }
        let content = entries_as_body(text, region.clone(), entries);
        match reparser.body(region.start, &content) {
            Ok(body) => return body,
            Err(failure) => {
                let at = failure.span.start;
                match entries
                    .iter_mut()
                    .find(|e| e.keep && e.key.start <= at && at <= e.value.end)
                {
                    Some(entry) => entry.keep = false,
                    None => return Body::new(),
                }
            }
        }
    }
    Body::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_object_reads_as_a_body_at_its_own_offsets() {
        let text = "x = {\"bucket\": \"b\", \"endpoints\": {\"s3\": \"u\"}, \"a b\": 1}";
        let open = text.find('{').unwrap();
        let close = text.len() - 1;
        let parsed = hcl_edit::parser::parse_expr(&text[open..].replace("\"a b\"", "\"a_b\""));
        assert!(parsed.is_ok());
        let key = |k: &str| {
            let s = text.find(k).unwrap();
            s..s + k.len()
        };
        let mut entries = vec![
            Entry {
                key: key("\"bucket\""),
                value: key("\"b\""),
                keep: true,
            },
            Entry {
                key: key("\"endpoints\""),
                value: key("{\"s3\": \"u\"}"),
                keep: true,
            },
            Entry {
                key: key("\"a b\""),
                value: text.len() - 2..text.len() - 1,
                keep: false,
            },
        ];
        let mut reparser = Reparser::new(text.len());
        let body = reparse_object(&mut reparser, text, open, close, &mut entries);
        let names: Vec<&str> = body.attributes().map(|a| a.key.as_str()).collect();
        assert_eq!(names, ["bucket", "endpoints"]);
        let bucket = body.get_attribute("bucket").unwrap();
        assert_eq!(&text[bucket.value.span().unwrap()], "\"b\"");
        assert_eq!(&text[bucket.key.span().unwrap()], "bucket");
    }

    #[test]
    fn an_unparsable_entry_is_left_out() {
        let text = "{\"a\": \"x\\/y\", \"b\": \"z\"}";
        let e = |k: &str, v: &str| Entry {
            key: text.find(k).unwrap()..text.find(k).unwrap() + k.len(),
            value: text.find(v).unwrap()..text.find(v).unwrap() + v.len(),
            keep: true,
        };
        let mut entries = vec![e("\"a\"", "\"x\\/y\""), e("\"b\"", "\"z\"")];
        let mut reparser = Reparser::new(text.len());
        let body = reparse_object(&mut reparser, text, 0, text.len() - 1, &mut entries);
        let names: Vec<&str> = body.attributes().map(|a| a.key.as_str()).collect();
        assert_eq!(names, ["b"]);
    }
}
