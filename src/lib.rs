//! tfblint: a static linter for Terraform/OpenTofu `backend "s3"` configurations.
//!
//! The crate is in layers, and imports point down only (`tests/architecture.rs` keeps it so):
//!
//! ```text
//! cli, server              front ends (siblings: neither imports the other): the command
//!  │                       line parses arguments, lints, renders, exits; the language server
//!  │                       speaks LSP over stdio with open documents as buffers
//!  └─ render               one renderer per output format
//!      └─ linter           the pipeline: Workspace, config, suppressions, fix engine
//!          └─ rules        one rule per file, the registry, the Sink they report to
//!              └─ fix      edit helpers the rules build fixes with; applying edits to text
//!                  └─ model      modules, s3 configurations, values, versions, schema, facts
//!                      └─ input  discovery, safe reads, prefilter, parsing
//!                          └─ diagnostic   what a finding is: positions, severity, edits
//! ```

pub mod cli;
pub mod diagnostic;
pub mod fix;
pub mod input;
pub mod linter;
pub mod model;
pub mod render;
pub mod rules;
pub mod server;
