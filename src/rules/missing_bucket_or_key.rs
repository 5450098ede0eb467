//! TFB605 missing-bucket-or-key: a required argument (`bucket`, `key`) is set neither in the
//! block nor in a partial file; or the whole configuration is left to `terraform init`.

use super::{rule_doc, Fixability, Rule, Sink, Stores};
use crate::diagnostic::Severity;
use crate::model::context::{Missing, ModuleContext};
use crate::model::schema::S3_ARGUMENTS;

pub static RULE: Rule = Rule {
    code: "TFB605",
    name: "missing-bucket-or-key",
    severity: Severity::Warning,
    fix: Fixability::Never,
    summary:
        "An s3 configuration has no `bucket` or no `key`, or is left entirely to `terraform init`",
    doc: rule_doc!("TFB605"),
    stores: Stores::ALL,
    check: Some(check),
};

fn check(ctx: &ModuleContext, sink: &mut Sink) {
    for config in ctx.s3_configs.iter().filter(|c| c.is_deferred()) {
        let (file, span) = config.anchor();
        {
            sink.report(
                &RULE,
                file,
                span,
                "this `backend \"s3\" {}` is empty, no `.tfbackend` file is next to it and no `terraform init` command tfblint can see passes it settings: they are expected at `terraform init -backend-config=…`, out of tfblint's sight",
            )
            .with_label("configured at init time")
            .with_help("commit the partial configuration (e.g. `prod.s3.tfbackend`, without secrets) next to the block, or pair it with the module in `tfblint.toml` (`[backend-config]`), so tfblint can lint it; or write the settings in the block");
        }
    }
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
