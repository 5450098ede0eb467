//! What an editor configures: `initializationOptions` (and `workspace/didChangeConfiguration`
//! `settings.tfblint`), laid over each workspace folder's `tfblint.toml` as the command line's
//! flags are. Unknown keys are ignored (editors pass their own); a bad value is reported.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::linter::config::{self, Overrides};
use crate::linter::pipeline::Options;
use crate::linter::Workspace;
use crate::model::context::Engine;

/// The editor's settings, as JSON gives them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Settings {
    /// Rule codes or prefixes to run, replacing `select` of the file.
    pub select: Option<Vec<String>>,
    /// Rule codes or prefixes not to run, replacing `ignore` of the file.
    pub ignore: Option<Vec<String>>,
    pub engine: Option<Engine>,
    /// Rule code → `error` or `warning`.
    pub severity: BTreeMap<String, String>,
    pub exclude: Vec<String>,
    pub spaces_regions: Option<Vec<String>>,
    /// The store of configurations without an endpoint (`store` in `tfblint.toml`).
    pub store: Option<String>,
    /// A configuration file to use instead of looking for one.
    pub config: Option<PathBuf>,
    /// Ignore every configuration file.
    pub no_config: bool,
}

impl Settings {
    /// Reads `initializationOptions` or `settings`: either the options themselves or an
    /// object with a `tfblint` key holding them. A value of the wrong shape is an error.
    pub fn from_json(value: Option<serde_json::Value>) -> Result<Settings, String> {
        let value = match value {
            None | Some(serde_json::Value::Null) => return Ok(Settings::default()),
            Some(serde_json::Value::Object(mut map)) if map.contains_key("tfblint") => {
                map.remove("tfblint").unwrap_or_default()
            }
            Some(value) => value,
        };
        if value.is_null() {
            return Ok(Settings::default());
        }
        serde_json::from_value(value).map_err(|e| format!("tfblint settings: {e}"))
    }

    fn overrides(&self) -> Overrides {
        Overrides {
            select: self.select.clone(),
            ignore: self.ignore.clone(),
            severity: self
                .severity
                .iter()
                .map(|(code, level)| format!("{code}={level}"))
                .collect(),
            exclude: self.exclude.clone(),
            spaces_regions: self.spaces_regions.clone(),
            engine: self.engine,
            fail_on: None,
            store: self.store.clone(),
            no_ignore: false,
        }
    }

    /// The workspace for a folder: its configuration file found as the command line finds it
    /// from that directory, with these settings over it. On an error (a bad `tfblint.toml`, a
    /// bad setting) the defaults are used, and the error is returned to be shown.
    pub fn workspace(&self, folder: &Path) -> (Workspace, Option<String>) {
        let named = self.config.as_deref().map(|p| folder.join(p));
        let resolved = config::resolve(
            folder,
            named.as_deref(),
            self.no_config,
            &self.overrides(),
            |key| format!("setting `{key}`"),
        )
        .and_then(|config| Workspace::new(Options::new(config, folder.to_path_buf())));
        match resolved {
            Ok(workspace) => (workspace, None),
            Err(error) => {
                let defaults = config::Config::default_in(folder);
                let workspace = Workspace::new(Options::new(defaults, folder.to_path_buf()))
                    .expect("the defaults have no globs to fail");
                (workspace, Some(error))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn settings_come_bare_or_under_tfblint() {
        let bare = Settings::from_json(Some(json!({"select": ["TFB3"], "engine": "opentofu"})));
        let nested = Settings::from_json(Some(
            json!({"tfblint": {"select": ["TFB3"], "engine": "opentofu"}}),
        ));
        assert_eq!(bare, nested);
        let s = bare.unwrap();
        assert_eq!(s.select, Some(vec!["TFB3".to_string()]));
        assert_eq!(s.engine, Some(Engine::OpenTofu));
        assert_eq!(Settings::from_json(None), Ok(Settings::default()));
        assert!(Settings::from_json(Some(json!({"engine": "pulumi"}))).is_err());
    }

    #[test]
    fn a_bad_setting_falls_back_to_the_defaults_and_says_why() {
        let dir = tempfile::tempdir().unwrap();
        let settings = Settings {
            ignore: Some(vec!["TFB999".into()]),
            ..Settings::default()
        };
        let (workspace, error) = settings.workspace(dir.path());
        assert_eq!(
            error.as_deref(),
            Some("setting `ignore`: unknown rule code `TFB999` (`tfblint rules` lists them)")
        );
        assert!(workspace.options().config.ignore.is_empty());
    }
}
