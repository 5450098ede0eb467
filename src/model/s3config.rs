//! One effective s3 configuration ([`S3Config`]): a `backend "s3"` block with what is laid
//! over it (a partial file, or what one `terraform init` command passes), its arguments in the
//! order Terraform merges them, how to say where something is missing, and the store it talks
//! to ([`detect`], with the data of [`crate::model::stores`]).

use std::ops::Range;

use hcl_edit::expr::Expression;
use hcl_edit::structure::Body;
use hcl_edit::Span;

use crate::input::source::SourceFile;
use crate::model::endpoints::endpoint_values;
use crate::model::init::{InitConfig, InitItem};
use crate::model::module::{Arg, BlockRef, Module};
use crate::model::schema::SKIP_FLAGS;
use crate::model::spaces::Endpoint;
use crate::model::stores::{
    is_aws_region, store_of_host, Detected, Evidence, Need, Origin, StoreId, StoreSetting, Support,
};
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
    /// The store it talks to ([`detect`]).
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
        self.store = detect(self, setting.for_file(&home.path));
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
    /// backend block or by `terraform init` in `deploy.yml`"; the block named as its reader
    /// names it ([`BlockRef::noun`]: "in the `config` map").
    pub fn where_missing(&self) -> String {
        let noun = self.block_noun();
        if let Some(text) = self.init_origin() {
            return format!("in {noun} or {text}");
        }
        match (self.block, self.partial) {
            (Some(_), Some(p)) => {
                format!("in {noun} or in `{}`", p.file_name())
            }
            (Some(_), None) => format!("in {noun}"),
            (None, Some(p)) => format!("in `{}`", p.file_name()),
            (None, None) => String::new(),
        }
    }

    /// How messages name the configuration's block ([`BlockRef::noun`]).
    pub fn block_noun(&self) -> String {
        self.block
            .map_or_else(|| "the backend block".to_string(), |b| b.noun())
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
        self.store.id == StoreId::Spaces
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

/// Where a schema path is set in one configuration.
#[derive(Debug, Clone)]
pub struct Setting<'a> {
    pub file: &'a SourceFile,
    /// The argument's name or the object key.
    pub key_span: Range<usize>,
    pub expr: &'a Expression,
}

/// The setting Terraform would use for `path` (`bucket`, `endpoints.s3`) in `config`, when it
/// is written literally enough to find.
pub fn lookup<'a>(config: &S3Config<'a>, path: &str) -> Option<Setting<'a>> {
    match path.split_once('.') {
        None => config.get(path).map(|arg| Setting {
            file: arg.file,
            key_span: arg.key_span(),
            expr: arg.expr(),
        }),
        Some((name, key)) => {
            let arg = config.get(name)?;
            let Literal::Object(object) = arg.literal() else {
                return None;
            };
            let (key_span, expr) = object_get(object, key)?;
            Some(Setting {
                file: arg.file,
                key_span,
                expr,
            })
        }
    }
}

/// What the S3 endpoint of `config` is: a literal URL, an expression, or nothing. Written as a
/// block (`endpoints { s3 = … }`, which TFB207 reports), its `s3` still says what was meant.
enum Written {
    Url(String),
    Expression,
    Absent,
}

fn written_endpoint(config: &S3Config) -> Written {
    let of = |literal: Literal| match literal {
        Literal::Str(s) if s.trim().is_empty() => Written::Absent,
        Literal::Str(s) => Written::Url(s.to_string()),
        Literal::Null => Written::Absent,
        _ => Written::Expression,
    };
    if let Some(arg) = config.get("endpoints") {
        match arg.literal() {
            Literal::Object(obj) => {
                if let Some((_, expr)) = object_get(obj, "s3") {
                    return of(Literal::of(expr));
                }
            }
            Literal::Null => {}
            _ => return Written::Expression,
        }
    }
    if let Some(arg) = config.get("endpoint") {
        return of(arg.literal());
    }
    let block_form = config.block.and_then(|b| {
        b.block
            .body
            .get_blocks("endpoints")
            .find_map(|e| e.body.get_attribute("s3"))
    });
    match block_form {
        Some(attr) => of(Literal::of(&attr.value)),
        None => Written::Absent,
    }
}

/// What shows that a configuration without an endpoint targets an S3-compatible store.
pub fn evidence(config: &S3Config) -> Option<Evidence> {
    let is_true = |name: &str| {
        config
            .get(name)
            .is_some_and(|a| a.literal().as_bool() == Some(true))
    };
    if let Some((flag, _)) = SKIP_FLAGS.iter().find(|(f, _)| is_true(f)) {
        return Some(Evidence::SkipFlag(flag));
    }
    if let Some(flag) = ["use_path_style", "force_path_style"]
        .into_iter()
        .find(|f| is_true(f))
    {
        return Some(Evidence::PathStyle(flag));
    }
    if let Some(region) = config.get("region").and_then(|a| a.literal().as_str()) {
        if !region.is_empty() && !is_aws_region(region) {
            return Some(Evidence::Region(region.to_string()));
        }
    }
    endpoint_values(config.arguments.iter().copied())
        .into_iter()
        .filter(|v| v.name != "endpoints.s3" && v.name != "endpoint")
        .find(|v| {
            !v.endpoint.host.is_empty() && store_of_host(&v.endpoint.host, None) != StoreId::Aws
        })
        .map(|v| Evidence::OtherEndpoint(v.name))
}

/// The store of one configuration. `setting` is what the `store` setting says for it.
pub fn detect(config: &S3Config, setting: Option<StoreId>) -> Detected {
    let detected = |id, origin, endpoint| Detected {
        id,
        origin,
        endpoint,
    };
    match written_endpoint(config) {
        Written::Url(url) => {
            let parsed = Endpoint::parse(&url);
            let port = parsed
                .spans
                .port
                .clone()
                .and_then(|r| url.get(r.start + 1..r.end)?.parse().ok());
            let id = if parsed.host.is_empty() {
                StoreId::S3Compatible
            } else {
                store_of_host(&parsed.host, port)
            };
            detected(id, Origin::Endpoint, Some(url))
        }
        Written::Expression => detected(StoreId::Unknown, Origin::Expression, None),
        Written::Absent => match setting {
            Some(id) => detected(id, Origin::Setting, None),
            None if config.is_deferred() => detected(StoreId::Unknown, Origin::Init, None),
            None => match evidence(config) {
                Some(e) => detected(StoreId::S3Compatible, Origin::Evidence(e), None),
                None => detected(StoreId::Aws, Origin::Default, None),
            },
        },
    }
}

impl<'a> S3Config<'a> {
    /// Every file that gives this configuration a value, in order: the file of its block
    /// (which declares the backend, even when empty), then each other file one of its
    /// arguments is written in (a partial file, or the workflow or script whose `terraform
    /// init` passes a `-backend-config=KEY=VALUE`).
    pub fn files(&self) -> Vec<&'a SourceFile> {
        let mut out: Vec<&'a SourceFile> = self.block.map(|b| b.file).into_iter().collect();
        for arg in &self.arguments {
            if !out.iter().any(|f| std::ptr::eq(*f, arg.file)) {
                out.push(arg.file);
            }
        }
        // Partial files an init command passes, even those that set nothing.
        for p in self.partial.iter().chain(&self.partials) {
            if !out.iter().any(|f| std::ptr::eq(*f, *p)) {
                out.push(p);
            }
        }
        out
    }

    /// The skip flags this configuration's store needs: all five, but for those its vendor
    /// documents as not needed.
    pub fn needs_flag(&self, flag: &str) -> bool {
        !matches!(self.store.store().flag_need(flag), Some(Need::NotNeeded(_)))
    }

    /// Whether DynamoDB locking cannot work here: the store is known, is not AWS, and does not
    /// document a DynamoDB-compatible table reached through `endpoints.dynamodb`.
    pub fn lacks_dynamodb(&self) -> bool {
        let known = matches!(self.store.origin, Origin::Endpoint | Origin::Setting);
        let id = self.store.id;
        if !known || matches!(id, StoreId::Aws | StoreId::Unknown) {
            return false;
        }
        match self.store.store().dynamodb {
            Support::Documented(_) => !self.has_dynamodb_endpoint(),
            Support::Undocumented => true,
        }
    }

    /// `endpoints.dynamodb` or `dynamodb_endpoint` is set to something.
    pub fn has_dynamodb_endpoint(&self) -> bool {
        let set = |path| {
            lookup(self, path)
                .is_some_and(|s| !matches!(Literal::of(s.expr), Literal::Null | Literal::Str("")))
        };
        set("endpoints.dynamodb") || set("dynamodb_endpoint")
    }

    /// "on Cloudflare R2, " for a named store other than Spaces (whose messages predate
    /// stores), else "".
    pub fn on_store(&self) -> String {
        if self.store.id.is_named() && self.store.id != StoreId::Spaces {
            format!("on {}, ", self.store.id.name())
        } else {
            String::new()
        }
    }
}
