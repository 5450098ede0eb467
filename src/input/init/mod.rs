//! Find `terraform init` / `tofu init` commands in CI workflows, scripts and
//! task runners, and extract their `-backend-config` arguments with exact
//! byte spans in the source file.
//!
//! `extract(SourceKind::Shell, "cd infra && terraform init -backend-config=prod.s3.tfbackend")`
//! gives one [`InitCommand`] whose only argument is a [`BackendConfigValue::File`] with the
//! span of `prod.s3.tfbackend`. [`pairing`] resolves commands against the file system.
//!
//! Values of credentials given on the command line are never kept: see
//! [`SettingValue`].

mod atlantis;
mod chunk;
mod command;
mod files;
pub use files::repo_root;
mod github;
mod gitlab;
mod jenkins;
mod lexer;
pub mod pairing;
mod pairs;
mod pipelines;
mod scripts;
pub mod secrets;
pub mod settings;
mod taskfile;
mod yaml;

#[cfg(test)]
mod tests;

use std::ops::Range;
use std::path::{Path, PathBuf};

/// The kind of file an init command can be found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SourceKind {
    /// `.github/workflows/*.yml|yaml`, and Forgejo's and Gitea's `.forgejo/workflows/`,
    /// `.gitea/workflows/` (GitHub's syntax).
    GithubWorkflow,
    /// `.gitlab-ci.yml`
    GitlabCi,
    /// `*.sh`, `*.bash`
    Shell,
    /// `Makefile`, `makefile`, `GNUmakefile`, `*.mk`
    Makefile,
    /// `justfile`, `Justfile`, `.justfile`, `*.just`
    Justfile,
    /// `Taskfile.yml` and its variants
    Taskfile,
    /// `bitbucket-pipelines.yml`
    BitbucketPipelines,
    /// `azure-pipelines.yml|yaml` and `.azure-pipelines/*.yml|yaml`
    AzurePipelines,
    /// `.circleci/config.yml|yaml`
    CircleCi,
    /// `Jenkinsfile`, `*.jenkinsfile`, `Jenkinsfile.*`
    Jenkinsfile,
    /// `atlantis.yaml|yml` (Atlantis's repo-level configuration)
    Atlantis,
}

/// Directories whose `workflows/` folder holds workflows in GitHub's syntax.
const WORKFLOW_HOMES: [&str; 3] = [".github", ".forgejo", ".gitea"];

/// Which kind of file `path` is, if any, by its name (and, for a workflow, the two directories
/// above it). Called
/// for every file discovery walks past: name checks first, no allocation.
pub fn source_kind(path: &Path) -> Option<SourceKind> {
    let name = path.file_name()?.to_str()?;
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    match ext {
        "sh" | "bash" => return Some(SourceKind::Shell),
        "mk" => return Some(SourceKind::Makefile),
        "just" => return Some(SourceKind::Justfile),
        "jenkinsfile" => return Some(SourceKind::Jenkinsfile),
        "yml" | "yaml" => {}
        _ => {
            return match name {
                "Makefile" | "makefile" | "GNUmakefile" => Some(SourceKind::Makefile),
                "justfile" | "Justfile" | "JUSTFILE" | ".justfile" => Some(SourceKind::Justfile),
                "Jenkinsfile" => Some(SourceKind::Jenkinsfile),
                _ if name.starts_with("Jenkinsfile.") => Some(SourceKind::Jenkinsfile),
                _ => None,
            };
        }
    }
    let stem = &name[..name.len() - ext.len() - 1];
    match stem {
        ".gitlab-ci" => return Some(SourceKind::GitlabCi),
        "bitbucket-pipelines" => return Some(SourceKind::BitbucketPipelines),
        "azure-pipelines" => return Some(SourceKind::AzurePipelines),
        "atlantis" => return Some(SourceKind::Atlantis),
        _ => {}
    }
    let lower = stem.to_ascii_lowercase();
    if ["taskfile", "taskfile.dist"].contains(&lower.as_str()) {
        return Some(SourceKind::Taskfile);
    }
    let mut parents = path.parent()?.iter().rev();
    let parent = parents.next();
    if parent.is_some_and(|c| c == ".azure-pipelines") {
        return Some(SourceKind::AzurePipelines);
    }
    if parent.is_some_and(|c| c == ".circleci") && stem == "config" {
        return Some(SourceKind::CircleCi);
    }
    let in_workflows = parent.is_some_and(|c| c == "workflows")
        && parents
            .next()
            .is_some_and(|c| WORKFLOW_HOMES.iter().any(|h| c == *h));
    in_workflows.then_some(SourceKind::GithubWorkflow)
}

/// Whether the walk enters the hidden directory `name` to find init sources: `.github`,
/// `.forgejo`, `.gitea` (their `workflows/`), `.azure-pipelines` and `.circleci`.
pub fn enters_hidden_dir(name: &std::ffi::OsStr) -> bool {
    WORKFLOW_HOMES.iter().any(|h| name == *h) || name == ".azure-pipelines" || name == ".circleci"
}

/// Cheap prefilter: the bytes hold both `init` and `backend-config`.
pub fn might_contain_init(bytes: &[u8]) -> bool {
    let has = |needle: &[u8]| memchr::memmem::find(bytes, needle).is_some();
    has(b"backend-config") && has(b"init")
}

/// Which program runs `init`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Engine {
    Terraform,
    Tofu,
    /// A variable (`$TF`, `${TOFU}`, `$(TERRAFORM)`, `${{ env.TF }}`, `{{.TF}}`).
    Dynamic,
}

impl Engine {
    pub fn as_str(self) -> &'static str {
        match self {
            Engine::Terraform => "terraform",
            Engine::Tofu => "tofu",
            Engine::Dynamic => "dynamic",
        }
    }
}

/// What a relative working directory is relative to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DirBase {
    /// The repository root (GitHub Actions `$GITHUB_WORKSPACE`, GitLab `$CI_PROJECT_DIR`).
    RepoRoot,
    /// The directory holding the source file (make, just, task).
    FileDir,
    /// Wherever the script is started from: unknown (shell scripts).
    Invocation,
}

/// The directory the command runs in (before `-chdir`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum WorkingDir {
    /// `path` (lexically normalised, may start with `..`, empty = the base itself).
    Known { base: DirBase, path: PathBuf },
    /// An absolute path (`cd /srv/infra`).
    Absolute(PathBuf),
    /// Set from a variable, `cd -`, `cd` alone, `~`…: unknown.
    Dynamic,
}

/// A global `-chdir=DIR` option.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChdirArg {
    pub path: String,
    pub dynamic: bool,
    /// Span of DIR.
    pub span: Range<usize>,
}

/// One `init` command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitCommand {
    /// From the program name to the last argument read.
    pub span: Range<usize>,
    pub engine: Engine,
    pub binary_span: Range<usize>,
    pub working_dir: WorkingDir,
    pub chdir: Option<ChdirArg>,
    /// In command-line order (later ones override earlier ones).
    pub backend_configs: Vec<BackendConfigArg>,
}

impl InitCommand {
    /// Terraform's special case: a single, empty `-backend-config=""`
    /// explicitly removes every override (`backendConfigOverrideBody`).
    pub fn clears_overrides(&self) -> bool {
        matches!(
            self.backend_configs.as_slice(),
            [BackendConfigArg {
                value: BackendConfigValue::Empty { .. },
                ..
            }]
        )
    }
}

/// One `-backend-config` argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackendConfigArg {
    /// The whole argument (`-backend-config=…`, or the flag and its separate value).
    pub span: Range<usize>,
    pub value: BackendConfigValue,
}

/// How Terraform reads the value (`backendConfigOverrideBody` in `init.go`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackendConfigValue {
    /// No `=` in the value: a file of backend arguments. A dynamic value with
    /// no literal `=` is assumed to be a file (Terraform decides at run time).
    File {
        path: String,
        dynamic: bool,
        span: Range<usize>,
    },
    /// `KEY=VALUE`, split at the first `=`.
    Setting {
        key: String,
        key_dynamic: bool,
        key_span: Range<usize>,
        value: SettingValue,
        value_span: Range<usize>,
    },
    /// An empty value. Alone, it clears all overrides; next to other
    /// `-backend-config` arguments Terraform reads it as a file named "" and fails.
    Empty { span: Range<usize> },
}

/// The value of a `KEY=VALUE` setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettingValue {
    /// Literal text of a non-credential key.
    Literal(String),
    /// Literal text of a credential key (`secret_key`, `access_key`, `token`,
    /// anything with `secret`/`password`/`token`): the text is not kept.
    Redacted { len: usize },
    /// Holds an expansion: set, value unknown. `secret_ref` when it reads
    /// `${{ secrets.… }}`.
    Dynamic { secret_ref: bool },
}

/// A file that could not be read at all (invalid YAML).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtractError {
    pub message: String,
    pub span: Option<Range<usize>>,
}

impl std::fmt::Display for ExtractError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ExtractError {}

/// Find every init command in `text`, a file of kind `kind`. Shell, make and
/// just files never fail; YAML files fail only when they are not YAML.
pub fn extract(kind: SourceKind, text: &str) -> Result<Vec<InitCommand>, ExtractError> {
    let mut found = match kind {
        SourceKind::GithubWorkflow => github::extract(text)?,
        SourceKind::GitlabCi => gitlab::extract(text)?,
        SourceKind::Taskfile => taskfile::extract(text)?,
        SourceKind::Shell => scripts::shell(text),
        SourceKind::Makefile => scripts::makefile(text),
        SourceKind::Justfile => scripts::justfile(text),
        SourceKind::BitbucketPipelines => pipelines::bitbucket(text)?,
        SourceKind::AzurePipelines => pipelines::azure(text)?,
        SourceKind::CircleCi => pipelines::circleci(text)?,
        SourceKind::Atlantis => atlantis::extract(text)?,
        SourceKind::Jenkinsfile => jenkins::extract(text),
    };
    found.sort_by_key(|c| (c.span.start, c.span.end));
    found.dedup();
    Ok(found)
}
