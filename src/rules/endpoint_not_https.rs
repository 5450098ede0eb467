//! TFB203 endpoint-not-https: an endpoint without a scheme, or plain `http://` to a public host.

use super::{rule_doc, Fixability, Rule, Sink, Stores};
use crate::diagnostic::Severity;
use crate::fix::{self, edits};
use crate::model::context::ModuleContext;
use crate::model::endpoints::{endpoint_values, is_private_host, EndpointValue};

pub static RULE: Rule = Rule {
    code: "TFB203",
    name: "endpoint-not-https",
    severity: Severity::Error,
    fix: Fixability::Safe,
    summary: "An endpoint has no scheme, or uses plain http:// to a public host",
    doc: rule_doc!("TFB203"),
    stores: Stores::ALL,
    check: Some(check),
};

fn check(ctx: &ModuleContext, sink: &mut Sink) {
    for value in endpoint_values(ctx.s3_arguments()) {
        let endpoint = &value.endpoint;
        let name = &value.name;
        if value.value.trim().is_empty() {
            continue;
        }
        let host = &value.value[endpoint.spans.host.clone()];
        let https = format!("`https://{}`", address(&value));
        match endpoint.scheme.as_deref() {
            Some("https") => {}
            None => {
                let mut help = format!("write {https}");
                if is_private_host(host) {
                    help.push_str(&format!(
                        " (or `http://{}` for a store on your own network)",
                        address(&value)
                    ));
                }
                let diagnostic = sink.report(
                    &RULE,
                    value.file,
                    value.contents_span(),
                    format!("`{name}` has no scheme: Terraform expects a complete URL and warns \"Complete URL Expected\" (Terraform 1.6.0 rejects it)"),
                )
                .with_label("no `https://`")
                .with_help(help);
                // Only when the source spells the value as it reads (no escapes, no leading
                // blanks), so the scheme lands right before the host.
                let contents = value.contents_span();
                if contents != value.span() && !value.value.starts_with(char::is_whitespace) {
                    diagnostic.with_fix(fix::safe(
                        "add `https://`",
                        vec![edits::insert(contents.start, "https://")],
                    ));
                }
            }
            Some("http") => {
                if is_private_host(host) {
                    continue;
                }
                let span = endpoint.spans.scheme.clone().unwrap_or_default();
                let scheme = value.span_of(span);
                let diagnostic = sink.report(
                    &RULE,
                    value.file,
                    scheme.clone(),
                    format!("`{name}` uses plain `http://` to the public host `{}`: request signatures and the state, which can hold secrets, would cross the network unencrypted", host.to_ascii_lowercase()),
                )
                .with_label("unencrypted")
                .with_help(format!("write {https}"));
                if scheme != value.span() {
                    diagnostic.with_fix(fix::safe(
                        "use `https://`",
                        vec![edits::replace(scheme, "https")],
                    ));
                }
            }
            Some("s3") => {
                let span = endpoint.spans.scheme.clone().unwrap_or_default();
                sink.report(
                    &RULE,
                    value.file,
                    value.span_of(span),
                    format!("`{name}` is an `s3://` address, which names a bucket, not the store's endpoint"),
                )
                .with_label("not an endpoint URL")
                .with_help("put the bucket's name in `bucket` and the store's HTTPS URL in the endpoint, e.g. `endpoints = { s3 = \"https://nyc3.digitaloceanspaces.com\" }` on Spaces");
            }
            Some(other) => {
                let span = endpoint.spans.scheme.clone().unwrap_or_default();
                sink.report(
                    &RULE,
                    value.file,
                    value.span_of(span),
                    format!("`{name}` uses the scheme `{other}://`: an S3 endpoint is an `https://` URL"),
                )
                .with_label("not `https`")
                .with_help(format!("write {https}"));
            }
        }
    }
}

/// Host, port and path as written: everything a corrected URL keeps (never the credentials
/// or the query).
fn address<'a>(value: &EndpointValue<'a>) -> &'a str {
    let spans = &value.endpoint.spans;
    &value.value[spans.host.start..spans.path.end]
}
