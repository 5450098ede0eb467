//! Deterministic mutations for the stable fuzz harnesses (`tests/fuzz_smoke.rs`,
//! `tests/fuzz_framing.rs`): bit flips, interesting bytes, tokens inserted, ranges deleted or
//! repeated, truncations, splices with other seeds.
#![allow(dead_code)]

/// xorshift64*: deterministic, no dependency.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// What a harness's mutations insert: single bytes, and tokens of its input's language.
pub struct Vocabulary {
    pub interesting: &'static [u8],
    pub tokens: &'static [&'static str],
}

/// One to four mutations of `input`; a splice takes the tail of one of `seeds` (`bytes`
/// gives a seed's bytes).
pub fn mutate<T>(
    rng: &mut Rng,
    input: &mut Vec<u8>,
    seeds: &[T],
    bytes: impl Fn(&T) -> &[u8],
    vocabulary: &Vocabulary,
) {
    let (interesting, tokens) = (vocabulary.interesting, vocabulary.tokens);
    for _ in 0..1 + rng.below(4) {
        let len = input.len();
        let at = rng.below(len + 1);
        match rng.below(8) {
            0 if len > 0 => {
                let i = rng.below(len);
                input[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                input[i] = interesting[rng.below(interesting.len())];
            }
            2 => {
                let token = tokens[rng.below(tokens.len())].as_bytes();
                input.splice(at..at, token.iter().copied());
            }
            3 if len > 0 => {
                let end = (at + 1 + rng.below(32)).min(len);
                input.drain(at.min(end)..end);
            }
            4 if len > 0 => {
                let end = (at + 1 + rng.below(64)).min(len);
                let part: Vec<u8> = input[at.min(end)..end].to_vec();
                let times = 1 + rng.below(3);
                for _ in 0..times {
                    input.splice(end..end, part.iter().copied());
                }
            }
            5 => input.truncate(at),
            6 => {
                let other = bytes(&seeds[rng.below(seeds.len())]);
                let from = rng.below(other.len() + 1);
                input.truncate(at);
                input.extend_from_slice(&other[from..]);
            }
            _ => {
                let i = rng.below(len + 1);
                input.insert(i, rng.next() as u8);
            }
        }
    }
}

/// How many mutated inputs to run (`TFBLINT_FUZZ_ITERATIONS`, else `iterations`) and the
/// generator, from `TFBLINT_FUZZ_SEED` (else `seed`).
pub fn settings(iterations: usize, seed: u64) -> (usize, Rng) {
    let var = |name: &str| std::env::var(name).ok();
    let iterations = var("TFBLINT_FUZZ_ITERATIONS")
        .and_then(|n| n.parse().ok())
        .unwrap_or(iterations);
    let seed: u64 = var("TFBLINT_FUZZ_SEED")
        .and_then(|n| n.parse().ok())
        .unwrap_or(seed);
    (iterations, Rng(seed | 1))
}

/// Fails the test for a panic on `data`, saved as `target/<saved>` first.
pub fn fail(name: &str, data: &[u8], panic: Box<dyn std::any::Any + Send>, saved: &str) -> ! {
    let saved = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join(saved);
    let _ = std::fs::create_dir_all(saved.parent().unwrap());
    let _ = std::fs::write(&saved, data);
    let message = panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default();
    panic!(
        "{name}: {message}\ninput saved to {}: {:?}",
        saved.display(),
        String::from_utf8_lossy(data)
    );
}
