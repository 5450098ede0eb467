//! TFB403 credentials-at-init: a credential passed as `-backend-config=KEY=VALUE` is written
//! into `.terraform/terraform.tfstate` and every plan file.

use super::{rule_doc, Fixability, Rule, Sink, Stores};
use crate::diagnostic::Severity;
use crate::input::init::SettingValue;
use crate::model::context::ModuleContext;
use crate::model::init::InitItem;
use crate::model::schema::CREDENTIAL_ARGUMENTS;

pub static RULE: Rule = Rule {
    code: "TFB403",
    name: "credentials-at-init",
    severity: Severity::Error,
    fix: Fixability::Never,
    stores: Stores::ALL,
    summary: "A credential is passed to `terraform init` as `-backend-config=KEY=VALUE`",
    doc: rule_doc!("TFB403"),
    check: Some(check),
};

fn check(ctx: &ModuleContext, sink: &mut Sink) {
    // A command that pairs no module of the run (its unit has no Terraform file) is checked
    // as it is written; one that pairs a module only when that module's backend is s3.
    if !ctx.has_s3_backend() && !ctx.module.files.is_empty() {
        return;
    }
    let init = &ctx.module.init;
    for item in init.configs.iter().flat_map(|c| &c.items) {
        let InitItem::Setting(setting) = item else {
            continue;
        };
        let name = setting.attr.key.as_str();
        let Some(&(_, env)) = CREDENTIAL_ARGUMENTS.iter().find(|(n, _)| *n == name) else {
            continue;
        };
        // Never the value: only the argument's name and where the value comes from.
        let from = match setting.value {
            SettingValue::Dynamic { secret_ref: true } => " from a CI secret",
            SettingValue::Dynamic { .. } => " from a variable",
            _ => "",
        };
        sink.report(
            &RULE,
            &init.files[setting.file],
            setting.arg.clone(),
            format!("`{name}` is passed{from} to `terraform init` on the command line: Terraform writes it in plain text into `.terraform/terraform.tfstate` and every plan file"),
        )
        .with_label("credential at init (value masked)")
        .with_help(format!(
            "remove this `-backend-config` and export `{env}` in the step's environment instead (for example `env: {env}: ${{{{ secrets.… }}}}`); rotate the key if a plan file or `.terraform/` holding it was ever shared"
        ));
    }
}
