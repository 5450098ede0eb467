//! TFB305 missing-path-style: a store that answers only path-style requests, without
//! `use_path_style = true`.

use super::{rule_doc, Fixability, Rule, Sink, Stores};
use crate::diagnostic::Severity;
use crate::fix::{self, edits};
use crate::model::context::{Arg, Missing, ModuleContext, S3Config};
use crate::model::stores::{PathStyle, StoreId};

pub static RULE: Rule = Rule {
    code: "TFB305",
    name: "missing-path-style",
    severity: Severity::Error,
    fix: Fixability::Safe,
    summary: "On a store that only answers path-style requests, `use_path_style` is not true",
    doc: rule_doc!("TFB305"),
    stores: Stores::only(StoreId::Oracle),
    check: Some(check),
};

fn written<'a>(c: &S3Config<'a>) -> Option<Arg<'a>> {
    c.get("use_path_style")
        .or_else(|| c.get("force_path_style"))
}

/// Whether the configuration's store requires path-style addressing at its endpoint's host.
pub(crate) fn requires_path_style(config: &S3Config) -> bool {
    let PathStyle::Required { host_contains, .. } = config.store.store().path_style else {
        return false;
    };
    config
        .store
        .host()
        .is_some_and(|h| h.contains(host_contains))
}

fn check(ctx: &ModuleContext, sink: &mut Sink) {
    let why = |config: &S3Config| {
        format!(
            "{} answers at this host only with the bucket in the path; without `use_path_style`, Terraform puts it in the host name, which does not resolve",
            config.store.id.name()
        )
    };
    let present = |c: &S3Config| !requires_path_style(c) || written(c).is_some();
    for Missing { config, place } in ctx.missing(present) {
        let (file, span) = config.anchor();
        sink.report(
            &RULE,
            file,
            span,
            format!("{}`use_path_style` is not set {place}", config.on_store()),
        )
        .with_label("missing `use_path_style = true`")
        .with_help(format!("add `use_path_style = true`: {}", why(config)))
        .with_fix(fix::safe(
            "add `use_path_style = true`",
            vec![edits::add_argument(config, "use_path_style", "true")],
        ));
    }
    for config in ctx.s3_configs.iter().filter(|c| requires_path_style(c)) {
        let Some(arg) = written(config) else { continue };
        let value = arg.literal();
        if value.is_dynamic() || value.as_bool() == Some(true) {
            continue;
        }
        sink.report(
            &RULE,
            arg.file,
            arg.value_span(),
            format!(
                "{}`{}` is {}: Terraform will address the bucket by host name",
                config.on_store(),
                arg.name(),
                value.describe()
            ),
        )
        .with_label("not true")
        .with_help(format!("write `{} = true`: {}", arg.name(), why(config)))
        .with_fix(fix::safe(
            format!("set `{} = true`", arg.name()),
            vec![edits::replace_value(&arg, "true")],
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::model::stores::{PathStyle, STORES};

    /// The rule's declared stores are exactly those whose vendor requires path style.
    #[test]
    fn declared_stores_match_the_table() {
        for store in STORES {
            let requires = matches!(store.path_style, PathStyle::Required { .. });
            assert_eq!(
                super::RULE.stores.contains(store.id),
                requires,
                "{}",
                store.key
            );
        }
    }
}
