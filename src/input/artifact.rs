//! Terraform's own output files in a repository (TFB404): the backend cache
//! `.terraform/terraform.tfstate`, plan files, local state files and their backups.
//!
//! A file is a candidate by its name ([`candidate`]) and an artifact by its content
//! ([`inspect`]), read in a bounded way: at most [`PREFIX_BYTES`] of a JSON file (a state can
//! be gigabytes; what identifies it comes first), and of a zip only the end-of-central-directory
//! record and the first [`MAX_ZIP_ENTRIES`] central-directory entries (`rawzip`), nothing
//! inflated. Values are never kept: of a backend cache, only the names of the settings that
//! hold a secret. Which candidates git would commit is [`crate::input::git`]'s answer.

use std::borrow::Cow;
use std::ffi::OsStr;
use std::fmt;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use globset::GlobSet;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::input::git;
use crate::input::init::secrets::is_secret_name;

/// How much of a JSON candidate is read.
pub const PREFIX_BYTES: u64 = 64 * 1024;

/// How many central-directory entries of a zip are looked at for `tfplan` (Terraform writes
/// it first).
pub const MAX_ZIP_ENTRIES: usize = 64;

/// Where a zip's end-of-central-directory record is looked for, from the end: the record
/// (22 bytes) and the longest comment (65,535).
const EOCD_SEARCH_BYTES: u64 = 22 + 65_535;

/// What kind of Terraform output a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ArtifactKind {
    /// `.terraform/terraform.tfstate`: the backend configuration `terraform init` saved.
    BackendCache,
    /// What `terraform plan -out=FILE` writes: a zip with a `tfplan` entry.
    PlanFile,
    /// A local state (`*.tfstate`).
    State,
    /// A state's backup (`*.tfstate.backup`, `*.tfstate.<time>.backup`).
    StateBackup,
}

/// A Terraform output file that git would commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Artifact {
    pub path: PathBuf,
    pub kind: ArtifactKind,
    /// Tracked by git (committed or staged), rather than untracked and not ignored.
    pub tracked: bool,
    /// A backend cache's backend type, when it is a plain name (`s3`).
    pub backend: Option<String>,
    /// The settings of a backend cache that hold a secret (`access_key`,
    /// `assume_role_with_web_identity.web_identity_token`): names only, sorted.
    pub secrets: Vec<String>,
}

/// The kind a file may be, from its path relative to the directory walked: `None` for a
/// file that is not worth opening. In a `.terraform` directory only its `terraform.tfstate`
/// counts (downloaded modules and providers are not looked at).
pub fn candidate(rel: &Path) -> Option<ArtifactKind> {
    let name = rel.file_name()?.to_str()?;
    let data_dirs = rel
        .components()
        .filter(|c| matches!(c, Component::Normal(n) if *n == OsStr::new(".terraform")))
        .count();
    if data_dirs > 0 {
        let parent = rel.parent().and_then(Path::file_name);
        let cache = data_dirs == 1 && name == "terraform.tfstate";
        return (cache && parent == Some(OsStr::new(".terraform")))
            .then_some(ArtifactKind::BackendCache);
    }
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".tfstate") {
        Some(ArtifactKind::State)
    } else if lower.contains(".tfstate.") && lower.ends_with(".backup") {
        Some(ArtifactKind::StateBackup)
    } else if lower.contains("plan") {
        Some(ArtifactKind::PlanFile)
    } else {
        None
    }
}

/// Whether the file at `path` is what its name says it may be, by its content. Never fails:
/// an unreadable, binary or malformed file is no artifact.
pub fn inspect(path: &Path, kind: ArtifactKind) -> Option<(Option<String>, Vec<String>)> {
    let file = crate::input::read::open_regular(path).ok()?;
    match kind {
        ArtifactKind::PlanFile => is_plan(file).then(|| (None, Vec::new())),
        ArtifactKind::State | ArtifactKind::StateBackup | ArtifactKind::BackendCache => {
            let mut prefix = Vec::new();
            file.take(PREFIX_BYTES).read_to_end(&mut prefix).ok()?;
            let seen = top_level(&prefix);
            match kind {
                ArtifactKind::BackendCache => {
                    let backend = seen.backend?;
                    let mut secrets = backend.secrets;
                    secrets.sort();
                    secrets.dedup();
                    Some((backend.kind.filter(|k| plain_name(k)), secrets))
                }
                _ => (seen.lineage && seen.serial).then(|| (None, Vec::new())),
            }
        }
    }
}

/// The Terraform outputs under `dir` that git would commit, sorted by path: none outside a
/// git repository or where git cannot tell. `exclude` (tfblint's own globs) is matched
/// against each path relative to `dir` and the directories above it, as the walk does.
pub fn scan(dir: &Path, exclude: &GlobSet) -> Vec<Artifact> {
    if crate::input::init::repo_root(dir, &mut Default::default()).is_none() {
        return Vec::new();
    }
    let excluded = |rel: &Path| {
        !exclude.is_empty()
            && rel
                .ancestors()
                .filter(|p| !p.as_os_str().is_empty())
                .any(|p| exclude.is_match(p))
    };
    let keep = |rel: &Path| candidate(rel).is_some() && !excluded(rel);
    let Some(listed) = git::committable(dir, keep) else {
        return Vec::new();
    };
    listed
        .into_iter()
        .filter_map(|found| {
            let kind = candidate(&found.path)?;
            let path = dir.join(&found.path);
            let (backend, secrets) = inspect(&path, kind)?;
            Some(Artifact {
                path,
                kind,
                tracked: found.tracked,
                backend,
                secrets,
            })
        })
        .collect()
}

/// A name safe to show: a backend type or a setting, never a value.
fn plain_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.')
}

/// Whether a zip's central directory (its first [`MAX_ZIP_ENTRIES`] entries) holds `tfplan`,
/// as Terraform's plan reader requires (`internal/plans/planfile/reader.go`).
fn is_plan(mut file: std::fs::File) -> bool {
    // A zip Terraform writes starts with a local file header: four bytes tell most files apart.
    let mut magic = [0u8; 4];
    if file.read_exact(&mut magic).is_err() || magic != *b"PK\x03\x04" {
        return false;
    }
    let mut buffer = vec![0u8; rawzip::RECOMMENDED_BUFFER_SIZE];
    let Ok(archive) = rawzip::ZipLocator::new()
        .max_search_space(EOCD_SEARCH_BYTES)
        .locate_in_file(file, &mut buffer)
    else {
        return false;
    };
    let mut entries = archive.entries(&mut buffer);
    for _ in 0..MAX_ZIP_ENTRIES {
        match entries.next_entry() {
            Ok(Some(entry)) if entry.file_path().as_ref() == b"tfplan" => return true,
            Ok(Some(_)) => {}
            Ok(None) | Err(_) => return false,
        }
    }
    false
}

/// What the top level of a JSON prefix shows.
#[derive(Debug, Default)]
struct TopLevel {
    lineage: bool,
    serial: bool,
    backend: Option<Backend>,
}

#[derive(Debug, Default)]
struct Backend {
    kind: Option<String>,
    secrets: Vec<String>,
}

/// Reads the top-level object of a (possibly cut) JSON text as far as it goes: a cut or
/// malformed text keeps what was seen before the error.
fn top_level(prefix: &[u8]) -> TopLevel {
    let mut seen = TopLevel::default();
    let mut de = serde_json::Deserializer::from_slice(prefix);
    let _ = de.deserialize_map(TopVisitor(&mut seen));
    seen
}

struct TopVisitor<'a>(&'a mut TopLevel);

impl<'de> Visitor<'de> for TopVisitor<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            match key.as_ref() {
                "lineage" => {
                    let value = map.next_value::<serde_json::Value>()?;
                    self.0.lineage = value.as_str().is_some_and(|s| !s.is_empty());
                }
                "serial" => self.0.serial = map.next_value::<serde_json::Value>()?.is_u64(),
                "backend" => {
                    let backend = self.0.backend.get_or_insert_with(Backend::default);
                    map.next_value_seed(BackendSeed(backend))?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// The `backend` object of a backend cache: `{"type": …, "config": {…}, "hash": …}`
/// (hashicorp/terraform `internal/command/workdir/backend_config_state.go`).
struct BackendSeed<'a>(&'a mut Backend);

impl<'de> DeserializeSeed<'de> for BackendSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        de.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for BackendSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a backend object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            match key.as_ref() {
                "type" => {
                    let value = map.next_value::<serde_json::Value>()?;
                    self.0.kind = value.as_str().map(str::to_string);
                }
                "config" => map.next_value_seed(Settings {
                    path: String::new(),
                    out: &mut self.0.secrets,
                    depth: 0,
                })?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// How deep nested settings are looked into (`assume_role_with_web_identity.…`).
const MAX_SETTING_DEPTH: usize = 3;

/// A setting's value: a non-empty string under a secret name is recorded by its path; an
/// object is looked into. The value itself is dropped at once.
struct Settings<'a> {
    path: String,
    out: &'a mut Vec<String>,
    depth: usize,
}

impl Settings<'_> {
    fn is_secret(&self) -> bool {
        let name = self.path.rsplit('.').next().unwrap_or_default();
        // A file or a path names where a secret is, not the secret.
        let locator = ["_file", "_files", "_path"]
            .iter()
            .any(|s| name.ends_with(s));
        is_secret_name(name) && !locator && plain_name(&self.path)
    }
}

impl<'de> DeserializeSeed<'de> for Settings<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Settings<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a setting")
    }

    fn visit_str<E>(self, value: &str) -> Result<(), E> {
        if !value.is_empty() && self.is_secret() {
            self.out.push(self.path);
        }
        Ok(())
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            if self.depth >= MAX_SETTING_DEPTH {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            let path = if self.path.is_empty() {
                key.into_owned()
            } else {
                format!("{}.{key}", self.path)
            };
            map.next_value_seed(Settings {
                path,
                out: &mut *self.out,
                depth: self.depth + 1,
            })?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_by_name() {
        let kind = |p: &str| candidate(Path::new(p));
        assert_eq!(
            kind(".terraform/terraform.tfstate"),
            Some(ArtifactKind::BackendCache)
        );
        assert_eq!(
            kind("envs/prod/.terraform/terraform.tfstate"),
            Some(ArtifactKind::BackendCache)
        );
        assert_eq!(kind(".terraform/modules/m/terraform.tfstate"), None);
        assert_eq!(
            kind(".terraform/modules/m/.terraform/terraform.tfstate"),
            None
        );
        assert_eq!(kind(".terraform/providers/plan"), None);
        assert_eq!(kind("terraform.tfstate"), Some(ArtifactKind::State));
        assert_eq!(kind("envs/Prod.TFSTATE"), Some(ArtifactKind::State));
        assert_eq!(
            kind("terraform.tfstate.backup"),
            Some(ArtifactKind::StateBackup)
        );
        assert_eq!(
            kind("terraform.tfstate.1733300000.backup"),
            Some(ArtifactKind::StateBackup)
        );
        assert_eq!(kind("terraform/tfplan"), Some(ArtifactKind::PlanFile));
        assert_eq!(kind("plan.out"), Some(ArtifactKind::PlanFile));
        assert_eq!(kind("main.tf"), None);
        assert_eq!(kind("README.md"), None);
        assert_eq!(kind("state.json"), None);
    }

    #[test]
    fn a_cut_state_is_still_known_by_its_first_keys() {
        let state = br#"{"version": 4, "terraform_version": "1.11.4", "serial": 7, "lineage": "98be3efa", "outputs": {"password": {"value": "hunt"#;
        let seen = top_level(state);
        assert!(seen.lineage && seen.serial);
        let other = top_level(br#"{"lineage": "", "serial": "7"}"#);
        assert!(!other.lineage && !other.serial);
        for junk in [
            &b"\xff\xfe\x00garbage"[..],
            b"",
            b"[1,2]",
            b"{\"lineage\":",
            b"PK\x03\x04",
        ] {
            let seen = top_level(junk);
            assert!(!seen.lineage && !seen.serial && seen.backend.is_none());
        }
    }

    #[test]
    fn a_backend_caches_secrets_are_named_never_kept() {
        let cache = br#"{"version":3,"backend":{"type":"s3","config":{
            "access_key":"AKIAEXAMPLE","secret_key":null,"token":"",
            "shared_credentials_file":"~/.aws/credentials","skip_credentials_validation":true,
            "assume_role_with_web_identity":{"web_identity_token":"eyJ"},
            "endpoints":{"s3":"https://x"}},"hash":1}}"#;
        let backend = top_level(cache).backend.unwrap();
        assert_eq!(backend.kind.as_deref(), Some("s3"));
        assert_eq!(
            backend.secrets,
            [
                "access_key",
                "assume_role_with_web_identity.web_identity_token"
            ]
        );
    }

    #[test]
    fn only_a_zip_with_a_tfplan_entry_is_a_plan() {
        let dir = tempfile::tempdir().unwrap();
        let zip = |names: &[&str]| {
            let mut out = Vec::new();
            let mut archive = rawzip::ZipArchiveWriter::new(&mut out);
            for name in names {
                let (mut entry, config) = archive.new_file(name).start().unwrap();
                let mut writer = config.wrap(&mut entry);
                std::io::Write::write_all(&mut writer, b"data").unwrap();
                let (_, descriptor) = writer.finish().unwrap();
                entry.finish(descriptor).unwrap();
            }
            archive.finish().unwrap();
            out
        };
        let write = |name: &str, bytes: &[u8]| {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            path
        };
        let plan = write(
            "tfplan",
            &zip(&["tfplan", "tfstate", "tfconfig/m-/main.tf"]),
        );
        assert!(inspect(&plan, ArtifactKind::PlanFile).is_some());
        let other = write("plan.zip", &zip(&["readme.txt", "tfplan.txt"]));
        assert!(inspect(&other, ArtifactKind::PlanFile).is_none());
        let mut cut = zip(&["tfplan"]);
        cut.truncate(cut.len() - 10);
        let cut = write("cut-plan", &cut);
        assert!(inspect(&cut, ArtifactKind::PlanFile).is_none());
        let text = write("plan.txt", b"PK\x03\x04 but no archive");
        assert!(inspect(&text, ArtifactKind::PlanFile).is_none());
        assert!(inspect(&dir.path().join("missing"), ArtifactKind::PlanFile).is_none());
    }
}
