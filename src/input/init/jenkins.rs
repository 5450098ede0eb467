//! Jenkinsfiles (declarative or scripted Pipeline, Groovy): the shell steps `sh '…'`,
//! `sh "…"`, `sh '''…'''`, `sh """…"""`, `sh(script: …)` / `sh(…)`, `sh script: …`, each
//! run in its own shell in the workspace (the repository checkout), or in the directory of
//! the `dir('…') { }` blocks around it (relative to the enclosing one).
//!
//! No maintained Rust crate parses Groovy without a C grammar (tree-sitter), so this is a
//! small scanner of Groovy's lexical structure, not a parser: it skips comments (`//`,
//! `/* */`), reads the four string literals with their escapes (a backslash before a newline
//! joins the lines; `\\`, `\'`, `\"`, `\$`, `\n`, `\t` stand for one character) and counts
//! braces outside them. A GString's `${…}` and `$name` are left in the shell text, where
//! the shell sees a run-time value, as Jenkins gives it one. Not understood, and so not
//! read: slashy strings (`/…/`, `$/…/$` skipped as far as they can be recognised),
//! commands built in variables (`def cmd = "…"; sh cmd`), and steps of shared libraries.

use std::ops::Range;

use crate::input::init::chunk::{Chunk, ChunkBuilder};
use crate::input::init::command::{Dir, Session};
use crate::input::init::{DirBase, InitCommand};

#[derive(Debug)]
enum Tok {
    Ident(Range<usize>),
    /// A string literal: its value as shell text, mapped back to the file.
    Str(Chunk),
    Punct(u8),
}

/// Groovy tokens of `text` (identifiers, string literals, punctuation), comments dropped.
fn tokens(text: &str) -> Vec<Tok> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if b[i..].starts_with(b"//") {
            i = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |k| i + k);
        } else if b[i..].starts_with(b"/*") {
            i = memchr::memmem::find(&b[i + 2..], b"*/").map_or(b.len(), |k| i + 2 + k + 2);
        } else if b[i..].starts_with(b"$/") {
            // Dollar-slashy string: no escapes but `$$`, `$/`; ends at `/$`.
            i = memchr::memmem::find(&b[i + 2..], b"/$").map_or(b.len(), |k| i + 2 + k + 2);
        } else if c == b'\'' || c == b'"' {
            let (chunk, end) = string(text, i);
            out.push(Tok::Str(chunk));
            i = end;
        } else if c.is_ascii_alphabetic() || c == b'_' {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            out.push(Tok::Ident(start..i));
        } else {
            out.push(Tok::Punct(c));
            // Step over the whole character.
            i += text[i..].chars().next().map_or(1, char::len_utf8);
        }
    }
    out
}

/// The string literal opening at `start` (`'`, `"`, `'''` or `"""`): its value and the offset
/// just past it (the end of the text when it is not closed).
fn string(text: &str, start: usize) -> (Chunk, usize) {
    let b = text.as_bytes();
    let q = b[start];
    let triple = b[start..].starts_with(&[q, q, q]);
    let open = if triple { 3 } else { 1 };
    let mut out = Chunk::builder();
    let mut i = start + open;
    let gstring = q == b'"';
    while i < b.len() {
        let c = b[i];
        if c == q && (!triple || b[i..].starts_with(&[q, q, q])) {
            return (out.finish(i), i + open);
        }
        if c == b'\n' && !triple {
            break; // An unclosed one-line string.
        }
        if c == b'\\' && i + 1 < b.len() {
            i = escape(text, i, &mut out);
            continue;
        }
        if gstring && b[i..].starts_with(b"${") {
            // Interpolation: kept as is up to its closing brace.
            let end = closing_brace(b, i + 2);
            out.push_verbatim(&text[i..end], i);
            i = end;
            continue;
        }
        let len = text[i..].chars().next().map_or(1, char::len_utf8);
        out.push_verbatim(&text[i..i + len], i);
        i += len;
    }
    (out.finish(i.min(b.len())), i.min(b.len()))
}

/// One escape sequence at `at` (a backslash): appends what it stands for, returns the offset
/// after it.
fn escape(text: &str, at: usize, out: &mut ChunkBuilder) -> usize {
    let next = text[at + 1..].chars().next().unwrap_or('\\');
    let after = at + 1 + next.len_utf8();
    // The character stands for the escape's last byte (so a span ending on it ends after the
    // escape), or for the backslash when the escaped character is not ASCII.
    let last = if next.is_ascii() { at + 1 } else { at };
    match next {
        '\n' => {}
        '\r' if text[after..].starts_with('\n') => return after + 1,
        'n' => out.push_char('\n', last),
        't' => out.push_char('\t', last),
        'r' => out.push_char('\r', last),
        // `\\`, `\'`, `\"`, `\$` and any other: the character itself.
        c => out.push_char(c, last),
    }
    after
}

/// The offset just past the `}` closing a `${` whose content starts at `from`.
fn closing_brace(b: &[u8], from: usize) -> usize {
    let mut depth = 1;
    for (k, &c) in b[from..].iter().enumerate() {
        match c {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return from + k + 1;
                }
            }
            b'\n' => return from + k,
            _ => {}
        }
    }
    b.len()
}

/// The script of the `sh` step whose arguments start at token `k`.
fn script(text: &str, toks: &[Tok], k: usize) -> Option<usize> {
    let is_ident =
        |t: Option<&Tok>, name: &str| matches!(t, Some(Tok::Ident(r)) if &text[r.clone()] == name);
    match toks.get(k)? {
        Tok::Str(_) => return Some(k),
        Tok::Punct(b'(') if matches!(toks.get(k + 1), Some(Tok::Str(_))) => {
            return matches!(toks.get(k + 2), Some(Tok::Punct(b')' | b','))).then_some(k + 1);
        }
        Tok::Punct(b'(') | Tok::Ident(_) => {}
        _ => return None,
    }
    // Named arguments: `script: '…'`, among at most a few others.
    let mut j = k;
    while j < toks.len() && j < k + 16 {
        if is_ident(toks.get(j), "script") && matches!(toks.get(j + 1), Some(Tok::Punct(b':'))) {
            return matches!(toks.get(j + 2), Some(Tok::Str(_))).then_some(j + 2);
        }
        if matches!(toks.get(j), Some(Tok::Punct(b')' | b'{' | b'}'))) {
            return None;
        }
        j += 1;
    }
    None
}

/// A `dir(…) {` whose arguments start at token `k`: the directory of the block (relative to
/// `here`; unknown unless the argument is one string literal without `$`) and the token after
/// its `{`.
fn dir_block(toks: &[Tok], k: usize, here: &Dir) -> Option<(Dir, usize)> {
    if !matches!(toks.get(k), Some(Tok::Punct(b'('))) {
        return None;
    }
    let mut nesting = 0usize;
    let mut close = None;
    for (j, t) in toks.iter().enumerate().skip(k) {
        match t {
            Tok::Punct(b'(') => nesting += 1,
            Tok::Punct(b')') => {
                nesting -= 1;
                if nesting == 0 {
                    close = Some(j);
                    break;
                }
            }
            Tok::Punct(b'{' | b'}') => return None,
            _ => {}
        }
    }
    let close = close?;
    if !matches!(toks.get(close + 1), Some(Tok::Punct(b'{'))) {
        return None;
    }
    let dir = match &toks[k + 1..close] {
        [Tok::Str(path)] if !path.text.contains('$') => here.cd(&path.text),
        _ => Dir::Dynamic,
    };
    Some((dir, close + 2))
}

/// Every `sh` step of a Jenkinsfile.
pub(crate) fn extract(text: &str) -> Vec<InitCommand> {
    let toks = tokens(text);
    let mut found = Vec::new();
    let mut depth = 0usize;
    // (brace depth inside the block, directory) of each enclosing `dir(…) { }`.
    let mut dirs: Vec<(usize, Dir)> = Vec::new();
    let root = Dir::Rel(Default::default());
    let mut k = 0;
    while k < toks.len() {
        match &toks[k] {
            Tok::Punct(b'{') => depth += 1,
            Tok::Punct(b'}') => {
                depth = depth.saturating_sub(1);
                while dirs.last().is_some_and(|(d, _)| *d > depth) {
                    dirs.pop();
                }
            }
            Tok::Ident(r) if &text[r.clone()] == "dir" => {
                if let Some((dir, next)) =
                    dir_block(&toks, k + 1, dirs.last().map_or(&root, |(_, d)| d))
                {
                    depth += 1;
                    dirs.push((depth, dir));
                    k = next;
                    continue;
                }
            }
            Tok::Ident(r) if &text[r.clone()] == "sh" => {
                if let Some(Tok::Str(chunk)) = script(text, &toks, k + 1).map(|s| &toks[s]) {
                    let dir = dirs.last().map_or(&root, |(_, d)| d).clone();
                    let mut s = Session::new(text, DirBase::RepoRoot, dir, false);
                    s.run(chunk);
                    found.extend(s.found);
                }
            }
            _ => {}
        }
        k += 1;
    }
    found
}
