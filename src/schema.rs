//! Facts about Terraform's s3 backend that several rules share.

use crate::context::Engine;
use crate::version::Version;

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
