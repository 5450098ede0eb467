//! One effective s3 configuration ([`S3Config`]): a `backend "s3"` block with what is laid
//! over it (a partial file, or what one `terraform init` command passes), its arguments in the
//! order Terraform merges them, and how to say where something is missing.

use std::ops::Range;

use hcl_edit::expr::Expression;
use hcl_edit::structure::Body;
use hcl_edit::Span;

use crate::input::source::SourceFile;
use crate::model::context::{Arg, BlockRef, Module, ModuleContext};
use crate::model::init::{InitConfig, InitItem};
use crate::model::spaces::Endpoint;
use crate::model::stores::{self, Detected, StoreSetting};
use crate::model::value::{object_get, Literal};

/// One effective s3 backend configuration: a `backend "s3"` block, a partial file, or both
/// (the partial's values override the block's, as `terraform init -backend-config` does), or
/// a block with what one init command passes.
#[derive(Debug, Clone)]
pub struct S3Config<'a> {
    pub block: Option<BlockRef<'a>>,
    /// The first partial file laid over the block (of an init command: its first).
    pub partial: Option<&'a SourceFile>,
    /// Every argument in source order, the block's first then the partial's, duplicates kept.
    pub arguments: Vec<Arg<'a>>,
    /// The init command (or `tfblint.toml` pairing) this configuration is built for, and the
    /// file holding it.
    pub init: Option<(&'a InitConfig, Option<&'a SourceFile>)>,
    /// Partial files of the init command, in order.
    pub partials: Vec<&'a SourceFile>,
    /// The init command passes something tfblint cannot know: nothing is missing for sure.
    pub open: bool,
    /// The store it talks to ([`stores::detect`]).
    pub store: Detected,
}

pub(crate) fn body_args(file: &SourceFile) -> impl Iterator<Item = Arg<'_>> {
    file.body()
        .into_iter()
        .flat_map(Body::attributes)
        .map(move |attr| Arg::of(file, attr))
}

impl<'a> S3Config<'a> {
    pub(crate) fn new(
        block: Option<BlockRef<'a>>,
        partial: Option<&'a SourceFile>,
        setting: &StoreSetting,
    ) -> Self {
        let mut config = S3Config::merged(block, partial);
        config.detect_store(setting);
        config
    }

    /// The block and partial file merged, its store not yet detected.
    fn merged(block: Option<BlockRef<'a>>, partial: Option<&'a SourceFile>) -> Self {
        let block_args = block.into_iter().flat_map(|b| {
            b.block
                .body
                .attributes()
                .map(move |attr| Arg::of(b.file, attr))
        });
        let partial_args = partial.into_iter().flat_map(body_args);
        S3Config {
            block,
            partial,
            arguments: block_args.chain(partial_args).collect(),
            init: None,
            partials: partial.into_iter().collect(),
            open: false,
            store: Detected::default(),
        }
    }

    fn detect_store(&mut self, setting: &StoreSetting) {
        let (home, _) = self.anchor();
        self.store = stores::detect(self, setting.for_file(&home.path));
    }

    /// The block with what one init command passes, in command-line order.
    pub(crate) fn with_init(
        block: BlockRef<'a>,
        module: &'a Module,
        init: &'a InitConfig,
        setting: &StoreSetting,
    ) -> Self {
        let mut config = S3Config::merged(Some(block), None);
        let source = init.source.map(|i| &module.init.files[i]);
        for item in &init.items {
            match item {
                InitItem::File(r) => {
                    let file = module.file(*r);
                    config.partials.push(file);
                    config.arguments.extend(body_args(file));
                }
                InitItem::Setting(cli) => config.arguments.push(Arg {
                    file: &module.init.files[cli.file],
                    attr: &cli.attr,
                    cli: Some(cli),
                }),
                InitItem::Missing { .. } | InitItem::Unknown { .. } => config.open = true,
            }
        }
        config.partial = config.partials.first().copied();
        config.init = Some((init, source));
        // The store of the configuration as merged: the endpoint may come from the command.
        config.detect_store(setting);
        config
    }

    /// The argument Terraform would use: the last one set, so a partial file wins. An
    /// argument set to `null` is not set at all, as Terraform reads it.
    pub fn get(&self, name: &str) -> Option<Arg<'a>> {
        self.arguments
            .iter()
            .rev()
            .find(|a| a.name() == name)
            .filter(|a| a.literal() != Literal::Null)
            .copied()
    }

    /// Where a finding about a missing argument goes: the block's header, or the start of a
    /// partial file that stands alone.
    pub fn anchor(&self) -> (&'a SourceFile, Range<usize>) {
        match (self.block, self.partial) {
            (Some(b), _) => (b.file, b.header_span()),
            (None, Some(p)) => (p, 0..0),
            (None, None) => unreachable!("an S3Config has a block or a partial file"),
        }
    }

    /// "in the backend block", "in the backend block or in `prod.s3.tfbackend`", "in the
    /// backend block or by `terraform init` in `deploy.yml`".
    pub fn where_missing(&self) -> String {
        if let Some(text) = self.init_origin() {
            return format!("in the backend block or {text}");
        }
        match (self.block, self.partial) {
            (Some(_), Some(p)) => {
                format!("in the backend block or in `{}`", p.file_name())
            }
            (Some(_), None) => "in the backend block".into(),
            (None, Some(p)) => format!("in `{}`", p.file_name()),
            (None, None) => String::new(),
        }
    }

    /// Where an init configuration's settings come from: "by `terraform init` in `x.yml`
    /// (line 12)", "in `prod.hcl` (paired in tfblint.toml)".
    pub fn init_origin(&self) -> Option<String> {
        let (init, source) = self.init?;
        Some(match source {
            Some(file) => format!(
                "by `terraform init` in `{}` (line {})",
                file.display,
                file.position(init.span.start).line
            ),
            None => {
                let names: Vec<String> = self
                    .partials
                    .iter()
                    .map(|p| format!("`{}`", p.file_name()))
                    .collect();
                format!("in {} (paired in tfblint.toml)", names.join(", "))
            }
        })
    }

    /// The S3 endpoint: `endpoints = { s3 = … }`, else the deprecated `endpoint`.
    pub fn endpoint(&self) -> Option<EndpointArg<'a>> {
        if let Some(arg) = self.get("endpoints") {
            if let Literal::Object(obj) = arg.literal() {
                if let Some((_, expr)) = object_get(obj, "s3") {
                    return Some(EndpointArg {
                        file: arg.file,
                        expr,
                        deprecated: false,
                    });
                }
            }
        }
        self.get("endpoint").map(|arg| EndpointArg {
            file: arg.file,
            expr: arg.expr(),
            deprecated: true,
        })
    }

    /// The endpoint, parsed, when it is a literal string.
    pub fn parsed_endpoint(&self) -> Option<Endpoint> {
        self.endpoint()?.literal().as_str().map(Endpoint::parse)
    }

    /// Whether the store is DigitalOcean Spaces (by its endpoint, or by the `store` setting).
    pub fn is_spaces(&self) -> bool {
        self.store.id == stores::StoreId::Spaces
    }
}

/// The S3 endpoint's expression and where it came from.
#[derive(Debug, Clone, Copy)]
pub struct EndpointArg<'a> {
    pub file: &'a SourceFile,
    pub expr: &'a Expression,
    /// Set through the deprecated top-level `endpoint`.
    pub deprecated: bool,
}

impl<'a> EndpointArg<'a> {
    pub fn literal(&self) -> Literal<'a> {
        Literal::of(self.expr)
    }

    pub fn span(&self) -> Range<usize> {
        self.expr.span().unwrap_or(0..0)
    }
}

impl S3Config<'_> {
    /// An empty `backend "s3" {}` with no `.tfbackend` file in its module: its settings come
    /// at `terraform init -backend-config=…` from somewhere tfblint cannot see. Rules about
    /// missing arguments stay silent on it; TFB605 says so once.
    pub fn is_deferred(&self) -> bool {
        // A block without a partial file exists only when the module has no partial files.
        self.partial.is_none()
            && self.init.is_none()
            && self.block.is_some_and(|b| b.block.body.is_empty())
    }
}

/// A configuration that lacks something, and how to say where it is missing.
#[derive(Debug, Clone)]
pub struct Missing<'c, 'a> {
    pub config: &'c S3Config<'a>,
    /// "in the backend block", "in the backend block or in any of `a`, `b`".
    pub place: String,
}

impl<'a> ModuleContext<'a> {
    /// The configurations (not deferred) where `present` is false, grouped so that a value
    /// missing from a block and from every partial file laid over it is reported once.
    pub fn missing<'c>(&'c self, present: impl Fn(&S3Config<'a>) -> bool) -> Vec<Missing<'c, 'a>> {
        let mut out: Vec<Missing<'c, 'a>> = Vec::new();
        let configs: Vec<&S3Config<'a>> = self
            .s3_configs
            .iter()
            .filter(|c| !c.is_deferred() && !c.open)
            .collect();
        let same_block = |a: &S3Config<'a>, b: &S3Config<'a>| match (a.block, b.block) {
            (Some(x), Some(y)) => std::ptr::eq(x.block, y.block),
            _ => false,
        };
        for (i, config) in configs.iter().enumerate() {
            if present(config) {
                continue;
            }
            let group: Vec<&S3Config<'a>> = configs
                .iter()
                .filter(|c| same_block(c, config))
                .copied()
                .collect();
            let all_missing = group.len() > 1 && group.iter().all(|c| !present(c));
            if !all_missing {
                out.push(Missing {
                    config,
                    place: config.where_missing(),
                });
                continue;
            }
            // Report the whole group once, at its first configuration.
            if configs[..i].iter().any(|c| same_block(c, config)) {
                continue;
            }
            let place = if group.iter().any(|c| c.init.is_some()) {
                let origins: Vec<String> = group
                    .iter()
                    .filter_map(|c| match c.init_origin() {
                        Some(origin) => Some(origin),
                        None => c.partial.map(|p| format!("in `{}`", p.file_name())),
                    })
                    .collect();
                format!("in the backend block, {}", origins.join(", or "))
            } else {
                let names: Vec<String> = group
                    .iter()
                    .filter_map(|c| c.partial)
                    .map(|p| format!("`{}`", p.file_name()))
                    .collect();
                format!("in the backend block or in any of {}", names.join(", "))
            };
            out.push(Missing { config, place });
        }
        out
    }
}
