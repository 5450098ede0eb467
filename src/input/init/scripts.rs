//! Plain text sources: shell scripts, Makefiles, justfiles.

use crate::input::init::chunk::Chunk;
use crate::input::init::command::{Dir, Session};
use crate::input::init::{DirBase, InitCommand};

/// Lines of `text` as (start offset, line without its `\n` / `\r\n`).
fn lines(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    for l in text.split_inclusive('\n') {
        let body = l.strip_suffix('\n').unwrap_or(l);
        out.push((start, body.strip_suffix('\r').unwrap_or(body)));
        start += l.len();
    }
    out
}

/// The line ends with an unescaped backslash.
fn continues(line: &str) -> bool {
    line.bytes().rev().take_while(|&b| b == b'\\').count() % 2 == 1
}

/// Whole-file shell script: one session, run from an unknown directory.
pub(crate) fn shell(text: &str) -> Vec<InitCommand> {
    let mut s = Session::new(
        text,
        DirBase::Invocation,
        Dir::Rel(Default::default()),
        false,
    );
    s.run(&Chunk::verbatim(text, 0));
    s.found
}

/// Strip make/just recipe line prefixes (`@`, `-`, `+`) and blanks.
fn strip_prefixes(line: &str, chars: &[char]) -> usize {
    line.len()
        - line
            .trim_start_matches(|c: char| chars.contains(&c) || c == ' ' || c == '\t')
            .len()
}

/// Chunk for file range `start..end`, turning make's `$$` into `$`.
fn make_chunk(text: &str, start: usize, end: usize) -> Chunk {
    let mut b = Chunk::builder();
    let s = &text[start..end];
    let mut i = 0;
    while let Some(k) = s[i..].find("$$") {
        b.push_verbatim(&s[i..i + k], start + i);
        b.push_char('$', start + i + k);
        i += k + 2;
    }
    b.push_verbatim(&s[i..], start + i);
    b.finish(end)
}

fn is_make_assignment(line: &str) -> bool {
    let Some(eq) = line.find('=') else {
        return false;
    };
    let colon = line.find(':');
    // `A := b`, `A ::= b` and `A = b` are assignments; `t: A=b` is a
    // target-specific variable, which we treat as a rule line.
    match colon {
        Some(c) if c < eq => line[c..eq].chars().all(|ch| ch == ':'),
        _ => true,
    }
}

/// Makefile: each recipe line (with its `\` continuations) runs in its own
/// shell unless `.ONESHELL:` is set; recipes run in the Makefile's directory.
pub(crate) fn makefile(text: &str) -> Vec<InitCommand> {
    let ls = lines(text);
    let oneshell = ls.iter().any(|(_, l)| l.trim_end() == ".ONESHELL:");
    let mut found = Vec::new();
    let mut in_recipe = false;
    let mut session: Option<Session> = None;
    let new_session = || Session::new(text, DirBase::FileDir, Dir::Rel(Default::default()), false);
    let mut i = 0;
    while i < ls.len() {
        let (off, line) = ls[i];
        let mut logical_end = i;
        while continues(ls[logical_end].1) && logical_end + 1 < ls.len() {
            logical_end += 1;
        }
        let end = ls[logical_end].0 + ls[logical_end].1.len();
        if line.starts_with('\t') && in_recipe {
            let start = off + strip_prefixes(line, &['@', '-', '+']);
            let chunk = make_chunk(text, start.min(end), end);
            let s = session.get_or_insert_with(new_session);
            s.run(&chunk);
            if !oneshell {
                found.append(&mut s.found);
                session = None;
            }
        } else if line.trim().is_empty() || line.trim_start().starts_with('#') {
            // Blank lines and comments do not end a recipe.
        } else {
            if let Some(s) = session.take() {
                found.extend(s.found);
            }
            let word = line.split_whitespace().next().unwrap_or("");
            if ["ifeq", "ifneq", "ifdef", "ifndef", "else", "endif"].contains(&word) {
                // Conditionals keep the recipe going.
            } else if !is_make_assignment(line) && line.contains(':') {
                in_recipe = true;
                // `target: deps ; command`
                if let Some(semi) = text[off..end].find(';') {
                    let start = off + semi + 1;
                    let mut s = new_session();
                    s.run(&make_chunk(text, start, end));
                    found.extend(s.found);
                }
            } else {
                in_recipe = false;
            }
        }
        i = logical_end + 1;
    }
    if let Some(s) = session {
        found.extend(s.found);
    }
    found
}

fn is_just_header(line: &str) -> bool {
    let l = line.strip_prefix('@').unwrap_or(line);
    let name_len = l
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
        .count();
    if name_len == 0 || !l.as_bytes()[0].is_ascii_alphabetic() && l.as_bytes()[0] != b'_' {
        return false;
    }
    let rest = &l[name_len..];
    // `name:=`, `name :=` are assignments; `alias x := y`, `set x := y` too.
    match rest.find(':') {
        Some(c) => !rest[c..].starts_with(":=") && !rest[..c].contains(":="),
        None => false,
    }
}

/// justfile: recipe lines run one shell each (all together for a `#!`
/// recipe), in the justfile's directory unless the recipe is `[no-cd]`.
pub(crate) fn justfile(text: &str) -> Vec<InitCommand> {
    let ls = lines(text);
    let mut found = Vec::new();
    let mut no_cd = false;
    let mut i = 0;
    while i < ls.len() {
        let line = ls[i].1;
        if line.starts_with('[') {
            no_cd |= line.contains("no-cd");
            i += 1;
            continue;
        }
        if !is_just_header(line) {
            if !line.trim().is_empty() && !line.starts_with('#') {
                no_cd = false;
            }
            i += 1;
            continue;
        }
        let base = if no_cd {
            DirBase::Invocation
        } else {
            DirBase::FileDir
        };
        no_cd = false;
        i += 1;
        let body_start = i;
        while i < ls.len() && (ls[i].1.trim().is_empty() || ls[i].1.starts_with([' ', '\t'])) {
            i += 1;
        }
        let body = &ls[body_start..i];
        let shebang = body
            .iter()
            .find(|(_, l)| !l.trim().is_empty())
            .is_some_and(|(_, l)| l.trim_start().starts_with("#!"));
        let mut session = Session::new(text, base, Dir::Rel(Default::default()), true);
        let mut k = 0;
        while k < body.len() {
            let (off, line) = body[k];
            let mut last = k;
            while !shebang && continues(body[last].1) && last + 1 < body.len() {
                last += 1;
            }
            let end = body[last].0 + body[last].1.len();
            let start = off
                + if shebang {
                    0
                } else {
                    strip_prefixes(line, &['@', '-'])
                };
            if start < end {
                session.run(&Chunk::verbatim(&text[start..end], start));
            }
            if !shebang {
                found.append(&mut session.found);
                session = Session::new(text, base, Dir::Rel(Default::default()), true);
            }
            k = last + 1;
        }
        found.extend(session.found);
    }
    found
}
