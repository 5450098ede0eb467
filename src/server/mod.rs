//! `tfblint server`: the language server (LSP 3.17 over stdio), for editors.
//!
//! A front end beside [`crate::cli`] (neither imports the other): documents go through the
//! same [`crate::linter::Workspace`] as the command line, with open documents as in-memory
//! buffers in place of their files. May use every layer below: [`crate::linter`],
//! [`crate::rules`] (rule documents for hover), [`crate::fix`], and the vocabulary of
//! [`crate::diagnostic`], [`crate::input`] and [`crate::model`].
//!
//! - [`text`]: positions in the negotiated encoding, incremental edits, URIs;
//! - [`session`]: open documents, folders and configurations, linting stale modules;
//! - [`convert`]: findings as LSP diagnostics; [`actions`]: code actions and hover;
//! - [`settings`]: the editor's options laid over `tfblint.toml`;
//! - [`handlers`]: each request and notification;
//! - [`transport`]: the base protocol's framing on stdio, bounded (lsp-server's own reader
//!   is not: see the module).
//!
//! The loop takes every message already waiting before it lints: a burst of `didChange`s is
//! applied in order, then the module is linted once, on the latest text. Nothing here writes
//! a file but the log (`--log-file`), which holds methods, paths and timings, never text.

mod actions;
mod convert;
mod handlers;
mod index;
mod session;
mod settings;
mod text;
pub mod transport;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{mpsc, Arc};
use std::time::Instant;

use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use serde_json::{json, Value};

use self::session::Session;
use self::settings::Settings;
use self::text::{uri_to_path, Encoding};
use self::transport::{Frame, Inbound};
use crate::linter::pipeline::WORKER_STACK_BYTES;

/// How the server was started.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub log_file: Option<PathBuf>,
}

/// Runs the server until the client says `exit` or goes away. Exit code 0 after `shutdown`
/// then `exit`; 1 when the client exits (or vanishes) without `shutdown`, or when its input
/// cannot be framed (a message over the size limit, a broken header, input ending inside a
/// message); 2 when the log file cannot be opened.
pub fn run(options: Options) -> ExitCode {
    let log = match Log::open(options.log_file.as_deref()) {
        Ok(log) => log,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "tfblint: error: {e}");
            return ExitCode::from(2);
        }
    };
    // Deeply nested text needs a deep stack, wherever it is parsed.
    let server = std::thread::Builder::new()
        .name("tfblint-server".into())
        .stack_size(WORKER_STACK_BYTES)
        .spawn(move || serve(log));
    match server.map(|handle| handle.join()) {
        Ok(Ok(code)) => ExitCode::from(code),
        _ => ExitCode::from(1),
    }
}

/// Where messages go: the writer thread, and ids for the server's own requests.
pub(crate) struct Client {
    outbox: mpsc::SyncSender<Message>,
    next_id: i32,
    /// The client stopped reading: stop serving.
    gone: bool,
}

impl Client {
    fn send(&mut self, message: Message) {
        if self.outbox.send(message).is_err() {
            self.gone = true;
        }
    }

    pub(crate) fn notify(&mut self, method: &str, params: impl serde::Serialize) {
        self.send(Notification::new(method.into(), params).into());
    }

    pub(crate) fn request(&mut self, method: &str, params: impl serde::Serialize) {
        self.next_id += 1;
        let id = RequestId::from(format!("tfblint-{}", self.next_id));
        self.send(Request::new(id, method.into(), params).into());
    }

    pub(crate) fn respond(&mut self, response: Response) {
        self.send(response.into());
    }

    pub(crate) fn show_error(&mut self, message: &str) {
        self.notify(
            "window/showMessage",
            json!({"type": 1, "message": format!("tfblint: {message}")}),
        );
    }
}

/// What the client said it can do, read leniently from `initialize`'s raw parameters.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Capabilities {
    pub pull_diagnostics: bool,
    pub refresh_diagnostics: bool,
    pub watch_files: bool,
    pub document_changes: bool,
}

impl Capabilities {
    fn read(params: &Value) -> Capabilities {
        let flag = |pointer: &str| params.pointer(pointer).and_then(Value::as_bool) == Some(true);
        Capabilities {
            pull_diagnostics: params
                .pointer("/capabilities/textDocument/diagnostic")
                .is_some(),
            refresh_diagnostics: flag("/capabilities/workspace/diagnostics/refreshSupport"),
            watch_files: flag("/capabilities/workspace/didChangeWatchedFiles/dynamicRegistration"),
            document_changes: flag("/capabilities/workspace/workspaceEdit/documentChanges"),
        }
    }
}

fn serve(log: Log) -> u8 {
    let log = Arc::new(log);
    let dropped_log = Arc::clone(&log);
    let dropped = move |frame: &Frame| {
        if let Frame::Undecodable {
            id, code, reason, ..
        } = frame
        {
            let what = if id.is_some() {
                format!("answered with error {}", *code as i32)
            } else {
                "dropped (no id)".to_string()
            };
            dropped_log.line(format_args!("undecodable message {what}: {reason}"));
        }
    };
    let Ok(stdio) = transport::stdio(dropped) else {
        return 1;
    };
    let mut client = Client {
        outbox: stdio.outbox,
        next_id: 0,
        gone: false,
    };
    let inbox = stdio.inbox;
    let code = match initialize(&mut client, &inbox, &log, stdio.queue) {
        Some((session, capabilities)) => {
            let mut server = handlers::Server {
                session,
                capabilities,
                client,
                log: Arc::clone(&log),
                shutdown: false,
            };
            let code = server.main_loop(&inbox);
            client = server.client;
            code
        }
        None => 1,
    };
    let gone = client.gone;
    drop(client);
    if gone {
        // The client stopped reading: the reader may be waiting on input that never comes.
        return code;
    }
    // The writer sends what is queued and ends; the reader has ended (`exit`, the end of
    // input, or input it could not frame).
    let _ = stdio.writer.join();
    match stdio.reader.join() {
        Ok(Ok(())) => code,
        Ok(Err(error)) => {
            log.line(format_args!("connection closed: {error}"));
            let _ = writeln!(std::io::stderr(), "tfblint: error: server: {error}");
            1
        }
        Err(_) => 1,
    }
}

/// Waits for `initialize` (answering other requests with ServerNotInitialized), answers it.
fn initialize(
    client: &mut Client,
    inbox: &mpsc::Receiver<Inbound>,
    log: &Log,
    wake: mpsc::Sender<Inbound>,
) -> Option<(Session, Capabilities)> {
    let (id, params) = loop {
        let message = match inbox.recv().ok()? {
            Inbound::Message(message) => message,
            Inbound::Closed => return None,
            Inbound::LostEdit { .. } | Inbound::Wake => continue,
        };
        match message {
            Message::Request(req) if req.method == "initialize" => break (req.id, req.params),
            Message::Request(req) => client.respond(Response::new_err(
                req.id,
                ErrorCode::ServerNotInitialized as i32,
                "the server is not initialized".into(),
            )),
            Message::Notification(n) if n.method == "exit" => return None,
            _ => {}
        }
    };
    let offered: Option<Vec<lsp_types::PositionEncodingKind>> = params
        .pointer("/capabilities/general/positionEncodings")
        .and_then(|v| serde_json::from_value(v.clone()).ok());
    let encoding = Encoding::negotiate(offered.as_deref());
    let capabilities = Capabilities::read(&params);
    let (settings, error) = match Settings::from_json(params.get("initializationOptions").cloned())
    {
        Ok(settings) => (settings, None),
        Err(e) => (Settings::default(), Some(e)),
    };
    let mut session = Session::new(encoding, settings, folders(&params), Some(wake));
    log.line(format_args!(
        "initialize: encoding {:?}, {:?}, folders {:?}",
        encoding,
        capabilities,
        session.folders()
    ));
    client.respond(Response::new_ok(
        id,
        json!({
            "capabilities": server_capabilities(encoding, capabilities),
            "serverInfo": {"name": "tfblint", "version": env!("CARGO_PKG_VERSION")},
        }),
    ));
    if let Some(error) = error {
        client.show_error(&error);
    }
    // The repository-wide pieces are read while the client opens its first files.
    session.index_folders();
    Some((session, capabilities))
}

fn server_capabilities(encoding: Encoding, client: Capabilities) -> Value {
    let mut capabilities = json!({
        "positionEncoding": encoding.kind(),
        "textDocumentSync": {
            "openClose": true,
            "change": 2,
            "save": {"includeText": false},
        },
        "codeActionProvider": {
            "codeActionKinds": ["quickfix", actions::FIX_ALL],
            "resolveProvider": false,
        },
        "hoverProvider": true,
        "workspace": {
            "workspaceFolders": {"supported": true, "changeNotifications": true},
        },
    });
    if client.pull_diagnostics {
        capabilities["diagnosticProvider"] = json!({
            "identifier": "tfblint",
            "interFileDependencies": true,
            "workspaceDiagnostics": false,
        });
    }
    capabilities
}

/// The workspace folders of `initialize`: `workspaceFolders`, else `rootUri`, else `rootPath`.
fn folders(params: &Value) -> Vec<PathBuf> {
    let from_uri = |v: &Value| -> Option<PathBuf> {
        let uri: lsp_types::Uri = v.as_str()?.parse().ok()?;
        uri_to_path(&uri)
    };
    if let Some(list) = params.get("workspaceFolders").and_then(Value::as_array) {
        return list.iter().filter_map(|f| from_uri(&f["uri"])).collect();
    }
    if let Some(path) = params.get("rootUri").and_then(from_uri) {
        return vec![path];
    }
    params
        .get("rootPath")
        .and_then(Value::as_str)
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .into_iter()
        .collect()
}

/// The log: off unless `--log-file`. Lines say what the server did and how long it took;
/// they never hold a document's text or a finding's message.
pub(crate) struct Log {
    file: Option<std::sync::Mutex<std::fs::File>>,
    start: Instant,
}

impl Log {
    fn open(path: Option<&Path>) -> Result<Log, String> {
        let file = match path {
            None => None,
            Some(path) => Some(std::sync::Mutex::new(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)
                    .map_err(|e| {
                        format!(
                            "--log-file {}: {}",
                            path.display(),
                            crate::input::discover::io_reason(&e)
                        )
                    })?,
            )),
        };
        Ok(Log {
            file,
            start: Instant::now(),
        })
    }

    pub(crate) fn enabled(&self) -> bool {
        self.file.is_some()
    }

    pub(crate) fn line(&self, args: std::fmt::Arguments) {
        if let Some(file) = &self.file {
            if let Ok(mut file) = file.lock() {
                let at = self.start.elapsed().as_secs_f64();
                let _ = writeln!(file, "[{at:10.4}] {args}");
            }
        }
    }
}
