//! TFB207 block-instead-of-attribute: `endpoints { … }` where Terraform wants
//! `endpoints = { … }`, or any other nested block in an s3 backend configuration.

use hcl_edit::structure::{Block, Body};
use hcl_edit::Span;

use super::{rule_doc, Fixability, Rule, Sink, Stores};
use crate::diagnostic::Severity;
use crate::fix::{self, edits};
use crate::input::source::SourceFile;
use crate::model::context::{BlockRef, ModuleContext};
use crate::model::schema::{engine_name, s3_argument, Type};

pub static RULE: Rule = Rule {
    code: "TFB207",
    name: "block-instead-of-attribute",
    severity: Severity::Error,
    fix: Fixability::Safe,
    summary: "A nested block in an s3 backend configuration, such as `endpoints { … }` without `=`",
    doc: rule_doc!("TFB207"),
    stores: Stores::ALL,
    check: Some(check),
};

fn check(ctx: &ModuleContext, sink: &mut Sink) {
    let mut seen_blocks: Vec<*const Block> = Vec::new();
    let mut seen_partials: Vec<*const SourceFile> = Vec::new();
    for config in &ctx.s3_configs {
        if let Some(b) = config.block {
            if !seen_blocks.contains(&(b.block as *const Block)) {
                seen_blocks.push(b.block);
                for block in b.block.body.blocks() {
                    let nested = BlockRef {
                        file: b.file,
                        block,
                    };
                    let inside = (b.noun(), "Unsupported block type");
                    report(ctx, sink, nested, &b.block.body, inside);
                }
            }
        }
        if let Some(p) = config.partial {
            if !seen_partials.contains(&(p as *const SourceFile)) {
                seen_partials.push(p);
                if let Some(body) = p.body() {
                    for block in body.blocks() {
                        // A partial file is read as plain attributes.
                        let inside = (
                            format!("`{}`", p.file_name()),
                            "Blocks are not allowed here",
                        );
                        report(ctx, sink, BlockRef { file: p, block }, body, inside);
                    }
                }
            }
        }
    }
}

/// A nested block in a `parent` body: `inside` names the body ("the backend block", a partial
/// file), with what the engine says of a block there.
fn report(
    ctx: &ModuleContext,
    sink: &mut Sink,
    nested: BlockRef,
    parent: &Body,
    (inside, says): (String, &str),
) {
    let tool = engine_name(ctx.engine);
    let name = nested.block.ident.value().as_str();
    let known = s3_argument(name).filter(|a| a.status(ctx.engine).is_accepted());
    let diagnostic = match known {
        Some(arg) => {
            let example = match arg.ty {
                Type::Object(keys) => {
                    let first = keys.first().map_or("name", |k| k.name);
                    format!("`{name} = {{ {first} = … }}`")
                }
                _ => format!("`{name} = …`"),
            };
            let diagnostic = sink.report(
                &RULE,
                nested.file,
                nested.header_span(),
                format!("`{name}` is written as a block in {inside}, but it is an argument: {tool} rejects it (\"{says}\")"),
            )
            .with_help(format!(
                "add the equals sign: {example}, not `{name} {{ … }}`"
            ));
            if let Some(fix) = to_attribute(&nested, parent, matches!(arg.ty, Type::Object(_))) {
                diagnostic.with_fix(fix);
            }
            diagnostic
        }
        None => sink
            .report(
                &RULE,
                nested.file,
                nested.header_span(),
                format!("a `{name}` block in {inside}: the s3 backend takes no blocks, only arguments ({tool}: \"{says}\")"),
            )
            .with_help("remove the block; write settings as `name = value` arguments"),
    };
    diagnostic.with_label("block, not an argument");
}

/// `endpoints { s3 = "…" }` → `endpoints = { s3 = "…" }`: the equals sign goes in, the contents
/// stay as written (newline-separated attributes are a valid object). Only for an object-typed
/// argument written as a block without labels or nested blocks, and not set beside it already.
fn to_attribute(
    nested: &BlockRef,
    parent: &Body,
    is_object: bool,
) -> Option<crate::diagnostic::Fix> {
    let block = nested.block;
    let name = block.ident.value().as_str();
    if !is_object
        || !block.labels.is_empty()
        || block.body.blocks().next().is_some()
        || parent.get_attribute(name).is_some()
    {
        return None;
    }
    let text = &nested.file.text;
    let ident_end = block.ident.span()?.end;
    let open = ident_end + text.get(ident_end..)?.find('{')?;
    if !text[ident_end..open].trim().is_empty() {
        return None;
    }
    Some(fix::safe(
        format!("write `{name} = {{ … }}`"),
        vec![edits::replace(ident_end..open, " = ")],
    ))
}
