//! TFB404 terraform-artifact-in-repository: a file Terraform writes for itself (the backend
//! cache `.terraform/terraform.tfstate`, a plan file, a local state) that git would commit.
//!
//! Not a check over a module: the lint of a directory lists what git would commit there
//! ([`crate::input::artifact::scan`]) and reports each artifact through [`report`]. The
//! finding is on the file as a whole; its content is never shown.

use super::{rule_doc, Fixability, Rule, Sink, Stores};
use crate::diagnostic::Severity;
use crate::input::artifact::{Artifact, ArtifactKind};

pub static RULE: Rule = Rule {
    code: "TFB404",
    name: "terraform-artifact-in-repository",
    severity: Severity::Error,
    fix: Fixability::Never,
    stores: Stores::ALL,
    summary: "A file Terraform writes for itself (backend cache, plan file, local state) would be committed to git",
    doc: rule_doc!("TFB404"),
    check: None,
};

/// Reports one artifact, shown as `display`.
pub fn report(sink: &mut Sink, artifact: &Artifact, display: &str) {
    let how = if artifact.tracked {
        "git tracks it"
    } else {
        "git would commit it (it is not ignored)"
    };
    let name = display.rsplit('/').next().unwrap_or(display);
    let (what, holds, ignore) = match artifact.kind {
        ArtifactKind::BackendCache => {
            let backend = artifact
                .backend
                .as_deref()
                .map_or("the backend".to_string(), |b| format!("the `{b}` backend"));
            let holds = if artifact.secrets.is_empty() {
                format!("{backend}'s configuration as `terraform init` resolved it, in plain text (no credential in it now: a `-backend-config` credential would be)")
            } else {
                let names: Vec<String> =
                    artifact.secrets.iter().map(|n| format!("`{n}`")).collect();
                format!(
                    "{backend}'s configuration in plain text, credentials included ({}; values not shown)",
                    names.join(", ")
                )
            };
            ("Terraform's backend cache", holds, "`.terraform/`".to_string())
        }
        ArtifactKind::PlanFile => (
            "a Terraform plan file",
            "the backend configuration (with any credential passed at `terraform init`) and a snapshot of the state".to_string(),
            format!("`{name}` (or `*.tfplan`, naming plans `NAME.tfplan`)"),
        ),
        ArtifactKind::State => (
            "a local Terraform state",
            "every managed resource's attributes, secrets included, in plain text".to_string(),
            "`*.tfstate`".to_string(),
        ),
        ArtifactKind::StateBackup => (
            "a backup of a local Terraform state",
            "every managed resource's attributes, secrets included, in plain text".to_string(),
            "`*.tfstate.*`".to_string(),
        ),
    };
    let untrack = if artifact.tracked {
        format!(", stop tracking it (`git rm --cached -- {display}`)")
    } else {
        String::new()
    };
    let rotate = match artifact.kind {
        ArtifactKind::BackendCache if artifact.secrets.is_empty() => {
            "; if it was ever pushed with a credential in it, rotate that key"
        }
        ArtifactKind::State | ArtifactKind::StateBackup => {
            "; if it was ever pushed, rotate the secrets it holds (history keeps them)"
        }
        _ => "; if it was ever pushed, rotate the keys it holds (history keeps them)",
    };
    sink.report_file(
        &RULE,
        display,
        format!("{what} is in the repository and {how}: it holds {holds}"),
    )
    .with_label("Terraform output (content not shown)")
    .with_help(format!("add {ignore} to `.gitignore`{untrack}{rotate}"));
}
