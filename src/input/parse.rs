//! Parsing HCL text into a syntax tree: a leading byte order mark accepted, and an attribute
//! set twice in one body recovered from (left out and recorded) in a bounded number of parses.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;

use hcl_edit::structure::Body;
use hcl_edit::Span;

const BOM: &str = "\u{feff}";

/// Why a file has no syntax tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseFailure {
    pub message: String,
    /// Usually zero-width: the parser reports a point, not a range.
    pub span: Range<usize>,
}

pub fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// An attribute set twice in one body: Terraform's "Attribute redefined". The parser refuses
/// the whole file for it; tfblint parses the file without the repeat and keeps it here, so the
/// rest of the file is still linted (TFB604 reports it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redefinition {
    pub name: String,
    /// The repeated key.
    pub span: Range<usize>,
    /// The key of the first definition, in the same body.
    pub first: Range<usize>,
}

/// Parses HCL text, accepting (as Terraform does) a leading byte order mark.
pub fn parse(text: &str) -> Result<Body, ParseFailure> {
    let skip = if text.starts_with(BOM) { BOM.len() } else { 0 };
    if skip > 0 {
        // Spans must stay offsets into `text`: blank the BOM out instead of slicing it off.
        let padded = format!("{}{}", " ".repeat(skip), &text[skip..]);
        return parse_str(&padded);
    }
    parse_str(text)
}

/// What hcl-edit says when a body sets an attribute twice.
const REDEFINED: &str = "found redefined attribute";

/// Like [`parse`], but an attribute set twice in one body does not fail the file: it is left
/// out of the tree and returned. hcl-edit stops at the first repeated key, so, rather than
/// parse the file again for each repeat, the keys that look repeated (a line `name =` whose
/// name an earlier line of the same block, by its braces, already set) are all renamed up
/// front, in a copy of the same length so that every span stays valid, and the copy is parsed
/// once: the tree then tells the repeats (left out) from the other renames (their names put
/// back). A file with no repeat is parsed once; with any number of repeats, usually twice,
/// and never more than [`MAX_RECOVERY_PARSES`] times.
pub fn parse_recovering(text: &str) -> (Result<Body, ParseFailure>, Vec<Redefinition>) {
    let first_failure = match parse(text) {
        Ok(body) => return (Ok(body), Vec::new()),
        Err(failure) if failure.message.contains(REDEFINED) => failure,
        Err(failure) => return (Err(failure), Vec::new()),
    };
    let mut renames = Renames::guess(text, first_failure.span.start);
    for _ in 1..MAX_RECOVERY_PARSES {
        let copy = renames.apply(text);
        match parse(&copy) {
            Ok(mut body) => {
                let mut pending: HashMap<usize, String> = renames.names();
                let mut redefined = Vec::new();
                settle(&mut body, &mut pending, &mut redefined);
                if pending.is_empty() {
                    redefined.sort_by_key(|r| r.span.start);
                    return (Ok(body), redefined);
                }
                // A rename that was no attribute's key (an object's key, a line of a
                // heredoc) changed the tree: again, with only the repeats renamed.
                renames.keep(|at| redefined.iter().any(|r| r.span.start == at));
            }
            Err(failure) => {
                let at = failure.span.start;
                if !failure.message.contains(REDEFINED) || !renames.add(text, at) {
                    return (Err(failure), Vec::new());
                }
            }
        }
    }
    (Err(first_failure), Vec::new())
}

/// How many times one file may be parsed to recover from repeated attributes.
pub const MAX_RECOVERY_PARSES: usize = 6;

/// Keys renamed in a copy of a text: at each offset, the real name and the letter that
/// replaces its first one.
struct Renames<'t> {
    /// Names that lines of the text set (`name =`): a new name must be none of them.
    taken: HashSet<&'t str>,
    at: BTreeMap<usize, (&'t str, u8)>,
    used: HashSet<(u8, &'t str)>,
}

impl<'t> Renames<'t> {
    /// Renames every line `name =` at or after `from` whose name an earlier line of the same
    /// block already set (blocks told by braces: a guess, which the parse then checks).
    fn guess(text: &'t str, from: usize) -> Self {
        let bytes = text.as_bytes();
        let mut renames = Renames {
            taken: HashSet::new(),
            at: BTreeMap::new(),
            used: HashSet::new(),
        };
        let mut scopes: Vec<HashSet<&str>> = vec![HashSet::new()];
        let mut repeats = Vec::new();
        let mut line = 0;
        while line < bytes.len() {
            let end = memchr::memchr(b'\n', &bytes[line..]).map_or(bytes.len(), |n| line + n);
            if let Some((at, name)) = assignment(text, line, end) {
                renames.taken.insert(name);
                let scope = scopes.last_mut().expect("one scope at least");
                if !scope.insert(name) && at >= from {
                    repeats.push(at);
                }
            }
            for &b in &bytes[line..end] {
                match b {
                    b'{' => scopes.push(HashSet::new()),
                    b'}' if scopes.len() > 1 => {
                        scopes.pop();
                    }
                    _ => {}
                }
            }
            line = end + 1;
        }
        for at in repeats {
            renames.add(text, at);
        }
        renames
    }

    /// Renames the key at `at` (again, with another letter, if it was renamed already);
    /// `false` when it is no ASCII key or every letter is taken.
    fn add(&mut self, text: &'t str, at: usize) -> bool {
        let len = text.as_bytes()[at..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'))
            .count();
        if len == 0 {
            return false;
        }
        let name = &text[at..at + len];
        let tail = &name[1..];
        let free = (b'A'..=b'Z').rev().chain((b'a'..=b'z').rev()).find(|&c| {
            !self.used.contains(&(c, tail))
                && c != name.as_bytes()[0]
                && !self.taken.contains(format!("{}{tail}", c as char).as_str())
        });
        let Some(letter) = free else { return false };
        self.used.insert((letter, tail));
        self.at.insert(at, (name, letter));
        true
    }

    fn keep(&mut self, keep: impl Fn(usize) -> bool) {
        self.at.retain(|at, _| keep(*at));
    }

    fn names(&self) -> HashMap<usize, String> {
        self.at
            .iter()
            .map(|(at, (name, _))| (*at, name.to_string()))
            .collect()
    }

    /// The text with every rename made: the same length, every span the same.
    fn apply(&self, text: &str) -> String {
        let mut copy = text.as_bytes().to_vec();
        for (at, (_, letter)) in &self.at {
            copy[*at] = *letter;
        }
        // Only ASCII letters replaced ASCII letters (or `_`): still UTF-8.
        String::from_utf8(copy).unwrap_or_default()
    }
}

/// The name and offset of `name =` starting the line `line..end` (after blanks), if it does.
fn assignment(text: &str, line: usize, end: usize) -> Option<(usize, &str)> {
    let bytes = text.as_bytes();
    let mut i = line;
    while i < end && matches!(bytes[i], b' ' | b'\t') {
        i += 1;
    }
    let start = i;
    if i >= end || !(bytes[i].is_ascii_alphabetic() || bytes[i] == b'_') {
        return None;
    }
    while i < end && (bytes[i].is_ascii_alphanumeric() || matches!(bytes[i], b'_' | b'-')) {
        i += 1;
    }
    let name_end = i;
    while i < end && matches!(bytes[i], b' ' | b'\t') {
        i += 1;
    }
    let assigns = i < end && bytes[i] == b'=' && !matches!(bytes.get(i + 1), Some(b'=' | b'>'));
    assigns.then(|| (start, &text[start..name_end]))
}

/// Goes through every body in order: an attribute whose real name (`pending`: the renamed
/// ones, by the offset of their key) its body already has is removed and recorded; a renamed
/// attribute that is no repeat gets its name back. What is left in `pending` was no
/// attribute's key.
fn settle(body: &mut Body, pending: &mut HashMap<usize, String>, out: &mut Vec<Redefinition>) {
    let mut first: HashMap<String, Range<usize>> = HashMap::new();
    let mut i = 0;
    while i < body.len() {
        if let Some(block) = body.get_mut(i).and_then(|s| s.as_block_mut()) {
            settle(&mut block.body, pending, out);
            i += 1;
            continue;
        }
        let Some(attr) = body.get_mut(i).and_then(|s| s.as_attribute_mut()) else {
            i += 1;
            continue;
        };
        let span = attr.key.span().unwrap_or(0..0);
        let renamed = pending.remove(&span.start);
        let name = renamed
            .clone()
            .unwrap_or_else(|| attr.key.value().as_str().to_string());
        if let Some(first) = first.get(&name) {
            out.push(Redefinition {
                name,
                span,
                first: first.clone(),
            });
            body.remove(i);
            continue;
        }
        if renamed.is_some() {
            *attr.key.value_mut() = hcl_edit::Ident::new_unchecked(&name);
        }
        first.insert(name, span);
        i += 1;
    }
}

/// How many texts were parsed as HCL on this thread (for tests that bound the work).
#[doc(hidden)]
pub fn parses() -> usize {
    PARSES.with(|c| c.get())
}

thread_local! {
    static PARSES: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

fn parse_str(text: &str) -> Result<Body, ParseFailure> {
    PARSES.with(|c| c.set(c.get() + 1));
    hcl_edit::parser::parse_body(text).map_err(|err| {
        let offset = floor_char_boundary(text, err.location().offset());
        ParseFailure {
            message: err.message().to_string(),
            span: offset..offset,
        }
    })
}
