//! A piece of shell text cut out of a source file, with a way back to the
//! file's byte offsets.

use std::ops::Range;

/// How chunk offsets map back to the file.
#[derive(Debug, Clone)]
pub(crate) enum OffsetMap {
    /// `offsets[i]` is the file offset of chunk byte `i`; one extra entry at
    /// the end gives the file offset just past the chunk.
    Exact(Vec<usize>),
    /// No exact mapping (YAML quoted/folded scalars): locate the text inside
    /// `region` of the file, else fall back to the whole region.
    Approx { region: Range<usize> },
}

/// Shell text plus its mapping to the source file.
#[derive(Debug, Clone)]
pub(crate) struct Chunk {
    pub text: String,
    pub map: OffsetMap,
}

impl Chunk {
    /// A chunk that is a verbatim slice of the file starting at `file_start`.
    pub fn verbatim(text: &str, file_start: usize) -> Chunk {
        let offsets = (0..=text.len()).map(|i| file_start + i).collect();
        Chunk {
            text: text.to_string(),
            map: OffsetMap::Exact(offsets),
        }
    }

    /// A chunk built piecewise, each piece mapped exactly.
    pub fn builder() -> ChunkBuilder {
        ChunkBuilder {
            text: String::new(),
            offsets: Vec::new(),
        }
    }

    pub fn approx(text: String, region: Range<usize>) -> Chunk {
        Chunk {
            text,
            map: OffsetMap::Approx { region },
        }
    }

    /// Map a byte range of the chunk text to a byte range of the file.
    pub fn map_range(&self, r: Range<usize>, file: &str) -> Range<usize> {
        let r = r.start.min(self.text.len())
            ..r.end.min(self.text.len()).max(r.start.min(self.text.len()));
        match &self.map {
            OffsetMap::Exact(offs) => {
                let start = offs[r.start];
                let end = if r.end > r.start {
                    offs[r.end - 1] + 1
                } else {
                    start
                };
                // The last byte of a multi-byte char maps to its own file byte,
                // so `+ 1` lands on the end of the char.
                start..end.max(start)
            }
            OffsetMap::Approx { region } => locate(&self.text, r, file, region.clone()),
        }
    }
}

/// Find `text[r]` inside `file[region]`, choosing the same occurrence index as
/// the needle has in `text`; the whole region when it cannot be found.
fn locate(text: &str, r: Range<usize>, file: &str, region: Range<usize>) -> Range<usize> {
    let (Some(needle), Some(hay)) = (text.get(r.clone()), file.get(region.clone())) else {
        return region;
    };
    if needle.is_empty() {
        return region;
    }
    let nth = text[..r.start].match_indices(needle).count();
    let mut found = hay.match_indices(needle).map(|(i, _)| i);
    let pos = found.clone().nth(nth).or_else(|| found.next());
    match pos {
        Some(p) => region.start + p..region.start + p + needle.len(),
        None => region,
    }
}

pub(crate) struct ChunkBuilder {
    text: String,
    offsets: Vec<usize>,
}

impl ChunkBuilder {
    /// Append `s`, whose first byte is at `file_start` in the file.
    pub fn push_verbatim(&mut self, s: &str, file_start: usize) {
        self.text.push_str(s);
        self.offsets.extend((0..s.len()).map(|i| file_start + i));
    }

    /// Append a char that stands for the file bytes at `file_at`.
    pub fn push_char(&mut self, c: char, file_at: usize) {
        self.text.push(c);
        self.offsets
            .extend(std::iter::repeat_n(file_at, c.len_utf8()));
    }

    /// Append the text of `chunk`, mapped as it maps (an approximate chunk's bytes all map to
    /// the start of its region).
    pub fn push_chunk(&mut self, chunk: &Chunk) {
        self.text.push_str(&chunk.text);
        match &chunk.map {
            OffsetMap::Exact(offsets) => {
                self.offsets.extend_from_slice(&offsets[..chunk.text.len()])
            }
            OffsetMap::Approx { region } => self
                .offsets
                .extend(std::iter::repeat_n(region.start, chunk.text.len())),
        }
    }

    pub fn finish(mut self, file_end: usize) -> Chunk {
        self.offsets.push(file_end);
        Chunk {
            text: self.text,
            map: OffsetMap::Exact(self.offsets),
        }
    }
}
