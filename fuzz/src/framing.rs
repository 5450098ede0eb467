//! The `server_framing` target's logic: arbitrary bytes as what an editor writes to
//! `tfblint server`'s stdin, through the server's framing (`tfblint::server::transport`), with
//! invariants checked on the way.
//!
//! Shared by `fuzz_targets/server_framing.rs` (cargo-fuzz, nightly) and by the stable
//! mutation harness `tests/fuzz_framing.rs`, which includes this file as a module. Keep it
//! free of inner attributes and of dependencies other than `tfblint`, `lsp_server` and
//! `serde_json`.

use std::io::{BufRead, Read};

use lsp_server::Message;
use tfblint::server::transport::{error_response, read_frame, Frame, FramingError};

/// A small limit, so that inputs of a few bytes reach the size check.
pub const SMALL_MAX: u64 = 48;

/// The limit the checks use besides [`SMALL_MAX`] (the server's own, 64 MiB, would make every
/// length of a fuzzed input acceptable and a truncation).
pub const LARGE_MAX: u64 = 1 << 20;

/// What reading an input gave: each frame, then how the reading ended.
#[derive(Debug, PartialEq)]
pub struct Outcome {
    pub frames: Vec<String>,
    pub end: Result<(), String>,
}

/// Reads `data` with the framing and panics if any invariant does not hold.
pub fn check(data: &[u8]) {
    let whole = read_all(data, LARGE_MAX, data.len().max(1));
    // Deterministic, and the same however the input arrives: all at once, a byte at a time,
    // or in chunks of other sizes.
    for chunk in [1, 2, 3, 7, 64] {
        assert_eq!(
            whole,
            read_all(data, LARGE_MAX, chunk),
            "chunks of {chunk} bytes read differently"
        );
    }
    // A smaller limit only ends the reading earlier, on a length over it.
    let small = read_all(data, SMALL_MAX, 5);
    assert!(
        small.frames.len() <= whole.frames.len()
            && small.frames[..] == whole.frames[..small.frames.len()],
        "a smaller limit changed the frames read: {small:?} vs {whole:?}"
    );
    if small != whole {
        let end = small
            .end
            .as_ref()
            .expect_err("ended earlier without an error");
        assert!(end.starts_with("Content-Length "), "{end}");
    }
}

/// Every frame of `data` (handed out `chunk` bytes at a time), each checked, and the end.
pub fn read_all(data: &[u8], max: u64, chunk: usize) -> Outcome {
    let mut input = Chunked { data, at: 0, chunk };
    let mut frames = Vec::new();
    loop {
        let before = input.at;
        match read_frame(&mut input, max) {
            Ok(None) => {
                assert_eq!(input.at, data.len(), "stopped before the end of input");
                return Outcome {
                    frames,
                    end: Ok(()),
                };
            }
            Ok(Some(frame)) => {
                assert!(input.at > before, "a frame read from no input");
                frames.push(checked(frame));
            }
            Err(e) => {
                if let FramingError::TooLarge {
                    declared,
                    max: limit,
                } = &e
                {
                    assert_eq!(*limit, max);
                    assert!(declared.len() <= 24, "{declared}");
                }
                return Outcome {
                    frames,
                    end: Err(e.to_string()),
                };
            }
        }
    }
}

/// A frame as text, after checking it: a message survives being written and read again, and
/// the answer to an undecodable request is a well-formed error response with its id.
fn checked(frame: Frame) -> String {
    match frame {
        Frame::Message(message) => {
            let mut wire = Vec::new();
            message.write(&mut wire).expect("a message can be written");
            let again = match read_frame(&mut &wire[..], u64::MAX) {
                Ok(Some(Frame::Message(again))) => again,
                other => panic!("a message written does not read back: {other:?}"),
            };
            let text = serde_json::to_string(&message).unwrap();
            assert_eq!(text, serde_json::to_string(&again).unwrap());
            text
        }
        Frame::Undecodable {
            id, code, reason, ..
        } => {
            assert!(!reason.is_empty());
            if let Some(id) = &id {
                let response: Message = error_response(id.clone(), code, &reason).into();
                let mut wire = Vec::new();
                response.write(&mut wire).unwrap();
                let value: serde_json::Value =
                    serde_json::from_slice(&wire[wire.iter().position(|&b| b == b'{').unwrap()..])
                        .expect("the error response is JSON");
                assert_eq!(value["error"]["code"], code as i32);
                assert_eq!(value["id"], serde_json::to_value(id).unwrap());
            }
            format!("undecodable {id:?} {} {reason}", code as i32)
        }
    }
}

/// Input handed out at most `chunk` bytes per read, as a pipe may.
struct Chunked<'a> {
    data: &'a [u8],
    at: usize,
    chunk: usize,
}

impl Read for Chunked<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for Chunked<'_> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        let end = (self.at + self.chunk).min(self.data.len());
        Ok(&self.data[self.at..end])
    }

    fn consume(&mut self, n: usize) {
        self.at += n;
    }
}

/// `body` under a `Content-Length` header.
pub fn framed(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

/// The hostile inputs of issue 20 and ordinary sessions: the seeds of the smoke test.
pub fn seeds() -> Vec<(&'static str, Vec<u8>)> {
    let request = br#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}"#;
    let open = br#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///m/main.tf","languageId":"terraform","version":1,"text":"terraform {\n  backend \"s3\" {}\n}\n"}}}"#;
    let exit = br#"{"jsonrpc":"2.0","method":"exit"}"#;
    let session: Vec<u8> = [framed(request), framed(open), framed(exit)].concat();
    let mut seeds = vec![
        ("empty", Vec::new()),
        ("a session", session.clone()),
        (
            "headers of every case, a content type, bare line feeds",
            [
                b"content-length: 2\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}"
                    .to_vec(),
                format!("Content-Length:   {}  \n\n", exit.len()).into_bytes(),
                exit.to_vec(),
            ]
            .concat(),
        ),
        ("64 GiB", b"Content-Length: 68719476736\r\n\r\n{".to_vec()),
        (
            "beyond u64",
            b"Content-Length: 18446744073709551616\r\n\r\n".to_vec(),
        ),
        (
            "300 digits",
            format!("Content-Length: {}\r\n\r\n", "9".repeat(300)).into_bytes(),
        ),
        (
            "a lone surrogate with an id",
            framed(br#"{"jsonrpc":"2.0","id":"x","method":"m","params":{"t":"\ud83d"}}"#),
        ),
        (
            "a lone surrogate without one",
            framed(br#"{"jsonrpc":"2.0","method":"m","params":{"t":"\udc00\ud83d"}}"#),
        ),
        (
            "invalid JSON with an id",
            framed(br#"{"jsonrpc":"2.0","id":41,"method":"x","params":{,}}"#),
        ),
        ("invalid JSON without one", framed(b"{{{{{")),
        ("JSON that is no message", framed(br#"{"id":[1],"x":2}"#)),
        ("not UTF-8", framed(b"\"\xff\xfe\"")),
        ("deep nesting", framed(&[b'['; 10_000])),
        ("inside a header", b"Content-Len".to_vec()),
        ("inside a body", b"Content-Length: 200\r\n\r\n{\"jsonrpc\":".to_vec()),
        (
            "a body shorter than its header",
            [format!("Content-Length: {}\r\n\r\n", exit.len() + 10).into_bytes(), exit.to_vec()]
                .concat(),
        ),
        (
            "a header line too long",
            format!("X: {}\r\n", "a".repeat(5000)).into_bytes(),
        ),
        ("no Content-Length", b"Content-Type: x\r\n\r\n{}".to_vec()),
        ("two Content-Lengths", b"Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}".to_vec()),
        ("no colon", b"hello\r\n\r\n".to_vec()),
        ("a negative length", b"Content-Length: -1\r\n\r\n".to_vec()),
    ];
    seeds.push((
        "a session, then garbage",
        [session, b"\r\n\x00".to_vec()].concat(),
    ));
    seeds
}
