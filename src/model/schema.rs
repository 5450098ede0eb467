//! Facts about Terraform's s3 backend that several rules share, and the backend's schema as
//! data ([`S3_ARGUMENTS`]).

use crate::model::version::Version;

/// The five AWS-only checks that must be off on an S3-compatible store, and why.
pub const SKIP_FLAGS: &[(&str, &str)] = &[
    (
        "skip_credentials_validation",
        "Terraform validates credentials against AWS STS, which S3-compatible stores do not have",
    ),
    (
        "skip_requesting_account_id",
        "Terraform asks AWS STS/IAM for the account ID, which S3-compatible stores do not have",
    ),
    (
        "skip_metadata_api_check",
        "Terraform queries the EC2 instance metadata API for credentials, which does not exist off AWS",
    ),
    (
        "skip_region_validation",
        "Terraform accepts only AWS region names unless region validation is off",
    ),
    (
        "skip_s3_checksum",
        "Spaces rejects the checksum headers Terraform sends since 1.6 (`XAmzContentSHA256Mismatch`)",
    ),
];

/// Arguments whose values are secrets (their values are masked in every snippet, whichever
/// rules are enabled), and the environment variable each belongs in instead.
pub const CREDENTIAL_ARGUMENTS: &[(&str, &str)] = &[
    ("access_key", "AWS_ACCESS_KEY_ID"),
    ("secret_key", "AWS_SECRET_ACCESS_KEY"),
    ("token", "AWS_SESSION_TOKEN"),
    ("sse_customer_key", "AWS_SSE_CUSTOMER_KEY"),
];

/// The lowest Terraform that has every argument a Spaces backend needs (`skip_s3_checksum`).
pub const MIN_TERRAFORM_FOR_BACKEND: Version = Version::new(1, 6, 3);

/// The first Terraform release where `use_lockfile` is generally available.
pub const MIN_TERRAFORM_FOR_LOCKFILE: Version = Version::new(1, 11, 0);

/// OpenTofu has the five skip flags and `endpoints` from its first release.
pub const MIN_OPENTOFU_FOR_BACKEND: Version = Version::new(1, 6, 0);

/// OpenTofu has `use_lockfile` from 1.10.0.
pub const MIN_OPENTOFU_FOR_LOCKFILE: Version = Version::new(1, 10, 0);

/// Which program will run the configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    #[default]
    Terraform,
    #[serde(rename = "opentofu")]
    #[value(name = "opentofu")]
    OpenTofu,
}

impl Engine {
    /// The product name for messages.
    pub fn name(self) -> &'static str {
        match self {
            Engine::Terraform => "Terraform",
            Engine::OpenTofu => "OpenTofu",
        }
    }

    /// The lowest version with every argument a Spaces backend needs.
    pub fn min_for_backend(self) -> Version {
        match self {
            Engine::Terraform => MIN_TERRAFORM_FOR_BACKEND,
            Engine::OpenTofu => MIN_OPENTOFU_FOR_BACKEND,
        }
    }

    /// The lowest version where `use_lockfile` can be relied on.
    pub fn min_for_lockfile(self) -> Version {
        match self {
            Engine::Terraform => MIN_TERRAFORM_FOR_LOCKFILE,
            Engine::OpenTofu => MIN_OPENTOFU_FOR_LOCKFILE,
        }
    }
}

/// The region Spaces expects the AWS SDK to sign with.
pub const SPACES_SIGNING_REGION: &str = "us-east-1";

// ---------------------------------------------------------------------------------------------
// The s3 backend's schema, as data.
//
// Every argument Terraform or OpenTofu knows now or knew once, with its type and what each
// engine makes of it (backend-facts.md §1 and §5). Rules read this table; none keeps its own
// list of argument names.
// ---------------------------------------------------------------------------------------------

/// The type Terraform converts an argument's value to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    String,
    Bool,
    Number,
    /// `set(string)`, written as a list of strings.
    StringSet,
    /// `map(string)`, written as an object of strings.
    StringMap,
    /// An object with known attributes, written as an attribute: `name = { … }`.
    Object(&'static [Argument]),
}

impl Type {
    /// The type as Terraform names it: `string`, `set(string)`, `object`.
    pub fn name(self) -> &'static str {
        match self {
            Type::String => "string",
            Type::Bool => "bool",
            Type::Number => "number",
            Type::StringSet => "set(string)",
            Type::StringMap => "map(string)",
            Type::Object(_) => "object",
        }
    }

    /// For messages: "a string", "a list of strings".
    pub fn describe(self) -> &'static str {
        match self {
            Type::String => "a string",
            Type::Bool => "a bool",
            Type::Number => "a number",
            Type::StringSet => "a list of strings",
            Type::StringMap => "a map of strings",
            Type::Object(_) => "an object",
        }
    }

    /// The attributes of an object type.
    pub fn keys(self) -> &'static [Argument] {
        match self {
            Type::Object(keys) => keys,
            _ => &[],
        }
    }
}

/// What replaces a deprecated argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replacement {
    /// A new name for the same setting: a path such as `endpoints.s3`. Setting both is an
    /// error ("Conflicting Parameters").
    Renamed(&'static str),
    /// Something that works differently, described for a `help` line.
    Superseded(&'static str),
}

/// What one engine makes of an argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Accepted. `since`: the first release that has it, where that matters.
    Supported { since: Option<Version> },
    /// Accepted with a deprecation warning since `since`.
    Deprecated {
        since: Option<Version>,
        replacement: Replacement,
    },
    /// Accepted once; "Unsupported argument" from `version` on. `instead`: what to write,
    /// for a `help` line.
    Removed {
        version: Version,
        instead: &'static str,
    },
    /// Never part of this engine's s3 backend.
    Absent,
}

impl Status {
    /// Whether the engine accepts the argument (possibly with a warning).
    pub fn is_accepted(self) -> bool {
        matches!(self, Status::Supported { .. } | Status::Deprecated { .. })
    }
}

/// One argument of `backend "s3"`, or one attribute of an object-typed argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Argument {
    pub name: &'static str,
    pub ty: Type,
    pub required: bool,
    pub terraform: Status,
    pub opentofu: Status,
}

impl Argument {
    pub fn status(&self, engine: Engine) -> Status {
        match engine {
            Engine::Terraform => self.terraform,
            Engine::OpenTofu => self.opentofu,
        }
    }

    /// An attribute of this object-typed argument.
    pub fn key(&self, name: &str) -> Option<&'static Argument> {
        self.ty.keys().iter().find(|k| k.name == name)
    }

    // Builders for the table below.

    const fn new(name: &'static str, ty: Type) -> Self {
        Argument {
            name,
            ty,
            required: false,
            terraform: SUPPORTED,
            opentofu: SUPPORTED,
        }
    }

    const fn required(mut self) -> Self {
        self.required = true;
        self
    }

    const fn terraform(mut self, status: Status) -> Self {
        self.terraform = status;
        self
    }

    const fn opentofu(mut self, status: Status) -> Self {
        self.opentofu = status;
        self
    }

    /// Renamed in 1.6.0, in both engines (OpenTofu forked from Terraform 1.6).
    const fn renamed_in_1_6(self, to: &'static str) -> Self {
        let status = Status::Deprecated {
            since: Some(V1_6_0),
            replacement: Replacement::Renamed(to),
        };
        self.terraform(status).opentofu(status)
    }

    /// One of the top-level assume-role arguments Terraform removed in 1.10.0 and OpenTofu
    /// still accepts, deprecated, in favour of `assume_role = { … }`.
    const fn legacy_assume_role(self, instead: &'static str) -> Self {
        self.terraform(Status::Removed {
            version: Version::new(1, 10, 0),
            instead,
        })
        .opentofu(Status::Deprecated {
            since: None,
            replacement: Replacement::Superseded(instead),
        })
    }

    /// Removed from both engines in `version`.
    const fn removed(self, version: Version, instead: &'static str) -> Self {
        let status = Status::Removed { version, instead };
        self.terraform(status).opentofu(status)
    }
}

const SUPPORTED: Status = Status::Supported { since: None };
const V1_6_0: Version = Version::new(1, 6, 0);

const fn since(major: u64, minor: u64, patch: u64) -> Status {
    Status::Supported {
        since: Some(Version::new(major, minor, patch)),
    }
}

const LOCKFILE_INSTEAD: &str = "`use_lockfile = true`, which locks with a file next to the state";

/// `endpoints = { … }`.
const ENDPOINTS_KEYS: &[Argument] = &[
    Argument::new("s3", Type::String),
    Argument::new("iam", Type::String),
    Argument::new("sts", Type::String),
    Argument::new("dynamodb", Type::String).terraform(Status::Deprecated {
        since: Some(Version::new(1, 11, 0)),
        replacement: Replacement::Superseded(LOCKFILE_INSTEAD),
    }),
    Argument::new("sso", Type::String)
        .terraform(since(1, 6, 4))
        .opentofu(Status::Absent),
];

/// `assume_role = { … }`.
const ASSUME_ROLE_KEYS: &[Argument] = &[
    Argument::new("role_arn", Type::String).required(),
    Argument::new("duration", Type::String),
    Argument::new("external_id", Type::String),
    Argument::new("policy", Type::String),
    Argument::new("policy_arns", Type::StringSet),
    Argument::new("session_name", Type::String),
    Argument::new("source_identity", Type::String),
    Argument::new("tags", Type::StringMap),
    Argument::new("transitive_tag_keys", Type::StringSet),
];

/// `assume_role_with_web_identity = { … }`.
const WEB_IDENTITY_KEYS: &[Argument] = &[
    Argument::new("role_arn", Type::String).required(),
    Argument::new("duration", Type::String),
    Argument::new("policy", Type::String),
    Argument::new("policy_arns", Type::StringSet),
    Argument::new("session_name", Type::String),
    Argument::new("web_identity_token", Type::String),
    Argument::new("web_identity_token_file", Type::String),
];

/// Every argument of `backend "s3"` that either engine accepts or once accepted.
pub static S3_ARGUMENTS: &[Argument] = &[
    Argument::new("bucket", Type::String).required(),
    Argument::new("key", Type::String).required(),
    Argument::new("region", Type::String),
    Argument::new("endpoints", Type::Object(ENDPOINTS_KEYS)).terraform(since(1, 6, 0)),
    // The five flags of DigitalOcean's guide (SKIP_FLAGS).
    Argument::new("skip_credentials_validation", Type::Bool),
    Argument::new("skip_requesting_account_id", Type::Bool)
        .terraform(since(1, 6, 1))
        .opentofu(since(1, 6, 0)),
    Argument::new("skip_metadata_api_check", Type::Bool),
    Argument::new("skip_region_validation", Type::Bool),
    Argument::new("skip_s3_checksum", Type::Bool)
        .terraform(since(1, 6, 3))
        .opentofu(since(1, 6, 0)),
    Argument::new("use_lockfile", Type::Bool)
        .terraform(since(1, 10, 0))
        .opentofu(since(1, 10, 0)),
    // Credentials and identity.
    Argument::new("access_key", Type::String),
    Argument::new("secret_key", Type::String),
    Argument::new("token", Type::String),
    Argument::new("profile", Type::String),
    Argument::new("shared_config_files", Type::StringSet),
    Argument::new("shared_credentials_files", Type::StringSet),
    Argument::new("allowed_account_ids", Type::StringSet),
    Argument::new("forbidden_account_ids", Type::StringSet),
    Argument::new("assume_role", Type::Object(ASSUME_ROLE_KEYS)),
    Argument::new(
        "assume_role_with_web_identity",
        Type::Object(WEB_IDENTITY_KEYS),
    ),
    Argument::new("sts_region", Type::String),
    // Encryption and access.
    Argument::new("encrypt", Type::Bool),
    Argument::new("kms_key_id", Type::String),
    Argument::new("sse_customer_key", Type::String),
    Argument::new("acl", Type::String),
    // Where the state goes.
    Argument::new("workspace_key_prefix", Type::String),
    Argument::new("use_path_style", Type::Bool),
    Argument::new("use_fips_endpoint", Type::Bool),
    Argument::new("use_dualstack_endpoint", Type::Bool),
    // Transport.
    Argument::new("max_retries", Type::Number),
    Argument::new("retry_mode", Type::String),
    Argument::new("custom_ca_bundle", Type::String),
    Argument::new("ec2_metadata_service_endpoint", Type::String),
    Argument::new("ec2_metadata_service_endpoint_mode", Type::String),
    Argument::new("http_proxy", Type::String),
    Argument::new("https_proxy", Type::String).terraform(since(1, 6, 4)),
    Argument::new("no_proxy", Type::String).terraform(since(1, 6, 4)),
    Argument::new("insecure", Type::Bool),
    // Locking with DynamoDB: deprecated by Terraform 1.11, not by OpenTofu.
    Argument::new("dynamodb_table", Type::String).terraform(Status::Deprecated {
        since: Some(Version::new(1, 11, 0)),
        replacement: Replacement::Superseded(LOCKFILE_INSTEAD),
    }),
    // Renamed in 1.6.0.
    Argument::new("endpoint", Type::String).renamed_in_1_6("endpoints.s3"),
    Argument::new("iam_endpoint", Type::String).renamed_in_1_6("endpoints.iam"),
    Argument::new("sts_endpoint", Type::String).renamed_in_1_6("endpoints.sts"),
    Argument::new("dynamodb_endpoint", Type::String).renamed_in_1_6("endpoints.dynamodb"),
    Argument::new("force_path_style", Type::Bool).renamed_in_1_6("use_path_style"),
    Argument::new("shared_credentials_file", Type::String)
        .renamed_in_1_6("shared_credentials_files"),
    // OpenTofu only.
    Argument::new("state_tags", Type::StringMap)
        .terraform(Status::Absent)
        .opentofu(since(1, 11, 0)),
    Argument::new("lock_tags", Type::StringMap)
        .terraform(Status::Absent)
        .opentofu(since(1, 11, 0)),
    // The top-level assume-role arguments: removed by Terraform 1.10.0, deprecated by OpenTofu.
    Argument::new("role_arn", Type::String)
        .legacy_assume_role("`assume_role = { role_arn = \"…\" }`"),
    Argument::new("session_name", Type::String)
        .legacy_assume_role("`assume_role = { role_arn = \"…\", session_name = \"…\" }`"),
    Argument::new("external_id", Type::String)
        .legacy_assume_role("`assume_role = { role_arn = \"…\", external_id = \"…\" }`"),
    Argument::new("assume_role_duration_seconds", Type::Number).legacy_assume_role(
        "`assume_role = { role_arn = \"…\", duration = \"1h\" }` (a duration string, not seconds)",
    ),
    Argument::new("assume_role_policy", Type::String)
        .legacy_assume_role("`assume_role = { role_arn = \"…\", policy = \"…\" }`"),
    Argument::new("assume_role_policy_arns", Type::StringSet)
        .legacy_assume_role("`assume_role = { role_arn = \"…\", policy_arns = [ … ] }`"),
    Argument::new("assume_role_tags", Type::StringMap)
        .legacy_assume_role("`assume_role = { role_arn = \"…\", tags = { … } }`"),
    Argument::new("assume_role_transitive_tag_keys", Type::StringSet).legacy_assume_role(
        "`assume_role = { role_arn = \"…\", transitive_tag_keys = [ … ] }`",
    ),
    // Removed long ago; old tutorials still carry them.
    Argument::new("use_legacy_workflow", Type::Bool).removed(
        Version::new(1, 8, 0),
        "nothing: delete the line; the backend now always looks for credentials the way the AWS SDKs and CLI do",
    ),
    Argument::new("lock_table", Type::String).removed(
        Version::new(0, 13, 0),
        "nothing: it became `dynamodb_table`, which S3-compatible stores cannot use either; lock with `use_lockfile = true`",
    ),
    Argument::new("skip_get_ec2_platforms", Type::Bool).removed(
        Version::new(0, 13, 0),
        "nothing: delete the line; Terraform no longer asks EC2 for its platforms",
    ),
];

/// The arguments (as paths) that lock the state with DynamoDB.
pub const DYNAMODB_ARGUMENTS: &[&str] =
    &["dynamodb_table", "dynamodb_endpoint", "endpoints.dynamodb"];

/// An argument of `backend "s3"` by name.
pub fn s3_argument(name: &str) -> Option<&'static Argument> {
    S3_ARGUMENTS.iter().find(|a| a.name == name)
}

/// An argument or object attribute by path: `bucket`, `endpoints.s3`.
pub fn s3_path(path: &str) -> Option<&'static Argument> {
    match path.split_once('.') {
        Some((name, key)) => s3_argument(name)?.key(key),
        None => s3_argument(path),
    }
}

/// "Terraform" or "OpenTofu", for messages.
pub fn engine_name(engine: Engine) -> &'static str {
    match engine {
        Engine::Terraform => "Terraform",
        Engine::OpenTofu => "OpenTofu",
    }
}

/// The other engine, for "it is an OpenTofu argument" notes.
pub fn other_engine(engine: Engine) -> Engine {
    match engine {
        Engine::Terraform => Engine::OpenTofu,
        Engine::OpenTofu => Engine::Terraform,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_each_argument_once_and_terraform_accepts_45() {
        let mut names: Vec<&str> = S3_ARGUMENTS.iter().map(|a| a.name).collect();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len(), "duplicate names in S3_ARGUMENTS");
        let accepted = S3_ARGUMENTS
            .iter()
            .filter(|a| a.terraform.is_accepted())
            .count();
        assert_eq!(accepted, 45, "backend-facts.md §1: 45 arguments");
    }

    #[test]
    fn shared_constants_agree_with_the_table() {
        for (flag, _) in SKIP_FLAGS {
            assert_eq!(s3_argument(flag).map(|a| a.ty), Some(Type::Bool), "{flag}");
        }
        for (name, _) in CREDENTIAL_ARGUMENTS {
            assert_eq!(
                s3_argument(name).map(|a| a.ty),
                Some(Type::String),
                "{name}"
            );
        }
        for path in DYNAMODB_ARGUMENTS {
            assert!(s3_path(path).is_some(), "{path}");
        }
        for arg in S3_ARGUMENTS {
            for status in [arg.terraform, arg.opentofu] {
                if let Status::Deprecated {
                    replacement: Replacement::Renamed(to),
                    ..
                } = status
                {
                    assert!(s3_path(to).is_some(), "{} → {to}", arg.name);
                }
            }
        }
    }

    #[test]
    fn engines_differ_as_backend_facts_say() {
        let tf = Engine::Terraform;
        let tofu = Engine::OpenTofu;
        let status = |path: &str, engine| s3_path(path).unwrap().status(engine);
        assert!(matches!(
            status("dynamodb_table", tf),
            Status::Deprecated { .. }
        ));
        assert!(matches!(
            status("dynamodb_table", tofu),
            Status::Supported { .. }
        ));
        assert_eq!(status("state_tags", tf), Status::Absent);
        assert!(status("lock_tags", tofu).is_accepted());
        assert!(status("endpoints.sso", tf).is_accepted());
        assert_eq!(status("endpoints.sso", tofu), Status::Absent);
        assert!(matches!(status("role_arn", tf), Status::Removed { .. }));
        assert!(status("role_arn", tofu).is_accepted());
        assert!(!status("skip_get_ec2_platforms", tofu).is_accepted());
    }
}
