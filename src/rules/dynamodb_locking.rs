//! TFB502 dynamodb-locking: DynamoDB locking on a store that is not AWS.

use super::{rule_doc, Fixability, Rule, Sink, Stores};
use crate::diagnostic::Severity;
use crate::fix::{self, edits};
use crate::model::context::{Engine, ModuleContext};
use crate::model::s3config::lookup;
use crate::model::schema::{
    engine_name, s3_argument, s3_path, Status, DYNAMODB_ARGUMENTS, MIN_TERRAFORM_FOR_LOCKFILE,
};
use crate::model::stores::Support;
use crate::model::value::Literal;

pub static RULE: Rule = Rule {
    code: "TFB502",
    name: "dynamodb-locking",
    severity: Severity::Error,
    fix: Fixability::Unsafe,
    summary: "DynamoDB locking is configured for an S3 endpoint that is not AWS",
    doc: rule_doc!("TFB502"),
    stores: Stores::S3_COMPATIBLE,
    check: Some(check),
};

fn check(ctx: &ModuleContext, sink: &mut Sink) {
    let tool = engine_name(ctx.engine);
    let lockfile_from = match (ctx.engine, s3_argument("use_lockfile").map(|a| a.opentofu)) {
        (Engine::OpenTofu, Some(Status::Supported { since: Some(v) })) => v,
        _ => MIN_TERRAFORM_FOR_LOCKFILE,
    };
    for config in ctx.s3_configs.iter().filter(|c| c.lacks_dynamodb()) {
        let place = match config.store.host() {
            Some(host) if !host.is_empty() => format!("`{host}`"),
            _ => config.store.id.name().to_string(),
        };
        let yandex_like = matches!(config.store.store().dynamodb, Support::Documented(_));
        let locks_with_file = config
            .get("use_lockfile")
            .is_some_and(|a| a.literal().as_bool() == Some(true));
        for &path in DYNAMODB_ARGUMENTS {
            let Some(setting) = lookup(config, path) else {
                continue;
            };
            // `null` and "" turn DynamoDB locking off.
            if matches!(Literal::of(setting.expr), Literal::Null | Literal::Str("")) {
                continue;
            }
            let deprecated = match s3_path(path).map(|a| a.status(ctx.engine)) {
                Some(Status::Deprecated {
                    since: Some(since), ..
                }) => format!("; {tool} {since} deprecated it"),
                _ => String::new(),
            };
            let fix = (path == "dynamodb_table")
                .then(|| {
                    config
                        .arguments
                        .iter()
                        .rev()
                        .find(|a| a.name() == path && std::ptr::eq(a.file, setting.file))
                })
                .flatten()
                .map(|arg| {
                    // Replaced by `use_lockfile = true`, unless `use_lockfile` is written
                    // already (if not true, TFB501 sets it).
                    let has_lockfile = config.arguments.iter().any(|a| a.name() == "use_lockfile");
                    if has_lockfile {
                        fix::unsafe_fix(
                            "delete `dynamodb_table`",
                            vec![edits::remove_argument(arg)],
                        )
                    } else {
                        fix::unsafe_fix(
                            "replace `dynamodb_table` with `use_lockfile = true`",
                            vec![edits::replace_argument(arg, "use_lockfile", "true")],
                        )
                    }
                });
            let diagnostic = sink.report(
                &RULE,
                setting.file,
                setting.key_span,
                if yandex_like {
                    format!(
                        "`{path}` configures DynamoDB locking, but no `endpoints.dynamodb` is set: on {}, the lock table is reached through its own endpoint, and without one Terraform asks AWS{deprecated}",
                        config.store.id.name()
                    )
                } else {
                    format!(
                        "`{path}` configures DynamoDB locking, but the state is on {place}, not AWS: DynamoDB does not exist there{deprecated}"
                    )
                },
            )
            .with_label("DynamoDB is AWS-only")
            .with_help(if yandex_like {
                "set `endpoints = { dynamodb = \"<the Document API endpoint of your lock database>\" }`, as the store's documentation shows".to_string()
            } else if locks_with_file {
                format!("remove `{path}`: `use_lockfile = true` already locks the state")
            } else {
                format!("remove `{path}` and lock with a file next to the state: `use_lockfile = true` ({tool} {lockfile_from} or later)")
            });
            if let Some(fix) = fix {
                diagnostic.with_fix(fix);
            }
        }
    }
}
