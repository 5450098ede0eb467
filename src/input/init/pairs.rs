//! The pairings of init commands with modules, as data: each [`Pairing`] of a module with
//! what one `terraform init` command (or a `tfblint.toml` pairing) passes to it, and the
//! [`Source`] files holding the commands. Built by [`crate::input::init::pairing`].

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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
    pub secrets: Vec<Range<usize>>,
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
    /// A file path that resolves to nothing: `terraform init` fails on it.
    Missing { written: String, arg: Range<usize> },
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
}

/// Every pairing that concerns the modules of one run.
#[derive(Debug, Clone, Default)]
pub struct Pairings {
    pub sources: Vec<Source>,
    /// Commands that pair a module (keyed by its directory), and the commands of linted
    /// sources that pair no module of the run (keyed by their source file's path, settings
    /// only: see `Discovery::loose` in [`crate::input::discover`]).
    pub pairings: Vec<Pairing>,
}

impl Pairings {
    pub fn for_module<'a>(&'a self, key: &'a Path) -> impl Iterator<Item = &'a Pairing> + 'a {
        self.pairings.iter().filter(move |p| p.module == key)
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
