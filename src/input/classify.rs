//! What a path found while walking is to tfblint: the one place that decides which files are
//! read and which hidden directories are entered.
//!
//! The walker ([`crate::input::walk`]) asks [`classify`] about every regular file it finds and
//! keeps only those with a class; it asks [`enters_hidden_dir`] about every directory whose
//! name starts with a dot. A new kind of input (say, CI files that run `terraform init`) is a
//! new [`PathClass`] variant here and, if it lives in a hidden directory, a name in
//! [`enters_hidden_dir`]; the walker itself does not change.

use std::ffi::OsStr;
use std::path::Path;

use crate::input::init::{self, SourceKind};
use crate::input::source::FileKind;

/// What a file is to tfblint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PathClass {
    /// A Terraform/OpenTofu file of its module (its directory).
    Terraform(FileKind),
    /// A file that may run `terraform init` (a workflow, a script, a Makefile…): read for
    /// `-backend-config` arguments when its bytes hold both `init` and `backend-config`.
    InitSource(SourceKind),
}

impl PathClass {
    /// The Terraform kind, for files that belong to a module.
    pub fn terraform_kind(self) -> Option<FileKind> {
        match self {
            PathClass::Terraform(kind) => Some(kind),
            PathClass::InitSource(_) => None,
        }
    }
}

/// The class of a regular file found while walking a directory, from its path alone (its
/// name, and where needed its directory); `None` for a file tfblint does not read.
pub fn classify(path: &Path) -> Option<PathClass> {
    if let Some(kind) = FileKind::from_path(path) {
        return Some(PathClass::Terraform(kind));
    }
    init::source_kind(path).map(PathClass::InitSource)
}

/// Whether the walk enters a hidden directory (a name starting with `.`): only those that
/// hold init sources ([`init::enters_hidden_dir`]: `.github`, `.forgejo`, `.gitea`,
/// `.azure-pipelines`, `.circleci`); `.git/`, `.terraform/` (downloaded modules and
/// providers) and every other hidden directory are skipped. A directory named on the command
/// line is walked whatever its name.
pub fn enters_hidden_dir(name: &OsStr) -> bool {
    init::enters_hidden_dir(name)
}

/// Whether a directory found while walking is entered, by its name alone.
pub fn enters_dir(name: &OsStr) -> bool {
    let hidden = name.as_encoded_bytes().first() == Some(&b'.');
    !hidden || enters_hidden_dir(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_by_name() {
        let class = |p: &str| classify(Path::new(p));
        assert_eq!(class("a/main.tf"), Some(PathClass::Terraform(FileKind::Tf)));
        assert_eq!(class("x.tofu"), Some(PathClass::Terraform(FileKind::Tofu)));
        assert_eq!(
            class("prod.tfbackend"),
            Some(PathClass::Terraform(FileKind::TfBackend))
        );
        assert_eq!(class("README.md"), None);
        assert_eq!(class("terraform.tfstate"), None);
        assert!(enters_dir(OsStr::new("envs")));
        assert!(!enters_dir(OsStr::new(".terraform")));
        assert!(!enters_dir(OsStr::new(".git")));
        assert!(enters_dir(OsStr::new(".github")));
        assert_eq!(
            class(".github/workflows/ci.yml"),
            Some(PathClass::InitSource(SourceKind::GithubWorkflow))
        );
        assert_eq!(
            class("Makefile"),
            Some(PathClass::InitSource(SourceKind::Makefile))
        );
    }
}
