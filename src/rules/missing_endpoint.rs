//! TFB201 missing-endpoint: without an endpoint, the state goes to AWS.

use super::{rule_doc, Fixability, Rule, Sink, Stores};
use crate::diagnostic::Severity;
use crate::model::context::{Missing, ModuleContext, S3Config};
use crate::model::stores::Origin;
use crate::model::value::Literal;

pub static RULE: Rule = Rule {
    code: "TFB201",
    name: "missing-endpoint",
    severity: Severity::Error,
    fix: Fixability::Never,
    summary: "An s3 backend has no S3 endpoint, so the state would go to AWS",
    doc: rule_doc!("TFB201"),
    stores: Stores::S3_COMPATIBLE,
    check: Some(check),
};

const HELP: &str = "add `endpoints = { s3 = \"https://<region>.digitaloceanspaces.com\" }` (or your store's S3 URL)";

fn check(ctx: &ModuleContext, sink: &mut Sink) {
    // `endpoints` in any form counts as an attempt: written as a block, TFB207 reports it;
    // as an object without `s3`, the second loop does; dynamic, TFB601 does.
    let attempted = |c: &S3Config| {
        c.endpoint().is_some()
            || c.get("endpoints").is_some()
            || c.block
                .is_some_and(|b| b.block.body.get_blocks("endpoints").next().is_some())
    };
    // Only a configuration that shows an S3-compatible target is missing its endpoint; one
    // with nothing of the kind is on AWS, and one given a store by `tfblint.toml` gets its
    // endpoint from the environment.
    let forgotten = |c: &S3Config| matches!(c.store.origin, Origin::Evidence(_));
    for Missing { config, place } in ctx.missing(|c| attempted(c) || !forgotten(c)) {
        let (file, span) = config.anchor();
        let Origin::Evidence(evidence) = &config.store.origin else {
            continue;
        };
        sink.report(
            &RULE,
            file,
            span,
            format!("no S3 endpoint is set {place}: the state would go to AWS S3"),
        )
        .with_label("missing `endpoints = { s3 = … }`")
        .with_help(format!(
            "{HELP}; {} shows the state is meant for an S3-compatible store (for AWS, remove it; for an endpoint given by the environment, set `store` in `tfblint.toml`)",
            evidence.describe()
        ));
    }
    for config in ctx.s3_configs.iter().filter(|c| !c.is_deferred()) {
        if config.endpoint().is_some() || !forgotten(config) {
            continue;
        }
        let Some(arg) = config.get("endpoints") else {
            continue;
        };
        if matches!(arg.literal(), Literal::Object(_)) {
            sink.report(
                &RULE,
                arg.file,
                arg.value_span(),
                "`endpoints` has no `s3` key: the state would go to AWS S3",
            )
            .with_label("no `s3` here")
            .with_help(HELP);
        }
    }
}
