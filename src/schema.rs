//! Facts about Terraform's s3 backend that several rules share.

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

/// Arguments whose values are credentials.
pub const CREDENTIAL_ARGUMENTS: &[&str] = &["access_key", "secret_key", "token"];

/// The lowest Terraform that has every argument a Spaces backend needs (`skip_s3_checksum`).
pub const MIN_TERRAFORM_FOR_BACKEND: Version = Version::new(1, 6, 3);

/// The first Terraform release where `use_lockfile` is generally available.
pub const MIN_TERRAFORM_FOR_LOCKFILE: Version = Version::new(1, 11, 0);

/// The region Spaces expects the AWS SDK to sign with.
pub const SPACES_SIGNING_REGION: &str = "us-east-1";
