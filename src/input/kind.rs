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
    /// A Terragrunt file (`*.hcl`): read for the s3 backend it writes (`crate::input::terragrunt`).
    Terragrunt,
    /// Terraform's JSON syntax (`*.tf.json`, `*.tofu.json`, `crate::input::tfjson`).
    TfJson,
    /// A file that runs `terraform init` (a workflow, a script, a Makefile): not HCL; only
    /// its `-backend-config` arguments are read.
    InitSource,
}

impl FileKind {
    /// The kind of a file found while walking, or `None` for files tfblint does not read.
    pub fn from_path(path: &Path) -> Option<FileKind> {
        match path.extension()?.to_str()? {
            "json" => {
                let stem = Path::new(path.file_stem()?);
                matches!(stem.extension()?.to_str()?, "tf" | "tofu").then_some(FileKind::TfJson)
            }
            "hcl" => Some(FileKind::Terragrunt),
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
        matches!(
            self,
            FileKind::Tf | FileKind::Tofu | FileKind::Terragrunt | FileKind::TfJson
        )
    }

    /// Whether tfblint can fix the file: not JSON (no byte-preserving JSON editing).
    pub fn is_fixable(self) -> bool {
        self != FileKind::TfJson
    }
}
