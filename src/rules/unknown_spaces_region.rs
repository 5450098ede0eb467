//! TFB204 unknown-spaces-region: `<x>.digitaloceanspaces.com` where `x` is no Spaces region.

use super::{rule_doc, Fixability, Rule, Sink, Stores};
use crate::diagnostic::Severity;
use crate::model::context::ModuleContext;
use crate::model::endpoints::endpoint_values;
use crate::model::spaces::{
    all_regions, is_spaces_region, looks_like_placeholder, nearest_region, SpacesHostKind,
};

pub static RULE: Rule = Rule {
    code: "TFB204",
    name: "unknown-spaces-region",
    severity: Severity::Error,
    fix: Fixability::Never,
    summary: "A Spaces endpoint names a region that Spaces does not have",
    doc: rule_doc!("TFB204"),
    stores: Stores::SPACES,
    check: Some(check),
};

fn check(ctx: &ModuleContext, sink: &mut Sink) {
    let extra = &ctx.settings.spaces_regions;
    let regions = all_regions(extra).join(", ");
    let add_new = |region: &str| {
        format!("if DigitalOcean has opened `{region}` since tfblint's list was written, add it with `spaces-regions = [\"{region}\"]` in `tfblint.toml`")
    };
    for value in endpoint_values(ctx.s3_arguments()) {
        let endpoint = &value.endpoint;
        let Some(host) = endpoint.spaces_host() else {
            continue;
        };
        let name = &value.name;
        let host_start = endpoint.spans.host.start;
        match host.kind {
            SpacesHostKind::Bare => {
                sink.report(
                    &RULE,
                    value.file,
                    value.span_of(endpoint.spans.host.clone()),
                    format!("`{name}` has no region: the Spaces endpoint is `https://<region>.digitaloceanspaces.com`"),
                )
                .with_label("no region")
                .with_help(format!("write the region of your bucket in front, e.g. `https://nyc3.digitaloceanspaces.com`; Spaces regions are {regions}"));
            }
            SpacesHostKind::Regional | SpacesHostKind::Bucket => {
                let Some(range) = host.region else { continue };
                if is_spaces_region(&endpoint.host[range.clone()], extra) {
                    continue;
                }
                let range = host_start + range.start..host_start + range.end;
                let written = &value.value[range.clone()];
                let span = value.span_of(range);
                if looks_like_placeholder(written) {
                    sink.report(
                        &RULE,
                        value.file,
                        span,
                        format!("`{name}` has `{written}` where the region goes: it looks like an unfilled placeholder"),
                    )
                    .with_label("placeholder")
                    .with_help(format!("replace it with the region of your bucket, e.g. `https://nyc3.digitaloceanspaces.com`; Spaces regions are {regions}"));
                    continue;
                }
                let help = match nearest_region(written, extra) {
                    Some(near) => format!(
                        "did you mean `{near}`? write `https://{near}.digitaloceanspaces.com`; {}",
                        add_new(written)
                    ),
                    None if looks_like_aws_region(written) => format!(
                        "`{written}` is an AWS region name: write the Spaces region of your bucket, e.g. `https://nyc3.digitaloceanspaces.com`; Spaces regions are {regions}"
                    ),
                    None => format!("Spaces regions are {regions}; {}", add_new(written)),
                };
                sink.report(
                    &RULE,
                    value.file,
                    span,
                    format!("`{written}` in `{name}` is not a DigitalOcean Spaces region"),
                )
                .with_label("unknown region")
                .with_help(help);
            }
            // Not endpoints at all: TFB206 says so.
            SpacesHostKind::Cdn | SpacesHostKind::Website => {}
        }
    }
}

/// `us-east-1`, `eu-central-2`, `ap-southeast-1`: two letters, a word, a number.
fn looks_like_aws_region(name: &str) -> bool {
    let parts: Vec<&str> = name.split('-').collect();
    matches!(parts.as_slice(), [area, word, number]
        if area.len() == 2
            && area.chars().all(|c| c.is_ascii_alphabetic())
            && !word.is_empty()
            && word.chars().all(|c| c.is_ascii_alphabetic())
            && !number.is_empty()
            && number.chars().all(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_region_names() {
        assert!(looks_like_aws_region("us-east-1"));
        assert!(looks_like_aws_region("ap-southeast-2"));
        assert!(!looks_like_aws_region("nyc1"));
        assert!(!looks_like_aws_region("my-bucket-1x"));
    }
}
