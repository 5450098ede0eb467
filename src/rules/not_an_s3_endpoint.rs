//! TFB206 not-an-s3-endpoint: a CDN or website host, or a URL with a path, query or credentials.

use super::{rule_doc, Fixability, Rule, Sink, Stores};
use crate::diagnostic::Severity;
use crate::model::context::ModuleContext;
use crate::model::endpoints::{endpoint_values, EndpointValue};
use crate::model::spaces::SpacesHostKind;
use crate::model::stores::{StoreId, Support};

pub static RULE: Rule = Rule {
    code: "TFB206",
    name: "not-an-s3-endpoint",
    severity: Severity::Error,
    fix: Fixability::Never,
    summary: "An endpoint is a Spaces CDN or website host, or has a path, query or credentials",
    doc: rule_doc!("TFB206"),
    stores: Stores::ALL,
    check: Some(check),
};

fn check(ctx: &ModuleContext, sink: &mut Sink) {
    // A store with a documented DynamoDB-compatible table (Yandex) gives its endpoint a path.
    let documents_dynamodb = ctx.s3_configs.iter().any(|c| {
        matches!(c.store.store().dynamodb, Support::Documented(_)) && c.store.id != StoreId::Aws
    });
    let is_dynamodb = |name: &str| matches!(name, "endpoints.dynamodb" | "dynamodb_endpoint");
    for value in endpoint_values(ctx.s3_arguments()) {
        let endpoint = &value.endpoint;
        let spans = &endpoint.spans;
        let name = &value.name;
        let spaces = endpoint.spaces_host();

        // Credentials first: never quoted, always masked.
        if let Some(userinfo) = spans.userinfo.clone() {
            sink.report(
                &RULE,
                value.file,
                value.span_of(userinfo),
                format!("`{name}` has credentials in its URL (`user:password@`): they are not used to sign S3 requests, and backend settings are copied in plain text into `.terraform/terraform.tfstate` and every plan file"),
            )
            .with_label("credentials (value masked)")
            .with_help("remove them from the URL and export `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` instead; rotate this key if it was ever committed");
        }

        // The host of a Spaces service that does not speak the S3 API.
        let mut host_reported = false;
        if let Some(host) = &spaces {
            let what = match host.kind {
                SpacesHostKind::Cdn => Some("a Spaces CDN host, which serves files read-only"),
                SpacesHostKind::Website => {
                    Some("a Spaces static website host, which serves files read-only")
                }
                _ => None,
            };
            if let Some(what) = what {
                host_reported = true;
                let region = host
                    .region
                    .clone()
                    .map(|r| &endpoint.host[r])
                    .filter(|r| !r.is_empty())
                    .unwrap_or("<region>");
                let mut help = format!("use `https://{region}.digitaloceanspaces.com`");
                if let Some(bucket) = host.bucket.clone() {
                    help.push_str(&format!(
                        " and set `bucket = \"{}\"`",
                        &endpoint.host[bucket]
                    ));
                }
                sink.report(
                    &RULE,
                    value.file,
                    value.span_of(spans.host.clone()),
                    format!("`{name}` is {what}: it is not an S3 API endpoint"),
                )
                .with_label("not the S3 endpoint")
                .with_help(help);
            }
        }

        // A path, unless TFB205 reports it as a bucket or the host is already reported.
        let owned_elsewhere = host_reported
            || endpoint.spaces_bucket_path().is_some()
            || spaces
                .as_ref()
                .is_some_and(|h| h.kind == SpacesHostKind::Bucket);
        // Yandex's documented Document API endpoint has a path.
        let documented_path = is_dynamodb(&value.name) && documents_dynamodb;
        if !owned_elsewhere && !matches!(endpoint.path.as_str(), "" | "/") && !documented_path {
            sink.report(
                &RULE,
                value.file,
                value.span_of(spans.path.clone()),
                format!("`{name}` has a path (`{}`): an S3 endpoint is the store's base URL, and Terraform adds the bucket and key itself", endpoint.path),
            )
            .with_label("path")
            .with_help(format!("use `{}`; put the bucket in `bucket` and the object's path in `key`", base_url(&value, false)));
        }

        // A query or fragment: never quoted (a query can carry a signature or token).
        for (range, what) in [
            (spans.query.clone(), "a query (`?…`)"),
            (spans.fragment.clone(), "a fragment (`#…`)"),
        ] {
            let Some(range) = range else { continue };
            sink.report(
                &RULE,
                value.file,
                value.span_of(range),
                format!("`{name}` has {what}: an S3 endpoint is a base URL without one"),
            )
            .with_label("not part of an endpoint")
            .with_help(format!("use `{}`", base_url(&value, true)));
        }
    }
}

/// `scheme://host:port` (with the path when `with_path`): never the credentials or query.
fn base_url(value: &EndpointValue, with_path: bool) -> String {
    let spans = &value.endpoint.spans;
    let scheme = value.endpoint.scheme.as_deref().unwrap_or("https");
    let end = if with_path {
        spans.path.end
    } else {
        spans.port.as_ref().map_or(spans.host.end, |p| p.end)
    };
    format!("{scheme}://{}", &value.value[spans.host.start..end])
}
