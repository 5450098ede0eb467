//! TFB608 unsupported-by-spaces: encryption and ACL settings Spaces does not support.

use super::{rule_doc, Fixability, Rule, Sink, Stores};
use crate::diagnostic::Severity;
use crate::model::context::ModuleContext;
use crate::model::value::Literal;

pub static RULE: Rule = Rule {
    code: "TFB608",
    name: "unsupported-by-spaces",
    severity: Severity::Warning,
    fix: Fixability::Never,
    summary: "On Spaces, SSE-KMS, SSE-S3 or an ACL other than private is set (public-read: error)",
    doc: rule_doc!("TFB608"),
    stores: Stores::SPACES,
    check: Some(check),
};

/// The canned ACLs Spaces supports.
const SPACES_ACLS: &[&str] = &["private", "public-read"];

fn check(ctx: &ModuleContext, sink: &mut Sink) {
    for config in ctx.s3_configs.iter().filter(|c| c.is_spaces()) {
        let set = |name: &str| {
            config
                .get(name)
                .filter(|a| !matches!(a.literal(), Literal::Null | Literal::Str("")))
        };
        let kms = set("kms_key_id");
        if let Some(arg) = kms {
            sink.report(
                &RULE,
                arg.file,
                arg.span(),
                "`kms_key_id` asks for SSE-KMS encryption, which Spaces does not support",
            )
            .with_label("SSE-KMS")
            .with_help("remove `kms_key_id`: Spaces encrypts with customer-provided keys only (SSE-C: `encrypt = true` with the key in the `AWS_SSE_CUSTOMER_KEY` environment variable)");
        }
        if let Some(arg) = config.get("encrypt") {
            if kms.is_none()
                && set("sse_customer_key").is_none()
                && arg.literal().as_bool() == Some(true)
            {
                sink.report(
                    &RULE,
                    arg.file,
                    arg.value_span(),
                    "`encrypt = true` without `sse_customer_key` asks for SSE-S3 encryption, which Spaces does not support: it supports customer-provided keys (SSE-C) only",
                )
                .with_label("SSE-S3")
                .with_help("remove `encrypt`, or keep it and export `AWS_SSE_CUSTOMER_KEY` (a base64-encoded 256-bit key) for SSE-C; if you already do, disable this rule for this module");
            }
        }
        if let Some(arg) = config.get("acl") {
            let Some(acl) = arg.literal().as_str() else {
                continue;
            };
            if acl == "public-read" {
                let d = sink
                    .report(
                        &RULE,
                        arg.file,
                        arg.value_span(),
                        "`acl = \"public-read\"` makes the state file readable by anyone on the internet, with every secret it holds",
                    )
                    .with_label("world-readable state")
                    .with_help("remove `acl` (objects are private by default) or set `acl = \"private\"`; if the state was ever uploaded this way, make it private and rotate the secrets in it");
                d.severity = Severity::Error;
            } else if !SPACES_ACLS.contains(&acl) {
                let shown = if acl.chars().count() <= 40 {
                    format!("`acl = {acl:?}`")
                } else {
                    "`acl`".to_string()
                };
                sink.report(
                    &RULE,
                    arg.file,
                    arg.value_span(),
                    format!("{shown} is an ACL Spaces does not support: it has only `private` and `public-read`"),
                )
                .with_label("unsupported ACL")
                .with_help("remove `acl` (objects are private by default) or set `acl = \"private\"`");
            }
        }
    }
}
