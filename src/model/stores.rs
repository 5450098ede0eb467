//! Which store an s3 configuration talks to: the stores and what decides between them, as data.
//! [`detect`](crate::model::s3config::detect) decides, and only it, from the configuration:
//!
//! - an endpoint written as a literal URL: the store whose domain its host is under
//!   ([`STORES`]), `aws` for an `amazonaws.com` host, `s3-compatible` for any other host;
//! - an endpoint written as an expression, or a configuration left to `terraform init`:
//!   `unknown` (unless the `store` setting names one);
//! - no endpoint: the `store` setting when there is one; otherwise `aws`, unless something
//!   shows an S3-compatible target ([`Evidence`]): then `s3-compatible`, and TFB201 says the
//!   endpoint was forgotten.
//!
//! The values come from the configuration's merged arguments
//! ([`S3Config::get`](crate::model::s3config::S3Config::get)), so every source of values the
//! model has (the block, partial files) counts.

use std::path::{Path, PathBuf};

use globset::GlobSet;

use crate::model::spaces::Endpoint;

pub use super::store_table::{
    FlagNeed, Need, PathStyle, RegionFact, Store, StoreId, Support, AWS_REGIONS, STORES,
};

/// A set of stores: the ones a rule applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Stores(u32);

impl Stores {
    /// Every store.
    pub const ALL: Stores = Stores(u32::MAX);
    /// Every store but AWS and `unknown`: named stores and generic S3-compatible ones. Nothing
    /// is claimed about a store tfblint cannot see (an endpoint written as an expression, a
    /// configuration left to `terraform init`): it gets only the rules for every store.
    pub const S3_COMPATIBLE: Stores = Stores(!(StoreId::Aws.bit() | StoreId::Unknown.bit()));
    pub const SPACES: Stores = Stores::only(StoreId::Spaces);

    pub const fn only(id: StoreId) -> Stores {
        Stores(id.bit())
    }

    pub fn contains(self, id: StoreId) -> bool {
        self.0 & id.bit() != 0
    }

    /// How docs, `tfblint rules` and the README name the set.
    pub fn describe(self) -> String {
        if self == Stores::ALL {
            return "all".into();
        }
        if self == Stores::S3_COMPATIBLE {
            return "S3-compatible".into();
        }
        let names: Vec<&str> = STORES
            .iter()
            .filter(|s| self.contains(s.id))
            .map(|s| match s.id {
                StoreId::Spaces => "Spaces",
                _ => s.key,
            })
            .collect();
        names.join(", ")
    }
}

/// Why a configuration without an endpoint looks S3-compatible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Evidence {
    /// `skip_…` set to true.
    SkipFlag(&'static str),
    /// `use_path_style` or `force_path_style` set to true.
    PathStyle(&'static str),
    /// A region that is no AWS region.
    Region(String),
    /// Another endpoint (`endpoints.sts`, `iam_endpoint`…) on a host that is not AWS.
    OtherEndpoint(String),
}

impl Evidence {
    /// "`skip_s3_checksum = true`", "`region = \"nyc3\"` (no AWS region)".
    pub fn describe(&self) -> String {
        match self {
            Evidence::SkipFlag(f) => format!("`{f} = true`"),
            Evidence::PathStyle(f) => format!("`{f} = true`"),
            Evidence::Region(r) => format!("`region = {r:?}`, which is no AWS region,"),
            Evidence::OtherEndpoint(name) => format!("`{name}`, on a host that is not AWS,"),
        }
    }
}

/// How the store was decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// From the endpoint's host.
    Endpoint,
    /// The endpoint is written as an expression.
    Expression,
    /// No endpoint: the `store` setting names the store.
    Setting,
    /// No endpoint, but this shows an S3-compatible target: the endpoint was forgotten.
    Evidence(Evidence),
    /// No endpoint and nothing S3-compatible: AWS.
    Default,
    /// The configuration is left to `terraform init`.
    Init,
}

/// A configuration's store, how it was decided, and its endpoint URL when literal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detected {
    pub id: StoreId,
    pub origin: Origin,
    pub endpoint: Option<String>,
}

impl Default for Detected {
    fn default() -> Self {
        Detected {
            id: StoreId::Unknown,
            origin: Origin::Init,
            endpoint: None,
        }
    }
}

impl Detected {
    pub fn store(&self) -> &'static Store {
        self.id.store()
    }

    /// The endpoint's host, when it is a literal URL.
    pub fn host(&self) -> Option<String> {
        self.endpoint.as_deref().map(|e| Endpoint::parse(e).host)
    }
}

/// The `store` setting: a default for configurations without an endpoint, and overrides per
/// path (globs relative to `root`, matched against the file holding the backend block, or the
/// partial file that stands alone). The first matching glob wins.
#[derive(Debug, Clone, Default)]
pub struct StoreSetting {
    pub default: Option<StoreId>,
    pub by_path: Vec<(GlobSet, StoreId)>,
    pub root: PathBuf,
    /// What relative file paths are relative to.
    pub cwd: PathBuf,
}

impl StoreSetting {
    pub fn for_file(&self, path: &Path) -> Option<StoreId> {
        if !self.by_path.is_empty() {
            let absolute = crate::input::discover::absolute(&self.cwd, path);
            let rel = absolute.strip_prefix(&self.root).unwrap_or(&absolute);
            if let Some((_, id)) = self.by_path.iter().find(|(set, _)| set.is_match(rel)) {
                return Some(*id);
            }
        }
        self.default
    }
}

/// The store of `host` (lower-case, without port) and `port`.
pub fn store_of_host(host: &str, port: Option<u16>) -> StoreId {
    STORES
        .iter()
        .find(|s| s.owns(host, port))
        .map_or(StoreId::S3Compatible, |s| s.id)
}

/// Whether `region` is one Terraform's region check accepts.
pub fn is_aws_region(region: &str) -> bool {
    AWS_REGIONS.contains(&region)
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::input::source::{FileKind, SourceFile};
    use crate::model::context::{Module, ModuleContext, Settings};
    use crate::model::schema::SKIP_FLAGS;

    /// The store of `backend "s3" { <body> }`, with `settings`.
    fn detect_with(body: &str, settings: &Settings) -> Detected {
        let text = format!("terraform {{\n  backend \"s3\" {{\n{body}\n  }}\n}}\n");
        let module = Module {
            dir: PathBuf::from("."),
            files: vec![SourceFile::from_bytes(
                PathBuf::from("main.tf"),
                "main.tf".into(),
                FileKind::Tf,
                text.into_bytes(),
            )],
            init: Default::default(),
        };
        let ctx = ModuleContext::new(&module, settings);
        ctx.s3_configs[0].store.clone()
    }

    fn detect(body: &str) -> Detected {
        detect_with(body, &Settings::default())
    }

    fn at(endpoint: &str) -> StoreId {
        let d = detect(&format!(
            "endpoints = {{ s3 = \"{endpoint}\" }}\nbucket = \"b\"\nkey = \"k\""
        ));
        assert_eq!(d.origin, Origin::Endpoint, "{endpoint}");
        d.id
    }

    #[test]
    fn aws() {
        assert_eq!(at("https://s3.eu-central-1.amazonaws.com"), StoreId::Aws);
        assert_eq!(at("https://s3.cn-north-1.amazonaws.com.cn"), StoreId::Aws);
        assert_eq!(
            at("https://amazonaws.com.evil.example"),
            StoreId::S3Compatible
        );
        assert_eq!(at("https://notamazonaws.com"), StoreId::S3Compatible);
        // No endpoint and nothing S3-compatible: AWS.
        let d =
            detect("bucket = \"b\"\nkey = \"k\"\nregion = \"eu-west-1\"\ndynamodb_table = \"t\"");
        assert_eq!((d.id, d.origin), (StoreId::Aws, Origin::Default));
        let d = detect("bucket = \"b\"\nkey = \"k\"\nskip_metadata_api_check = false");
        assert_eq!(d.id, StoreId::Aws);
    }

    #[test]
    fn spaces() {
        assert_eq!(at("https://nyc3.digitaloceanspaces.com"), StoreId::Spaces);
        assert_eq!(
            at("https://b.fra1.cdn.digitaloceanspaces.com"),
            StoreId::Spaces
        );
        assert_eq!(
            at("https://evil-digitaloceanspaces.com"),
            StoreId::S3Compatible
        );
        // The deprecated `endpoint` and the block form (TFB207's) count too.
        let d = detect("endpoint = \"https://sgp1.digitaloceanspaces.com\"");
        assert_eq!(d.id, StoreId::Spaces);
        let d = detect("endpoints {\n s3 = \"https://sgp1.digitaloceanspaces.com\"\n}");
        assert_eq!(d.id, StoreId::Spaces);
    }

    #[test]
    fn cloudflare_r2() {
        let id = at("https://0123456789abcdef0123456789abcdef.r2.cloudflarestorage.com");
        assert_eq!(id, StoreId::CloudflareR2);
        assert_eq!(
            at("https://0123456789abcdef.eu.r2.cloudflarestorage.com"),
            StoreId::CloudflareR2
        );
        let store = id.store();
        assert!(matches!(
            store.flag_need("skip_s3_checksum"),
            Some(Need::Required(..))
        ));
        assert!(matches!(
            store.flag_need("skip_metadata_api_check"),
            Some(Need::NotNeeded(_))
        ));
        assert_eq!(store.documented_region(None).as_deref(), Some("auto"));
    }

    #[test]
    fn backblaze_b2() {
        assert_eq!(
            at("https://s3.us-west-004.backblazeb2.com"),
            StoreId::BackblazeB2
        );
    }

    #[test]
    fn hetzner() {
        assert_eq!(at("https://fsn1.your-objectstorage.com"), StoreId::Hetzner);
    }

    #[test]
    fn scaleway() {
        assert_eq!(at("https://s3.fr-par.scw.cloud"), StoreId::Scaleway);
        let store = StoreId::Scaleway.store();
        assert_eq!(
            store
                .documented_region(Some("s3.nl-ams.scw.cloud"))
                .as_deref(),
            Some("nl-ams")
        );
        assert!(matches!(
            store.flag_need("skip_s3_checksum"),
            Some(Need::NotNeeded(_))
        ));
        assert!(store.flag_need("skip_credentials_validation").is_none());
    }

    #[test]
    fn linode() {
        assert_eq!(at("https://us-mia-1.linodeobjects.com"), StoreId::Linode);
    }

    #[test]
    fn ovhcloud() {
        assert_eq!(at("https://s3.gra.io.cloud.ovh.net"), StoreId::Ovhcloud);
        assert_eq!(at("https://s3.sbg.perf.cloud.ovh.net"), StoreId::Ovhcloud);
    }

    #[test]
    fn wasabi() {
        assert_eq!(at("https://s3.wasabisys.com"), StoreId::Wasabi);
        assert_eq!(at("https://s3.eu-central-1.wasabisys.com"), StoreId::Wasabi);
    }

    #[test]
    fn exoscale() {
        assert_eq!(at("https://sos-ch-gva-2.exo.io"), StoreId::Exoscale);
    }

    #[test]
    fn vultr() {
        assert_eq!(at("https://ewr1.vultrobjects.com"), StoreId::Vultr);
    }

    #[test]
    fn yandex() {
        assert_eq!(at("https://storage.yandexcloud.net"), StoreId::Yandex);
        assert_eq!(at("storage.yandexcloud.net"), StoreId::Yandex);
        assert_eq!(at("https://website.yandexcloud.net"), StoreId::S3Compatible);
        assert_eq!(
            StoreId::Yandex.store().documented_region(None).as_deref(),
            Some("ru-central1")
        );
    }

    #[test]
    fn oracle() {
        let host = "acme.compat.objectstorage.us-phoenix-1.oraclecloud.com";
        assert_eq!(at(&format!("https://{host}")), StoreId::Oracle);
        assert_eq!(
            StoreId::Oracle
                .store()
                .documented_region(Some(host))
                .as_deref(),
            Some("us-phoenix-1")
        );
        assert!(matches!(
            StoreId::Oracle.store().path_style,
            PathStyle::Required { .. }
        ));
    }

    #[test]
    fn localstack() {
        assert_eq!(at("http://localhost:4566"), StoreId::Localstack);
        assert_eq!(
            at("http://s3.localhost.localstack.cloud:4566"),
            StoreId::Localstack
        );
        // localhost on another port is some other store.
        assert_eq!(at("http://localhost:9000"), StoreId::S3Compatible);
    }

    #[test]
    fn s3_compatible() {
        assert_eq!(at("http://minio:9000"), StoreId::S3Compatible);
        assert_eq!(at("https://10.0.0.5"), StoreId::S3Compatible);
        // No endpoint, but something that shows an S3-compatible target: the endpoint was
        // forgotten.
        for (body, evidence) in [
            (
                "skip_s3_checksum = true",
                Evidence::SkipFlag("skip_s3_checksum"),
            ),
            (
                "skip_region_validation = \"true\"",
                Evidence::SkipFlag("skip_region_validation"),
            ),
            (
                "use_path_style = true",
                Evidence::PathStyle("use_path_style"),
            ),
            ("region = \"nyc3\"", Evidence::Region("nyc3".into())),
            ("region = \"auto\"", Evidence::Region("auto".into())),
            (
                "endpoints = { sts = \"https://sts.example.com\" }",
                Evidence::OtherEndpoint("endpoints.sts".into()),
            ),
        ] {
            let d = detect(&format!("bucket = \"b\"\nkey = \"k\"\n{body}"));
            assert_eq!(d.id, StoreId::S3Compatible, "{body}");
            assert_eq!(d.origin, Origin::Evidence(evidence), "{body}");
        }
        let d = detect("endpoints = { sts = \"https://sts.us-east-1.amazonaws.com\" }");
        assert_eq!(d.id, StoreId::Aws);
    }

    #[test]
    fn unknown() {
        let d = detect("endpoints = { s3 = var.endpoint }");
        assert_eq!((d.id, d.origin), (StoreId::Unknown, Origin::Expression));
        let d = detect("endpoints = local.endpoints");
        assert_eq!(d.id, StoreId::Unknown);
        // Left to `terraform init`.
        let d = detect("");
        assert_eq!((d.id, d.origin), (StoreId::Unknown, Origin::Init));
    }

    #[test]
    fn the_setting_names_the_store_of_configurations_without_an_endpoint() {
        let settings = Settings {
            store: StoreSetting {
                default: Some(StoreId::Spaces),
                ..StoreSetting::default()
            },
            ..Settings::default()
        };
        let d = detect_with("skip_s3_checksum = true", &settings);
        assert_eq!((d.id, d.origin), (StoreId::Spaces, Origin::Setting));
        let d = detect_with("", &settings);
        assert_eq!(d.id, StoreId::Spaces);
        // Never over a written endpoint.
        let d = detect_with("endpoint = \"https://s3.fr-par.scw.cloud\"", &settings);
        assert_eq!(d.id, StoreId::Scaleway);
    }

    #[test]
    fn every_store_id_has_one_row_and_a_unique_key() {
        let mut keys: Vec<&str> = STORES.iter().map(|s| s.key).collect();
        let n = keys.len();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), n);
        for s in STORES {
            assert_eq!(StoreId::from_key(s.key), Some(s.id));
            assert_eq!(s.id.store().key, s.key);
            for f in s.flags {
                assert!(
                    SKIP_FLAGS.iter().any(|(name, _)| *name == f.flag),
                    "{}",
                    f.flag
                );
            }
        }
        assert_eq!(StoreId::Unknown as usize + 1, STORES.len());
    }

    #[test]
    fn store_sets() {
        assert!(!Stores::S3_COMPATIBLE.contains(StoreId::Aws));
        assert!(!Stores::S3_COMPATIBLE.contains(StoreId::Unknown));
        assert!(Stores::S3_COMPATIBLE.contains(StoreId::S3Compatible));
        assert!(Stores::ALL.contains(StoreId::Aws));
        assert_eq!(Stores::SPACES.describe(), "Spaces");
        assert_eq!(Stores::only(StoreId::Oracle).describe(), "oracle");
    }

    #[test]
    fn aws_regions() {
        assert!(is_aws_region("us-east-1"));
        assert!(is_aws_region("eusc-de-east-1"));
        for r in [
            "nyc3",
            "auto",
            "fra1",
            "fr-par",
            "ru-central1",
            "us-west-004",
            "aws-global",
        ] {
            assert!(!is_aws_region(r), "{r}");
        }
    }
}
