//! Spaces regions added by configuration (`spaces-regions` in `tfblint.toml`), through the
//! library: a region the built-in list lacks is unknown until it is added.

use std::path::PathBuf;

use tfblint::input::source::{FileKind, SourceFile};
use tfblint::linter::config::Config;
use tfblint::linter::pipeline::{lint_module, Options};
use tfblint::model::context::Module;

fn backend(region: &str) -> Module {
    let text = format!(
        r#"terraform {{
  required_version = "~> 1.11"

  backend "s3" {{
    endpoints = {{
      s3 = "https://{region}.digitaloceanspaces.com"
    }}

    bucket = "acme-tfstate"
    key    = "prod/terraform.tfstate"

    skip_credentials_validation = true
    skip_requesting_account_id  = true
    skip_metadata_api_check     = true
    skip_region_validation      = true
    skip_s3_checksum            = true
    region                      = "us-east-1"
    use_lockfile                = true
  }}
}}
"#
    );
    Module {
        dir: PathBuf::from("m"),
        files: vec![SourceFile::from_bytes(
            PathBuf::from("m/main.tf"),
            "m/main.tf".into(),
            FileKind::Tf,
            text.into_bytes(),
        )],
        init: Default::default(),
    }
}

fn findings(module: &Module, extra: &[&str]) -> Vec<(String, String, Option<String>)> {
    let mut config = Config::default_in(std::path::Path::new("."));
    config.spaces_regions = extra.iter().map(|r| r.to_string()).collect();
    let options = Options::new(config, PathBuf::from("."));
    lint_module(module, &options)
        .diagnostics
        .into_iter()
        .map(|d| (d.code.to_string(), d.message, d.help))
        .collect()
}

#[test]
fn a_configured_region_is_known_and_suggested() {
    let mex1 = backend("mex1");
    let found = findings(&mex1, &[]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "TFB204");
    assert!(found[0]
        .2
        .as_deref()
        .unwrap()
        .contains("`spaces-regions = [\"mex1\"]` in `tfblint.toml`"));
    assert_eq!(findings(&mex1, &["mex1"]), vec![]);

    // The nearest region may be a configured one.
    let found = findings(&backend("mex"), &["mex1"]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0]
            .2
            .as_deref()
            .unwrap()
            .starts_with("did you mean `mex1`?"),
        "{found:?}"
    );
}
