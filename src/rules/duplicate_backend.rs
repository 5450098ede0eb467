//! TFB604 duplicate-backend: a second backend (or `cloud`) block in one module, or an argument
//! set twice in one backend block or partial configuration file.

use std::path::Path;

use super::{rule_doc, Fixability, Rule, Sink, Stores};
use crate::diagnostic::Severity;
use crate::input::source::{FileKind, SourceFile};
use crate::model::context::{BlockRef, Engine, ModuleContext};
use crate::model::schema::engine_name;

pub static RULE: Rule = Rule {
    code: "TFB604",
    name: "duplicate-backend",
    severity: Severity::Error,
    fix: Fixability::Never,
    summary: "A module with two backend blocks, a `cloud` and a `backend` block, or an argument set twice",
    doc: rule_doc!("TFB604"),
    stores: Stores::ALL,
    check: Some(check),
};

fn check(ctx: &ModuleContext, sink: &mut Sink) {
    let tool = engine_name(ctx.engine);

    // Where the state goes: every `backend` and `cloud` block, in file order. Override files
    // legitimately replace them, and files the engine does not read do not count.
    let state_blocks: Vec<BlockRef> = ctx
        .terraform_blocks
        .iter()
        .filter(|tf| !tf.file.is_override() && !unread(ctx, tf.file))
        .flat_map(|tf| {
            tf.block
                .body
                .blocks()
                .filter(|b| matches!(b.ident.value().as_str(), "backend" | "cloud"))
                .map(move |block| BlockRef {
                    file: tf.file,
                    block,
                })
        })
        // Settings passed at init fill the module's block; they are not a second one.
        .filter(|b| !b.passed_at_init() && !b.superseded())
        .collect();
    terragrunt_writes_twice(ctx, sink);
    if let Some((first, extras)) = state_blocks.split_first() {
        let first_header = &first.file.text[first.header_span()];
        let first_place = format!(
            "`{first_header}` in `{}`, line {}",
            first.file.file_name(),
            first.file.position(first.header_span().start).line
        );
        for extra in extras {
            let kinds = (
                first.block.ident.value().as_str(),
                extra.block.ident.value().as_str(),
            );
            let (message, help) = match kinds {
                ("backend", "backend") => (
                    format!("a second backend block in this module (the first is {first_place}): {tool} allows one per module (\"Duplicate backend configuration\")"),
                    "keep one backend per module (directory): delete this block or move it to its own directory; for several environments, keep one block and one partial file each (`terraform init -backend-config=prod.s3.tfbackend`)".to_string(),
                ),
                ("cloud", "cloud") => (
                    format!("a second `cloud` block in this module (the first is in `{}`): {tool} allows one per module", first.file.file_name()),
                    "delete one of the `cloud` blocks".to_string(),
                ),
                _ => (
                    format!("a `cloud` block and a `backend` block in one module (the first is {first_place}): {tool} uses one or the other, not both"),
                    "keep either the `backend` block or the `cloud` block (HCP Terraform), and delete the other".to_string(),
                ),
            };
            sink.report(&RULE, extra.file, extra.header_span(), message)
                .with_label("duplicate")
                .with_help(help);
        }
    }

    // "Attribute redefined", which the parser set aside (`SourceFile::redefined`).
    for file in &ctx.module.files {
        for repeat in &file.redefined {
            let place = if file.kind == FileKind::TfBackend {
                format!("`{}`", file.file_name())
            } else if ctx
                .backends
                .iter()
                .any(|b| std::ptr::eq(b.file, file) && b.span().contains(&repeat.span.start))
            {
                "this backend block".to_string()
            } else {
                "the same block".to_string()
            };
            let name = &repeat.name;
            let line = file.position(repeat.first.start).line;
            sink.report(
                &RULE,
                file,
                repeat.span.clone(),
                format!("`{name}` is set twice in {place} (first on line {line}): {tool} rejects it (\"Attribute redefined\")"),
            )
            .with_label("set again here")
            .with_help(format!(
                "keep one `{name}`: delete this line or the one on line {line}"
            ));
        }
    }
}

/// A `generate` heredoc's backend beside the same file's `remote_state`: Terragrunt writes
/// the generate blocks, then the `remote_state` backend (with `generate`: to its own path, so two
/// backend blocks, or over the same file) or passes its `config` map at init over the block
/// (without). Terragrunt's docs advise against combining them. Reported once, on the heredoc's
/// block; the `remote_state` is the module's configuration.
fn terragrunt_writes_twice(ctx: &ModuleContext, sink: &mut Sink) {
    for extra in ctx.backends.iter().filter(|b| b.superseded()) {
        let Some(own) = ctx
            .backends
            .iter()
            .find(|b| std::ptr::eq(b.file, extra.file) && !b.superseded())
        else {
            continue;
        };
        let line = own.file.position(own.header_span().start).line;
        sink.report(&RULE, extra.file, extra.header_span(), format!(
            "a second backend for this module: `remote_state` configures it too (its `config`, line {line}); Terragrunt writes both, so Terraform finds two backend blocks (\"Duplicate backend configuration\"), or one file overwrites the other, or, without `generate` in `remote_state`, its `config` map overrides this block at init"
        ))
        .with_label("duplicate")
        .with_help("configure the backend once: keep `remote_state` and delete this `generate` block (Terragrunt's docs advise against combining them), or the reverse".to_string());
    }
}

/// A file the engine skips: Terraform reads no `.tofu` file, and OpenTofu reads `x.tofu`
/// instead of `x.tf`.
fn unread(ctx: &ModuleContext, file: &SourceFile) -> bool {
    match (ctx.engine, file.kind) {
        (Engine::Terraform, FileKind::Tofu) => true,
        (Engine::OpenTofu, FileKind::Tf) => {
            let stem = |p: &Path| p.with_extension("");
            ctx.module
                .files
                .iter()
                .any(|f| f.kind == FileKind::Tofu && stem(&f.path) == stem(&file.path))
        }
        _ => false,
    }
}
