//! Input: everything between a path on disk and a parsed file.
//!
//! - [`artifact`]: Terraform's own output files (backend cache, plan files, local state) that
//!   git would commit, by name and bounded content ([`git`] says what git would commit);
//! - [`classify`]: what each path found while walking is (which files are read, which hidden
//!   directories entered);
//! - [`walk`]: the parallel walk (`.gitignore` respected), reading and prefiltering files as
//!   they are found, one batch per directory;
//! - [`cost`]: the byte scan that caps what parsing one file may cost;
//! - [`discover`]: finding the files to lint and grouping them into module directories;
//! - [`init`]: `terraform init` commands in workflows, scripts and task files, and which module
//!   each one initialises with what ([`init::pairing`]);
//! - [`parse`]: parsing HCL text, recovering from attributes set twice;
//! - [`read`]: reading a file's bytes safely (bounded, non-blocking, regular files only);
//! - [`scope`]: the byte-level prefilter that says whether a file can hold anything a rule
//!   reads, so the others are never parsed;
//! - [`source`]: decoding and parsing one file into a [`source::SourceFile`], with its line
//!   index;
//! - [`terragrunt`] and [`tfjson`]: readers of Terragrunt files and `*.tf.json` into a
//!   [`view::View`], the same hcl-edit tree a `.tf` file gives, with spans in their own file.
//!
//! May use: [`crate::diagnostic`] (positions). Nothing here knows of rules or the model.

pub mod artifact;
pub mod classify;
pub mod cost;
pub mod discover;
pub mod git;
pub mod init;
pub mod kind;
pub mod parse;
pub mod read;
pub mod scope;
pub mod source;
pub mod terragrunt;
pub mod tfjson;
pub mod view;
pub mod walk;
