//! TFB501 missing-lockfile: without `use_lockfile = true`, concurrent runs can corrupt state.

use super::{rule_doc, Fixability, Rule, Sink, Stores};
use crate::diagnostic::{Edit, Severity};
use crate::fix::{self, edits, versions};
use crate::input::source::SourceFile;
use crate::model::context::{Arg, Engine, Missing, ModuleContext, S3Config};
use crate::model::schema::MIN_TERRAFORM_FOR_LOCKFILE;
use crate::model::stores::{StoreId, Support};
use crate::model::value::Literal;

pub static RULE: Rule = Rule {
    code: "TFB501",
    name: "missing-lockfile",
    severity: Severity::Warning,
    fix: Fixability::Unsafe,
    summary: "State locking is off: `use_lockfile` is absent or not true",
    doc: rule_doc!("TFB501"),
    stores: Stores::ALL,
    check: Some(check),
};

const HELP: &str =
    "add `use_lockfile = true` (Terraform 1.11 or later: set `required_version = \"~> 1.11\"`)";

fn check(ctx: &ModuleContext, sink: &mut Sink) {
    let present = |c: &S3Config| c.get("use_lockfile").is_some() || dynamodb_locks(c).is_some();
    for Missing { config, place } in ctx.missing(present) {
        let (file, span) = config.anchor();
        let help = match config.store.store().lockfile {
            Support::Documented(_) => HELP.to_string(),
            Support::Undocumented => format!(
                "{HELP}, if {} supports conditional writes (`If-None-Match`), which its documentation does not say",
                config.store.id.name()
            ),
        };
        // A `dynamodb_table` beside it (on a store without DynamoDB) makes way for it.
        let edit = dynamodb_table_here(config, file)
            .map(|arg| edits::replace_argument(&arg, "use_lockfile", "true"))
            .unwrap_or_else(|| edits::add_argument(config, "use_lockfile", "true"));
        sink.report(
            &RULE,
            file,
            span,
            format!("state locking is off: `use_lockfile` is not set {place}"),
        )
        .with_label("no state locking")
        .with_help(help)
        .with_fix(lockfile_fix(ctx, file, "add `use_lockfile = true`", edit));
    }
    // DynamoDB locking on AWS works, but Terraform 1.11 deprecated it (OpenTofu did not): a
    // module whose `required_version` keeps it below 1.11 has nothing to change.
    if ctx.engine == Engine::Terraform && ctx.constraints.admits_from(MIN_TERRAFORM_FOR_LOCKFILE) {
        for config in ctx.s3_configs.iter().filter(|c| c.store.id == StoreId::Aws) {
            if config.get("use_lockfile").is_some() {
                continue;
            }
            let Some(arg) = dynamodb_locks(config) else {
                continue;
            };
            let edit = edits::add_argument(config, "use_lockfile", "true");
            sink.report(
                &RULE,
                arg.file,
                arg.key_span(),
                "`dynamodb_table` locks the state, but Terraform 1.11 deprecated DynamoDB locking in favour of `use_lockfile`",
            )
            .with_label("deprecated locking")
            .with_help("add `use_lockfile = true` (Terraform 1.11 or later) and keep `dynamodb_table` until every run uses a Terraform that reads the lock file; then remove `dynamodb_table`")
            .with_fix(lockfile_fix(ctx, arg.file, "add `use_lockfile = true`", edit));
        }
    }
    for config in ctx.s3_configs.iter().filter(|c| !c.is_deferred()) {
        let Some(arg) = config.get("use_lockfile") else {
            continue;
        };
        let value = arg.literal();
        if value.is_dynamic() || value.as_bool() == Some(true) {
            continue;
        }
        let edit = edits::replace_value(&arg, "true");
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
        .with_help(HELP)
        .with_fix(lockfile_fix(
            ctx,
            arg.file,
            "set `use_lockfile = true`",
            edit,
        ));
    }
}

/// The lockfile edit, and the `required_version` raised to one that has `use_lockfile` when
/// it is in the same file (elsewhere, TFB103's fix raises it on the next pass). A module with
/// no `required_version` gets none: TFB101 says to add one.
fn lockfile_fix(
    ctx: &ModuleContext,
    file: &SourceFile,
    description: &str,
    edit: Edit,
) -> crate::diagnostic::Fix {
    let mut list = vec![edit];
    let mut description = description.to_string();
    let minimum = ctx.engine.min_for_lockfile();
    if let Some((_, culprit, _)) = ctx.constraints.below(minimum) {
        if std::ptr::eq(culprit.arg.file, file) {
            if let Some(raise) = versions::rewrite(culprit, |text, c| {
                versions::pessimistic_at_least(text, c, minimum)
            }) {
                description.push_str(&format!(" and require `{}`", raise.replacement));
                list.push(raise);
            }
        }
    }
    fix::unsafe_fix(description, list)
}

/// A `dynamodb_table` in `file`, in a configuration whose store has no DynamoDB.
fn dynamodb_table_here<'a>(config: &S3Config<'a>, file: &SourceFile) -> Option<Arg<'a>> {
    if !config.lacks_dynamodb() {
        return None;
    }
    config
        .get("dynamodb_table")
        .filter(|a| std::ptr::eq(a.file, file))
}

/// The `dynamodb_table` that locks the state: on AWS, or on a store that documents a
/// DynamoDB-compatible table reached through `endpoints.dynamodb` (Yandex).
fn dynamodb_locks<'a>(config: &S3Config<'a>) -> Option<Arg<'a>> {
    let table = config
        .get("dynamodb_table")
        .filter(|a| !matches!(a.literal(), Literal::Str("")))?;
    let works = match config.store.id {
        StoreId::Aws => true,
        id => {
            matches!(id.store().dynamodb, Support::Documented(_)) && config.has_dynamodb_endpoint()
        }
    };
    works.then_some(table)
}
