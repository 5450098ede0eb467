//! TFB502 dynamodb-locking: DynamoDB locking on a store that is not AWS.

use super::{rule_doc, Fixability, Rule, Sink};
use crate::diagnostic::Severity;
use crate::fix::{self, edits};
use crate::model::context::{Engine, ModuleContext, S3Config};
use crate::model::schema::{
    engine_name, lookup, s3_argument, s3_path, Status, DYNAMODB_ARGUMENTS,
    MIN_TERRAFORM_FOR_LOCKFILE,
};
use crate::model::spaces::Endpoint;
use crate::model::value::Literal;

pub static RULE: Rule = Rule {
    code: "TFB502",
    name: "dynamodb-locking",
    severity: Severity::Error,
    fix: Fixability::Unsafe,
    summary: "DynamoDB locking is configured for an S3 endpoint that is not AWS",
    doc: rule_doc!("TFB502"),
    check: Some(check),
};

fn check(ctx: &ModuleContext, sink: &mut Sink) {
    let tool = engine_name(ctx.engine);
    let lockfile_from = match (ctx.engine, s3_argument("use_lockfile").map(|a| a.opentofu)) {
        (Engine::OpenTofu, Some(Status::Supported { since: Some(v) })) => v,
        _ => MIN_TERRAFORM_FOR_LOCKFILE,
    };
    for config in &ctx.s3_configs {
        let Some(endpoint) = foreign_endpoint(config) else {
            continue;
        };
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
                format!(
                    "`{path}` configures DynamoDB locking, but the state is on `{}`, not AWS: DynamoDB does not exist there{deprecated}",
                    endpoint.host
                ),
            )
            .with_label("DynamoDB is AWS-only")
            .with_help(if locks_with_file {
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

/// The S3 endpoint, when one is written and is not an AWS host.
pub(super) fn foreign_endpoint(config: &S3Config) -> Option<Endpoint> {
    config
        .parsed_endpoint()
        .filter(|e| !e.host.is_empty() && !is_aws_host(&e.host))
}

fn is_aws_host(host: &str) -> bool {
    ["amazonaws.com", "amazonaws.com.cn"]
        .iter()
        .any(|d| host == *d || host.ends_with(&format!(".{d}")))
}

#[cfg(test)]
mod tests {
    use super::is_aws_host;

    #[test]
    fn aws_hosts() {
        assert!(is_aws_host("s3.us-east-1.amazonaws.com"));
        assert!(is_aws_host("s3.cn-north-1.amazonaws.com.cn"));
        assert!(!is_aws_host("nyc3.digitaloceanspaces.com"));
        assert!(!is_aws_host("amazonaws.com.evil.example"));
        assert!(!is_aws_host("notamazonaws.com"));
    }
}
