//! TFB501 missing-lockfile: without `use_lockfile = true`, concurrent runs can corrupt state.

use super::{rule_doc, Fixability, Rule};
use crate::context::{ModuleContext, Sink};
use crate::diagnostic::Severity;

pub static RULE: Rule = Rule {
    code: "TFB501",
    name: "missing-lockfile",
    severity: Severity::Warning,
    fix: Fixability::Never,
    summary: "State locking is off: `use_lockfile` is absent or not true",
    doc: rule_doc!("TFB501"),
    check: Some(check),
};

const HELP: &str =
    "add `use_lockfile = true` (Terraform 1.11 or later: set `required_version = \"~> 1.11\"`)";

fn check(ctx: &ModuleContext, sink: &mut Sink) {
    for config in ctx.s3_configs.iter().filter(|c| !c.is_deferred()) {
        match config.get("use_lockfile") {
            None => {
                let (file, span) = config.anchor();
                sink.report(
                    &RULE,
                    file,
                    span,
                    format!(
                        "state locking is off: `use_lockfile` is not set {}",
                        config.where_missing()
                    ),
                )
                .with_label("no state locking")
                .with_help(HELP);
            }
            Some(arg) => {
                let value = arg.literal();
                if value.is_dynamic() || value.as_bool() == Some(true) {
                    continue;
                }
                sink.report(
                    &RULE,
                    arg.file,
                    arg.value_span(),
                    format!(
                        "state locking is off: `use_lockfile` is {}",
                        value.describe()
                    ),
                )
                .with_label("not true")
                .with_help(HELP);
            }
        }
    }
}
