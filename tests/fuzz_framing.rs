//! The `server_framing` fuzz target's checks (`fuzz/src/framing.rs`) on stable Rust: the
//! hostile inputs of issue 20 and ordinary sessions, then deterministic mutations of them (bit
//! flips, interesting bytes, protocol tokens inserted, ranges deleted or repeated,
//! truncations, splices between inputs).
//!
//! `TFBLINT_FUZZ_ITERATIONS` sets the number of mutated inputs (default 3,000);
//! `TFBLINT_FUZZ_SEED` the first seed. A failing input is written to
//! `target/fuzz-framing-failure.bin`.

#[path = "../fuzz/src/framing.rs"]
mod framing;
#[path = "common/mutate.rs"]
mod mutate;

use std::panic::{catch_unwind, AssertUnwindSafe};

use framing::{check, read_all, seeds, LARGE_MAX};
use mutate::{fail, mutate, settings, Vocabulary};

const VOCABULARY: Vocabulary = Vocabulary {
    interesting: b"\r\n:{}[]\",\\0123456789\x00\xff -",
    tokens: &[
        "Content-Length: ",
        "content-length:",
        "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n",
        "\r\n",
        "\r\n\r\n",
        "\n",
        "0",
        "48",
        "49",
        "68719476736",
        "18446744073709551616",
        "{\"jsonrpc\":\"2.0\",",
        "\"id\":",
        "\"id\":null,",
        "\"id\":\"x\",",
        "\"method\":\"exit\"",
        "\"params\":",
        "\"result\":null",
        "\"error\":{\"code\":-32700,\"message\":\"m\"}",
        "\\ud83d",
        "\\udc00",
        "\\u0000",
        "1e400",
        "[[[[",
        "}",
        "é",
        "🎉",
    ],
};

fn run_check(name: &str, data: &[u8]) {
    if let Err(panic) = catch_unwind(AssertUnwindSafe(|| check(data))) {
        fail(name, data, panic, "fuzz-framing-failure.bin");
    }
}

#[test]
fn every_hostile_input_passes_the_framing_checks() {
    let seeds = seeds();
    for (name, data) in &seeds {
        run_check(name, data);
    }
    // The seeds reach what they are named for.
    let end = |name: &str| {
        let data = &seeds.iter().find(|(n, _)| *n == name).unwrap().1;
        let outcome = read_all(data, LARGE_MAX, 3);
        (outcome.frames, outcome.end.err().unwrap_or_default())
    };
    assert_eq!(
        end("64 GiB").1,
        "Content-Length 68719476736 is over the limit of 1048576 bytes"
    );
    assert_eq!(
        end("300 digits").1,
        "Content-Length of 300 digits is over the limit of 1048576 bytes"
    );
    let (frames, _) = end("a lone surrogate with an id");
    assert!(
        frames[0].starts_with("undecodable Some(RequestId(String(\"x\"))) -32700"),
        "{frames:?}"
    );
    let (frames, _) = end("invalid JSON without one");
    assert!(
        frames[0].starts_with("undecodable None -32700"),
        "{frames:?}"
    );
    assert_eq!(end("a session").0.len(), 3);
    assert_eq!(
        end("inside a body").1,
        "the input ended inside a message body"
    );
    assert_eq!(end("deep nesting").0.len(), 1);
}

#[test]
fn mutated_inputs_pass_the_framing_checks() {
    let seeds = seeds();
    let (iterations, mut rng) = settings(3000, 0x5e_12_0a);
    let mut frames = 0;
    for i in 0..iterations {
        let (name, seed) = &seeds[rng.below(seeds.len())];
        let mut input = seed.clone();
        mutate(&mut rng, &mut input, &seeds, |(_, b)| b, &VOCABULARY);
        run_check(&format!("mutation {i} of {name}"), &input);
        frames += read_all(&input, LARGE_MAX, input.len().max(1)).frames.len();
    }
    // The mutations still reach past the header often (not all rejected at the first byte).
    assert!(
        frames > iterations / 4,
        "{frames} frames in {iterations} inputs"
    );
}
