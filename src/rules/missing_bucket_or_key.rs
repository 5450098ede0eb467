//! TFB605 missing-bucket-or-key: a required argument (`bucket`, `key`) is set neither in the
//! block nor in a partial file. An empty block whose settings tfblint cannot see is no finding:
//! the summary counts it ([`crate::model::context::S3Config::is_deferred`]).

use super::{rule_doc, Fixability, Rule, Sink, Stores};
use crate::diagnostic::Severity;
use crate::model::context::{Missing, ModuleContext};
use crate::model::schema::S3_ARGUMENTS;

pub static RULE: Rule = Rule {
    code: "TFB605",
    name: "missing-bucket-or-key",
    severity: Severity::Warning,
    fix: Fixability::Never,
    summary: "An s3 configuration sets some arguments but no `bucket` or no `key`",
    doc: rule_doc!("TFB605"),
    stores: Stores::ALL,
    check: Some(check),
};

fn check(ctx: &ModuleContext, sink: &mut Sink) {
    for required in S3_ARGUMENTS.iter().filter(|a| a.required) {
        let name = required.name;
        for Missing { config, place } in ctx.missing(|c| c.get(name).is_some()) {
            let (file, span) = config.anchor();
            sink.report(&RULE, file, span, format!("`{name}` is not set {place}"))
            .with_label(format!("missing `{name}`"))
            .with_help(format!(
                "add `{name} = \"…\"`, unless every `terraform init` passes it (`-backend-config=\"{name}=…\"`); Terraform cannot start without it"
            ));
        }
    }
}
