//! The stores tfblint knows, as data ([`Store`] rows in [`STORES`]): how each is recognised
//! and what its vendor documents about the s3 backend. Every fact carries the page it comes
//! from; `docs/stores.md` quotes them. A store whose vendor documents nothing gets the general
//! S3-compatible rules.

/// The regions Terraform's region check accepts: aws-sdk-go-base `endpoints/endpoints_gen.go`
/// (commit 71dcf8a, 2026-07-01), generated from aws-sdk-go-v2's `endpoints.json`; Terraform's
/// `validation.SupportedRegion` checks membership in it.
pub const AWS_REGIONS: &[&str] = &[
    // aws
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    // aws-cn
    "cn-north-1",
    "cn-northwest-1",
    // aws-eusc
    "eusc-de-east-1",
    // aws-iso, aws-iso-b, aws-iso-e, aws-iso-f
    "us-iso-east-1",
    "us-iso-west-1",
    "us-isob-east-1",
    "us-isob-west-1",
    "eu-isoe-west-1",
    "us-isof-east-1",
    "us-isof-south-1",
    // aws-us-gov
    "us-gov-east-1",
    "us-gov-west-1",
];

/// One row of the store table.
#[derive(Debug)]
pub struct Store {
    pub id: StoreId,
    pub key: &'static str,
    pub name: &'static str,
    /// Hosts under these domains (the domain itself or any subdomain) are this store's.
    pub domains: &'static [&'static str],
    /// Host and port pairs that are this store's (LocalStack's edge port).
    pub host_ports: &'static [(&'static str, u16)],
    /// The endpoint's documented shape.
    pub endpoint: &'static str,
    pub region: RegionFact,
    /// What the vendor documents about each skip flag; a flag not listed follows the general
    /// S3-compatible rule.
    pub flags: &'static [FlagNeed],
    pub path_style: PathStyle,
    /// Whether `use_lockfile` (S3 conditional writes) is documented to work.
    pub lockfile: Support,
    /// Whether DynamoDB-style locking (`dynamodb_table`) is documented to work.
    pub dynamodb: Support,
    /// The pages the facts come from.
    pub sources: &'static [&'static str],
}

/// What a vendor says the `region` argument should be.
#[derive(Debug, Clone, Copy)]
pub enum RegionFact {
    /// Any AWS region.
    Aws,
    /// This value (source).
    Value(&'static str, &'static str),
    /// The store's region, which is this label of the endpoint's host (source).
    HostLabel(usize, &'static str),
    Undocumented,
}

/// A skip flag and what the vendor documents about it.
#[derive(Debug, Clone, Copy)]
pub struct FlagNeed {
    pub flag: &'static str,
    pub need: Need,
}

#[derive(Debug, Clone, Copy)]
pub enum Need {
    /// The vendor requires it, or documents that the step it skips fails (why, source).
    Required(&'static str, &'static str),
    /// The vendor's own complete configuration works without it (source).
    NotNeeded(&'static str),
}

#[derive(Debug, Clone, Copy)]
pub enum PathStyle {
    /// Path-style addressing is required on hosts containing this text (source).
    Required {
        host_contains: &'static str,
        source: &'static str,
    },
    Undocumented,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Support {
    /// Documented to work (source).
    Documented(&'static str),
    Undocumented,
}

impl Store {
    /// The vendor's word on `flag`, if any.
    pub fn flag_need(&self, flag: &str) -> Option<Need> {
        self.flags.iter().find(|f| f.flag == flag).map(|f| f.need)
    }

    /// Whether `host` (lower-case, no port) with `port` is this store's.
    pub(crate) fn owns(&self, host: &str, port: Option<u16>) -> bool {
        self.domains
            .iter()
            .any(|d| host == *d || host.strip_suffix(d).is_some_and(|p| p.ends_with('.')))
            || self
                .host_ports
                .iter()
                .any(|(h, p)| *h == host && Some(*p) == port)
    }

    /// The region the vendor documents for a configuration with this endpoint host.
    pub fn documented_region(&self, host: Option<&str>) -> Option<String> {
        match self.region {
            RegionFact::Value(v, _) => Some(v.to_string()),
            RegionFact::HostLabel(i, _) => host?
                .split('.')
                .nth(i)
                .filter(|l| !l.is_empty())
                .map(str::to_string),
            RegionFact::Aws | RegionFact::Undocumented => None,
        }
    }
}

const TERRAFORM_S3: &str = "https://developer.hashicorp.com/terraform/language/backend/s3";
const DO_GUIDE: &str = "https://docs.digitalocean.com/products/spaces/reference/terraform-backend/";
const R2_REQUIRED: &str = "https://developers.cloudflare.com/r2/examples/terraform-aws";
const R2_API: &str = "https://developers.cloudflare.com/r2/api/s3/api/";
const R2_BACKEND: &str =
    "https://developers.cloudflare.com/terraform/advanced-topics/remote-backend/";
const R2_CONDITIONAL: &str = "https://developers.cloudflare.com/r2/api/s3/conditional-operations/";
const SCALEWAY_GUIDE: &str =
    "https://registry.terraform.io/providers/scaleway/scaleway/latest/docs/guides/backend_guide";
const YANDEX_LOCK: &str =
    "https://yandex.cloud/en/docs/tutorials/infrastructure-management/terraform-state-lock";
const ORACLE_GUIDE: &str =
    "https://registry.terraform.io/providers/oracle/oci/latest/docs/guides/object_store_backend";
const ORACLE_VHOST: &str =
    "https://docs.oracle.com/iaas/releasenotes/objectstorage/S3-virtual-hosted.htm";
const AKAMAI_CHECKSUMS: &str =
    "https://techdocs.akamai.com/cloud-computing/docs/aws-cli-sdks-support-details";

const fn store(id: StoreId, key: &'static str, name: &'static str) -> Store {
    Store {
        id,
        key,
        name,
        domains: &[],
        host_ports: &[],
        endpoint: "",
        region: RegionFact::Undocumented,
        flags: &[],
        path_style: PathStyle::Undocumented,
        lockfile: Support::Undocumented,
        dynamodb: Support::Undocumented,
        sources: &[],
    }
}

/// Every store, in the order `tfblint backends` and the docs list them.
pub static STORES: &[Store] = &[
    Store {
        domains: &["amazonaws.com", "amazonaws.com.cn"],
        endpoint: "none needed (`https://s3.<region>.amazonaws.com` when written)",
        region: RegionFact::Aws,
        lockfile: Support::Documented(TERRAFORM_S3),
        dynamodb: Support::Documented(TERRAFORM_S3),
        sources: &[TERRAFORM_S3],
        ..store(StoreId::Aws, "aws", "AWS S3")
    },
    Store {
        domains: &["digitaloceanspaces.com"],
        endpoint: "https://<region>.digitaloceanspaces.com",
        region: RegionFact::Value("us-east-1", DO_GUIDE),
        lockfile: Support::Documented(DO_GUIDE),
        sources: &[DO_GUIDE],
        ..store(StoreId::Spaces, "spaces", "DigitalOcean Spaces")
    },
    Store {
        domains: &["r2.cloudflarestorage.com"],
        endpoint: "https://<account_id>.r2.cloudflarestorage.com",
        region: RegionFact::Value("auto", R2_API),
        flags: &[
            FlagNeed {
                flag: "skip_credentials_validation",
                need: Need::Required("Cloudflare lists it as required for R2", R2_REQUIRED),
            },
            FlagNeed {
                flag: "skip_region_validation",
                need: Need::Required("Cloudflare lists it as required for R2", R2_REQUIRED),
            },
            FlagNeed {
                flag: "skip_requesting_account_id",
                need: Need::Required("Cloudflare lists it as required for R2", R2_REQUIRED),
            },
            FlagNeed {
                flag: "skip_s3_checksum",
                need: Need::Required(
                    "R2 does not implement the SHA-256 full-object checksum Terraform sends with each upload",
                    R2_API,
                ),
            },
            FlagNeed {
                flag: "skip_metadata_api_check",
                need: Need::NotNeeded(R2_REQUIRED),
            },
        ],
        lockfile: Support::Documented(R2_CONDITIONAL),
        sources: &[R2_BACKEND, R2_REQUIRED, R2_API, R2_CONDITIONAL],
        ..store(StoreId::CloudflareR2, "cloudflare-r2", "Cloudflare R2")
    },
    Store {
        domains: &["backblazeb2.com"],
        endpoint: "https://s3.<region>.backblazeb2.com",
        sources: &["https://www.backblaze.com/apidocs/introduction-to-the-s3-compatible-api"],
        ..store(StoreId::BackblazeB2, "backblaze-b2", "Backblaze B2")
    },
    Store {
        domains: &["your-objectstorage.com"],
        endpoint: "https://<location>.your-objectstorage.com",
        sources: &["https://docs.hetzner.com/storage/object-storage/overview"],
        ..store(StoreId::Hetzner, "hetzner", "Hetzner Object Storage")
    },
    Store {
        domains: &["scw.cloud"],
        endpoint: "https://s3.<region>.scw.cloud",
        region: RegionFact::HostLabel(1, SCALEWAY_GUIDE),
        flags: &[
            FlagNeed {
                flag: "skip_s3_checksum",
                need: Need::NotNeeded(SCALEWAY_GUIDE),
            },
            FlagNeed {
                flag: "skip_metadata_api_check",
                need: Need::NotNeeded(SCALEWAY_GUIDE),
            },
        ],
        lockfile: Support::Documented(SCALEWAY_GUIDE),
        sources: &[SCALEWAY_GUIDE],
        ..store(StoreId::Scaleway, "scaleway", "Scaleway Object Storage")
    },
    Store {
        domains: &["linodeobjects.com"],
        endpoint: "https://<region>.linodeobjects.com",
        flags: &[FlagNeed {
            flag: "skip_s3_checksum",
            need: Need::Required(
                "Akamai documents that the SDK checksums Terraform sends are not supported by its Object Storage",
                AKAMAI_CHECKSUMS,
            ),
        }],
        sources: &[AKAMAI_CHECKSUMS],
        ..store(StoreId::Linode, "linode", "Linode (Akamai) Object Storage")
    },
    Store {
        domains: &["cloud.ovh.net"],
        endpoint: "https://s3.<region>.io.cloud.ovh.net",
        sources: &["https://www.mintlify.com/ovh/docs/storage/object-storage"],
        ..store(StoreId::Ovhcloud, "ovhcloud", "OVHcloud Object Storage")
    },
    Store {
        domains: &["wasabisys.com"],
        endpoint: "https://s3.<region>.wasabisys.com",
        sources: &["https://docs.wasabi.com/docs/rest-api-introduction"],
        ..store(StoreId::Wasabi, "wasabi", "Wasabi")
    },
    Store {
        domains: &["exo.io"],
        endpoint: "https://sos-<zone>.exo.io",
        sources: &["https://community.exoscale.com/api/sos"],
        ..store(StoreId::Exoscale, "exoscale", "Exoscale SOS")
    },
    Store {
        domains: &["vultrobjects.com"],
        endpoint: "https://<region>.vultrobjects.com",
        sources: &["https://docs.vultr.com/vultr-object-storage"],
        ..store(StoreId::Vultr, "vultr", "Vultr Object Storage")
    },
    Store {
        domains: &["storage.yandexcloud.net"],
        endpoint: "https://storage.yandexcloud.net",
        region: RegionFact::Value("ru-central1", YANDEX_LOCK),
        flags: &[
            FlagNeed {
                flag: "skip_requesting_account_id",
                need: Need::Required(
                    "Yandex documents it as required for Terraform 1.6.1 or higher",
                    YANDEX_LOCK,
                ),
            },
            FlagNeed {
                flag: "skip_s3_checksum",
                need: Need::Required(
                    "Yandex documents it as required for Terraform 1.6.3 or higher",
                    YANDEX_LOCK,
                ),
            },
            FlagNeed {
                flag: "skip_metadata_api_check",
                need: Need::NotNeeded(YANDEX_LOCK),
            },
        ],
        dynamodb: Support::Documented(YANDEX_LOCK),
        sources: &[YANDEX_LOCK],
        ..store(StoreId::Yandex, "yandex", "Yandex Object Storage")
    },
    Store {
        domains: &["oraclecloud.com", "oci.customer-oci.com"],
        endpoint: "https://<namespace>.compat.objectstorage.<region>.oraclecloud.com",
        region: RegionFact::HostLabel(3, ORACLE_GUIDE),
        path_style: PathStyle::Required {
            host_contains: ".compat.objectstorage.",
            source: ORACLE_VHOST,
        },
        sources: &[ORACLE_GUIDE, ORACLE_VHOST],
        ..store(StoreId::Oracle, "oracle", "Oracle Cloud Object Storage")
    },
    Store {
        domains: &["localstack.cloud"],
        host_ports: &[("localhost", 4566), ("127.0.0.1", 4566)],
        endpoint: "http://localhost:4566",
        sources: &["https://docs.localstack.cloud/user-guide/integrations/terraform/"],
        ..store(StoreId::Localstack, "localstack", "LocalStack")
    },
    Store {
        endpoint: "any other endpoint (MinIO, Ceph, Garage, a private host)",
        ..store(StoreId::S3Compatible, "s3-compatible", "an S3-compatible store")
    },
    Store {
        endpoint: "an expression, or left to `terraform init`",
        ..store(StoreId::Unknown, "unknown", "an unknown store")
    },
];

/// A store tfblint knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StoreId {
    Aws,
    Spaces,
    CloudflareR2,
    BackblazeB2,
    Hetzner,
    Scaleway,
    Linode,
    Ovhcloud,
    Wasabi,
    Exoscale,
    Vultr,
    Yandex,
    Oracle,
    Localstack,
    /// Any other endpoint: MinIO, Ceph, Garage, a private host, an IP address.
    S3Compatible,
    /// The endpoint is an expression, or the configuration is left to `terraform init`.
    Unknown,
}

impl StoreId {
    pub fn store(self) -> &'static Store {
        STORES
            .iter()
            .find(|s| s.id == self)
            .expect("every StoreId has a row in STORES")
    }

    /// The key used in `tfblint.toml`, `tfblint backends` and the docs: `cloudflare-r2`.
    pub fn key(self) -> &'static str {
        self.store().key
    }

    /// The store's name for messages: `Cloudflare R2`.
    pub fn name(self) -> &'static str {
        self.store().name
    }

    /// A store named by its vendor (not AWS, not generic, not unknown).
    pub fn is_named(self) -> bool {
        !matches!(
            self,
            StoreId::Aws | StoreId::S3Compatible | StoreId::Unknown
        )
    }

    /// Looks a store up by its key.
    pub fn from_key(key: &str) -> Option<StoreId> {
        STORES
            .iter()
            .find(|s| s.key.eq_ignore_ascii_case(key.trim()))
            .map(|s| s.id)
    }

    pub(crate) const fn bit(self) -> u32 {
        1 << self as u32
    }
}
