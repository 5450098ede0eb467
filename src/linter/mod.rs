//! The linter: the one pipeline every front end calls.
//!
//! - [`workspace`]: the entry point, [`Workspace`]: discover paths (with in-memory buffers in
//!   place of files on disk), lint them, plan fixes;
//! - [`config`]: `tfblint.toml`, its discovery and validation;
//! - [`pipeline`]: read each module, run the enabled rules, apply suppressions, per-file
//!   ignores and severity overrides, mask secrets, merge deterministically;
//! - [`init_load`]: what init commands pass to a module, read for the model;
//! - [`artifacts`]: TFB404, Terraform's outputs that git would commit in walked directories;
//! - [`stream`]: the lint of walked directories while they are walked, module by module;
//! - [`shared`]: TFB701 across a run: a small key per configuration, checked at the end;
//! - [`includes`]: Terragrunt root files and the directories that include them;
//! - [`suppress`]: `# tfblint-ignore` comments;
//! - [`fixer`]: the fix engine (lint, apply, re-lint, check) and atomic writes.
//!
//! May use: [`crate::diagnostic`], [`crate::input`], [`crate::model`], [`crate::fix`] and
//! [`crate::rules`]. Never the renderers or a front end.

pub mod artifacts;
pub mod buffer;
pub mod config;
pub mod fixer;
pub mod includes;
pub mod init_load;
pub mod inventory;
pub mod pipeline;
pub mod shared;
pub mod stream;
pub mod suppress;
pub mod workspace;

pub use inventory::{BackendRow, Locking};
pub use workspace::{Buffer, Linted, Workspace};
