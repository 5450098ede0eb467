//! TFB301 missing-skip-flag: one of the AWS-only checks is left on, where the store needs it off.

use super::{rule_doc, Fixability, Rule, Sink, Stores};
use crate::diagnostic::Severity;
use crate::fix::{self, edits};
use crate::model::context::{Missing, ModuleContext, S3Config};
use crate::model::schema::SKIP_FLAGS;
use crate::model::stores::{Need, StoreId};

pub static RULE: Rule = Rule {
    code: "TFB301",
    name: "missing-skip-flag",
    severity: Severity::Error,
    fix: Fixability::Safe,
    summary: "An s3 backend on an S3-compatible store leaves an AWS-only check on",
    doc: rule_doc!("TFB301"),
    stores: Stores::S3_COMPATIBLE,
    check: Some(check),
};

fn check(ctx: &ModuleContext, sink: &mut Sink) {
    for &(flag, why) in SKIP_FLAGS {
        let present = |c: &S3Config| c.get(flag).is_some() || !c.needs_flag(flag);
        for Missing { config, place } in ctx.missing(present) {
            let (file, span) = config.anchor();
            let why = reason(config, flag, why);
            sink.report(
                &RULE,
                file,
                span,
                format!("{}`{flag}` is not set {place}", config.on_store()),
            )
            .with_label(format!("missing `{flag} = true`"))
            .with_help(format!("add `{flag} = true`: {why}"))
            .with_fix(fix::safe(
                format!("add `{flag} = true`"),
                vec![edits::add_argument(config, flag, "true")],
            ));
        }
    }
}

/// Why the flag is needed on this configuration's store: its vendor's words where it has
/// some, else the general reason (Spaces' own for the checksum, which Spaces' guide is about).
fn reason(config: &S3Config, flag: &str, general: &'static str) -> String {
    if let Some(Need::Required(why, _)) = config.store.store().flag_need(flag) {
        return why.to_string();
    }
    if flag == "skip_s3_checksum" && config.store.id != StoreId::Spaces {
        return "since 1.6, Terraform sends checksum headers that many S3-compatible stores reject (Spaces, for one, with `XAmzContentSHA256Mismatch`)".into();
    }
    general.to_string()
}
