//! TFB002 backend-config-not-found: a `-backend-config` file path that resolves to nothing
//! (`terraform init` fails on it), or outside the repository (tfblint does not read it).

use super::{rule_doc, Fixability, Rule, Sink, Stores};
use crate::diagnostic::Severity;
use crate::model::context::ModuleContext;
use crate::model::init::InitItem;

pub static RULE: Rule = Rule {
    code: "TFB002",
    name: "backend-config-not-found",
    severity: Severity::Error,
    fix: Fixability::Never,
    stores: Stores::ALL,
    summary: "A `-backend-config` file path of a `terraform init` command does not exist",
    doc: rule_doc!("TFB002"),
    check: Some(check),
};

fn check(ctx: &ModuleContext, sink: &mut Sink) {
    let init = &ctx.module.init;
    for config in &init.configs {
        let Some(source) = config.source else {
            continue;
        };
        let shown_dir = ctx.module.dir.to_string_lossy().replace('\\', "/");
        let dir = shown_dir.strip_prefix("./").unwrap_or(&shown_dir);
        for item in &config.items {
            let InitItem::Missing {
                written,
                arg,
                outside,
            } = item
            else {
                continue;
            };
            if *outside {
                sink.report(&RULE, &init.files[source], arg.clone(), format!("`{}` is outside the repository, not read", shown(written)))
                    .with_label("outside the repository")
                    .with_help("tfblint reads nothing outside the repository: commit the partial configuration file (without credentials) inside it, or pass the settings as `-backend-config=KEY=VALUE`");
                continue;
            }
            let message = if written.is_empty() {
                "an empty `-backend-config` next to others is read as a file named \"\", which does not exist: `terraform init` fails".to_string()
            } else {
                format!("`{}` does not exist (resolved from `{dir}`, where this command runs): `terraform init` fails on it", shown(written))
            };
            sink.report(&RULE, &init.files[source], arg.clone(), message)
                .with_label("no such file")
                .with_help("fix the path (relative paths are resolved from the directory `terraform init` runs in, after `-chdir`), or commit the partial configuration file it names");
        }
    }
}

/// A path for a message: one line, cut short if long.
fn shown(path: &str) -> String {
    let flat: String = path.chars().filter(|c| !c.is_control()).collect();
    if flat.chars().count() > 80 {
        format!("{}…", flat.chars().take(80).collect::<String>())
    } else {
        flat
    }
}
