//! TFB304 region-not-us-east-1: on Spaces, the region is part of the endpoint, not `region`.

use super::{rule_doc, Fixability, Rule, Sink, Stores};
use crate::diagnostic::Severity;
use crate::fix::{self, edits};
use crate::model::context::ModuleContext;
use crate::model::schema::SPACES_SIGNING_REGION;
use crate::model::spaces::is_spaces_region;

pub static RULE: Rule = Rule {
    code: "TFB304",
    name: "region-not-us-east-1",
    severity: Severity::Warning,
    fix: Fixability::Safe,
    summary: "On a Spaces endpoint, `region` is not \"us-east-1\"",
    doc: rule_doc!("TFB304"),
    stores: Stores::SPACES,
    check: Some(check),
};

fn check(ctx: &ModuleContext, sink: &mut Sink) {
    for config in &ctx.s3_configs {
        // A Spaces configuration; its endpoint may come from the environment (`store`).
        let endpoint = config.parsed_endpoint();
        let Some(arg) = config.get("region") else {
            continue;
        };
        let Some(region) = arg.literal().as_str() else {
            continue;
        };
        if region == SPACES_SIGNING_REGION {
            continue;
        }
        let diagnostic = if is_spaces_region(region, &ctx.settings.spaces_regions) {
            let help = match endpoint.as_ref().and_then(|e| e.spaces_region()) {
                Some(r) if r == region => format!(
                    "set `region = \"{SPACES_SIGNING_REGION}\"`; the endpoint already selects {region}"
                ),
                _ => format!(
                    "set `region = \"{SPACES_SIGNING_REGION}\"` and put the region in the endpoint: `https://{region}.digitaloceanspaces.com`"
                ),
            };
            sink.report(
                &RULE,
                arg.file,
                arg.value_span(),
                format!("`region = \"{region}\"` is a Spaces region: on Spaces the region belongs in the endpoint, and `region` should be \"{SPACES_SIGNING_REGION}\""),
            )
            .with_help(help)
        } else {
            sink.report(
                &RULE,
                arg.file,
                arg.value_span(),
                format!("`region` is \"{region}\", but Spaces expects \"{SPACES_SIGNING_REGION}\""),
            )
            .with_help(format!("set `region = \"{SPACES_SIGNING_REGION}\"`"))
        };
        diagnostic
            .with_label(format!("should be \"{SPACES_SIGNING_REGION}\""))
            .with_fix(fix::safe(
                format!("set `region = \"{SPACES_SIGNING_REGION}\"`"),
                vec![edits::replace_value(
                    &arg,
                    format!("\"{SPACES_SIGNING_REGION}\""),
                )],
            ));
    }
}
