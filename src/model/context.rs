//! The model of one Terraform module (a directory) that rules check.
//!
//! Built once per module from its parsed files: its `terraform` blocks, backend blocks,
//! effective `required_version` list, partial `*.tfbackend` files, and the effective s3
//! configurations Terraform would build from them (the block alone, or the block with each
//! partial file laid over it); [`S3Config`] is in [`crate::model::s3config`].

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use hcl_edit::structure::Block;

use crate::input::source::{FileKind, SourceFile};
use crate::model::constraints::Constraints;
use crate::model::init::{CliSetting, InitItem};
pub use crate::model::module::{Arg, BlockRef, Module};
use crate::model::s3config::body_args;
pub use crate::model::s3config::{EndpointArg, Missing, S3Config};
pub use crate::model::schema::Engine;
use crate::model::stores::{StoreSetting, Stores};

/// What a run knows beyond the files: chosen by flags and `tfblint.toml`.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// `None`: OpenTofu when the module has `.tofu` files, else Terraform.
    pub engine: Option<Engine>,
    /// Spaces regions newer than the built-in list.
    pub spaces_regions: Vec<String>,
    /// Which store configurations without an endpoint target.
    pub store: StoreSetting,
}

/// Everything the rules see of one module.
#[derive(Debug, Clone)]
pub struct ModuleContext<'a> {
    pub module: &'a Module,
    pub settings: &'a Settings,
    pub engine: Engine,
    /// Every `terraform` block of every parsed configuration file.
    pub terraform_blocks: Vec<BlockRef<'a>>,
    /// Every `backend` block inside those, of any type, in file order.
    pub backends: Vec<BlockRef<'a>>,
    /// The `required_version` arguments that hold: all of them, or, when an override file
    /// sets one, those of the last such override file.
    pub required_versions: Vec<Arg<'a>>,
    /// Those `required_version`s parsed, and the versions they admit together.
    pub constraints: Constraints<'a>,
    /// The module's parsed `*.tfbackend` files.
    pub partials: Vec<&'a SourceFile>,
    /// The effective s3 configurations to lint.
    pub s3_configs: Vec<S3Config<'a>>,
    /// The module's Terraform code is not all here (a Terragrunt module's is in its
    /// `terraform { source }`): a version constraint it does not state is unknown.
    pub code_elsewhere: bool,
}

impl<'a> ModuleContext<'a> {
    pub fn new(module: &'a Module, settings: &'a Settings) -> Self {
        let engine = settings.engine.unwrap_or_else(|| {
            if module.files.iter().any(|f| f.kind == FileKind::Tofu) {
                Engine::OpenTofu
            } else {
                Engine::Terraform
            }
        });
        let mut terraform_blocks = Vec::new();
        let mut partials = Vec::new();
        for file in module
            .files
            .iter()
            .filter(|f| is_read_by(engine, f, module))
        {
            let Some(body) = file.config_body() else {
                continue;
            };
            if file.kind.is_config() {
                terraform_blocks.extend(
                    body.get_blocks("terraform")
                        .map(|block| BlockRef { file, block }),
                );
            } else {
                partials.push(file);
            }
        }

        let backends: Vec<BlockRef<'a>> = terraform_blocks
            .iter()
            .flat_map(|tf| {
                tf.block
                    .body
                    .get_blocks("backend")
                    .map(move |block| BlockRef {
                        file: tf.file,
                        block,
                    })
            })
            .collect();

        let required_versions = effective_required_versions(&terraform_blocks);
        let constraints = Constraints::new(&required_versions);

        // An override file's backend replaces the main ones.
        let overriding: Vec<BlockRef<'a>> = backends
            .iter()
            .filter(|b| b.file.is_override())
            .copied()
            .collect();
        let effective_backends = if overriding.is_empty() {
            backends.clone()
        } else {
            overriding
        };
        let has_other_backend = effective_backends.iter().any(|b| b.label() != Some("s3"));
        let mut s3_blocks: Vec<BlockRef<'a>> = effective_backends
            .into_iter()
            .filter(|b| b.label() == Some("s3"))
            .collect();
        // A heredoc's backend that the file's `remote_state` configures again is not one of
        // its own (TFB604 reports it).
        s3_blocks.retain(|b| !b.superseded());
        // Settings passed at init (Terragrunt's `config` without `generate`) fill the module's
        // empty `backend "s3" {}`: the pair is one configuration, the passed settings.
        if s3_blocks.iter().any(BlockRef::passed_at_init) {
            s3_blocks.retain(|b| b.passed_at_init() || !b.block.body.is_empty());
        }

        // Partial files of the directory that an init command passes are linted with it only.
        let passed: Vec<&SourceFile> = module
            .init
            .configs
            .iter()
            .flat_map(|c| &c.items)
            .filter_map(|i| match i {
                InitItem::File(r) => Some(module.file(*r)),
                _ => None,
            })
            .collect();
        let partials: Vec<&'a SourceFile> = partials
            .into_iter()
            .filter(|p| !passed.iter().any(|q| std::ptr::eq(*p, *q)))
            .collect();
        let mut s3_configs = Vec::new();
        for block in &s3_blocks {
            s3_configs.extend(
                partials
                    .iter()
                    .map(|p| S3Config::new(Some(*block), Some(*p), &settings.store)),
            );
            s3_configs.extend(
                module
                    .init
                    .configs
                    .iter()
                    .map(|init| S3Config::with_init(*block, module, init, &settings.store)),
            );
            if partials.is_empty() && module.init.configs.is_empty() {
                s3_configs.push(S3Config::new(Some(*block), None, &settings.store));
            }
        }
        // A partial file alone is linted as a complete s3 configuration, unless the module
        // declares another backend type that it belongs to.
        if s3_blocks.is_empty() && !has_other_backend {
            s3_configs.extend(
                partials
                    .iter()
                    .map(|p| S3Config::new(None, Some(*p), &settings.store)),
            );
        }

        ModuleContext {
            module,
            settings,
            engine,
            terraform_blocks,
            backends,
            required_versions,
            constraints,
            partials,
            s3_configs,
            code_elsewhere: module
                .files
                .iter()
                .any(|f| f.view.as_ref().is_some_and(|v| v.code_elsewhere)),
        }
    }

    /// Whether the module has a `backend "s3"` block: a partial file alone is no module, and
    /// module rules (the version rules) do not apply to it.
    pub fn has_s3_backend(&self) -> bool {
        self.s3_configs.iter().any(|c| c.block.is_some())
    }

    /// Every s3 argument of the module once: those of each s3 block, then of each partial
    /// file that belongs to an s3 configuration.
    pub fn s3_arguments(&self) -> Vec<Arg<'a>> {
        // Sets, not lists: a file of thousands of backend blocks must not take quadratic time.
        let mut seen_blocks: HashSet<*const Block> = HashSet::new();
        let mut seen_partials: HashSet<*const SourceFile> = HashSet::new();
        let mut seen_cli: HashSet<*const CliSetting> = HashSet::new();
        let mut out = Vec::new();
        for config in &self.s3_configs {
            if let Some(b) = config.block {
                if seen_blocks.insert(b.block) {
                    out.extend(b.block.body.attributes().map(|attr| Arg::of(b.file, attr)));
                }
            }
            for p in &config.partials {
                if seen_partials.insert(*p) {
                    out.extend(body_args(p));
                }
            }
            out.extend(
                config
                    .arguments
                    .iter()
                    .filter(|a| a.cli.is_some_and(|c| seen_cli.insert(c)))
                    .copied(),
            );
        }
        out
    }

    /// The first s3 block, where module-level findings about the backend go.
    pub fn first_s3_anchor(&self) -> Option<(&'a SourceFile, Range<usize>)> {
        self.s3_configs
            .iter()
            .find(|c| c.block.is_some())
            .map(S3Config::anchor)
    }
}

/// Whether `engine` reads `file`: Terraform ignores `.tofu` files; OpenTofu reads them and
/// ignores the `.tf` file of the same name.
fn is_read_by(engine: Engine, file: &SourceFile, module: &Module) -> bool {
    match (engine, file.kind) {
        (Engine::Terraform, FileKind::Tofu) => false,
        (Engine::OpenTofu, FileKind::Tf) => {
            let tofu = file.path.with_extension("tofu");
            !module.files.iter().any(|f| f.path == tofu)
        }
        _ => true,
    }
}

fn effective_required_versions<'a>(terraform_blocks: &[BlockRef<'a>]) -> Vec<Arg<'a>> {
    let args = |overrides: bool| -> Vec<Arg<'a>> {
        terraform_blocks
            .iter()
            .filter(|b| b.file.is_override() == overrides)
            .filter_map(|b| {
                b.block
                    .body
                    .get_attribute("required_version")
                    .map(|attr| Arg::of(b.file, attr))
            })
            .collect()
    };
    let overrides = args(true);
    match overrides.last() {
        // Each override file that sets it clobbers the list; the last one wins.
        Some(last) => overrides
            .iter()
            .filter(|a| std::ptr::eq(a.file, last.file))
            .copied()
            .collect(),
        None => args(false),
    }
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
        // The configurations laid over each block (a block's address names it), in order, and
        // whether the value is missing from all of them: one pass, not a scan per configuration.
        let block_of = |c: &S3Config<'a>| c.block.map(|b| std::ptr::from_ref(b.block) as usize);
        let mut groups: HashMap<usize, (Vec<usize>, bool)> = HashMap::new();
        for (i, config) in configs.iter().enumerate() {
            if let Some(block) = block_of(config) {
                let entry = groups.entry(block).or_insert_with(|| (Vec::new(), true));
                entry.0.push(i);
                entry.1 &= !present(config);
            }
        }
        for (i, config) in configs.iter().enumerate() {
            if present(config) {
                continue;
            }
            let (members, all_absent) = match block_of(config).and_then(|b| groups.get(&b)) {
                Some((members, all_absent)) => (members.as_slice(), *all_absent),
                None => (&[][..], false),
            };
            let all_missing = members.len() > 1 && all_absent;
            if !all_missing {
                out.push(Missing {
                    config,
                    place: config.where_missing(),
                });
                continue;
            }
            // Report the whole group once, at its first configuration.
            if members[0] != i {
                continue;
            }
            let group: Vec<&S3Config<'a>> = members.iter().map(|&m| configs[m]).collect();
            let place = if group.iter().any(|c| c.init.is_some()) {
                let origins: Vec<String> = group
                    .iter()
                    .filter_map(|c| match c.init_origin() {
                        Some(origin) => Some(origin),
                        None => c.partial.map(|p| format!("in `{}`", p.file_name())),
                    })
                    .collect();
                format!("in {}, {}", config.block_noun(), origins.join(", or "))
            } else {
                let names: Vec<String> = group
                    .iter()
                    .filter_map(|c| c.partial)
                    .map(|p| format!("`{}`", p.file_name()))
                    .collect();
                format!(
                    "in {} or in any of {}",
                    config.block_noun(),
                    names.join(", ")
                )
            };
            out.push(Missing { config, place });
        }
        out
    }
}

impl<'a> ModuleContext<'a> {
    /// How module-level messages name the store: "Spaces" (as they always did) when a
    /// configuration is on Spaces, the store's name when all are on one named store, else
    /// "an S3-compatible store".
    pub fn store_name(&self) -> &'static str {
        if self.s3_configs.iter().any(|c| c.is_spaces()) {
            return "Spaces";
        }
        let mut ids = self.s3_configs.iter().map(|c| c.store.id);
        match ids.next() {
            Some(id) if id.is_named() && ids.all(|other| other == id) => id.name(),
            _ => "an S3-compatible store",
        }
    }

    /// The module as a rule for `stores` sees it: only the configurations on those stores.
    /// `None` when that is every configuration (the module itself will do).
    pub fn for_stores(&self, stores: Stores) -> Option<ModuleContext<'a>> {
        if self.s3_configs.iter().all(|c| stores.contains(c.store.id)) {
            return None;
        }
        let mut view = self.clone();
        view.s3_configs.retain(|c| stores.contains(c.store.id));
        Some(view)
    }
}
