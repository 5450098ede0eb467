//! TFB402 hardcoded-digitalocean-token: a DigitalOcean API token or provider key in a file.

use super::{rule_doc, Fixability, Rule, Sink, Stores};
use crate::diagnostic::Severity;
use crate::model::context::ModuleContext;
use crate::model::secrets::{provider_secrets, tokens_in_literals};

pub static RULE: Rule = Rule {
    code: "TFB402",
    name: "hardcoded-digitalocean-token",
    severity: Severity::Error,
    fix: Fixability::Never,
    summary: "A DigitalOcean API token or Spaces key is written in a file",
    doc: rule_doc!("TFB402"),
    stores: Stores::ALL,
    check: Some(check),
};

fn check(ctx: &ModuleContext, sink: &mut Sink) {
    let provider = provider_secrets(&ctx.module.files);
    for secret in &provider {
        let name = secret.arg.name();
        // Never the value itself: only the argument's name.
        sink.report(
            &RULE,
            secret.arg.file,
            secret.arg.value_span(),
            format!("`{name}` is hardcoded in `provider \"digitalocean\"`"),
        )
        .with_label("credential (value masked)")
        .with_help(format!(
            "remove `{name}` and export `{}` instead (or pass a variable marked `sensitive = true` from outside the repository); revoke this credential if it was ever committed",
            secret.env
        ));
    }
    for file in &ctx.module.files {
        for found in tokens_in_literals(file) {
            // Already reported as the provider's credential.
            let range = &found.token.range;
            if provider.iter().any(|p| {
                std::ptr::eq(p.arg.file, file)
                    && p.contents().start <= range.start
                    && range.end <= p.contents().end
            }) {
                continue;
            }
            sink.report(
                &RULE,
                file,
                range.clone(),
                format!(
                    "a DigitalOcean {} is hardcoded in {}",
                    found.token.kind, found.place
                ),
            )
            .with_label("token (value masked)")
            .with_help("remove it and export `DIGITALOCEAN_TOKEN` for the provider (or pass a variable marked `sensitive = true` from outside the repository); revoke this token in the control panel: it is in the repository's history");
        }
    }
}
