//! Arbitrary bytes as a `.tf` file (and, after a `#---tfbackend---` line, a partial
//! `.tfbackend` file) through every rule and every renderer. See `../src/lib.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    tfblint_fuzz::check(data);
});
