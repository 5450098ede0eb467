//! `tfblint backends`: one row per s3 configuration, saying where its state lives.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

use crate::input::discover::ModuleFiles;
use crate::linter::includes::{children, file_in, includers, Includer};
use crate::linter::pipeline::{load_module, Buffer, Options, WORKER_STACK_BYTES};
use crate::model::context::{ModuleContext, S3Config};
use crate::model::secrets::find_tokens;
use crate::model::spaces::Endpoint;
use crate::model::state::StateKey;
use crate::model::value::Literal;
use crate::rules::across;

/// How a configuration locks its state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locking {
    /// `use_lockfile = true`.
    Lockfile,
    /// `dynamodb_table` (and no lock file).
    Dynamodb,
    None,
    /// Written as an expression, or left to `terraform init`.
    Unknown,
}

impl Locking {
    pub fn as_str(self) -> &'static str {
        match self {
            Locking::Lockfile => "lockfile",
            Locking::Dynamodb => "dynamodb",
            Locking::None => "none",
            Locking::Unknown => "unknown",
        }
    }
}

/// One s3 configuration. `None` is a value that is absent or written as an expression.
/// Nothing here is a secret: credentials are never read, and an endpoint's user info and
/// query are masked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackendRow {
    /// The module's directory, as diagnostics name files.
    pub module: String,
    /// The store's key (`aws`, `spaces`, `cloudflare-r2`…).
    pub store: &'static str,
    pub endpoint: Option<String>,
    pub bucket: Option<String>,
    pub key: Option<String>,
    pub region: Option<String>,
    pub locking: Locking,
    /// Every file that gave the configuration a value.
    pub files: Vec<String>,
    /// Where the other configurations that write the same state set their `key` (TFB701):
    /// `dir/main.tf:5`, or the module's directory when that is the same place.
    pub shares_state_with: Vec<String>,
}

/// The rows of every module found, sorted by module, then files.
pub fn rows(
    modules: &BTreeMap<PathBuf, ModuleFiles>,
    overrides: &[Buffer],
    options: &Options,
) -> Vec<BackendRow> {
    let found = each_configuration(modules, overrides, options, |ctx| {
        let configurations = ctx
            .s3_configs
            .iter()
            .map(|c| {
                let file = c.block.map(|b| b.file.display.clone()).unwrap_or_default();
                let origin = file_in(&ctx.module.dir, &file);
                (row(c), c.state_key(&ctx.module.dir), origin)
            })
            .collect();
        vec![(configurations, includers(ctx.module))]
    });
    let (configurations, includers): (Vec<Vec<_>>, Vec<Vec<Includer>>) = found.into_iter().unzip();
    let configurations: Vec<(BackendRow, Option<StateKey>, PathBuf)> =
        configurations.into_iter().flatten().collect();
    let includers: Vec<Includer> = includers.into_iter().flatten().collect();
    // A Terragrunt root file's configuration is one row per directory that includes it.
    let roots: HashSet<PathBuf> = match includers.is_empty() {
        true => HashSet::new(),
        false => configurations.iter().map(|(.., o)| o.clone()).collect(),
    };
    let children = children(&roots, &includers);
    let mut out = Vec::new();
    let mut keys = Vec::new();
    for (row, key, origin) in configurations {
        let Some(list) = children.get(&origin) else {
            out.push(row);
            keys.push(key);
            continue;
        };
        for child in list {
            let mut row = row.clone();
            row.module = child.display.clone();
            out.push(row);
            keys.push(key.clone().map(|mut k| {
                k.module = child.module.clone();
                k.module_display = child.display.clone();
                k
            }));
        }
    }
    let known: Vec<(usize, &StateKey)> = keys
        .iter()
        .enumerate()
        .filter_map(|(i, k)| Some((i, k.as_ref()?)))
        .collect();
    let only_keys: Vec<&StateKey> = known.iter().map(|(_, k)| *k).collect();
    for (&(i, own), partners) in known.iter().zip(across::partners(&only_keys)) {
        let mut names: Vec<String> = partners
            .into_iter()
            .map(|j| {
                let other = only_keys[j];
                if other.place == own.place {
                    other.module_display.clone()
                } else {
                    other.place.describe()
                }
            })
            .collect();
        names.sort();
        names.dedup();
        out[i].shares_state_with = names;
    }
    out.sort_by(|a, b| (&a.module, &a.files).cmp(&(&b.module, &b.files)));
    out
}

/// The state keys of every s3 configuration of `modules` (read, not linted): what the language
/// server gives TFB701 about the modules on disk beside the ones it lints.
pub fn state_keys(
    modules: &BTreeMap<PathBuf, ModuleFiles>,
    overrides: &[Buffer],
    options: &Options,
) -> Vec<StateKey> {
    each_configuration(modules, overrides, options, |ctx| {
        ctx.s3_configs
            .iter()
            .filter_map(|c| c.state_key(&ctx.module.dir))
            .collect()
    })
}

/// What `f` makes of each module, read one at a time on a thread with the pipeline's worker
/// stack (parsing deeply nested input needs it).
fn each_configuration<T: Send>(
    modules: &BTreeMap<PathBuf, ModuleFiles>,
    overrides: &[Buffer],
    options: &Options,
    f: impl Fn(&ModuleContext) -> Vec<T> + Sync,
) -> Vec<T> {
    let collect = || {
        modules
            .values()
            .flat_map(|files| {
                let module = load_module(files, overrides, options.parse_mode);
                let ctx = ModuleContext::new(&module, &options.settings);
                f(&ctx)
            })
            .collect::<Vec<T>>()
    };
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(WORKER_STACK_BYTES)
            .spawn_scoped(scope, collect)
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .unwrap_or_else(|_| collect())
    })
}

fn row(config: &S3Config) -> BackendRow {
    let module = config.module_display();
    let text = |name: &str| {
        config
            .get(name)
            .and_then(|a| a.literal().as_str())
            .map(masked)
    };
    BackendRow {
        module,
        store: config.store.id.key(),
        endpoint: config.store.endpoint.as_deref().map(shown_endpoint),
        bucket: text("bucket"),
        key: text("key"),
        region: text("region"),
        locking: locking(config),
        files: config.files().iter().map(|f| f.display.clone()).collect(),
        shares_state_with: Vec::new(),
    }
}

fn locking(config: &S3Config) -> Locking {
    if config.is_deferred() {
        return Locking::Unknown;
    }
    if let Some(arg) = config.get("use_lockfile") {
        match arg.literal() {
            Literal::Dynamic => return Locking::Unknown,
            l if l.as_bool() == Some(true) => return Locking::Lockfile,
            _ => {}
        }
    }
    match config.get("dynamodb_table").map(|a| a.literal()) {
        Some(Literal::Str("")) | None => Locking::None,
        Some(_) => Locking::Dynamodb,
    }
}

/// The endpoint without its user info, query and fragment, which can hold credentials.
fn shown_endpoint(url: &str) -> String {
    let spans = Endpoint::parse(url).spans;
    let mut out = String::new();
    let mut at = 0;
    let hidden = [
        (spans.userinfo, "***"),
        (spans.query, "?***"),
        (spans.fragment, "#***"),
    ];
    for (range, with) in hidden {
        if let Some(r) = range {
            out.push_str(&url[at..r.start]);
            out.push_str(with);
            at = r.end;
        }
    }
    out.push_str(&url[at..]);
    masked(&out)
}

/// A value with anything shaped like a DigitalOcean token masked.
fn masked(value: &str) -> String {
    let mut out = value.to_string();
    for r in find_tokens(value).into_iter().map(|t| t.range).rev() {
        if value.is_char_boundary(r.start) && value.is_char_boundary(r.end) {
            out.replace_range(r.clone(), &"*".repeat(value[r].chars().count()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_lose_user_info_and_query() {
        assert_eq!(
            shown_endpoint("https://user:pass@minio.example:9000/?X-Amz-Signature=abc"),
            "https://***@minio.example:9000/?***"
        );
        assert_eq!(
            shown_endpoint("https://minio.example/#X-Amz-Credential=abc?sig=def"),
            "https://minio.example/#***"
        );
        assert_eq!(
            shown_endpoint("https://nyc3.digitaloceanspaces.com"),
            "https://nyc3.digitaloceanspaces.com"
        );
    }
}
