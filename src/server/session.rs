//! The server's state: the open documents, the workspace folders and their configurations,
//! and what was last reported for each document.
//!
//! A module is a directory. Linting a module goes through [`Workspace`], with the module's
//! open documents as [`Buffer`]s in place of their files: the unsaved text of `versions.tf`
//! changes what `backend.tf` shows. Edits only mark their module stale; the main loop lints
//! stale modules once it has taken every message already waiting, so a burst of keystrokes
//! costs one lint of the latest text.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::sync::Arc;

use lsp_types::{Diagnostic as LspDiagnostic, Uri};

use super::convert;
use super::index::{Done, Indexer};
use super::settings::Settings;
use super::text::{Encoding, LineIndex};
use super::transport::Inbound;
use crate::diagnostic::Diagnostic;
use crate::input::discover::{absolute, Discovery};
use crate::input::source::FileKind;
use crate::linter::{Buffer, Workspace};
use crate::model::state::StateKey;

/// An open document.
#[derive(Debug)]
pub struct Document {
    pub uri: Uri,
    pub version: i32,
    pub text: String,
    pub index: LineIndex,
    /// tfblint's findings on `text`, once linted (empty when its module is stale).
    pub findings: Vec<Diagnostic>,
    /// What the client was last given for it: the diagnostics and the version they were for.
    pub reported: Option<(Vec<LspDiagnostic>, i32)>,
    /// An edit of it could not be read: `text` is not what the editor holds. Nothing is
    /// reported for it (its findings stay empty) until the editor sends its whole text again.
    pub lost: bool,
}

impl Document {
    pub fn set_text(&mut self, text: String, version: i32) {
        self.index = LineIndex::new(&text);
        self.text = text;
        self.version = version;
    }

    /// The findings as LSP diagnostics.
    pub fn diagnostics(&self, encoding: Encoding) -> Vec<LspDiagnostic> {
        self.findings
            .iter()
            .map(|d| convert::diagnostic(d, &self.text, &self.index, encoding))
            .collect()
    }
}

/// Whether a document is tfblint's: a `.tf`, `.tofu`, `.tfbackend`, `.tf.json` or `.hcl`
/// (Terragrunt) file, or a file the editor calls Terraform, OpenTofu or HCL (but not
/// variables files or other JSON).
pub fn is_ours(path: &Path, language_id: &str) -> bool {
    if FileKind::from_path(path).is_some() {
        return true;
    }
    let other = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e, "tfvars" | "json" | "hcl"));
    matches!(language_id, "terraform" | "opentofu" | "hcl") && !other
}

#[derive(Debug, Default)]
pub struct Session {
    pub encoding: Encoding,
    pub settings: Settings,
    /// Open documents by absolute path.
    documents: BTreeMap<PathBuf, Document>,
    folders: Vec<PathBuf>,
    /// Resolved configurations, by the directory they were resolved for.
    workspaces: HashMap<PathBuf, Workspace>,
    /// Modules (directories) whose open documents need linting.
    stale: BTreeSet<PathBuf>,
    /// What discovery found for a directory, with the open documents it was found with:
    /// reused while only texts change, so a keystroke never walks the repository for init
    /// sources again. Dropped when a file is saved or changes on disk, or on a reload.
    discoveries: HashMap<PathBuf, (Vec<PathBuf>, Arc<Discovery>)>,
    /// Where every s3 configuration of a workspace folder writes its state, read from disk
    /// off the main loop: TFB701 names them beside an open module. Updated module by module
    /// when a file is saved or changes on disk.
    partners: HashMap<PathBuf, Partners>,
    /// Directories linted while a repository-wide piece was missing (where the init sources
    /// are, or the partners): linted again when it arrives.
    provisional: BTreeSet<PathBuf>,
    indexer: Indexer,
    /// Configuration errors to show the user, each once until the configuration reloads.
    pub errors: Vec<String>,
    shown: BTreeSet<String>,
}

impl Session {
    pub fn new(
        encoding: Encoding,
        settings: Settings,
        folders: Vec<PathBuf>,
        wake: Option<Sender<Inbound>>,
    ) -> Session {
        Session {
            encoding,
            settings,
            folders,
            indexer: Indexer::new(wake),
            ..Session::default()
        }
    }

    /// Starts reading the repository-wide pieces of every workspace folder off the main loop.
    pub fn index_folders(&mut self) {
        for folder in self.folders.clone() {
            if !self.partners.contains_key(&folder) {
                let workspace = self.workspace_for(&folder);
                self.indexer.start(&folder, &workspace, true);
            }
        }
    }

    /// Takes what the jobs found: the directories linted without it are linted again.
    pub fn collect_jobs(&mut self) {
        let (done, again) = self.indexer.take();
        for d in done {
            match d {
                Done::Sources | Done::Finished(_) => {}
                Done::Keys(folder, keys, _) => {
                    self.partners.insert(folder, Partners::new(keys));
                }
            }
        }
        for (folder, keys) in again {
            let workspace = self.workspace_for(&folder);
            self.indexer.start(&folder, &workspace, keys);
        }
        self.discoveries.clear();
        let provisional = std::mem::take(&mut self.provisional);
        self.stale.extend(provisional);
    }

    /// An edit could not be read: of the document `uri`, or of any (`None`). Returns the
    /// documents now lost.
    pub fn lose(&mut self, uri: Option<&str>) -> Vec<PathBuf> {
        let lost: Vec<PathBuf> = self
            .documents
            .iter()
            .filter(|(_, d)| uri.is_none_or(|u| d.uri.as_str() == u))
            .map(|(p, _)| p.clone())
            .collect();
        for path in &lost {
            if let Some(document) = self.documents.get_mut(path) {
                document.lost = true;
            }
            self.mark_stale(path);
        }
        lost
    }

    pub fn document(&self, path: &Path) -> Option<&Document> {
        self.documents.get(path)
    }

    pub fn open(&mut self, path: PathBuf, uri: Uri, version: i32, text: String) {
        let document = Document {
            uri,
            version,
            index: LineIndex::new(&text),
            text,
            findings: Vec::new(),
            reported: None,
            lost: false,
        };
        self.mark_stale(&path);
        self.documents.insert(path, document);
    }

    pub fn document_mut(&mut self, path: &Path) -> Option<&mut Document> {
        self.mark_stale(path);
        self.documents.get_mut(path)
    }

    /// Closes a document; returns it (its URI, to clear its diagnostics).
    pub fn close(&mut self, path: &Path) -> Option<Document> {
        self.mark_stale(path);
        self.documents.remove(path)
    }

    /// A file changed on disk (or was saved): its module's open documents are linted again (every
    /// open document, for an init source or a partial file), and every directory's pairings are
    /// found again (an init source's text, read each time, may be what changed; the repository
    /// is listed for init sources again, off the main loop, only when one was created or
    /// deleted). The partners of its folder are updated.
    pub fn file_changed(&mut self, path: &Path, created_or_deleted: bool) {
        self.discoveries.clear();
        if created_or_deleted {
            for workspace in self.workspaces.values() {
                workspace.file_changed(path);
            }
        }
        self.update_partners(path);
        self.mark_stale(path);
        // An init source or a partial file can pair modules anywhere in its repository.
        if !FileKind::from_path(path).is_some_and(FileKind::is_config) {
            let dirs: Vec<PathBuf> = self.documents.keys().filter_map(|p| dir_of(p)).collect();
            self.stale.extend(dirs);
        }
    }

    /// The configuration may have changed: every configuration is resolved again and every
    /// open document linted again.
    pub fn reload(&mut self) {
        self.workspaces.clear();
        self.discoveries.clear();
        self.partners.clear();
        self.index_folders();
        self.shown.clear();
        let dirs: Vec<PathBuf> = self.documents.keys().filter_map(|p| dir_of(p)).collect();
        self.stale.extend(dirs);
    }

    pub fn set_folders(&mut self, folders: Vec<PathBuf>) {
        self.folders = folders;
        self.reload();
    }

    pub fn folders(&self) -> &[PathBuf] {
        &self.folders
    }

    fn mark_stale(&mut self, path: &Path) {
        if let Some(dir) = dir_of(path) {
            self.stale.insert(dir);
        }
    }

    /// The workspace folder a directory belongs to (the innermost), or the directory itself.
    fn root_for(&self, dir: &Path) -> PathBuf {
        self.folders
            .iter()
            .filter(|f| dir.starts_with(f))
            .max_by_key(|f| f.components().count())
            .cloned()
            .unwrap_or_else(|| dir.to_path_buf())
    }

    /// The resolved configuration for a document's directory.
    pub fn workspace_for(&mut self, dir: &Path) -> Workspace {
        let root = self.root_for(dir);
        if let Some(workspace) = self.workspaces.get(&root) {
            return workspace.clone();
        }
        let (workspace, error) = self.settings.workspace(&root);
        if let Some(error) = error {
            if self.shown.insert(error.clone()) {
                self.errors.push(error);
            }
        }
        self.workspaces.insert(root, workspace.clone());
        workspace
    }

    /// The other open documents of a document's directory.
    pub fn neighbours(&self, path: &Path) -> Vec<PathBuf> {
        self.documents
            .keys()
            .filter(|p| *p != path && p.parent() == path.parent())
            .cloned()
            .collect()
    }

    /// The open documents of a directory, as buffers (but those whose text is lost: the file
    /// on disk stands for them).
    pub fn buffers_in(&self, dir: &Path) -> Vec<Buffer> {
        self.documents
            .iter()
            .filter(|(p, d)| p.parent() == Some(dir) && !d.lost)
            .map(|(path, d)| Buffer {
                path: path.clone(),
                bytes: d.text.as_bytes().to_vec(),
            })
            .collect()
    }

    /// What the workspace finds for a directory's open documents, with their texts. Where the
    /// init sources of a repository are not known yet, nothing pairs: the directory is then
    /// provisional, and they are listed off the main loop.
    pub fn discover(&mut self, dir: &Path) -> (Workspace, Arc<Discovery>, Vec<Buffer>) {
        let workspace = self.workspace_for(dir);
        let buffers = self.buffers_in(dir);
        let paths: Vec<PathBuf> = buffers.iter().map(|b| b.path.clone()).collect();
        let discovery = match self.discoveries.get(dir) {
            Some((was, discovery)) if *was == paths => Arc::clone(discovery),
            _ => {
                let (discovery, complete) = workspace.discover_known(&[], &buffers);
                let discovery = Arc::new(discovery);
                if complete {
                    self.discoveries
                        .insert(dir.to_path_buf(), (paths, Arc::clone(&discovery)));
                } else {
                    self.provisional.insert(dir.to_path_buf());
                    let root = self.root_for(dir);
                    self.indexer.start(&root, &workspace, false);
                }
                discovery
            }
        };
        (workspace, discovery, buffers)
    }

    /// The configurations on disk of the workspace folder a directory belongs to: none until
    /// they are read (the directory is then provisional).
    fn partners_for(&mut self, dir: &Path, workspace: &Workspace) -> Arc<Vec<StateKey>> {
        let root = self.root_for(dir);
        if let Some(partners) = self.partners.get(&root) {
            if self.indexer.running(&root) {
                self.provisional.insert(dir.to_path_buf());
            }
            return Arc::clone(&partners.flat);
        }
        self.provisional.insert(dir.to_path_buf());
        self.indexer.start(&root, workspace, true);
        Arc::default()
    }

    /// A file changed on disk: the partners of its folder are updated. A Terraform file
    /// changes its own module's keys only, read again here; anything else (an init source, a
    /// partial file, a file that went away with its directory) may change any module's, read
    /// again off the main loop (the old keys serve meanwhile).
    fn update_partners(&mut self, path: &Path) {
        let Some(dir) = dir_of(path) else { return };
        let root = self.root_for(&dir);
        let workspace = self.workspace_for(&dir);
        self.indexer.touch(&root, &workspace);
        if !self.partners.contains_key(&root) {
            return;
        }
        let own_module = FileKind::from_path(path)
            .is_some_and(|k| matches!(k, FileKind::Tf | FileKind::Tofu | FileKind::TfJson));
        if own_module {
            let (keys, modules) = workspace.module_state_keys(&dir);
            if let Some(partners) = self.partners.get_mut(&root) {
                partners.replace(&modules, keys);
            }
            // TFB701 compares every open module of the folder with them.
            let dirs: Vec<PathBuf> = self
                .documents
                .keys()
                .filter(|p| p.starts_with(&root))
                .filter_map(|p| dir_of(p))
                .collect();
            self.stale.extend(dirs);
        } else {
            self.indexer.start(&root, &workspace, true);
        }
    }

    /// Lints every stale module. Returns the documents whose diagnostics are to be reported:
    /// those whose diagnostics or version differ from what the client was last given.
    pub fn lint_stale(&mut self) -> Vec<PathBuf> {
        let stale = std::mem::take(&mut self.stale);
        let mut changed = Vec::new();
        for dir in stale {
            let in_dir: Vec<PathBuf> = self
                .documents
                .keys()
                .filter(|p| p.parent() == Some(dir.as_path()))
                .cloned()
                .collect();
            if in_dir.is_empty() {
                continue;
            }
            let (workspace, discovery, buffers) = self.discover(&dir);
            let partners = self.partners_for(&dir, &workspace);
            let report = workspace.lint_with_partners(&discovery, &buffers, &partners);
            let mut by_path: HashMap<PathBuf, Vec<Diagnostic>> = HashMap::new();
            for d in report.diagnostics {
                let path = absolute(workspace.cwd(), Path::new(&d.file));
                by_path.entry(path).or_default().push(d);
            }
            for path in in_dir {
                let Some(document) = self.documents.get_mut(&path) else {
                    continue;
                };
                document.findings = by_path.remove(&path).unwrap_or_default();
                if document.lost {
                    document.findings.clear();
                }
                let now = document.diagnostics(self.encoding);
                let same = document
                    .reported
                    .as_ref()
                    .is_some_and(|(was, version)| *was == now && *version == document.version);
                if !same {
                    changed.push(path);
                }
            }
        }
        changed
    }

    /// Records what the client was given for a document; returns the diagnostics.
    pub fn report(&mut self, path: &Path) -> Option<(Uri, i32, Vec<LspDiagnostic>)> {
        let encoding = self.encoding;
        let document = self.documents.get_mut(path)?;
        let diagnostics = document.diagnostics(encoding);
        document.reported = Some((diagnostics.clone(), document.version));
        Some((document.uri.clone(), document.version, diagnostics))
    }

    /// The diagnostics last given for a document, if they are still what it shows.
    pub fn reported_is_current(&self, path: &Path) -> bool {
        self.documents.get(path).is_some_and(|d| {
            d.reported
                .as_ref()
                .is_some_and(|(was, v)| *v == d.version && *was == d.diagnostics(self.encoding))
        })
    }
}

/// The state keys of a workspace folder's modules, by module.
#[derive(Debug, Default)]
struct Partners {
    by_module: BTreeMap<PathBuf, Vec<StateKey>>,
    flat: Arc<Vec<StateKey>>,
}

impl Partners {
    fn new(keys: Vec<StateKey>) -> Partners {
        let mut partners = Partners::default();
        partners.replace(&[], keys);
        partners
    }

    /// The keys of `modules` are now `keys` (with those of the modules `keys` are of).
    fn replace(&mut self, modules: &[PathBuf], keys: Vec<StateKey>) {
        for module in modules {
            self.by_module.remove(module);
        }
        for key in keys {
            self.by_module
                .entry(key.module.clone())
                .or_default()
                .push(key);
        }
        self.flat = Arc::new(self.by_module.values().flatten().cloned().collect());
    }
}

/// The directory of an absolute file path.
fn dir_of(path: &Path) -> Option<PathBuf> {
    path.parent().map(Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_ours_by_extension_or_language() {
        assert!(is_ours(Path::new("/m/main.tf"), "plaintext"));
        assert!(is_ours(Path::new("/m/prod.tfbackend"), "hcl"));
        assert!(is_ours(Path::new("/m/backend.config"), "hcl"));
        assert!(is_ours(Path::new("/m/x.tofu"), ""));
        assert!(!is_ours(Path::new("/m/prod.tfvars"), "terraform"));
        assert!(is_ours(Path::new("/m/terragrunt.hcl"), "hcl"));
        assert!(is_ours(Path::new("/m/main.tf.json"), "json"));
        assert!(!is_ours(Path::new("/m/package.json"), "json"));
        assert!(!is_ours(Path::new("/m/notes.md"), "markdown"));
    }
}
