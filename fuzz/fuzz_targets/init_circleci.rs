//! Arbitrary bytes as an init source of one format (CircleCi), paired with a module, through
//! the extractor, every rule and every renderer. See `../src/lib.rs` (`check_init`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use tfblint::input::init::SourceKind;

fuzz_target!(|data: &[u8]| {
    tfblint_fuzz::check_init(SourceKind::CircleCi, data);
});
