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
use crate::model::context::Engine;
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
    pub respect_gitignore: Option<bool>,
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
            respect_gitignore: true,
            root: root.to_path_buf(),
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
    for (glob, codes) in file.per_file_ignores.iter().flatten() {
        let compiled = Glob::new(glob.get_ref()).map_err(|e| {
            at(
                glob.span(),
                format!(
                    "`per-file-ignores`: invalid glob `{}`: {}",
                    glob.get_ref(),
                    e.kind()
                ),
            )
        })?;
        let set = GlobSetBuilder::new()
            .add(compiled)
            .build()
            .map_err(|e| at(glob.span(), e.to_string()))?;
        config.per_file_ignores.push((
            set,
            glob.get_ref().clone(),
            selectors("per-file-ignores", codes)?,
        ));
    }
    if let Some(regions) = file.spaces_regions {
        config.spaces_regions = regions;
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
        let err = config("exclude = [\"a[\"]\n").unwrap_err();
        assert!(
            err.starts_with("tfblint.toml:1: `exclude`: invalid glob `a[`"),
            "{err}"
        );
    }
}
