//! The main loop and each request and notification the server answers.

use std::collections::BTreeSet;
use std::hash::{Hash, Hasher};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc};
use std::time::Instant;

use lsp_server::{ErrorCode, Message, Notification, Request, Response};
use lsp_types::{
    CodeActionParams, DidChangeTextDocumentParams, DidChangeWatchedFilesParams,
    DidChangeWorkspaceFoldersParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    DidSaveTextDocumentParams, DocumentDiagnosticParams, FileChangeType, HoverParams, Uri,
};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use super::actions::{self, EditSupport};
use super::session::{is_ours, Session};
use super::settings::Settings;
use super::text::{apply_change, uri_to_path};
use super::transport::Inbound;
use super::{Capabilities, Client, Log};
use crate::input::discover::absolute;
use crate::input::init::{source_kind, SOURCE_GLOBS};
use crate::input::source::FileKind;
use crate::linter::config::FILE_NAMES;

pub(crate) struct Server {
    pub session: Session,
    pub capabilities: Capabilities,
    pub client: Client,
    pub log: Arc<Log>,
    pub shutdown: bool,
}

/// Exit codes: `exit` after `shutdown`, or without it.
const EXIT_CLEAN: u8 = 0;
const EXIT_UNCLEAN: u8 = 1;

impl Server {
    /// Serves until `exit`, or until the client goes away.
    pub fn main_loop(&mut self, inbox: &mpsc::Receiver<Inbound>) -> u8 {
        let mut edited = BTreeSet::new();
        let end = |server: &Server| {
            if server.shutdown {
                EXIT_CLEAN
            } else {
                EXIT_UNCLEAN
            }
        };
        loop {
            let Ok(first) = inbox.recv() else {
                return end(self);
            };
            // Everything already waiting is applied before the next lint: the latest text wins.
            let batch: Vec<Inbound> = std::iter::once(first).chain(inbox.try_iter()).collect();
            for inbound in batch {
                let message = match inbound {
                    Inbound::Message(message) => message,
                    Inbound::Closed => return end(self),
                    Inbound::Wake => {
                        self.session.collect_jobs();
                        continue;
                    }
                    Inbound::LostEdit { uri } => {
                        self.lost_edit(uri.as_deref());
                        continue;
                    }
                };
                match message {
                    Message::Notification(n) if n.method == "exit" => {
                        return if self.shutdown {
                            EXIT_CLEAN
                        } else {
                            EXIT_UNCLEAN
                        };
                    }
                    Message::Request(req) => {
                        // Requests see every edit before them.
                        self.flush(&mut edited);
                        self.request(req);
                    }
                    Message::Notification(n) => {
                        let method = n.method.clone();
                        let handled =
                            catch_unwind(AssertUnwindSafe(|| self.notification(n, &mut edited)));
                        if handled.is_err() {
                            self.log.line(format_args!("{method}: internal error"));
                        }
                    }
                    Message::Response(_) => {}
                }
                if self.client.gone {
                    return EXIT_UNCLEAN;
                }
            }
            self.flush(&mut edited);
            if self.client.gone {
                return EXIT_UNCLEAN;
            }
        }
    }

    /// Lints the stale modules and reports what changed: pushes the diagnostics, or (when the
    /// client pulls them) asks it to pull again when a document it did not edit changed.
    fn flush(&mut self, edited: &mut BTreeSet<PathBuf>) {
        let started = Instant::now();
        let Ok(changed) = catch_unwind(AssertUnwindSafe(|| self.session.lint_stale())) else {
            self.log.line(format_args!("lint: internal error"));
            return;
        };
        for error in std::mem::take(&mut self.session.errors) {
            self.client.show_error(&error);
        }
        if changed.is_empty() {
            edited.clear();
            return;
        }
        if self.capabilities.pull_diagnostics {
            let others = changed.iter().any(|p| !edited.contains(p));
            if others && self.capabilities.refresh_diagnostics {
                self.client
                    .request("workspace/diagnostic/refresh", Value::Null);
            }
        } else {
            for path in &changed {
                if let Some((uri, version, diagnostics)) = self.session.report(path) {
                    self.client.notify(
                        "textDocument/publishDiagnostics",
                        json!({"uri": uri, "version": version, "diagnostics": diagnostics}),
                    );
                }
            }
        }
        edited.clear();
        self.log.line(format_args!(
            "lint: {} documents reported in {:.2} ms",
            changed.len(),
            started.elapsed().as_secs_f64() * 1000.0
        ));
    }

    /// A notification that may have been an edit could not be read: the documents it may have
    /// changed no longer hold the editor's text. LSP has no way to ask for it again, so their
    /// diagnostics are cleared and none are computed on that text until the editor sends the
    /// whole text again (a `didChange` without a range, or closing and opening the file).
    fn lost_edit(&mut self, uri: Option<&str>) {
        let lost = self.session.lose(uri);
        if lost.is_empty() {
            return;
        }
        for path in &lost {
            self.log.line(format_args!("edit lost: {}", path.display()));
        }
        let which = match (uri, &lost[..]) {
            (Some(_), [path]) => format!("`{}`", path.display()),
            _ => "the open files".to_string(),
        };
        self.client.notify(
            "window/showMessage",
            json!({"type": 2, "message": format!(
                "tfblint: an edit of {which} could not be read; its diagnostics are cleared until the file is closed and opened again"
            )}),
        );
    }

    fn request(&mut self, req: Request) {
        let started = Instant::now();
        let (id, method) = (req.id.clone(), req.method.clone());
        let response = if self.shutdown {
            Response::new_err(
                id.clone(),
                ErrorCode::InvalidRequest as i32,
                "the server is shutting down".into(),
            )
        } else {
            catch_unwind(AssertUnwindSafe(|| self.answer(req))).unwrap_or_else(|_| {
                Response::new_err(
                    id.clone(),
                    ErrorCode::InternalError as i32,
                    format!("{method}: internal error"),
                )
            })
        };
        self.client.respond(response);
        if self.log.enabled() {
            self.log.line(format_args!(
                "{method}: answered in {:.2} ms",
                started.elapsed().as_secs_f64() * 1000.0
            ));
        }
    }

    fn answer(&mut self, req: Request) -> Response {
        let id = req.id.clone();
        let result = match req.method.as_str() {
            "shutdown" => {
                self.shutdown = true;
                Ok(Value::Null)
            }
            "textDocument/codeAction" => params(req).map(|p| self.code_action(p)),
            "textDocument/hover" => params(req).map(|p: HoverParams| {
                let at = p.text_document_position_params;
                let hover = document_path(&at.text_document.uri)
                    .and_then(|path| actions::hover(&self.session, &path, at.position));
                json!(hover)
            }),
            "textDocument/diagnostic" => params(req).map(|p| self.pull(p)),
            _ => Err((
                ErrorCode::MethodNotFound,
                format!("unknown method `{}`", req.method),
            )),
        };
        match result {
            Ok(value) => Response::new_ok(id, value),
            Err((code, message)) => Response::new_err(id, code as i32, message),
        }
    }

    fn code_action(&mut self, p: CodeActionParams) -> Value {
        let Some(path) = document_path(&p.text_document.uri) else {
            return json!([]);
        };
        let support = EditSupport {
            document_changes: self.capabilities.document_changes,
        };
        let only = p.context.only.as_deref();
        json!(actions::code_actions(
            &mut self.session,
            &path,
            p.range,
            only,
            support
        ))
    }

    /// `textDocument/diagnostic`: the document's diagnostics, or "unchanged" when the client
    /// already has them; with those of the other open files of its module that changed since
    /// the client last had them (`relatedDocuments`), so a client that cannot be asked to pull
    /// again still sees an edit of `versions.tf` change `backend.tf`.
    fn pull(&mut self, p: DocumentDiagnosticParams) -> Value {
        let path = document_path(&p.text_document.uri);
        let items = path
            .as_deref()
            .and_then(|path| self.session.report(path))
            .map(|(_, _, items)| items)
            .unwrap_or_default();
        let id = result_id(&items);
        let mut related = serde_json::Map::new();
        for other in path
            .map(|p| self.session.neighbours(&p))
            .unwrap_or_default()
        {
            if self.session.reported_is_current(&other) {
                continue;
            }
            if let Some((uri, _, items)) = self.session.report(&other) {
                let report = json!({"kind": "full", "resultId": result_id(&items), "items": items});
                related.insert(uri.as_str().to_string(), report);
            }
        }
        let mut report = if p.previous_result_id.as_deref() == Some(id.as_str()) {
            json!({"kind": "unchanged", "resultId": id})
        } else {
            json!({"kind": "full", "resultId": id, "items": items})
        };
        if !related.is_empty() {
            report["relatedDocuments"] = Value::Object(related);
        }
        report
    }

    fn notification(&mut self, n: Notification, edited: &mut BTreeSet<PathBuf>) {
        let method = n.method.clone();
        match method.as_str() {
            "initialized" => self.register_watchers(),
            "textDocument/didOpen" => {
                let Some(p) = params::<DidOpenTextDocumentParams>(n).ok() else {
                    return;
                };
                let doc = p.text_document;
                let Some(path) = document_path(&doc.uri) else {
                    return;
                };
                if !is_ours(&path, &doc.language_id) {
                    self.log
                        .line(format_args!("{method}: not ours: {}", doc.uri.as_str()));
                    return;
                }
                self.log
                    .line(format_args!("{method}: {}", doc.uri.as_str()));
                self.session
                    .open(path.clone(), doc.uri, doc.version, doc.text);
                edited.insert(path);
            }
            "textDocument/didChange" => {
                let Some(p) = params::<DidChangeTextDocumentParams>(n).ok() else {
                    return;
                };
                let Some(path) = document_path(&p.text_document.uri) else {
                    return;
                };
                let encoding = self.session.encoding;
                if let Some(document) = self.session.document_mut(&path) {
                    let mut text = std::mem::take(&mut document.text);
                    for change in p.content_changes {
                        // A lost document is found again by a change of its whole text.
                        if change.range.is_none() {
                            document.lost = false;
                        }
                        if !document.lost {
                            apply_change(&mut text, change.range, &change.text, encoding);
                        }
                    }
                    document.set_text(text, p.text_document.version);
                    edited.insert(path);
                }
            }
            "textDocument/didSave" => {
                if let Some(path) = params::<DidSaveTextDocumentParams>(n)
                    .ok()
                    .and_then(|p| document_path(&p.text_document.uri))
                {
                    self.session.file_changed(&path, false);
                    // Without file watching, a save is the cue to read the configuration again.
                    if !self.capabilities.watch_files {
                        self.session.reload();
                    }
                }
            }
            "textDocument/didClose" => {
                let Some(path) = params::<DidCloseTextDocumentParams>(n)
                    .ok()
                    .and_then(|p| document_path(&p.text_document.uri))
                else {
                    return;
                };
                if let Some(document) = self.session.close(&path) {
                    if !self.capabilities.pull_diagnostics {
                        self.client.notify(
                            "textDocument/publishDiagnostics",
                            json!({"uri": document.uri, "diagnostics": []}),
                        );
                    }
                }
            }
            "workspace/didChangeWatchedFiles" => {
                let Some(p) = params::<DidChangeWatchedFilesParams>(n).ok() else {
                    return;
                };
                for change in p.changes {
                    let Some(path) = document_path(&change.uri) else {
                        continue;
                    };
                    let name = path
                        .file_name()
                        .and_then(|n| n.to_str())
                        .unwrap_or_default();
                    if FILE_NAMES.contains(&name) {
                        self.log
                            .line(format_args!("configuration changed: {}", path.display()));
                        self.session.reload();
                    } else if FileKind::from_path(&path).is_some() || source_kind(&path).is_some() {
                        // Created or deleted: where the init sources are may have changed.
                        let listed = change.typ != FileChangeType::CHANGED;
                        self.session.file_changed(&path, listed);
                    }
                }
            }
            "workspace/didChangeConfiguration" => {
                let settings = n.params.get("settings").cloned().unwrap_or_default();
                // Only settings meant for tfblint: a client sending its whole configuration
                // (or none) must not reset the initialization options.
                if settings.get("tfblint").is_some() {
                    match Settings::from_json(Some(settings)) {
                        Ok(settings) => {
                            self.session.settings = settings;
                            self.session.reload();
                        }
                        Err(e) => self.client.show_error(&e),
                    }
                }
            }
            "workspace/didChangeWorkspaceFolders" => {
                let Some(p) = params::<DidChangeWorkspaceFoldersParams>(n).ok() else {
                    return;
                };
                let removed: Vec<PathBuf> = p
                    .event
                    .removed
                    .iter()
                    .filter_map(|f| document_path(&f.uri))
                    .collect();
                let mut folders: Vec<PathBuf> = self
                    .session
                    .folders()
                    .iter()
                    .filter(|f| !removed.contains(f))
                    .cloned()
                    .collect();
                folders.extend(p.event.added.iter().filter_map(|f| document_path(&f.uri)));
                self.session.set_folders(folders);
            }
            _ => {}
        }
    }

    /// Asks to be told when a configuration file, a Terraform file or an init source changes
    /// on disk.
    fn register_watchers(&mut self) {
        if !self.capabilities.watch_files {
            return;
        }
        let names = FILE_NAMES.join(",");
        let mut watchers = vec![
            json!({"globPattern": format!("**/{{{names}}}")}),
            json!({"globPattern": "**/*.{tf,tofu,tfbackend}"}),
        ];
        watchers.extend(SOURCE_GLOBS.iter().map(|g| json!({ "globPattern": g })));
        self.client.request(
            "client/registerCapability",
            json!({"registrations": [{
                "id": "tfblint-watched-files",
                "method": "workspace/didChangeWatchedFiles",
                "registerOptions": {"watchers": watchers},
            }]}),
        );
    }
}

/// A request's or notification's parameters, or InvalidParams.
fn params<P: DeserializeOwned>(message: impl Into<Message>) -> Result<P, (ErrorCode, String)> {
    let value = match message.into() {
        Message::Request(r) => r.params,
        Message::Notification(n) => n.params,
        Message::Response(_) => Value::Null,
    };
    serde_json::from_value(value).map_err(|e| (ErrorCode::InvalidParams, e.to_string()))
}

/// The absolute, normalised path of a document's `file:` URI.
fn document_path(uri: &Uri) -> Option<PathBuf> {
    uri_to_path(uri).map(|p| absolute(Path::new("/"), &p))
}

/// An id for a set of diagnostics: equal sets, equal ids.
fn result_id(items: &[lsp_types::Diagnostic]) -> String {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    serde_json::to_string(items)
        .unwrap_or_default()
        .hash(&mut hasher);
    format!("{:016x}", hasher.finish())
}
