//! Where a configuration writes its state: the state object of its default workspace (store,
//! bucket, key), known only from literal values, and where that comes from. A
//! [`StateKey`] is small on purpose: the linter keeps one per configuration of a run, after the
//! module itself is dropped, to find configurations that write the same state (TFB701).

use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::diagnostic::Position;
use crate::model::context::S3Config;
use crate::model::spaces::Endpoint;
use crate::model::stores::{Origin, StoreId};
use crate::model::value::Literal;

/// The state object of the default workspace. Two configurations with equal objects write the
/// same state.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StateObject {
    /// The store: `aws` (or another AWS partition, `aws-cn`…, by the region), or the endpoint's
    /// host, port and path, lower-cased (`nyc3.digitaloceanspaces.com`).
    pub store: String,
    pub bucket: String,
    pub key: String,
}

/// The `workspace_key_prefix` of a configuration: it places the state of non-default
/// workspaces (`<prefix>/<workspace>/<key>`), not the default workspace's.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Prefix {
    /// Not set: `env:`.
    Default,
    Literal(String),
    /// An expression.
    Unknown,
}

impl Prefix {
    /// The prefix Terraform uses, when known.
    pub fn text(&self) -> Option<&str> {
        match self {
            Prefix::Default => Some("env:"),
            Prefix::Literal(p) => Some(p),
            Prefix::Unknown => None,
        }
    }
}

/// Where a finding about a configuration's state goes: the `key` argument, in the file that
/// sets it (the block, a partial file, or the `-backend-config=key=…` of an init command).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Place {
    pub file: String,
    pub span: Range<usize>,
    pub start: Position,
    pub end: Position,
}

impl Place {
    /// `dir/main.tf:5`.
    pub fn describe(&self) -> String {
        format!("{}:{}", self.file, self.start.line)
    }
}

/// One configuration's state object, what tells it apart from the module's other
/// configurations, and where to report on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateKey {
    pub object: StateObject,
    pub prefix: Prefix,
    /// The module's directory.
    pub module: PathBuf,
    /// The module's directory as diagnostics name files (`.` for the working directory).
    pub module_display: String,
    /// Where the endpoint, bucket and key are written (file, byte offset): a module initialised
    /// twice with the same values from the same places is one configuration, not two.
    pub written: Vec<(String, usize)>,
    pub place: Place,
    /// Where the configuration's settings come from beyond the block: "with `prod.s3.tfbackend`",
    /// "by `terraform init` in `deploy.yml` (line 12)".
    pub via: Option<String>,
}

impl StateKey {
    /// Whether `self` and `other` are one configuration seen twice (the same module, its
    /// values from the same places).
    pub fn same_configuration(&self, other: &StateKey) -> bool {
        self.module == other.module && self.written == other.written
    }
}

impl<'a> S3Config<'a> {
    /// The state object this configuration writes, when its store, bucket and key are all
    /// known literals; `module` is the module's directory.
    pub fn state_key(&self, module: &Path) -> Option<StateKey> {
        let store = self.state_store()?;
        let literal = |name: &str| {
            let arg = self.get(name)?;
            let value = arg.literal().as_str()?.to_string();
            (!value.is_empty()).then_some((arg, value))
        };
        let (bucket_arg, bucket) = literal("bucket")?;
        let (key_arg, key) = literal("key")?;
        let prefix = match self.get("workspace_key_prefix").map(|a| a.literal()) {
            None => Prefix::Default,
            Some(Literal::Str(p)) => Prefix::Literal(p.to_string()),
            Some(_) => Prefix::Unknown,
        };
        let mut written = vec![
            (bucket_arg.file.display.clone(), bucket_arg.span().start),
            (key_arg.file.display.clone(), key_arg.span().start),
        ];
        if let Some(endpoint) = self.endpoint() {
            written.push((endpoint.file.display.clone(), endpoint.span().start));
        }
        let span = key_arg.span();
        let place = Place {
            file: key_arg.file.display.clone(),
            start: key_arg.file.position(span.start),
            end: key_arg.file.position(span.end),
            span,
        };
        let module_display = self.module_display();
        let via = self.init_origin().or_else(|| {
            (self.block.is_some())
                .then_some(self.partial)
                .flatten()
                .map(|p| format!("with `{}`", p.file_name()))
        });
        Some(StateKey {
            object: StateObject { store, bucket, key },
            prefix,
            module: module.to_path_buf(),
            module_display,
            written,
            place,
            via,
        })
    }

    /// The module's directory as diagnostics name files: the directory of the file holding the
    /// block (or the lone partial file), `.` for the working directory.
    pub fn module_display(&self) -> String {
        let (home, _) = self.anchor();
        Path::new(&home.display)
            .parent()
            .map(|p| p.to_string_lossy().into_owned())
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| ".".into())
    }

    /// The store as a state object names it, when known from literal values: AWS's buckets
    /// are one namespace per partition, whatever the endpoint; any other store is its
    /// endpoint's host, port and path.
    fn state_store(&self) -> Option<String> {
        match (self.store.id, &self.store.origin) {
            (StoreId::Aws, Origin::Endpoint | Origin::Default | Origin::Setting) => {
                Some(self.aws_partition().to_string())
            }
            (StoreId::Unknown, _) => None,
            (_, Origin::Endpoint) => {
                let url = self.store.endpoint.as_deref()?;
                let parsed = Endpoint::parse(url);
                if parsed.host.is_empty() {
                    return None;
                }
                let port = parsed
                    .spans
                    .port
                    .clone()
                    .and_then(|r| url.get(r))
                    .unwrap_or_default();
                let path = parsed.path.trim_end_matches('/');
                Some(format!("{}{port}{path}", parsed.host).to_ascii_lowercase())
            }
            // The endpoint comes from the environment, or was forgotten: not known here.
            _ => None,
        }
    }

    /// AWS's partition, by the literal region (the commercial one when it is not written).
    fn aws_partition(&self) -> &'static str {
        let region = self
            .get("region")
            .and_then(|a| a.literal().as_str().map(str::to_string))
            .unwrap_or_default();
        [
            ("cn-", "aws-cn"),
            ("us-gov-", "aws-us-gov"),
            ("us-isob-", "aws-iso-b"),
            ("us-iso-", "aws-iso"),
            ("eusc-", "aws-eusc"),
        ]
        .into_iter()
        .find(|(start, _)| region.starts_with(start))
        .map_or("aws", |(_, partition)| partition)
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::input::source::{FileKind, SourceFile};
    use crate::model::context::{Module, ModuleContext, Settings};

    /// The state object of `backend "s3" { <body> }`, if known.
    fn object(body: &str) -> Option<StateObject> {
        let text = format!("terraform {{\n  backend \"s3\" {{\n{body}\n  }}\n}}\n");
        let module = Module {
            dir: PathBuf::from("m"),
            files: vec![SourceFile::from_bytes(
                PathBuf::from("m/main.tf"),
                "m/main.tf".into(),
                FileKind::Tf,
                text.into_bytes(),
            )],
            init: Default::default(),
        };
        let settings = Settings::default();
        let ctx = ModuleContext::new(&module, &settings);
        ctx.s3_configs[0].state_key(&module.dir).map(|k| k.object)
    }

    #[test]
    fn aws_is_one_namespace_per_partition() {
        let store = |body: &str| object(body).map(|o| o.store);
        let aws = "bucket = \"b\"\nkey = \"k\"";
        assert_eq!(store(aws).as_deref(), Some("aws"));
        assert_eq!(
            store(&format!("{aws}\nregion = \"eu-west-1\"")).as_deref(),
            Some("aws")
        );
        assert_eq!(
            store(&format!("{aws}\nregion = \"cn-north-1\"")).as_deref(),
            Some("aws-cn")
        );
        assert_eq!(
            store(&format!(
                "{aws}\nendpoints = {{ s3 = \"https://s3.eu-west-1.amazonaws.com\" }}"
            ))
            .as_deref(),
            Some("aws")
        );
    }

    #[test]
    fn other_stores_are_their_endpoint() {
        let at = |endpoint: &str| {
            object(&format!(
                "endpoints = {{ s3 = \"{endpoint}\" }}\nbucket = \"b\"\nkey = \"k\"\nskip_s3_checksum = true"
            ))
            .map(|o| o.store)
        };
        assert_eq!(
            at("https://NYC3.digitaloceanspaces.com/").as_deref(),
            Some("nyc3.digitaloceanspaces.com")
        );
        assert_eq!(
            at("http://minio.lab:9000").as_deref(),
            Some("minio.lab:9000")
        );
        assert_ne!(
            at("https://nyc3.digitaloceanspaces.com"),
            at("https://fra1.digitaloceanspaces.com")
        );
    }

    #[test]
    fn only_literal_values_make_an_object() {
        assert_eq!(object("bucket = \"b\"\nkey = var.key"), None);
        assert_eq!(object("bucket = \"b\""), None);
        assert_eq!(object("bucket = \"\"\nkey = \"k\""), None);
        assert_eq!(
            object("endpoints = { s3 = var.e }\nbucket = \"b\"\nkey = \"k\""),
            None
        );
        assert_eq!(
            object("bucket = \"b\"\nkey = \"k\"\nworkspace_key_prefix = \"x\""),
            Some(StateObject {
                store: "aws".into(),
                bucket: "b".into(),
                key: "k".into()
            })
        );
    }
}
