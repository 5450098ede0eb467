//! Arbitrary bytes as what an editor writes to `tfblint server`'s stdin, through the server's
//! framing. See `../src/framing.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    tfblint_fuzz::framing::check(data);
});
