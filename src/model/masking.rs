//! Masking secrets in a file's text before any of it is shown: by the model's spans of
//! credential values, and by a plain text scan that needs no parse.

use std::sync::Arc;

use crate::input::init::secrets::is_secret_name_bytes;

/// Replaces every character in `ranges` with `*`, byte for byte, so that offsets and char
/// boundaries stay valid. Line breaks are kept, so line numbers stay valid too.
pub fn mask(text: &Arc<str>, ranges: impl Iterator<Item = std::ops::Range<usize>>) -> Arc<str> {
    let mut ranges = ranges.peekable();
    if ranges.peek().is_none() {
        return Arc::clone(text);
    }
    let mut bytes = text.as_bytes().to_vec();
    for range in ranges {
        let end = range.end.min(bytes.len());
        for b in &mut bytes[range.start.min(end)..end] {
            if !matches!(*b, b'\n' | b'\r') {
                *b = b'*';
            }
        }
    }
    // Masking whole multi-byte characters byte by byte keeps UTF-8 valid only if ranges start
    // and end on boundaries, which spans from the parser do; fall back to lossy otherwise.
    match String::from_utf8(bytes) {
        Ok(s) => Arc::from(s),
        Err(e) => Arc::from(String::from_utf8_lossy(e.as_bytes()).into_owned()),
    }
}

/// The byte ranges of values written as `NAME = "…"` for every name that looks like a
/// credential ([`is_secret_name_bytes`]: `*secret*`, `*access_key*`, `*token*`, `*password*`
/// and the like, known to the s3 schema or not, misspelt or not: `aws_secret_access_key`,
/// `secret_key`, `token`, `sse_customer_key`), also as `"NAME" = …` or `NAME: …`, as a quoted
/// string or a heredoc, anywhere in `text`, found without parsing: for masking, including in
/// files that do not parse and in blocks the rules do not look at. A quoted value ends at its
/// line's end at the latest; a heredoc's value is one range per line, without the line feeds.
/// One pass over the text, whatever the number of names.
pub fn secret_text_ranges(text: &str) -> Vec<std::ops::Range<usize>> {
    let bytes = text.as_bytes();
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
    let skip_blanks = |mut i: usize| {
        while i < bytes.len() && matches!(bytes[i], b' ' | b'\t') {
            i += 1;
        }
        i
    };
    let mut ranges = Vec::new();
    let mut next = 0;
    while next < bytes.len() {
        // The next identifier: a maximal run of identifier characters.
        let Some(at) = bytes[next..]
            .iter()
            .position(|&b| is_ident(b))
            .map(|n| next + n)
        else {
            break;
        };
        let end = bytes[at..]
            .iter()
            .position(|&b| !is_ident(b))
            .map_or(bytes.len(), |n| at + n);
        next = end;
        // `"token" = …`, or a bare `token = …` (after anything but an identifier's
        // character, a quote included: `x = "token = "…` still masks).
        let quoted = at > 0 && bytes[at - 1] == b'"' && bytes.get(end) == Some(&b'"');
        if quoted && at >= 2 && is_ident(bytes[at - 2]) {
            continue;
        }
        let mut i = if quoted { end + 1 } else { end };
        i = skip_blanks(i);
        match bytes.get(i) {
            Some(b'=') if bytes.get(i + 1) != Some(&b'=') => {}
            Some(b':') => {}
            _ => continue,
        }
        // Only now the name (most identifiers are not assigned to).
        if !is_secret_name_bytes(&bytes[at..end]) {
            continue;
        }
        i = skip_blanks(i + 1);
        if bytes.get(i) == Some(&b'"') {
            let start = i + 1;
            let mut end = start;
            while end < bytes.len() && !matches!(bytes[end], b'"' | b'\n' | b'\r') {
                // An escaped quote is part of the value; an escaped line break is not.
                let escape = bytes[end] == b'\\'
                    && !matches!(bytes.get(end + 1), None | Some(b'\n' | b'\r'));
                end += if escape { 2 } else { 1 };
            }
            let end = end.min(bytes.len());
            if end > start {
                ranges.push(start..end);
            }
        } else if bytes[i..].starts_with(b"<<") {
            ranges.extend(heredoc_lines(text, i + 2));
        }
    }
    ranges
}

/// The content lines of a heredoc whose `<<` ends at `i`: up to its closing delimiter line.
fn heredoc_lines(text: &str, mut i: usize) -> Vec<std::ops::Range<usize>> {
    let bytes = text.as_bytes();
    if bytes.get(i) == Some(&b'-') {
        i += 1;
    }
    let start = i;
    while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
        i += 1;
    }
    let delimiter = &text[start..i];
    let Some(newline) = memchr::memchr(b'\n', &bytes[i..]) else {
        return Vec::new();
    };
    if delimiter.is_empty() || !text[i..i + newline].trim().is_empty() {
        return Vec::new();
    }
    let mut lines = Vec::new();
    let mut line_start = i + newline + 1;
    while line_start < bytes.len() {
        let line_end =
            memchr::memchr(b'\n', &bytes[line_start..]).map_or(bytes.len(), |n| line_start + n);
        if text[line_start..line_end].trim() == delimiter {
            break;
        }
        lines.push(line_start..line_end);
        line_start = line_end + 1;
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masked(text: &str) -> String {
        mask(&Arc::from(text), secret_text_ranges(text).into_iter()).to_string()
    }

    #[test]
    fn secret_named_values_are_masked_anywhere_in_the_text() {
        assert_eq!(
            masked("provider \"do\" {\n  token = \"dop_v1_abc\"\n}\n"),
            "provider \"do\" {\n  token = \"**********\"\n}\n"
        );
        // Quoted keys, colons, escapes, an unterminated string, a heredoc.
        assert_eq!(
            masked("{ \"secret_key\": \"a\\\"b\" }"),
            "{ \"secret_key\": \"****\" }"
        );
        assert_eq!(
            masked("access_key = \"abc\nx = 1"),
            "access_key = \"***\nx = 1"
        );
        assert_eq!(
            masked("access_key = \"abc\\\nx = \"1\""),
            "access_key = \"****\nx = \"1\""
        );
        // Found by fuzzing: a quote before the name that does not quote it.
        assert_eq!(
            masked("= \"token = \"dop_v1_x\" \"web\""),
            "= \"token = \"********\" \"web\""
        );
        assert_eq!(
            masked("token = <<-EOT\n  abc\r\n  EOT\nx = 1\n"),
            "token = <<-EOT\n*****\r\n  EOT\nx = 1\n"
        );
        // Any name that looks like a credential, known or not, misspelt or not.
        assert_eq!(
            masked("aws_secret_access_key = \"abc\"\nmy_token: \"d\"\nDB_PASSWORD = \"e\""),
            "aws_secret_access_key = \"***\"\nmy_token: \"*\"\nDB_PASSWORD = \"*\""
        );
        // Not a secret: another name, a comparison, a reference.
        for text in [
            "bucket = \"token\"",
            "x_token_y.z = \"abc\"",
            "x = token == \"abc\"",
            "token = var.token",
        ] {
            assert_eq!(masked(text), text);
        }
    }

    #[test]
    fn every_known_credential_name_looks_like_one() {
        let known = crate::model::schema::CREDENTIAL_ARGUMENTS
            .iter()
            .chain(crate::model::secrets::PROVIDER_SECRET_ARGUMENTS);
        for (name, variable) in known {
            assert!(is_secret_name_bytes(name.as_bytes()), "{name}");
            assert!(is_secret_name_bytes(variable.as_bytes()), "{variable}");
        }
    }

    #[test]
    fn masking_keeps_line_breaks_and_char_boundaries() {
        let text: Arc<str> = Arc::from("a = <<EOT\né\nEOT\n");
        assert_eq!(
            &*mask(&text, std::iter::once(4..16)),
            "a = *****\n**\n***\n"
        );
    }
}
