//! Shell tokenizer that keeps positions: splits a chunk into words and
//! control operators. Unquoting of plain words is cross-checked with `shlex`
//! (see `Word::value`); this module only finds where words start and end and
//! which of their characters come from expansions.

use std::ops::Range;

/// One character of a word after quote removal.
#[derive(Debug, Clone, Copy)]
pub(crate) struct WChar {
    pub c: char,
    /// Byte offset in the chunk text of the source character.
    pub off: usize,
}

#[derive(Debug, Clone)]
pub(crate) struct Word {
    pub chars: Vec<WChar>,
    /// Byte range of the raw word in the chunk text.
    pub raw: Range<usize>,
    /// Char-index ranges (into `chars`) that come from expansions, with a
    /// flag telling whether the expansion names a CI secret.
    pub dyn_ranges: Vec<(Range<usize>, bool)>,
    /// Whether quotes or escapes were used anywhere in the word.
    pub quoted: bool,
    /// False when `shlex` unquoted the word differently from this lexer: the
    /// text is then `shlex`'s and sub-spans widen to the whole word.
    pub exact: bool,
}

impl Word {
    pub fn text(&self) -> String {
        self.chars.iter().map(|c| c.c).collect()
    }
    pub fn text_range(&self, r: Range<usize>) -> String {
        self.chars[r].iter().map(|c| c.c).collect()
    }
    pub fn is_dynamic(&self, r: &Range<usize>) -> bool {
        self.dyn_ranges
            .iter()
            .any(|(d, _)| d.start < r.end && r.start < d.end)
            || (r.is_empty() && self.dyn_ranges.iter().any(|(d, _)| d.start == r.start))
    }
    pub fn has_secret_ref(&self, r: &Range<usize>) -> bool {
        self.dyn_ranges
            .iter()
            .any(|(d, s)| *s && d.start < r.end && r.start < d.end)
    }
    /// The whole word is a single expansion (`$TF`, `${TF}`, `$(TF)`, `${{ env.TF }}`).
    pub fn is_single_expansion(&self) -> bool {
        self.dyn_ranges.len() == 1 && self.dyn_ranges[0].0 == (0..self.chars.len())
    }
    /// Chunk byte range of chars `r` (the source characters, quotes excluded
    /// at the edges). Empty range → zero-length range at the position.
    pub fn chunk_range(&self, r: Range<usize>, chunk_text: &str) -> Range<usize> {
        if !self.exact {
            return self.raw.clone();
        }
        if r.start >= self.chars.len() {
            return self.raw.end..self.raw.end;
        }
        let start = self.chars[r.start].off;
        if r.is_empty() {
            return start..start;
        }
        let last = self.chars[r.end - 1].off;
        let len = chunk_text
            .get(last..)
            .and_then(|s| s.chars().next())
            .map_or(1, char::len_utf8);
        start..last + len
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    /// `;`, newline, `&&`, `||`, `&`: sequential (for our purpose).
    Seq,
    Pipe,
    Open,
    Close,
}

#[derive(Debug, Clone)]
pub(crate) enum Token {
    Word(Word),
    Op(Op),
    /// A word that could not be read (unbalanced quote or expansion): the
    /// command it belongs to is skipped.
    Broken,
}

pub(crate) struct Lexer<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
    /// Whether `{{ … }}` is a template expansion (justfile, Taskfile).
    templates: bool,
    heredocs: Vec<(String, bool)>,
    out: Vec<Token>,
}

pub(crate) fn tokenize(s: &str, templates: bool) -> Vec<Token> {
    let mut lx = Lexer {
        s,
        b: s.as_bytes(),
        i: 0,
        templates,
        heredocs: Vec::new(),
        out: Vec::new(),
    };
    lx.run();
    lx.out
}

fn is_name_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}
fn is_name(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

impl Lexer<'_> {
    fn at(&self, k: usize) -> u8 {
        self.b.get(k).copied().unwrap_or(0)
    }
    fn starts(&self, k: usize, p: &str) -> bool {
        self.b.get(k..).is_some_and(|r| r.starts_with(p.as_bytes()))
    }

    fn run(&mut self) {
        while self.i < self.b.len() {
            let c = self.b[self.i];
            match c {
                b' ' | b'\t' | b'\r' => self.i += 1,
                b'\\' if self.at(self.i + 1) == b'\n' => self.i += 2,
                b'\\' if self.starts(self.i + 1, "\r\n") => self.i += 3,
                b'#' => {
                    while self.i < self.b.len() && self.b[self.i] != b'\n' {
                        self.i += 1;
                    }
                }
                b'\n' => {
                    self.i += 1;
                    self.out.push(Token::Op(Op::Seq));
                    self.skip_heredocs();
                }
                b';' | b'&' | b'|' => {
                    if c == b'&' && self.at(self.i + 1) == b'>' {
                        self.redirection();
                        continue;
                    }
                    let two = self.at(self.i + 1);
                    let op = if c == b'|' && two != b'|' {
                        Op::Pipe
                    } else {
                        Op::Seq
                    };
                    self.i += if two == c || (c == b'|' && two == b'&') {
                        2
                    } else {
                        1
                    };
                    self.out.push(Token::Op(op));
                }
                b'(' => {
                    self.i += 1;
                    self.out.push(Token::Op(Op::Open));
                }
                b')' => {
                    self.i += 1;
                    self.out.push(Token::Op(Op::Close));
                }
                b'<' | b'>' => self.redirection(),
                _ => {
                    // `2>&1`, `1>file`: digits right before a redirection.
                    let mut k = self.i;
                    while self.at(k).is_ascii_digit() {
                        k += 1;
                    }
                    if k > self.i && matches!(self.at(k), b'<' | b'>') {
                        self.i = k;
                        self.redirection();
                    } else {
                        self.word_token();
                    }
                }
            }
        }
    }

    fn word_token(&mut self) {
        let start = self.i;
        match self.word() {
            Ok(w) => self.out.push(Token::Word(w)),
            Err(()) => {
                self.out.push(Token::Broken);
                // Resume at the end of the line where the broken word began.
                let mut k = start;
                while k < self.b.len() && self.b[k] != b'\n' {
                    k += 1;
                }
                self.i = k.max(start + 1);
            }
        }
    }

    fn redirection(&mut self) {
        let start = self.i;
        let mut op = String::new();
        while matches!(self.at(self.i), b'<' | b'>' | b'&' | b'|' | b'-') && op.len() < 3 {
            let c = self.at(self.i);
            if c == b'-' && !op.starts_with("<<") || c == b'|' && op != ">" {
                break;
            }
            op.push(c as char);
            self.i += 1;
        }
        if op.ends_with('&') && (self.at(self.i).is_ascii_digit() || self.at(self.i) == b'-') {
            while self.at(self.i).is_ascii_digit() || self.at(self.i) == b'-' {
                self.i += 1;
            }
            return;
        }
        while matches!(self.at(self.i), b' ' | b'\t') {
            self.i += 1;
        }
        if self.i >= self.b.len()
            || matches!(self.at(self.i), b'\n' | b';' | b'|' | b'&' | b'(' | b')')
        {
            return;
        }
        match self.word() {
            Ok(w) if op.starts_with("<<") && op != "<<<" => {
                self.heredocs.push((w.text(), op == "<<-"))
            }
            Ok(_) => {}
            Err(()) => {
                self.i = self.i.max(start + 1);
                self.out.push(Token::Broken);
            }
        }
    }

    fn skip_heredocs(&mut self) {
        for (delim, _strip_tabs) in std::mem::take(&mut self.heredocs) {
            loop {
                if self.i >= self.b.len() {
                    return;
                }
                let end = self.s[self.i..]
                    .find('\n')
                    .map_or(self.b.len(), |k| self.i + k);
                let line = self.s[self.i..end].trim_end_matches('\r').trim_start();
                self.i = (end + 1).min(self.b.len());
                if line == delim {
                    break;
                }
            }
        }
    }

    /// Read one word starting at `self.i`.
    fn word(&mut self) -> Result<Word, ()> {
        let start = self.i;
        let mut w = Word {
            chars: Vec::new(),
            raw: start..start,
            dyn_ranges: Vec::new(),
            quoted: false,
            exact: true,
        };
        while self.i < self.b.len() {
            let c = self.b[self.i];
            match c {
                b' ' | b'\t' | b'\r' | b'\n' | b';' | b'&' | b'|' | b'(' | b')' | b'<' | b'>' => {
                    break
                }
                b'\\' => {
                    w.quoted = true;
                    if self.at(self.i + 1) == b'\n' {
                        self.i += 2;
                    } else if self.starts(self.i + 1, "\r\n") {
                        self.i += 3;
                    } else if self.i + 1 < self.b.len() {
                        self.i += 1;
                        self.push_char(&mut w);
                    } else {
                        self.push_char(&mut w);
                    }
                }
                b'\'' => {
                    w.quoted = true;
                    self.i += 1;
                    loop {
                        if self.i >= self.b.len() {
                            return Err(());
                        }
                        if self.b[self.i] == b'\'' {
                            self.i += 1;
                            break;
                        }
                        if !self.ci_expansion(&mut w)? {
                            self.push_char(&mut w);
                        }
                    }
                }
                b'"' => {
                    w.quoted = true;
                    self.i += 1;
                    loop {
                        if self.i >= self.b.len() {
                            return Err(());
                        }
                        match self.b[self.i] {
                            b'"' => {
                                self.i += 1;
                                break;
                            }
                            b'\\' if self.at(self.i + 1) == b'\n' => self.i += 2,
                            b'\\' if matches!(self.at(self.i + 1), b'$' | b'`' | b'"' | b'\\') => {
                                self.i += 1;
                                self.push_char(&mut w);
                            }
                            _ => self.expand_or_push(&mut w)?,
                        }
                    }
                }
                _ => self.expand_or_push(&mut w)?,
            }
        }
        w.raw = start..self.i;
        self.cross_check(&mut w);
        Ok(w)
    }

    /// Unquote plain quoted words with `shlex` too; it is authoritative when
    /// the two disagree. Words with expansions are left alone (`shlex` knows
    /// no `$(…)` and would split inside it).
    fn cross_check(&self, w: &mut Word) {
        let raw = &self.s[w.raw.clone()];
        if !w.quoted || !w.dyn_ranges.is_empty() || raw.contains('\n') {
            return;
        }
        let mine = w.text();
        match shlex::split(raw) {
            Some(v) if v.len() == 1 && v[0] == mine => {}
            Some(v) if v.len() == 1 => {
                w.chars = v[0]
                    .chars()
                    .map(|c| WChar {
                        c,
                        off: w.raw.start,
                    })
                    .collect();
                w.exact = false;
            }
            _ => {}
        }
    }

    /// An expansion (`$…`, a backquote, `${{ … }}`) at the cursor, or else one character.
    fn expand_or_push(&mut self, w: &mut Word) -> Result<(), ()> {
        let expanded = match self.b[self.i] {
            b'$' | b'`' => self.expansion(w)?,
            _ => self.ci_expansion(w)?,
        };
        if !expanded {
            self.push_char(w);
        }
        Ok(())
    }

    fn push_char(&mut self, w: &mut Word) {
        let ch = self.s[self.i..].chars().next().unwrap_or('\u{FFFD}');
        w.chars.push(WChar { c: ch, off: self.i });
        self.i += ch.len_utf8().max(1);
    }

    /// Copy `self.i..end` verbatim into the word as one dynamic range.
    fn push_dynamic(&mut self, w: &mut Word, end: usize) {
        let first = w.chars.len();
        let secret = self.s[self.i..end].contains("secrets.");
        while self.i < end {
            self.push_char(w);
        }
        w.dyn_ranges.push((first..w.chars.len(), secret));
    }

    /// `${{ … }}` (GitHub Actions, substituted before the shell runs, so also
    /// inside single quotes) and `{{ … }}` (templates).
    fn ci_expansion(&mut self, w: &mut Word) -> Result<bool, ()> {
        let open = if self.starts(self.i, "${{") {
            3
        } else if self.templates && self.starts(self.i, "{{") {
            2
        } else {
            return Ok(false);
        };
        let end = self.s[self.i + open..].find("}}").ok_or(())? + self.i + open + 2;
        self.push_dynamic(w, end);
        Ok(true)
    }

    /// `$NAME`, `${…}`, `$(…)`, `` `…` ``, `${{ … }}`; false for a literal `$`.
    fn expansion(&mut self, w: &mut Word) -> Result<bool, ()> {
        if self.ci_expansion(w)? {
            return Ok(true);
        }
        let i = self.i;
        let end = if self.b[i] == b'`' {
            self.s[i + 1..].find('`').ok_or(())? + i + 2
        } else {
            match self.at(i + 1) {
                b'(' => self.matching(i + 1, b'(', b')')?,
                b'{' => self.matching(i + 1, b'{', b'}')?,
                c if is_name_start(c) => {
                    let mut k = i + 2;
                    while is_name(self.at(k)) {
                        k += 1;
                    }
                    k
                }
                c if c.is_ascii_digit() || b"@*#?$!-".contains(&c) => i + 2,
                _ => return Ok(false),
            }
        };
        self.push_dynamic(w, end);
        Ok(true)
    }

    /// Index just past the bracket matching the one at `k`, skipping quotes.
    fn matching(&self, k: usize, open: u8, close: u8) -> Result<usize, ()> {
        let mut depth = 0usize;
        let mut j = k;
        while j < self.b.len() {
            match self.b[j] {
                c if c == open => depth += 1,
                c if c == close => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(j + 1);
                    }
                }
                b'\\' => j += 1,
                q @ (b'\'' | b'"') => {
                    j += 1;
                    while j < self.b.len() && self.b[j] != q {
                        if q == b'"' && self.b[j] == b'\\' {
                            j += 1;
                        }
                        j += 1;
                    }
                }
                _ => {}
            }
            j += 1;
        }
        Err(())
    }
}
