//! The server's transport: the LSP base protocol (`Content-Length` headers, then a JSON body)
//! read from any [`BufRead`] with bounds, and the stdio threads that carry messages.
//!
//! lsp-server's reader (`Message::read`, behind `Connection::stdio`) cannot be bounded: it
//! allocates whatever `Content-Length` says before a byte of the body arrives, and it ends the
//! connection on any body it cannot decode. This reader keeps lsp-server's [`Message`] types
//! and differs in what it does with hostile input:
//!
//! - a header line is read into a buffer of at most [`MAX_HEADER_LINE`] bytes;
//! - `Content-Length` is parsed digit by digit and checked against the limit
//!   ([`MAX_MESSAGE_BYTES`] on stdio) before anything is allocated; a value over it, or too
//!   large for any integer, is a [`FramingError`] and the connection ends;
//! - the body is read as it arrives (the buffer grows with the bytes received, not with the
//!   length announced), and input that ends before it is complete ends the connection;
//! - a body that is not a message is a [`Frame::Undecodable`], with the request's id when one
//!   can be found in it: the server answers it with an error (-32700 for text that is not
//!   JSON, -32600 for JSON that is not a message) or drops it, and serves on.

use std::borrow::Cow;
use std::fmt;
use std::io::{self, BufRead, ErrorKind};
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};
use std::thread::JoinHandle;

use lsp_server::{ErrorCode, Message, RequestId, Response};
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

/// The largest body the server accepts from its client: 64 MiB, far over any document an
/// editor sends (the linter refuses files over 16 MiB anyway).
pub const MAX_MESSAGE_BYTES: u64 = 64 * 1024 * 1024;

/// The longest header line (name, value and line end) the reader holds.
pub const MAX_HEADER_LINE: usize = 4096;

/// What one message on the wire turned out to be.
#[derive(Debug)]
pub enum Frame {
    /// A request, response or notification.
    Message(Message),
    /// A body that is not one. `id` is the request's id when the body has one before where it
    /// goes wrong; `reason` says what is wrong without quoting the body.
    Undecodable {
        id: Option<RequestId>,
        code: ErrorCode,
        reason: String,
        /// What could be read of it before it goes wrong: its `method`, and the `uri` of its
        /// `params.textDocument`.
        method: Option<String>,
        uri: Option<String>,
    },
}

/// What the server's loop receives: messages, and what the reader and the server's own
/// threads tell it.
#[derive(Debug)]
pub enum Inbound {
    Message(Message),
    /// A notification that could not be decoded and may have been an edit: of the document
    /// `uri`, or (when no `uri` could be read) of any document.
    LostEdit {
        uri: Option<String>,
    },
    /// A background job of the server finished.
    Wake,
    /// The input ended between messages, or could not be framed.
    Closed,
}

/// Why the connection cannot go on: framing is lost, or the client asked for too much.
#[derive(Debug)]
pub enum FramingError {
    /// `Content-Length` over the limit (`declared` holds its digits, shortened when long).
    TooLarge {
        declared: String,
        max: u64,
    },
    /// A header that is not `Name: value` within bounds, or no `Content-Length`.
    Header(String),
    /// The input ended inside a message's header or body.
    Truncated {
        in_body: bool,
    },
    Io(io::Error),
}

impl fmt::Display for FramingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FramingError::TooLarge { declared, max } => write!(
                f,
                "Content-Length {declared} is over the limit of {max} bytes"
            ),
            FramingError::Header(reason) => write!(f, "malformed message header: {reason}"),
            FramingError::Truncated { in_body: false } => {
                write!(f, "the input ended inside a message header")
            }
            FramingError::Truncated { in_body: true } => {
                write!(f, "the input ended inside a message body")
            }
            FramingError::Io(e) => write!(f, "reading the input: {e}"),
        }
    }
}

impl From<io::Error> for FramingError {
    fn from(e: io::Error) -> FramingError {
        FramingError::Io(e)
    }
}

/// Reads the next message. `Ok(None)`: the input ended between messages. A body longer than
/// `max` bytes is refused before anything is allocated for it.
pub fn read_frame<R: BufRead + ?Sized>(
    input: &mut R,
    max: u64,
) -> Result<Option<Frame>, FramingError> {
    let Some(length) = read_header(input, max)? else {
        return Ok(None);
    };
    let body = read_body(input, length)?;
    Ok(Some(decode(&body)))
}

/// The header's `Content-Length`, or `None` at the end of input before a message starts.
fn read_header<R: BufRead + ?Sized>(input: &mut R, max: u64) -> Result<Option<u64>, FramingError> {
    let mut length = None;
    let mut line = Vec::new();
    let mut first = true;
    loop {
        line.clear();
        if !read_line(input, &mut line)? {
            return if first && line.is_empty() {
                Ok(None)
            } else {
                Err(FramingError::Truncated { in_body: false })
            };
        }
        first = false;
        let field = line.strip_suffix(b"\r").unwrap_or(&line);
        if field.is_empty() {
            break;
        }
        let Some(colon) = field.iter().position(|&b| b == b':') else {
            return Err(FramingError::Header("a line without `:`".into()));
        };
        let (name, value) = (&field[..colon], field[colon + 1..].trim_ascii());
        if name.eq_ignore_ascii_case(b"Content-Length") {
            if length.is_some() {
                return Err(FramingError::Header("two Content-Length fields".into()));
            }
            length = Some(content_length(value, max)?);
        }
    }
    length
        .map(Some)
        .ok_or_else(|| FramingError::Header("no Content-Length".into()))
}

/// A header line without its `\n`, into `line`: true when the line is complete, false when
/// the input ended first. A line longer than [`MAX_HEADER_LINE`] is an error.
fn read_line<R: BufRead + ?Sized>(input: &mut R, line: &mut Vec<u8>) -> Result<bool, FramingError> {
    loop {
        let available = match input.fill_buf() {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(e.into()),
        };
        if available.is_empty() {
            return Ok(false);
        }
        let (take, done) = match memchr::memchr(b'\n', available) {
            Some(at) => (at, true),
            None => (available.len(), false),
        };
        if line.len() + take > MAX_HEADER_LINE {
            return Err(FramingError::Header(format!(
                "a line longer than {MAX_HEADER_LINE} bytes"
            )));
        }
        line.extend_from_slice(&available[..take]);
        input.consume(take + usize::from(done));
        if done {
            return Ok(true);
        }
    }
}

/// The value of `Content-Length`: decimal digits, at most `max`. Checked digit by digit, so
/// that a value too large for any integer is refused as too large.
fn content_length(value: &[u8], max: u64) -> Result<u64, FramingError> {
    if value.is_empty() || !value.iter().all(u8::is_ascii_digit) {
        return Err(FramingError::Header(
            "Content-Length is not a number".into(),
        ));
    }
    let mut n: u64 = 0;
    for &digit in value {
        n = match n
            .checked_mul(10)
            .and_then(|n| n.checked_add(u64::from(digit - b'0')))
        {
            Some(n) if n <= max => n,
            _ => {
                return Err(FramingError::TooLarge {
                    declared: shown_digits(value),
                    max,
                })
            }
        };
    }
    Ok(n)
}

/// Digits as they may be shown: in full up to 24, else their count.
fn shown_digits(value: &[u8]) -> String {
    if value.len() <= 24 {
        String::from_utf8_lossy(value).into_owned()
    } else {
        format!("of {} digits", value.len())
    }
}

/// `length` bytes, read as they arrive: the buffer holds what came, never what was announced.
fn read_body<R: BufRead + ?Sized>(input: &mut R, length: u64) -> Result<Vec<u8>, FramingError> {
    let mut body = Vec::new();
    let mut left = length;
    while left > 0 {
        let available = match input.fill_buf() {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(e.into()),
        };
        if available.is_empty() {
            return Err(FramingError::Truncated { in_body: true });
        }
        let take = available
            .len()
            .min(usize::try_from(left).unwrap_or(usize::MAX));
        body.extend_from_slice(&available[..take]);
        input.consume(take);
        left -= take as u64;
    }
    Ok(body)
}

/// A body as a message, or why it is not one.
fn decode(body: &[u8]) -> Frame {
    match serde_json::from_slice::<Message>(body) {
        Ok(message) => Frame::Message(message),
        Err(e) => {
            let (code, reason) = match e.classify() {
                // The text of a Data error may quote the body: it is not repeated.
                serde_json::error::Category::Data => (
                    ErrorCode::InvalidRequest,
                    "JSON that is not a request, response or notification".to_string(),
                ),
                // Syntax and end-of-input errors name a position, never the text.
                _ => (ErrorCode::ParseError, format!("not JSON text ({e})")),
            };
            let seen = seek(body);
            Frame::Undecodable {
                id: seen.id,
                code,
                reason,
                method: seen.method,
                uri: seen.uri,
            }
        }
    }
}

/// What can be read of a body that may not decode: the top-level `id` and `method`, and
/// `params.textDocument.uri`, each taken as it is met, so what comes before the point where the
/// body goes wrong is found. Other strings are skipped without decoding their escapes, so a
/// lone surrogate elsewhere does not hide them.
#[derive(Debug, Default)]
struct Seen {
    id: Option<RequestId>,
    method: Option<String>,
    uri: Option<String>,
}

fn seek(body: &[u8]) -> Seen {
    let mut seen = Seen::default();
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let _ = Seek(&mut seen, Level::Message).deserialize(&mut deserializer);
    seen
}

/// Which object a [`Seek`] is in.
#[derive(Clone, Copy)]
enum Level {
    Message,
    Params,
    TextDocument,
}

struct Seek<'a>(&'a mut Seen, Level);

impl<'de> DeserializeSeed<'de> for Seek<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Seek<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON-RPC message")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Seek(seen, level) = self;
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            match (level, key.as_ref()) {
                (Level::Message, "id") => {
                    let value: serde_json::Value = map.next_value()?;
                    seen.id = serde_json::from_value(value).ok();
                }
                (Level::Message, "method") => {
                    seen.method = Some(map.next_value::<Cow<'de, str>>()?.into_owned());
                }
                (Level::Message, "params") => map.next_value_seed(Seek(seen, Level::Params))?,
                (Level::Params, "textDocument") => {
                    map.next_value_seed(Seek(seen, Level::TextDocument))?
                }
                (Level::TextDocument, "uri") => {
                    seen.uri = Some(map.next_value::<Cow<'de, str>>()?.into_owned());
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// The answer to an undecodable request.
pub fn error_response(id: RequestId, code: ErrorCode, reason: &str) -> Response {
    let what = match code {
        ErrorCode::ParseError => "Parse error",
        _ => "Invalid request",
    };
    Response::new_err(id, code as i32, format!("{what}: {reason}"))
}

/// The stdio threads: a reader that frames stdin into `inbox`, and a writer that sends what
/// goes into `outbox` to stdout. `queue` sends into `inbox` too (the server's own threads).
pub(crate) struct Stdio {
    pub outbox: SyncSender<Message>,
    pub inbox: Receiver<Inbound>,
    pub queue: Sender<Inbound>,
    pub reader: JoinHandle<Result<(), FramingError>>,
    pub writer: JoinHandle<()>,
}

/// Starts the threads. The reader stops after `exit`, at the end of input (saying
/// [`Inbound::Closed`]), when the inbox is dropped, or on a [`FramingError`] (its result, after
/// `Closed`); an undecodable body is answered by the reader itself when it has an id, and
/// passed to `dropped` (for the log) in any case. A notification that cannot be decoded and
/// may have been `didChange` (its method says so, or cannot be read) is told to the loop as
/// [`Inbound::LostEdit`].
pub(crate) fn stdio(dropped: impl Fn(&Frame) + Send + 'static) -> io::Result<Stdio> {
    // As lsp-server's: the writer takes one message at a time, so a client that stops
    // reading holds the server back instead of filling its memory.
    let (outbox, outgoing) = mpsc::sync_channel::<Message>(0);
    let writer = std::thread::Builder::new()
        .name("tfblint-writer".into())
        .spawn(move || {
            let stdout = io::stdout();
            let mut stdout = stdout.lock();
            for message in outgoing {
                if message.write(&mut stdout).is_err() {
                    break;
                }
            }
        })?;
    // Every message read goes into an unbounded queue, so the loop sees all that wait.
    let (queue, inbox) = mpsc::channel();
    let answers = outbox.clone();
    let events = queue.clone();
    let reader = std::thread::Builder::new()
        .name("tfblint-reader".into())
        .spawn(move || {
            let mut stdin = io::stdin().lock();
            loop {
                let frame = match read_frame(&mut stdin, MAX_MESSAGE_BYTES) {
                    Ok(Some(frame)) => frame,
                    Ok(None) => {
                        let _ = queue.send(Inbound::Closed);
                        return Ok(());
                    }
                    Err(e) => {
                        let _ = queue.send(Inbound::Closed);
                        return Err(e);
                    }
                };
                match frame {
                    Frame::Message(message) => {
                        let exit =
                            matches!(&message, Message::Notification(n) if n.method == "exit");
                        if queue.send(Inbound::Message(message)).is_err() || exit {
                            return Ok(());
                        }
                    }
                    frame @ Frame::Undecodable { .. } => {
                        dropped(&frame);
                        let Frame::Undecodable {
                            id,
                            code,
                            reason,
                            method,
                            uri,
                        } = frame
                        else {
                            continue;
                        };
                        let maybe_edit = method
                            .as_deref()
                            .is_none_or(|m| m == "textDocument/didChange");
                        match id {
                            Some(id) => {
                                let _ = answers.send(error_response(id, code, &reason).into());
                            }
                            None if maybe_edit
                                && queue.send(Inbound::LostEdit { uri }).is_err() =>
                            {
                                return Ok(());
                            }
                            None => {}
                        }
                    }
                }
            }
        })?;
    Ok(Stdio {
        outbox,
        inbox,
        queue: events,
        reader,
        writer,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &[u8], max: u64) -> (Vec<Frame>, Option<FramingError>) {
        let mut reader = io::BufReader::with_capacity(7, input);
        let mut out = Vec::new();
        loop {
            match read_frame(&mut reader, max) {
                Ok(Some(frame)) => out.push(frame),
                Ok(None) => return (out, None),
                Err(e) => return (out, Some(e)),
            }
        }
    }

    fn framed(body: &str) -> Vec<u8> {
        format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
    }

    #[test]
    fn messages_are_read_one_after_the_other_in_small_chunks() {
        let mut input = framed(r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#);
        input.extend(b"content-type: application/vscode-jsonrpc; charset=utf-8\r\n");
        input.extend(framed(r#"{"jsonrpc":"2.0","method":"exit"}"#));
        let (frames, error) = frames(&input, MAX_MESSAGE_BYTES);
        assert!(error.is_none(), "{error:?}");
        assert_eq!(frames.len(), 2);
        assert!(
            matches!(&frames[0], Frame::Message(Message::Request(r)) if r.method == "initialize")
        );
        assert!(
            matches!(&frames[1], Frame::Message(Message::Notification(n)) if n.method == "exit")
        );
    }

    #[test]
    fn a_length_over_the_limit_or_any_integer_is_refused() {
        let (_, error) = frames(b"Content-Length: 68719476736\r\n\r\n", MAX_MESSAGE_BYTES);
        let error = error.unwrap();
        assert!(
            matches!(&error, FramingError::TooLarge { declared, .. } if declared == "68719476736")
        );
        assert_eq!(
            error.to_string(),
            "Content-Length 68719476736 is over the limit of 67108864 bytes"
        );
        let huge = format!("Content-Length: {}\r\n\r\n", "9".repeat(400));
        let (_, error) = frames(huge.as_bytes(), MAX_MESSAGE_BYTES);
        assert!(
            matches!(&error, Some(FramingError::TooLarge { declared, .. }) if declared == "of 400 digits"),
            "{error:?}"
        );
        // Leading zeros are not a large number.
        let (frames_read, error) = frames(
            b"Content-Length: 0000000000000000000000000000002\r\n\r\n{}",
            10,
        );
        assert!(error.is_none(), "{error:?}");
        assert_eq!(frames_read.len(), 1);
    }

    #[test]
    fn bad_headers_are_errors() {
        for (input, reason) in [
            (
                &b"Content-Length: x\r\n\r\n"[..],
                "Content-Length is not a number",
            ),
            (
                b"Content-Length: -1\r\n\r\n",
                "Content-Length is not a number",
            ),
            (b"Content-Type: a\r\n\r\n", "no Content-Length"),
            (b"nonsense\r\n\r\n", "a line without `:`"),
            (
                b"Content-Length: 2\r\ncontent-length: 2\r\n\r\n{}",
                "two Content-Length fields",
            ),
        ] {
            let (_, error) = frames(input, MAX_MESSAGE_BYTES);
            assert!(
                matches!(&error, Some(FramingError::Header(r)) if r == reason),
                "{:?}: {error:?}",
                String::from_utf8_lossy(input)
            );
        }
        let long = format!("X-Long: {}\r\n", "a".repeat(MAX_HEADER_LINE));
        let (_, error) = frames(long.as_bytes(), MAX_MESSAGE_BYTES);
        assert!(matches!(error, Some(FramingError::Header(_))), "{error:?}");
    }

    #[test]
    fn input_that_ends_inside_a_message_is_truncated() {
        let (_, error) = frames(b"Content-Len", MAX_MESSAGE_BYTES);
        assert!(matches!(
            error,
            Some(FramingError::Truncated { in_body: false })
        ));
        let (_, error) = frames(b"Content-Length: 10\r\n\r\n{}", MAX_MESSAGE_BYTES);
        assert!(matches!(
            error,
            Some(FramingError::Truncated { in_body: true })
        ));
        let (frames_read, error) = frames(b"", MAX_MESSAGE_BYTES);
        assert!(frames_read.is_empty() && error.is_none());
    }

    #[test]
    fn an_undecodable_body_keeps_the_id_found_before_it_goes_wrong() {
        let surrogate =
            r#"{"jsonrpc":"2.0","id":7,"method":"textDocument/hover","params":{"x":"\ud83d"}}"#;
        let late_id = r#"{"jsonrpc":"2.0","method":"x","params":{"x":"\ud83d"},"id":"late"}"#;
        let broken = r#"{"jsonrpc":"2.0","id":8,"method":"x","params":{,}}"#;
        let not_a_message = r#"{"jsonrpc":"2.0","id":9}"#;
        let no_id = r#"{"jsonrpc":"2.0","method":"x","params":{"#;
        let cases = [
            (surrogate, Some(RequestId::from(7)), ErrorCode::ParseError),
            (
                late_id,
                Some(RequestId::from("late".to_string())),
                ErrorCode::ParseError,
            ),
            (broken, Some(RequestId::from(8)), ErrorCode::ParseError),
            (
                not_a_message,
                Some(RequestId::from(9)),
                ErrorCode::InvalidRequest,
            ),
            (no_id, None, ErrorCode::ParseError),
            ("\u{1}", None, ErrorCode::ParseError),
        ];
        for (body, want_id, want_code) in cases {
            let (frames_read, error) = frames(&framed(body), MAX_MESSAGE_BYTES);
            assert!(error.is_none());
            match &frames_read[..] {
                [Frame::Undecodable {
                    id, code, reason, ..
                }] => {
                    assert_eq!(id, &want_id, "{body}");
                    assert_eq!(*code as i32, want_code as i32, "{body}");
                    assert!(!reason.contains("ud83d"), "{reason}");
                }
                other => panic!("{body}: {other:?}"),
            }
        }
        // A notification's method and document are read up to where it breaks.
        let lost = r#"{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"file:///m/main.tf","version":3},"contentChanges":[{"text":"\ud83d"}]}}"#;
        let (frames_read, _) = frames(&framed(lost), MAX_MESSAGE_BYTES);
        match &frames_read[..] {
            [Frame::Undecodable {
                id, method, uri, ..
            }] => {
                assert_eq!(id, &None);
                assert_eq!(method.as_deref(), Some("textDocument/didChange"));
                assert_eq!(uri.as_deref(), Some("file:///m/main.tf"));
            }
            other => panic!("{other:?}"),
        }
        // Bytes that are not UTF-8 are not JSON either.
        let mut input = b"Content-Length: 3\r\n\r\n\"\xff\"".to_vec();
        input.extend(framed(r#"{"jsonrpc":"2.0","method":"exit"}"#));
        let (frames_read, error) = frames(&input, MAX_MESSAGE_BYTES);
        assert!(error.is_none());
        assert!(matches!(
            frames_read[0],
            Frame::Undecodable { id: None, .. }
        ));
        assert!(matches!(frames_read[1], Frame::Message(_)));
    }
}
