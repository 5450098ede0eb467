//! The model: what a module and its s3 backend configurations say, and the facts they are
//! checked against.
//!
//! - [`context`]: a module's Terraform blocks, backends and partial files, merged into one
//!   [`context::S3Config`] per pairing ([`s3config`]), with every argument's literal value;
//! - [`init`]: what `terraform init` commands pass to a module (partial files, settings);
//! - [`value`]: literal values of HCL expressions; [`version`] and [`constraints`]: Terraform
//!   versions and `required_version` constraints, as go-version reads them;
//! - [`schema`]: the s3 backend's arguments, their types and status; [`spaces`] and
//!   [`endpoints`]: DigitalOcean Spaces facts and endpoint values; [`stores`]: which store
//!   each configuration talks to, and what each store documents;
//! - [`state`]: the state object a configuration writes (store, bucket, key), for TFB701;
//! - [`secrets`] and [`masking`]: where credentials are written, and how their values are
//!   masked before any text is shown.
//!
//! May use: [`crate::diagnostic`] and [`crate::input`]. Nothing here knows of rules.

pub mod constraints;
pub mod context;
pub mod endpoints;
pub mod init;
pub mod masking;
pub mod module;
pub mod s3config;
pub mod schema;
pub mod secrets;
pub mod spaces;
pub mod state;
mod store_table;
pub mod stores;
pub mod value;
pub mod version;
