//! What parsing a file may cost, decided by a byte scan before parsing.
//!
//! hcl-edit's tree takes a few hundred bytes for each part of an expression (a traversal step
//! `.x` or `[i]`, a list or object item, a call's argument), so a file that is nothing but
//! parts (a 15 MiB traversal `a.b.b.b…`) would take gigabytes. hcl-edit already caps nesting
//! (64 levels) and chained operators (128); this caps the parts, so that the memory of a parse
//! is bounded whatever the input: a file with more than [`MAX_EXPRESSION_PARTS`] is not parsed
//! (TFB001, at the part over the limit).
//!
//! Parts are counted outside comments and the literal text of strings (`"a.b,c"` costs
//! nothing), and inside interpolations (`"${a.b.c}"` costs two).

/// The most expression parts (`.`, `[`, `(`, `,` in code) one file may hold. Real
/// configuration holds a few per line; a file of 16 MiB holds a million only when built to.
pub const MAX_EXPRESSION_PARTS: usize = 1_000_000;

/// The offset of the part over [`MAX_EXPRESSION_PARTS`], if the text has that many.
pub fn too_costly(text: &[u8]) -> Option<usize> {
    too_costly_with(text, MAX_EXPRESSION_PARTS)
}

/// The TFB001 message for a file over the limit.
pub fn too_costly_message() -> String {
    format!(
        "expression too large: the file has more than {MAX_EXPRESSION_PARTS} expression parts (traversal steps, items, arguments); not parsed"
    )
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Code,
    /// In a quoted string.
    Str,
}

fn too_costly_with(text: &[u8], max: usize) -> Option<usize> {
    // Each part is one byte: a text no longer than the limit cannot pass it (and real files
    // are all far shorter than a million bytes, so they are not scanned).
    if text.len() <= max {
        return None;
    }
    let mut parts = 0usize;
    // The mode of each open interpolation's surroundings, and the braces open in it.
    let mut stack: Vec<(Mode, usize)> = Vec::new();
    let mut mode = Mode::Code;
    let mut braces = 0usize;
    let mut i = 0;
    while i < text.len() {
        let b = text[i];
        match mode {
            Mode::Str => match b {
                b'\\' => i += 1,
                b'"' | b'\n' => mode = Mode::Code,
                b'$' | b'%' if text.get(i + 1) == Some(&b'{') => {
                    stack.push((Mode::Str, braces));
                    mode = Mode::Code;
                    braces = 0;
                    i += 1;
                }
                _ => {}
            },
            Mode::Code => match b {
                b'"' => mode = Mode::Str,
                b'#' => i = line_end(text, i),
                b'/' if text.get(i + 1) == Some(&b'/') => i = line_end(text, i),
                b'/' if text.get(i + 1) == Some(&b'*') => {
                    i = memchr::memmem::find(&text[i + 2..], b"*/")
                        .map_or(text.len(), |n| i + 2 + n + 2);
                    continue;
                }
                b'{' => braces += 1,
                b'}' if braces == 0 => {
                    // The end of an interpolation: back to the string around it.
                    if let Some((outer, open)) = stack.pop() {
                        mode = outer;
                        braces = open;
                    }
                }
                b'}' => braces -= 1,
                b'.' | b'[' | b'(' | b',' => {
                    parts += 1;
                    if parts > max {
                        return Some(i);
                    }
                }
                _ => {}
            },
        }
        i += 1;
    }
    None
}

fn line_end(text: &[u8], i: usize) -> usize {
    memchr::memchr(b'\n', &text[i..]).map_or(text.len(), |n| i + n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_count_in_code_and_interpolations_not_in_text_or_comments() {
        let count = |text: &str| {
            (0..20)
                .find(|&max| too_costly_with(text.as_bytes(), max).is_none())
                .unwrap()
        };
        assert_eq!(count("x = a.b.c[0]\n"), 3);
        assert_eq!(
            count("x = \"a.b,c(d)\" # a.b.c\n// x.y\n/* [.,( */ y = f(1, 2)\n"),
            2
        );
        assert_eq!(count("x = \"${a.b.c} and %{ if x.y }z%{ endif }\"\n"), 3);
        assert_eq!(count("x = \"\\\"a.b\" + {a = b.c}\n"), 1);
        // An unterminated string ends at its line.
        assert_eq!(count("x = \"a.b\ny = c.d\n"), 1);
    }

    #[test]
    fn a_long_traversal_is_over_the_limit_at_the_part_that_passes_it() {
        let text = format!("x = a{}\n", ".b".repeat(11));
        assert_eq!(too_costly_with(text.as_bytes(), 10), Some(5 + 2 * 10));
        assert_eq!(too_costly_with(text.as_bytes(), 11), None);
    }
}
