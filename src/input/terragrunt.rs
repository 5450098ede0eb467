//! Terragrunt files (`terragrunt.hcl`, `root.hcl`, any `*.hcl` with a `remote_state` or a
//! `generate` block): the s3 backend Terragrunt writes, read into a [`View`].
//!
//! - `remote_state { backend = "s3" config = { … } }` (or the `remote_state = { … }`
//!   attribute): the `config` map is a `backend "s3"` block whose header is the `config` key,
//!   without the keys Terragrunt keeps for itself ([`TERRAGRUNT_ONLY`]). Everything in the map
//!   is evaluated by Terragrunt first: its functions and references are not Terraform's.
//! - `generate "…" { contents = <<EOF … EOF }`: the heredoc's lines are a Terraform file,
//!   parsed where they are written; its `${…}` are Terragrunt's.
//! - `terraform_version_constraint` is the module's `required_version`.
//!
//! Sources: Terragrunt's docs, "HCL blocks: remote_state" and "generate"
//! (<https://terragrunt.gruntwork.io/docs/reference/hcl/blocks/#remote_state>), and its source,
//! `internal/remotestate/backend/s3/config.go`.

use std::ops::Range;

use hcl_edit::expr::{Expression, Object};
use hcl_edit::structure::{Attribute, Block, Body};
use hcl_edit::{Ident, Span};

use crate::input::view::{build_block, object_entries, reparse_object, Built, Reparser, View};

/// The keys of a `config` map that Terragrunt uses itself and removes before it configures the
/// backend (`terragruntOnlyConfigs` in
/// <https://github.com/gruntwork-io/terragrunt/blob/main/internal/remotestate/backend/s3/config.go>).
pub const TERRAGRUNT_ONLY: &[&str] = &[
    "s3_bucket_tags",
    "dynamodb_table_tags",
    "accesslogging_bucket_tags",
    "skip_bucket_versioning",
    "skip_bucket_ssencryption",
    "skip_bucket_accesslogging",
    "skip_bucket_root_access",
    "skip_bucket_enforced_tls",
    "skip_bucket_public_access_blocking",
    "disable_bucket_update",
    "enable_lock_table_ssencryption",
    "disable_aws_client_checksums",
    "accesslogging_bucket_name",
    "accesslogging_target_prefix",
    "accesslogging_target_object_partition_date_source",
    "skip_accesslogging_bucket_acl",
    "skip_accesslogging_bucket_enforced_tls",
    "skip_accesslogging_bucket_public_access_blocking",
    "skip_accesslogging_bucket_ssencryption",
    "bucket_sse_algorithm",
    "bucket_sse_kms_key_id",
];

/// Keys Terragrunt renames before it configures the backend, with a warning: `lock_table`
/// became `dynamodb_table` in v0.24.0 (release notes; `remote_state_config.go`).
pub const RENAMED: &[(&str, &str)] = &[("lock_table", "dynamodb_table")];

/// Whether a Terragrunt file's bytes can configure a backend: a `remote_state` or `generate`
/// at the start of a line (a block or an attribute).
pub fn may_configure(bytes: &[u8]) -> bool {
    ["remote_state", "generate"].iter().any(|needle| {
        memchr::memmem::find_iter(bytes, needle.as_bytes()).any(|at| {
            let line_start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
            let before = &bytes[line_start..at];
            let before = before.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(before);
            let rest = &bytes[at + needle.len()..];
            let blanks = rest
                .iter()
                .take_while(|b| matches!(b, b' ' | b'\t'))
                .count();
            before.trim_ascii().is_empty() && matches!(rest.get(blanks), Some(b'{' | b'"' | b'='))
                || before.trim_ascii().is_empty()
                    && blanks > 0
                    && rest.get(blanks).is_some_and(|b| b.is_ascii_alphabetic())
        })
    })
}

/// Whether a Terragrunt file's bytes may hold an `include` block (a child of a root file).
pub fn may_include(bytes: &[u8]) -> bool {
    memchr::memmem::find_iter(bytes, b"include").any(|at| {
        let line_start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
        let before = &bytes[line_start..at];
        let before = before.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(before);
        let rest = &bytes[at + b"include".len()..];
        let blanks = rest
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t'))
            .count();
        before.trim_ascii().is_empty() && matches!(rest.get(blanks), Some(b'{' | b'"'))
    })
}

/// The file an `include` block names, as far as it can be known without running Terragrunt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Include {
    /// `find_in_parent_folders("root.hcl")`: the nearest file of that name in a folder above
    /// the including file's (not in its own); without an argument, `terragrunt.hcl`
    /// (`findInParentFoldersImpl` in Terragrunt's `pkg/config/config_helpers.go`).
    ParentFolders(String),
    /// A literal path, relative to the including file's folder.
    Path(String),
}

/// The `path` of each `include` block of a Terragrunt file that is a literal or
/// `find_in_parent_folders` with at most one literal argument; other expressions are unknown.
pub fn includes(body: &Body) -> Vec<Include> {
    let literal = |e: &Expression| match e {
        Expression::String(s) => Some(s.value().to_string()),
        _ => None,
    };
    body.get_blocks("include")
        .filter_map(|block| {
            let path = &block.body.get_attribute("path")?.value;
            match path {
                Expression::FuncCall(call)
                    if call.name.namespace.is_empty()
                        && call.name.name.as_str() == "find_in_parent_folders" =>
                {
                    let mut args = call.args.iter();
                    let name = match args.next() {
                        None => "terragrunt.hcl".to_string(),
                        Some(arg) => literal(arg)?,
                    };
                    Some(Include::ParentFolders(name))
                }
                other => literal(other).map(Include::Path),
            }
        })
        .collect()
}

/// A `remote_state` block or attribute: its header, all of it, and its arguments (name,
/// value, key span).
type RemoteState<'b> = (
    Range<usize>,
    Range<usize>,
    Vec<(String, &'b Expression, Range<usize>)>,
);

/// The view of a parsed Terragrunt file, or `None` when it configures no s3 backend.
pub fn read(text: &str, body: &Body) -> Option<View> {
    let mut reparser = Reparser::new(text.len());
    let mut evaluated: Vec<(Range<usize>, bool)> = Vec::new();
    let mut backends: Vec<Built> = Vec::new();
    let mut wrapper: Option<(Range<usize>, Range<usize>)> = None;

    // `remote_state { … }` blocks and `remote_state = { … }` attributes.
    let mut remote_states: Vec<RemoteState> = Vec::new();
    for block in body.get_blocks("remote_state") {
        let header = block.ident.span().unwrap_or(0..0);
        let whole = block.span().unwrap_or_else(|| header.clone());
        let attrs = block
            .body
            .attributes()
            .filter_map(|a| Some((a.key.as_str().to_string(), &a.value, a.key.span()?)))
            .collect();
        remote_states.push((header, whole, attrs));
    }
    if let Some(attr) = body.get_attribute("remote_state") {
        if let Expression::Object(object) = &attr.value {
            let header = attr.key.span().unwrap_or(0..0);
            let whole = attr.span().unwrap_or_else(|| header.clone());
            let attrs = object
                .iter()
                .filter_map(|(k, v)| {
                    let name = k.as_ident().map(|i| i.as_str().to_string())?;
                    Some((name, v.expr(), k.span()?))
                })
                .collect();
            remote_states.push((header, whole, attrs));
        }
    }
    for (header, whole, attrs) in remote_states {
        let backend = attrs.iter().find(|(n, _, _)| n == "backend");
        let is_s3 = backend.is_some_and(
            |(_, e, _)| matches!(e, Expression::String(s) if s.value().as_str() == "s3"),
        );
        if !is_s3 {
            continue;
        }
        let Some((_, config_expr, key)) = attrs.iter().find(|(n, _, _)| n == "config") else {
            continue;
        };
        let (Expression::Object(config), Some(span)) = (config_expr, config_expr.span()) else {
            continue;
        };
        evaluated.push((span.clone(), false));
        let config_body = config_map(&mut reparser, text, config, span.clone());
        if reparser.exhausted() {
            // Not read (TFB001 says so): no configuration rather than an empty one.
            continue;
        }
        let mut built = build_block("backend", Some("s3"), key.clone(), key.start..span.end);
        built.noun = Some("the `config` map");
        // Without `generate`, Terragrunt passes the map as `-backend-config` settings.
        built.at_init = !attrs.iter().any(|(n, _, _)| n == "generate");
        for mut attr in config_body.into_attributes() {
            if let Some((_, to)) = RENAMED.iter().find(|(from, _)| attr.key.as_str() == *from) {
                // Passed on under its new name; the key keeps its span, so the old name
                // written there reads as deprecated.
                *attr.key.value_mut() = Ident::new(*to);
            }
            built.block.body.push(attr);
        }
        backends.push(built);
        wrapper.get_or_insert((header, whole));
    }

    // `terraform_version_constraint`: the module's `required_version`.
    let version = body
        .get_attribute("terraform_version_constraint")
        .map(|attr| {
            let mut attr: Attribute = attr.clone();
            *attr.key.value_mut() = Ident::new("required_version");
            attr
        });

    // `generate` blocks whose contents is a heredoc holding a backend.
    let mut parsed: Vec<Block> = Vec::new();
    for block in body.get_blocks("generate") {
        let Some(attr) = block.body.get_attribute("contents") else {
            continue;
        };
        let Expression::HeredocTemplate(_) = &attr.value else {
            continue;
        };
        let Some(span) = attr.value.span() else {
            continue;
        };
        let Some(lines) = heredoc_lines(text, span) else {
            continue;
        };
        if !text[lines.clone()].contains("backend") {
            continue;
        }
        if let Ok(heredoc) = reparser.body(lines.start, &text[lines.clone()]) {
            evaluated.push((lines, true));
            parsed.extend(
                heredoc
                    .into_blocks()
                    .filter(|b| b.ident.as_str() == "terraform"),
            );
        }
    }

    if backends.is_empty() && parsed.is_empty() && !reparser.exhausted() {
        return None;
    }
    // A backend in a heredoc beside `remote_state`: Terragrunt writes (or passes) both, and
    // what Terraform gets is two backend blocks, one overwritten by the other, or the map's
    // settings laid over the block at init. One finding (TFB604), one configuration (the
    // `remote_state`'s, which Terragrunt writes last or passes at init).
    let superseded: Vec<Range<usize>> = match backends.is_empty() {
        true => Vec::new(),
        false => parsed
            .iter()
            .flat_map(|tf| tf.body.get_blocks("backend"))
            .filter_map(|b| b.span())
            .collect(),
    };
    let built = match (wrapper, version) {
        (Some((header, whole)), version) => {
            let mut tf = build_block("terraform", None, header, whole);
            if let Some(v) = version {
                tf.block.body.push(v);
            }
            Some((tf, backends))
        }
        (None, Some(v)) => {
            let span = v.key.span().unwrap_or(0..0);
            let mut tf = build_block("terraform", None, span.clone(), span);
            tf.block.body.push(v);
            Some((tf, backends))
        }
        (None, None) => None,
    };
    let mut view = View::new(parsed, built)
        .with_evaluated(evaluated)
        .with_superseded(superseded)
        .with_unread(&reparser);
    view.code_elsewhere = true;
    Some(view)
}

/// A `config` map's entries as a body, without the Terragrunt-only keys.
fn config_map(reparser: &mut Reparser, text: &str, config: &Object, span: Range<usize>) -> Body {
    let mut entries: Vec<_> = object_entries(config)
        .into_iter()
        .map(|(name, mut entry)| {
            entry.keep &= !TERRAGRUNT_ONLY.contains(&name.as_str());
            entry
        })
        .collect();
    let close = span.end - 1;
    reparse_object(reparser, text, span.start, close, &mut entries)
}

/// The lines of a heredoc between its opening line and its closing delimiter.
fn heredoc_lines(text: &str, span: Range<usize>) -> Option<Range<usize>> {
    let heredoc = text.get(span.clone())?;
    let start = span.start + heredoc.find('\n')? + 1;
    let trimmed = heredoc.trim_end_matches(['\n', '\r']);
    let end = span.start + trimmed.rfind('\n')? + 1;
    (start <= end).then_some(start..end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configures_by_block_or_attribute_at_a_line_start() {
        assert!(may_configure(b"remote_state {\n}"));
        assert!(may_configure(b"  remote_state = local.x\n"));
        assert!(may_configure(b"generate \"backend\" {\n}"));
        assert!(!may_configure(b"# remote_state is elsewhere\n"));
        assert!(!may_configure(b"source \"amazon-ebs\" \"x\" {}\n"));
        assert!(!may_configure(b"x = generated\n"));
        assert!(may_include(b"include \"root\" {\n}"));
        assert!(may_include(b"include {\n}"));
        assert!(!may_include(b"x = included\n"));
    }

    #[test]
    fn include_paths_that_can_be_known() {
        let text = "include \"root\" {\n  path = find_in_parent_folders(\"root.hcl\")\n}\ninclude {\n  path = find_in_parent_folders()\n}\ninclude \"env\" {\n  path = \"../env.hcl\"\n}\ninclude \"x\" {\n  path = local.x\n}\n";
        let body = hcl_edit::parser::parse_body(text).unwrap();
        assert_eq!(
            includes(&body),
            [
                Include::ParentFolders("root.hcl".into()),
                Include::ParentFolders("terragrunt.hcl".into()),
                Include::Path("../env.hcl".into()),
            ]
        );
    }
}
