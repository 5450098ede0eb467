//! TFB303 missing-region: the AWS SDK needs a region even when the store ignores it.

use super::{rule_doc, Fixability, Rule, Sink, Stores};
use crate::diagnostic::Severity;
use crate::fix::{self, edits};
use crate::model::context::{Missing, ModuleContext};
use crate::model::schema::SPACES_SIGNING_REGION;
use crate::model::stores::StoreId;

pub static RULE: Rule = Rule {
    code: "TFB303",
    name: "missing-region",
    severity: Severity::Error,
    fix: Fixability::Safe,
    summary: "An s3 backend has no `region`",
    doc: rule_doc!("TFB303"),
    stores: Stores::S3_COMPATIBLE,
    check: Some(check),
};

fn check(ctx: &ModuleContext, sink: &mut Sink) {
    for Missing { config, place } in ctx.missing(|c| c.get("region").is_some()) {
        let (file, span) = config.anchor();
        // The region the store's vendor documents, else the one Spaces' guide uses.
        let store = config.store.store();
        let documented = store.documented_region(config.store.host().as_deref());
        let (region, why) = match (&documented, config.store.id) {
            (Some(region), id) if id != StoreId::Spaces => (
                region.clone(),
                format!("{}'s region is `{region}`", store.name),
            ),
            (_, StoreId::Spaces) => (
                SPACES_SIGNING_REGION.to_string(),
                format!("Spaces expects `{SPACES_SIGNING_REGION}`"),
            ),
            _ => (
                SPACES_SIGNING_REGION.to_string(),
                format!("`{SPACES_SIGNING_REGION}` passes Terraform's region check on any store"),
            ),
        };
        sink.report(
            &RULE,
            file,
            span,
            format!("{}`region` is not set {place}", config.on_store()),
        )
        .with_label("missing `region`")
        .with_help(format!(
            "add `region = \"{region}\"`: the AWS SDK refuses to start without a region (\"Missing region value\"), and {why}"
        ))
        .with_fix(fix::safe(
            format!("add `region = \"{region}\"`"),
            vec![edits::add_argument(config, "region", &format!("\"{region}\""))],
        ));
    }
}
