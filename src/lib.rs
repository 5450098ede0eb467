//! tfblint: a static linter for Terraform/OpenTofu `backend "s3"` configurations.
//!
//! Data flows one way: [`discover`] files → [`source`] (read, parse) → [`context`] (a model
//! of each module) → [`rules`] → [`diagnostic`]s → one [`render`]er per output format.

pub mod cli;
pub mod config;
pub mod constraints;
pub mod context;
pub mod diagnostic;
pub mod discover;
pub mod endpoints;
pub mod fix;
mod fix_cli;
pub mod lint;
pub mod render;
pub mod rules;
pub mod schema;
pub mod scope;
pub mod secrets;
pub mod source;
pub mod spaces;
pub mod suppress;
pub mod value;
pub mod version;
