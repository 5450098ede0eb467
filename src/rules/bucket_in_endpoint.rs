//! TFB205 bucket-in-endpoint: the bucket written into a Spaces endpoint's host or path.

use super::{rule_doc, Fixability, Rule, Sink, Stores};
use crate::diagnostic::{Edit, Fix, Severity};
use crate::fix::{self, edits};
use crate::input::source::FileKind;
use crate::model::context::ModuleContext;
use crate::model::endpoints::{endpoint_values, EndpointValue};
use crate::model::spaces::SpacesHostKind;

pub static RULE: Rule = Rule {
    code: "TFB205",
    name: "bucket-in-endpoint",
    severity: Severity::Error,
    fix: Fixability::Safe,
    summary: "A Spaces endpoint has the bucket in its host or path",
    doc: rule_doc!("TFB205"),
    stores: Stores::SPACES,
    check: Some(check),
};

fn check(ctx: &ModuleContext, sink: &mut Sink) {
    for value in endpoint_values(ctx.s3_arguments()) {
        let endpoint = &value.endpoint;
        let Some(host) = endpoint.spaces_host() else {
            continue;
        };
        let name = &value.name;
        let host_start = endpoint.spans.host.start;
        let known_region = host
            .region
            .clone()
            .map(|r| &endpoint.host[r])
            .filter(|r| !r.is_empty());
        let region = known_region.unwrap_or("<region>");
        let regional = format!("https://{region}.digitaloceanspaces.com");
        if host.kind == SpacesHostKind::Bucket {
            let Some(bucket) = host.bucket else { continue };
            let range = host_start + bucket.start..host_start + bucket.end;
            let bucket = &value.value[range.clone()];
            let fix = known_region.and_then(|_| repair(ctx, &value, &regional, bucket));
            let diagnostic = sink
                .report(
                    &RULE,
                    value.file,
                    value.span_of(range),
                    format!("`{name}` is the host of the bucket `{bucket}`, not the Spaces endpoint: Terraform adds the bucket to the endpoint itself"),
                )
                .with_label("bucket")
                .with_help(format!("use `{regional}` and set `bucket = \"{bucket}\"`"));
            if let Some(fix) = fix {
                diagnostic.with_fix(fix);
            }
        } else if let Some(range) = endpoint.spaces_bucket_path() {
            let bucket = &value.value[range.clone()];
            let rest = value.value[range.end..endpoint.spans.path.end].trim_matches('/');
            let mut help = format!("use `{regional}` and set `bucket = \"{bucket}\"`");
            if !rest.is_empty() {
                help.push_str(&format!(
                    "; the rest of the path (`{rest}`) belongs at the start of `key`"
                ));
            }
            // A prefix after the bucket belongs in `key`, which is the user's call.
            let fix = known_region
                .filter(|_| rest.is_empty())
                .and_then(|_| repair(ctx, &value, &regional, bucket));
            let diagnostic = sink
                .report(
                    &RULE,
                    value.file,
                    value.span_of(endpoint.spans.path.clone()),
                    format!("`{name}` has the bucket `{bucket}` as its path: the Spaces endpoint is the region's host alone, and Terraform adds the bucket itself"),
                )
                .with_label("bucket as the path")
                .with_help(help);
            if let Some(fix) = fix {
                diagnostic.with_fix(fix);
            }
        }
    }
}

/// The endpoint replaced by the regional one, and `bucket` added beside it where no
/// configuration using it sets one. `None` when the URL carries more than scheme, host and
/// path (a port, credentials, a query) or is spelled with escapes.
fn repair(ctx: &ModuleContext, value: &EndpointValue, regional: &str, bucket: &str) -> Option<Fix> {
    let spans = &value.endpoint.spans;
    let contents = value.contents_span();
    let plain = spans.port.is_none()
        && spans.userinfo.is_none()
        && spans.query.is_none()
        && spans.fragment.is_none()
        && contents != value.span()
        && value.value.trim() == value.value;
    let simple_name = !bucket.is_empty()
        && bucket
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._".contains(c));
    if !plain || !simple_name {
        return None;
    }
    let mut edits: Vec<Edit> = vec![edits::replace(contents, regional)];
    let mut description = format!("use `{regional}`");
    // The configurations this endpoint is part of.
    let span = value.span();
    let configs = ctx.s3_configs.iter().filter(|c| {
        c.arguments.iter().any(|a| {
            std::ptr::eq(a.file, value.file) && {
                let s = a.span();
                s.start <= span.start && span.end <= s.end
            }
        })
    });
    let mut missing_bucket = None;
    for config in configs {
        if config.get("bucket").is_some() {
            continue;
        }
        // Next to the endpoint: in its block, or in the partial file that holds it.
        missing_bucket =
            match config.block {
                Some(block) if std::ptr::eq(block.file, value.file) => Some(
                    edits::insert_argument(&block, "bucket", &format!("\"{bucket}\"")),
                ),
                _ if value.file.kind == FileKind::TfBackend => Some(edits::append_argument(
                    value.file,
                    "bucket",
                    &format!("\"{bucket}\""),
                )),
                _ => return None,
            };
    }
    if let Some(edit) = missing_bucket {
        edits.push(edit);
        description.push_str(&format!(" and set `bucket = \"{bucket}\"`"));
    }
    Some(fix::safe(description, edits))
}
