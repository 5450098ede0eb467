//! A small LSP client over the real `tfblint server`'s stdio: JSON-RPC with Content-Length
//! framing, for the protocol tests and the benchmark. Every wait has a deadline, so a server
//! that hangs fails the test instead of hanging it.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

pub const WAIT: Duration = Duration::from_secs(30);

pub struct Lsp {
    child: Child,
    stdin: Option<ChildStdin>,
    inbox: Receiver<Value>,
    next_id: i64,
    /// Messages from the server not yet consumed (notifications and its requests).
    pub pending: VecDeque<Value>,
}

/// The `file:` URI of an absolute path (percent-encoding what needs it).
pub fn uri(path: &Path) -> String {
    let mut out = String::from("file://");
    for b in path.to_str().expect("UTF-8 path").bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub fn frame(message: &Value) -> Vec<u8> {
    let body = serde_json::to_vec(message).unwrap();
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend(body);
    out
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            length = n.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

impl Lsp {
    /// Starts `tfblint server` (with `extra` arguments) in `cwd`.
    pub fn start(cwd: &Path, extra: &[&str]) -> Lsp {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tfblint"))
            .arg("server")
            .args(extra)
            .current_dir(cwd)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("tfblint server starts");
        let stdout = child.stdout.take().unwrap();
        let (tx, inbox) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if tx.send(message).is_err() {
                    break;
                }
            }
        });
        Lsp {
            stdin: child.stdin.take(),
            child,
            inbox,
            next_id: 0,
            pending: VecDeque::new(),
        }
    }

    /// Starts the server and initializes it with these client capabilities and options.
    pub fn initialized(root: &Path, capabilities: Value, options: Value) -> (Lsp, Value) {
        let mut lsp = Lsp::start(root, &[]);
        let result = lsp.initialize(root, capabilities, options);
        (lsp, result)
    }

    pub fn initialize(&mut self, root: &Path, capabilities: Value, options: Value) -> Value {
        let mut params = json!({
            "processId": null,
            "rootUri": uri(root),
            "workspaceFolders": [{"uri": uri(root), "name": "root"}],
            "capabilities": capabilities,
        });
        if !options.is_null() {
            params["initializationOptions"] = options;
        }
        let response = self.request("initialize", params);
        self.notify("initialized", json!({}));
        response["result"].clone()
    }

    pub fn write_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin is open");
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    pub fn send(&mut self, message: Value) {
        self.write_raw(&frame(&message));
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns its response (the whole message: `result` or `error`).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait_for(|m| m["id"] == id && m.get("method").is_none(), method)
    }

    fn recv(&mut self, deadline: Instant, what: &str) -> Value {
        let left = deadline.saturating_duration_since(Instant::now());
        match self.inbox.recv_timeout(left) {
            Ok(message) => {
                // Answer the server's own requests (registrations, refresh) as a client does.
                if message.get("id").is_some() && message.get("method").is_some() {
                    let reply = json!({"jsonrpc": "2.0", "id": message["id"], "result": null});
                    if self.stdin.is_some() {
                        self.send(reply);
                    }
                }
                message
            }
            Err(RecvTimeoutError::Timeout) => panic!("timed out waiting for {what}"),
            Err(RecvTimeoutError::Disconnected) => panic!("the server closed stdout ({what})"),
        }
    }

    /// The first message (pending or new) matching `wanted`; the others stay pending.
    pub fn wait_for(&mut self, wanted: impl Fn(&Value) -> bool, what: &str) -> Value {
        if let Some(at) = self.pending.iter().position(&wanted) {
            return self.pending.remove(at).unwrap();
        }
        let deadline = Instant::now() + WAIT;
        loop {
            let message = self.recv(deadline, what);
            if wanted(&message) {
                return message;
            }
            self.pending.push_back(message);
        }
    }

    /// The next `publishDiagnostics` for a URI: its params.
    pub fn diagnostics(&mut self, uri: &str) -> Value {
        let message = self.wait_for(
            |m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri,
            &format!("diagnostics for {uri}"),
        );
        message["params"].clone()
    }

    /// The `publishDiagnostics` for a URI that `wanted` accepts, those before it consumed: the
    /// server publishes first with what it knows and again when the repository-wide pieces
    /// (init sources, other modules' state keys) arrive, if that changes anything.
    pub fn settled(&mut self, uri: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        loop {
            let published = self.diagnostics(uri);
            if wanted(&published) {
                return published;
            }
        }
    }

    /// Waits until the server has handled everything sent so far (a request round trip).
    pub fn sync(&mut self) {
        let response = self.request("tfblint/sync", json!(null));
        assert_eq!(response["error"]["code"], -32601);
    }

    /// Every message received so far that matches, consumed.
    pub fn drain(&mut self, wanted: impl Fn(&Value) -> bool) -> Vec<Value> {
        while let Ok(message) = self.inbox.try_recv() {
            self.pending.push_back(message);
        }
        let (taken, kept): (Vec<Value>, Vec<Value>) =
            self.pending.drain(..).partition(|m| wanted(m));
        self.pending = kept.into();
        taken
    }

    pub fn open(&mut self, path: &Path, text: &str) -> String {
        let uri = uri(path);
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {
                "uri": uri, "languageId": "terraform", "version": 1, "text": text,
            }}),
        );
        uri
    }

    pub fn change_full(&mut self, uri: &str, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"text": text}],
            }),
        );
    }

    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// Waits for the process to end, or kills it after the deadline and fails.
    pub fn wait_exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("the server did not exit");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// `shutdown`, then `exit`: the exit status.
    pub fn shutdown(mut self) -> ExitStatus {
        let response = self.request("shutdown", Value::Null);
        assert_eq!(response["result"], Value::Null, "{response}");
        self.notify("exit", Value::Null);
        self.wait_exit()
    }

    /// The process's resident memory in KiB (Linux), for the benchmark.
    pub fn rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }
}

impl Drop for Lsp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The byte offset of an LSP position counted in UTF-16 code units (the tests' own oracle,
/// independent of the server's).
pub fn offset_utf16(text: &str, position: &Value) -> usize {
    let line = position["line"].as_u64().unwrap() as usize;
    let character = position["character"].as_u64().unwrap() as usize;
    let mut start = 0;
    for _ in 0..line {
        start += text[start..]
            .find('\n')
            .map_or(text.len() - start, |i| i + 1);
    }
    let mut units = 0;
    for (at, c) in text[start..].char_indices() {
        if units >= character || c == '\n' {
            return start + at;
        }
        units += c.len_utf16();
    }
    text.len()
}

/// Applies a list of TextEdits (UTF-16 positions) to a text, as a client does.
pub fn apply_edits(text: &str, edits: &Value) -> String {
    let mut edits: Vec<(usize, usize, String)> = edits
        .as_array()
        .expect("edits")
        .iter()
        .map(|e| {
            (
                offset_utf16(text, &e["range"]["start"]),
                offset_utf16(text, &e["range"]["end"]),
                e["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (start, end, new) in edits {
        out.replace_range(start..end, &new);
    }
    out
}
