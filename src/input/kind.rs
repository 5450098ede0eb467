//! What a file is to Terraform, by its name ([`FileKind`]): plain data below the files that
//! read and scope files ([`crate::input::source`], [`crate::input::scope`]).

use std::path::Path;

/// What a file is to Terraform, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileKind {
    /// `*.tf`: configuration.
    Tf,
    /// `*.tofu`: OpenTofu configuration, overriding the `.tf` file of the same stem.
    Tofu,
    /// `*.tfbackend`: a partial backend configuration for `terraform init -backend-config`
    /// (and any file an init command passes as one, whatever its name).
    TfBackend,
    /// A file that runs `terraform init` (a workflow, a script, a Makefile): not HCL; only
    /// its `-backend-config` arguments are read.
    InitSource,
}

impl FileKind {
    /// The kind of a file found while walking, or `None` for files tfblint does not read.
    pub fn from_path(path: &Path) -> Option<FileKind> {
        match path.extension()?.to_str()? {
            "tf" => Some(FileKind::Tf),
            "tofu" => Some(FileKind::Tofu),
            "tfbackend" => Some(FileKind::TfBackend),
            _ => None,
        }
    }

    /// The kind of a file named on the command line: linted as given, so an unknown
    /// extension is read as configuration.
    pub fn for_named_file(path: &Path) -> FileKind {
        Self::from_path(path).unwrap_or(FileKind::Tf)
    }

    pub fn is_config(self) -> bool {
        matches!(self, FileKind::Tf | FileKind::Tofu)
    }
}
