//! `tfblint.toml`: found by walking up from the working directory, or named with `--config`.
//!
//! Every key is checked: an unknown key, an unknown rule code or a bad glob is an error naming
//! the file, line and key, never silently ignored.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::Severity;
use crate::input::init::pairing::ExplicitPair;
use crate::model::context::Engine;
use crate::model::stores::{StoreId, StoreSetting, STORES};
use crate::rules::{self, Rule};

/// The names a configuration file may have, in order of preference.
pub const FILE_NAMES: &[&str] = &["tfblint.toml", ".tfblint.toml"];

/// The severity at which findings fail the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    #[default]
    Error,
    Warning,
}

impl FailOn {
    pub fn fails(self, severity: Severity) -> bool {
        match self {
            FailOn::Error => severity == Severity::Error,
            FailOn::Warning => true,
        }
    }
}

/// The file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FileConfig {
    pub select: Option<Vec<Spanned<String>>>,
    pub ignore: Option<Vec<Spanned<String>>>,
    pub severity: Option<BTreeMap<Spanned<String>, Spanned<SeverityName>>>,
    pub exclude: Option<Vec<Spanned<String>>>,
    pub per_file_ignores: Option<BTreeMap<Spanned<String>, Vec<Spanned<String>>>>,
    pub spaces_regions: Option<Vec<String>>,
    pub engine: Option<Engine>,
    pub fail_on: Option<FailOn>,
    /// Module directory → globs of the partial files `terraform init` passes it.
    pub backend_config: Option<BTreeMap<Spanned<String>, Vec<Spanned<String>>>>,
    pub store: Option<Spanned<String>>,
    pub per_path_store: Option<Ordered<Spanned<String>, Spanned<String>>>,
    pub respect_gitignore: Option<bool>,
}

/// A table whose entries keep the order they are written in.
#[derive(Debug)]
pub struct Ordered<K, V>(pub Vec<(K, V)>);

impl<'de, K: Deserialize<'de>, V: Deserialize<'de>> Deserialize<'de> for Ordered<K, V> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit<K, V>(std::marker::PhantomData<(K, V)>);
        impl<'de, K: Deserialize<'de>, V: Deserialize<'de>> serde::de::Visitor<'de> for Visit<K, V> {
            type Value = Ordered<K, V>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a table")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    out.push(entry);
                }
                Ok(Ordered(out))
            }
        }
        deserializer.deserialize_map(Visit(std::marker::PhantomData))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SeverityName {
    Error,
    Warning,
}

impl From<SeverityName> for Severity {
    fn from(s: SeverityName) -> Severity {
        match s {
            SeverityName::Error => Severity::Error,
            SeverityName::Warning => Severity::Warning,
        }
    }
}

/// A selector: an exact code (`TFB301`) or a prefix (`TFB3`, `TFB`), matched case-insensitively.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector(String);

impl Selector {
    /// Parses a selector, requiring that it matches at least one rule.
    pub fn parse(text: &str) -> Result<Selector, String> {
        let upper = text.trim().to_ascii_uppercase();
        if upper == "ALL" {
            return Ok(Selector("TFB".into()));
        }
        if upper.is_empty() || !rules::RULES.iter().any(|r| r.code.starts_with(&upper)) {
            return Err(format!(
                "unknown rule code `{text}` (`tfblint rules` lists them)"
            ));
        }
        Ok(Selector(upper))
    }

    pub fn matches(&self, code: &str) -> bool {
        code.starts_with(&self.0)
    }

    /// Longer selectors are more specific.
    pub fn specificity(&self) -> usize {
        self.0.len()
    }
}

/// Which rules run, and how findings are judged: the file's settings with flags laid over.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where the configuration came from, if anywhere.
    pub path: Option<PathBuf>,
    pub select: Vec<Selector>,
    pub ignore: Vec<Selector>,
    pub severity: BTreeMap<&'static str, Severity>,
    pub exclude: Vec<String>,
    /// Globs (relative to the configuration's directory) → selectors.
    pub per_file_ignores: Vec<(GlobSet, String, Vec<Selector>)>,
    pub spaces_regions: Vec<String>,
    pub engine: Option<Engine>,
    pub fail_on: FailOn,
    /// Pairings of modules with partial files, declared in `[backend-config]`.
    pub backend_config: Vec<ExplicitPair>,
    /// The store of configurations without an endpoint.
    pub store: Option<StoreId>,
    /// Globs (relative to the configuration's directory) → the store of configurations
    /// without an endpoint whose backend is in a matching file; the first match wins.
    pub per_path_store: Vec<(GlobSet, String, StoreId)>,
    /// Whether walking skips what `.gitignore`, `.ignore` and git's excludes ignore.
    pub respect_gitignore: bool,
    /// The directory per-file-ignores globs are relative to.
    pub root: PathBuf,
}

impl Config {
    /// The defaults: every rule, default severities, no excludes.
    pub fn default_in(root: &Path) -> Config {
        Config {
            path: None,
            select: vec![Selector("TFB".into())],
            ignore: Vec::new(),
            severity: BTreeMap::new(),
            exclude: Vec::new(),
            per_file_ignores: Vec::new(),
            spaces_regions: Vec::new(),
            engine: None,
            fail_on: FailOn::Error,
            backend_config: Vec::new(),
            store: None,
            per_path_store: Vec::new(),
            respect_gitignore: true,
            root: root.to_path_buf(),
        }
    }

    /// The `store` settings as the model takes them.
    pub fn store_setting(&self, cwd: &Path) -> StoreSetting {
        StoreSetting {
            default: self.store,
            by_path: self
                .per_path_store
                .iter()
                .map(|(set, _, id)| (set.clone(), *id))
                .collect(),
            root: self.root.clone(),
            cwd: cwd.to_path_buf(),
        }
    }

    /// Whether a rule runs: the most specific matching selector of `select`/`ignore` wins
    /// (as in ruff), `ignore` winning ties.
    pub fn is_enabled(&self, rule: &Rule) -> bool {
        let best = |list: &[Selector]| {
            list.iter()
                .filter(|s| s.matches(rule.code))
                .map(Selector::specificity)
                .max()
        };
        match (best(&self.select), best(&self.ignore)) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(sel), Some(ign)) => sel > ign,
        }
    }

    /// Codes ignored for `display_path` (relative to the working directory) by per-file-ignores.
    pub fn ignored_for(&self, absolute: &Path) -> Vec<&Selector> {
        let rel = absolute.strip_prefix(&self.root).unwrap_or(absolute);
        self.per_file_ignores
            .iter()
            .filter(|(set, _, _)| set.is_match(rel))
            .flat_map(|(_, _, selectors)| selectors)
            .collect()
    }
}

/// A store a configuration without an endpoint can be said to target: any store but
/// `unknown`, which is a conclusion, not a target.
pub fn parse_store(name: &str) -> Result<StoreId, String> {
    match StoreId::from_key(name) {
        Some(id) if id != StoreId::Unknown => Ok(id),
        _ => {
            let keys: Vec<&str> = STORES
                .iter()
                .filter(|s| s.id != StoreId::Unknown)
                .map(|s| s.key)
                .collect();
            Err(format!(
                "unknown store `{name}` (one of {})",
                keys.join(", ")
            ))
        }
    }
}

/// Settings laid over a configuration file's: the command line's flags, or an editor's
/// options. `None` (or empty) leaves the file's value.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub select: Option<Vec<String>>,
    pub ignore: Option<Vec<String>>,
    /// `CODE=LEVEL` pairs.
    pub severity: Vec<String>,
    pub exclude: Vec<String>,
    pub spaces_regions: Option<Vec<String>>,
    pub engine: Option<Engine>,
    pub fail_on: Option<FailOn>,
    /// A store name (`tfblint.toml`'s `store`).
    pub store: Option<String>,
    /// Walk what `.gitignore` and the other ignore files exclude (`--no-ignore`).
    pub no_ignore: bool,
}

impl Overrides {
    /// Lays these settings over `config`. `name` spells a setting in errors as the caller's
    /// user knows it (`--select` on the command line).
    pub fn apply(&self, config: &mut Config, name: impl Fn(&str) -> String) -> Result<(), String> {
        let selectors = |flag: &str, codes: &[String]| -> Result<Vec<Selector>, String> {
            codes
                .iter()
                .map(|c| Selector::parse(c).map_err(|m| format!("{}: {m}", name(flag))))
                .collect()
        };
        if let Some(codes) = &self.select {
            config.select = selectors("select", codes)?;
        }
        if let Some(codes) = &self.ignore {
            config.ignore = selectors("ignore", codes)?;
        }
        let severity = name("severity");
        for pair in &self.severity {
            let (code, level) = pair.split_once('=').ok_or_else(|| {
                format!("{severity} `{pair}`: expected CODE=LEVEL, e.g. TFB501=error")
            })?;
            let rule = rules::by_code(code.trim()).ok_or_else(|| {
                format!("{severity}: unknown rule code `{code}` (`tfblint rules` lists them)")
            })?;
            let level = match level.trim().to_ascii_lowercase().as_str() {
                "error" => Severity::Error,
                "warning" => Severity::Warning,
                other => {
                    return Err(format!(
                        "{severity} {code}: unknown level `{other}` (error or warning)"
                    ))
                }
            };
            config.severity.insert(rule.code, level);
        }
        if !self.exclude.is_empty() {
            config.exclude = self.exclude.clone();
        }
        if let Some(regions) = &self.spaces_regions {
            config.spaces_regions = regions.clone();
        }
        if let Some(engine) = self.engine {
            config.engine = Some(engine);
        }
        if let Some(fail_on) = self.fail_on {
            config.fail_on = fail_on;
        }
        if self.no_ignore {
            config.respect_gitignore = false;
        }
        if let Some(store) = &self.store {
            config.store = Some(parse_store(store).map_err(|m| format!("{}: {m}", name("store")))?);
        }
        Ok(())
    }
}

/// The configuration for a working directory: the file named, or else the one found from
/// `cwd` up (unless `no_config`), or the defaults; with `overrides` laid over it.
pub fn resolve(
    cwd: &Path,
    named: Option<&Path>,
    no_config: bool,
    overrides: &Overrides,
    name: impl Fn(&str) -> String,
) -> Result<Config, String> {
    let path = match (named, no_config) {
        (Some(path), _) => Some(path.to_path_buf()),
        (None, true) => None,
        (None, false) => discover(cwd),
    };
    let mut config = match path {
        Some(path) => load(&path, cwd)?,
        None => Config::default_in(cwd),
    };
    overrides.apply(&mut config, name)?;
    Ok(config)
}

/// Finds the configuration file by walking up from `start`.
pub fn discover(start: &Path) -> Option<PathBuf> {
    start.ancestors().find_map(|dir| {
        FILE_NAMES
            .iter()
            .map(|name| dir.join(name))
            .find(|p| p.is_file())
    })
}

/// Loads and validates a configuration file.
pub fn load(path: &Path, cwd: &Path) -> Result<Config, String> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        format!(
            "{}: {}",
            path.display(),
            crate::input::discover::io_reason(&e)
        )
    })?;
    let shown = crate::input::discover::display_path(cwd, path);
    let at = |span: Range<usize>, message: String| {
        let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
        format!("{shown}:{line}: {message}")
    };
    let file: FileConfig = toml::from_str(&text).map_err(|e| {
        let message = e.message().trim().to_string();
        match e.span() {
            Some(span) => at(span, message),
            None => format!("{shown}: {message}"),
        }
    })?;

    let root = path
        .parent()
        .map(|p| crate::input::discover::absolute(cwd, p))
        .unwrap_or_else(|| cwd.to_path_buf());
    let mut config = Config::default_in(&root);
    config.path = Some(path.to_path_buf());

    let selectors = |key: &str, list: &[Spanned<String>]| -> Result<Vec<Selector>, String> {
        list.iter()
            .map(|s| {
                Selector::parse(s.get_ref()).map_err(|m| at(s.span(), format!("`{key}`: {m}")))
            })
            .collect()
    };
    if let Some(list) = &file.select {
        config.select = selectors("select", list)?;
    }
    if let Some(list) = &file.ignore {
        config.ignore = selectors("ignore", list)?;
    }
    for (code, level) in file.severity.iter().flatten() {
        let rule = rules::by_code(code.get_ref()).ok_or_else(|| {
            at(
                code.span(),
                format!("`severity`: unknown rule code `{}`", code.get_ref()),
            )
        })?;
        config.severity.insert(rule.code, (*level.get_ref()).into());
    }
    for glob in file.exclude.iter().flatten() {
        Glob::new(glob.get_ref()).map_err(|e| {
            at(
                glob.span(),
                format!("`exclude`: invalid glob `{}`: {}", glob.get_ref(), e.kind()),
            )
        })?;
        config.exclude.push(glob.get_ref().clone());
    }
    let glob_set = |key: &str, glob: &Spanned<String>| -> Result<GlobSet, String> {
        let compiled = Glob::new(glob.get_ref()).map_err(|e| {
            at(
                glob.span(),
                format!("`{key}`: invalid glob `{}`: {}", glob.get_ref(), e.kind()),
            )
        })?;
        GlobSetBuilder::new()
            .add(compiled)
            .build()
            .map_err(|e| at(glob.span(), e.to_string()))
    };
    let store = |key: &str, name: &Spanned<String>| -> Result<StoreId, String> {
        parse_store(name.get_ref()).map_err(|m| at(name.span(), format!("`{key}`: {m}")))
    };
    if let Some(name) = &file.store {
        config.store = Some(store("store", name)?);
    }
    for (glob, name) in file.per_path_store.iter().flat_map(|o| &o.0) {
        let set = glob_set("per-path-store", glob)?;
        let id = store("per-path-store", name)?;
        config
            .per_path_store
            .push((set, glob.get_ref().clone(), id));
    }
    for (glob, codes) in file.per_file_ignores.iter().flatten() {
        let set = glob_set("per-file-ignores", glob)?;
        config.per_file_ignores.push((
            set,
            glob.get_ref().clone(),
            selectors("per-file-ignores", codes)?,
        ));
    }
    if let Some(regions) = file.spaces_regions {
        config.spaces_regions = regions;
    }
    for (module, globs) in file.backend_config.iter().flatten() {
        let dir = root.join(module.get_ref());
        if !dir.is_dir() {
            return Err(at(
                module.span(),
                format!(
                    "`backend-config`: `{}` is not a directory (module directories are relative to this file)",
                    module.get_ref()
                ),
            ));
        }
        for glob in globs {
            Glob::new(glob.get_ref()).map_err(|e| {
                at(
                    glob.span(),
                    format!(
                        "`backend-config`: invalid glob `{}`: {}",
                        glob.get_ref(),
                        e.kind()
                    ),
                )
            })?;
        }
        config.backend_config.push(ExplicitPair {
            module: dir,
            base: root.clone(),
            patterns: globs.iter().map(|g| g.get_ref().clone()).collect(),
            file: crate::input::discover::absolute(cwd, path),
            spans: globs.iter().map(|g| g.span()).collect(),
        });
    }
    config.engine = file.engine;
    if let Some(fail_on) = file.fail_on {
        config.fail_on = fail_on;
    }
    if let Some(respect) = file.respect_gitignore {
        config.respect_gitignore = respect;
    }
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(text: &str) -> Result<Config, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tfblint.toml");
        std::fs::write(&path, text).unwrap();
        load(&path, dir.path())
    }

    #[test]
    fn selection_prefers_the_most_specific_selector() {
        let c = config("select = [\"TFB3\"]\nignore = [\"TFB30\", \"TFB501\"]\n").unwrap();
        let on = |code| c.is_enabled(rules::by_code(code).unwrap());
        assert!(!on("TFB101"));
        assert!(!on("TFB301"));
        let c = config("ignore = [\"TFB3\"]\nselect = [\"TFB301\"]\n").unwrap();
        assert!(c.is_enabled(rules::by_code("TFB301").unwrap()));
        assert!(!c.is_enabled(rules::by_code("TFB302").unwrap()));
        assert!(!c.is_enabled(rules::by_code("TFB501").unwrap()));
    }

    #[test]
    fn errors_name_the_file_line_and_key() {
        let err = config("select = [\"TFB301\"]\nseverty = {}\n").unwrap_err();
        assert!(
            err.starts_with("tfblint.toml:2: unknown field `severty`"),
            "{err}"
        );
        let err = config("\n\nignore = [\"TFB999\"]\n").unwrap_err();
        assert_eq!(
            err,
            "tfblint.toml:3: `ignore`: unknown rule code `TFB999` (`tfblint rules` lists them)"
        );
        let err = config("[severity]\nTFB501 = \"fatal\"\n").unwrap_err();
        assert!(
            err.starts_with("tfblint.toml:2: unknown variant `fatal`"),
            "{err}"
        );
        let err = config("[backend-config]\n\"nowhere\" = [\"*.hcl\"]\n").unwrap_err();
        assert!(
            err.starts_with("tfblint.toml:2: `backend-config`: `nowhere` is not a directory"),
            "{err}"
        );
        let err = config("[backend-config]\n\".\" = [\"a[\"]\n").unwrap_err();
        assert!(
            err.starts_with("tfblint.toml:2: `backend-config`: invalid glob `a[`"),
            "{err}"
        );
        let err = config("exclude = [\"a[\"]\n").unwrap_err();
        assert!(
            err.starts_with("tfblint.toml:1: `exclude`: invalid glob `a[`"),
            "{err}"
        );
    }
}
