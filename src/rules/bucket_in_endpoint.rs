//! TFB205 bucket-in-endpoint: the bucket written into a Spaces endpoint's host or path.

use super::{rule_doc, Fixability, Rule};
use crate::context::{ModuleContext, Sink};
use crate::diagnostic::Severity;
use crate::endpoints::endpoint_values;
use crate::spaces::SpacesHostKind;

pub static RULE: Rule = Rule {
    code: "TFB205",
    name: "bucket-in-endpoint",
    severity: Severity::Error,
    fix: Fixability::Never,
    summary: "A Spaces endpoint has the bucket in its host or path",
    doc: rule_doc!("TFB205"),
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
        let region = host
            .region
            .clone()
            .map(|r| &endpoint.host[r])
            .filter(|r| !r.is_empty())
            .unwrap_or("<region>");
        let regional = format!("https://{region}.digitaloceanspaces.com");
        if host.kind == SpacesHostKind::Bucket {
            let Some(bucket) = host.bucket else { continue };
            let range = host_start + bucket.start..host_start + bucket.end;
            let bucket = &value.value[range.clone()];
            sink.report(
                &RULE,
                value.file,
                value.span_of(range),
                format!("`{name}` is the host of the bucket `{bucket}`, not the Spaces endpoint: Terraform adds the bucket to the endpoint itself"),
            )
            .with_label("bucket")
            .with_help(format!("use `{regional}` and set `bucket = \"{bucket}\"`"));
        } else if let Some(range) = endpoint.spaces_bucket_path() {
            let bucket = &value.value[range.clone()];
            let rest = value.value[range.end..endpoint.spans.path.end].trim_matches('/');
            let mut help = format!("use `{regional}` and set `bucket = \"{bucket}\"`");
            if !rest.is_empty() {
                help.push_str(&format!(
                    "; the rest of the path (`{rest}`) belongs at the start of `key`"
                ));
            }
            sink.report(
                &RULE,
                value.file,
                value.span_of(endpoint.spans.path.clone()),
                format!("`{name}` has the bucket `{bucket}` as its path: the Spaces endpoint is the region's host alone, and Terraform adds the bucket itself"),
            )
            .with_label("bucket as the path")
            .with_help(help);
        }
    }
}
