//! The pairings of init commands with modules, as data: each [`Pairing`] of a module with
//! what one `terraform init` command (or a `tfblint.toml` pairing) passes to it, and the
//! [`Source`] files holding the commands. Built by [`crate::input::init::pairing`].

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use hcl_edit::structure::Attribute;

use super::settings::SettingText;
use super::SettingValue;

/// A file that holds init commands pairing a module being linted.
#[derive(Debug, Clone)]
pub struct Source {
    /// Canonical path.
    pub path: PathBuf,
    /// As the user would type it.
    pub display: String,
    pub text: Arc<str>,
    /// Credential values written in any command of the file: masked in every snippet.
    /// Shared by every module the file pairs.
    pub secrets: Arc<[Range<usize>]>,
    /// Walked or named in this run (not only read to pair a module): its commands are linted
    /// even where they pair no module of the run.
    pub linted: bool,
}

/// One way a module is initialised: an init command, or a `tfblint.toml` pairing.
#[derive(Debug, Clone)]
pub struct Pairing {
    /// The module's directory, canonical (a key of [`Discovery::modules`]).
    pub module: PathBuf,
    /// Index in [`Pairings::sources`] of the file holding the command; `None` for a pairing
    /// declared in `tfblint.toml`.
    pub source: Option<usize>,
    /// The command in its source file.
    pub span: Range<usize>,
    /// `-backend-config` arguments, in command-line order (later ones win).
    pub items: Vec<Item>,
}

/// One `-backend-config` argument, resolved.
#[derive(Debug, Clone)]
pub enum Item {
    /// A partial configuration file that exists (canonical path).
    File {
        path: PathBuf,
        display: String,
        arg: Range<usize>,
    },
    /// A file path that resolves to nothing (`terraform init` fails on it), or, when
    /// `outside`, to a file outside the repository: never read, its content never shown.
    Missing {
        written: String,
        arg: Range<usize>,
        outside: bool,
    },
    /// A value tfblint cannot know (`-backend-config=$FILE`, a key from a variable).
    Unknown { arg: Range<usize> },
    /// `KEY=VALUE`.
    Setting {
        key: String,
        key_span: Range<usize>,
        value: SettingValue,
        value_span: Range<usize>,
        arg: Range<usize>,
    },
}

/// Pairings declared in `tfblint.toml`: a module directory and globs of partial files.
#[derive(Debug, Clone)]
pub struct ExplicitPair {
    /// The module's directory (absolute).
    pub module: PathBuf,
    /// The directory the globs are relative to (the configuration file's).
    pub base: PathBuf,
    pub patterns: Vec<String>,
    /// The configuration file, and the span of each pattern in it: where a pattern that leads
    /// outside the repository is reported.
    pub file: PathBuf,
    pub spans: Vec<Range<usize>>,
}

/// Every pairing that concerns the modules of one run.
#[derive(Debug, Clone, Default)]
pub struct Pairings {
    pub sources: Vec<Source>,
    /// Commands that pair a module (keyed by its directory), and the commands of linted
    /// sources that pair no module of the run (keyed by their source file's path, settings
    /// only: see `Discovery::loose` in [`crate::input::discover`]).
    pub pairings: Vec<Pairing>,
    /// The attributes of every source's settings, by source and value start: built on first
    /// use, once for every module the sources pair.
    settings: OnceLock<Vec<HashMap<usize, Attribute>>>,
    /// The index of each module's pairings, built on first use.
    by_module: OnceLock<HashMap<PathBuf, Vec<usize>>>,
}

impl Pairings {
    /// The attribute of the `KEY=VALUE` setting whose value starts at `value_start` in source
    /// `source` (see [`super::settings`]); `None` when it could not be built. Every setting of
    /// every source is parsed on first use, one text per source.
    pub fn setting_attr(
        &self,
        source: usize,
        value_start: usize,
        primitive: &dyn Fn(&str) -> bool,
    ) -> Option<&Attribute> {
        let all = self.settings.get_or_init(|| {
            let mut texts: Vec<Vec<SettingText>> = vec![Vec::new(); self.sources.len()];
            for p in &self.pairings {
                let Some(list) = p.source.and_then(|i| texts.get_mut(i)) else {
                    continue;
                };
                for item in &p.items {
                    if let Item::Setting {
                        key,
                        value,
                        value_span,
                        ..
                    } = item
                    {
                        list.push(SettingText {
                            key,
                            value,
                            value_start: value_span.start,
                        });
                    }
                }
            }
            texts
                .iter()
                .map(|t| super::settings::attributes(t, primitive))
                .collect()
        });
        all.get(source)?.get(&value_start)
    }

    /// The pairings of one module, in order (through an index: thousands of modules paired by
    /// one workflow cost no more than one each).
    pub fn for_module<'a>(&'a self, key: &'a Path) -> impl Iterator<Item = &'a Pairing> + 'a {
        let index = self.by_module.get_or_init(|| {
            let mut index: HashMap<PathBuf, Vec<usize>> = HashMap::new();
            for (i, p) in self.pairings.iter().enumerate() {
                index.entry(p.module.clone()).or_default().push(i);
            }
            index
        });
        index
            .get(key)
            .into_iter()
            .flatten()
            .map(|&i| &self.pairings[i])
    }

    /// Partial files some pairing passes to its module, with that module: each is linted with
    /// the module it configures, not alone.
    pub fn claimed(&self) -> HashMap<PathBuf, BTreeSet<PathBuf>> {
        let mut out: HashMap<PathBuf, BTreeSet<PathBuf>> = HashMap::new();
        for p in &self.pairings {
            for item in &p.items {
                if let Item::File { path, .. } = item {
                    out.entry(path.clone())
                        .or_default()
                        .insert(p.module.clone());
                }
            }
        }
        out
    }
}
