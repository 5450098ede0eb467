//! Interpret tokenized shell: follow `cd`, find `terraform|tofu … init` and
//! read its `-backend-config` arguments the way Go's `flag` package would.

use crate::input::init::chunk::Chunk;
use crate::input::init::lexer::{tokenize, Op, Token, Word};
use crate::input::init::{
    BackendConfigArg, BackendConfigValue, ChdirArg, DirBase, Engine, InitCommand, SettingValue,
    WorkingDir,
};
use std::path::{Component, Path, PathBuf};

/// Directory state of a shell, relative to the unit's base.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Dir {
    Rel(PathBuf),
    Abs(PathBuf),
    Dynamic,
}

impl Dir {
    /// `Dir` for a configured working directory (`working-directory:`, `dir:`).
    pub fn from_config(s: &str, dynamic: bool) -> Dir {
        if dynamic {
            Dir::Dynamic
        } else {
            Dir::Rel(PathBuf::new()).cd(s)
        }
    }

    pub(crate) fn cd(&self, target: &str) -> Dir {
        let p = Path::new(target);
        let (mut out, abs) = match self {
            _ if p.is_absolute() => (PathBuf::from("/"), true),
            Dir::Rel(b) => (b.clone(), false),
            Dir::Abs(b) => (b.clone(), true),
            Dir::Dynamic => return Dir::Dynamic,
        };
        for c in p.components() {
            match c {
                Component::Normal(n) => out.push(n),
                Component::ParentDir => {
                    let last_is_normal =
                        matches!(out.components().next_back(), Some(Component::Normal(_)));
                    if last_is_normal {
                        out.pop();
                    } else if !abs {
                        out.push("..");
                    }
                }
                _ => {}
            }
        }
        if out.as_os_str().len() > MAX_PATH_BYTES {
            // No such directory can exist: unknown (and no path grows without bound).
            Dir::Dynamic
        } else if abs {
            Dir::Abs(out)
        } else {
            Dir::Rel(out)
        }
    }

    fn to_working_dir(&self, base: DirBase) -> WorkingDir {
        match self {
            Dir::Rel(p) => WorkingDir::Known {
                base,
                path: p.clone(),
            },
            Dir::Abs(p) => WorkingDir::Absolute(p.clone()),
            Dir::Dynamic => WorkingDir::Dynamic,
        }
    }
}

/// The longest directory path followed (Linux's `PATH_MAX`): a longer one is unknown.
const MAX_PATH_BYTES: usize = 4096;

/// The most directories `pushd` and subshells remember; beyond, the oldest `pushd` is
/// forgotten (popping back to it gives an unknown directory) and a deeper subshell restores an
/// unknown one. Memory stays bounded: at most this many paths of at most `MAX_PATH_BYTES`.
const MAX_DIR_STACK: usize = 256;

/// Shell state shared by the chunks of one shell session (a step, a script).
pub(crate) struct Session<'f> {
    pub file: &'f str,
    pub base: DirBase,
    pub dir: Dir,
    pushd: Vec<Dir>,
    pub templates: bool,
    pub found: Vec<InitCommand>,
}

/// Flags of `terraform init` that take a value (Terraform's
/// `internal/command/arguments/init.go` `ParseInit` and `extendedFlagSet`).
const VALUE_FLAGS: &[&str] = &[
    "backend-config",
    "from-module",
    "lock-timeout",
    "lockfile",
    "test-directory",
    "plugin-dir",
    "target",
    "var",
    "var-file",
    "state",
    "state-out",
    "backup",
];

/// Words that may precede the command name without changing it.
const PREFIX_WORDS: &[&str] = &[
    "if", "then", "else", "elif", "do", "while", "until", "!", "{", "time", "exec", "command",
    "nohup", "sudo", "env",
];

impl<'f> Session<'f> {
    pub fn new(file: &'f str, base: DirBase, dir: Dir, templates: bool) -> Self {
        Session {
            file,
            base,
            dir,
            pushd: Vec::new(),
            templates,
            found: Vec::new(),
        }
    }

    /// Run one chunk of shell text in this session.
    pub fn run(&mut self, chunk: &Chunk) {
        let tokens = tokenize(&chunk.text, self.templates);
        let mut subshells: Vec<Dir> = Vec::new();
        let mut words: Vec<Word> = Vec::new();
        let mut broken = false;
        for t in tokens
            .into_iter()
            .chain(std::iter::once(Token::Op(Op::Seq)))
        {
            match t {
                Token::Word(w) => words.push(w),
                Token::Broken => broken = true,
                Token::Op(op) => {
                    if !broken && !words.is_empty() {
                        self.simple_command(&words, chunk);
                    }
                    words.clear();
                    broken = false;
                    match op {
                        Op::Open if subshells.len() >= MAX_DIR_STACK => {
                            subshells.push(Dir::Dynamic)
                        }
                        Op::Open => subshells.push(self.dir.clone()),
                        Op::Close => {
                            if let Some(d) = subshells.pop() {
                                self.dir = d;
                            }
                        }
                        Op::Seq | Op::Pipe => {}
                    }
                }
            }
        }
    }

    fn span(&self, chunk: &Chunk, w: &Word, r: std::ops::Range<usize>) -> std::ops::Range<usize> {
        chunk.map_range(w.chunk_range(r, &chunk.text), self.file)
    }

    fn raw_span(&self, chunk: &Chunk, w: &Word) -> std::ops::Range<usize> {
        chunk.map_range(w.raw.clone(), self.file)
    }

    fn simple_command(&mut self, words: &[Word], chunk: &Chunk) {
        let mut k = 0;
        while k < words.len() {
            let t = words[k].text();
            let assignment = !words[k].quoted
                && t.split_once('=').is_some_and(|(n, _)| {
                    !n.is_empty()
                        && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                        && !n.as_bytes()[0].is_ascii_digit()
                });
            let after_prefix = k > 0 && matches!(words[k - 1].text().as_str(), "sudo" | "env");
            if assignment
                || PREFIX_WORDS.contains(&t.as_str())
                || (after_prefix && t.starts_with('-'))
            {
                k += 1;
            } else {
                break;
            }
        }
        let Some(cmd) = words.get(k) else { return };
        let name = cmd.text();
        match name.as_str() {
            "cd" | "pushd" => {
                let args: Vec<&Word> = words[k + 1..]
                    .iter()
                    .filter(|w| !(w.text().starts_with('-') && w.text() != "-"))
                    .collect();
                let new = match args.first() {
                    None => Dir::Dynamic, // `cd` alone: $HOME
                    Some(w)
                        if w.text() == "-"
                            || !w.dyn_ranges.is_empty()
                            || w.text().starts_with('~') =>
                    {
                        Dir::Dynamic
                    }
                    Some(w) => self.dir.cd(&w.text()),
                };
                if name == "pushd" {
                    if self.pushd.len() >= MAX_DIR_STACK {
                        self.pushd.remove(0);
                    }
                    self.pushd.push(self.dir.clone());
                }
                self.dir = new;
            }
            "popd" => self.dir = self.pushd.pop().unwrap_or(Dir::Dynamic),
            _ => {
                if let Some(engine) = engine_of(cmd) {
                    self.engine_command(engine, &words[k..], chunk);
                }
            }
        }
    }

    fn engine_command(&mut self, engine: Engine, words: &[Word], chunk: &Chunk) {
        // Global options before the subcommand (`main.go` `extractChdirOption`).
        let mut chdir = None;
        let mut k = 1;
        while k < words.len() {
            let w = &words[k];
            let t = w.text();
            if !t.starts_with('-') {
                break;
            }
            let dashes = if t.starts_with("--") { 2 } else { 1 };
            if let Some(v) = t[dashes..].strip_prefix("chdir=") {
                let first = dashes + "chdir=".chars().count();
                let r = first..w.chars.len();
                chdir = Some(ChdirArg {
                    path: v.to_string(),
                    dynamic: w.is_dynamic(&r),
                    span: self.span(chunk, w, r),
                });
            } else if &t[dashes..] == "chdir" && k + 1 < words.len() {
                // OpenTofu also accepts `-chdir DIR`; Terraform rejects it.
                k += 1;
                let v = &words[k];
                chdir = Some(ChdirArg {
                    path: v.text(),
                    dynamic: !v.dyn_ranges.is_empty(),
                    span: self.span(chunk, v, 0..v.chars.len()),
                });
            }
            k += 1;
        }
        if words.get(k).map(Word::text).as_deref() != Some("init") {
            return;
        }
        k += 1;
        let mut configs = Vec::new();
        while k < words.len() {
            let w = &words[k];
            let t = w.text();
            // Go's flag package stops at the first non-flag argument or `--`.
            if t == "--" || t == "-" || !t.starts_with('-') {
                break;
            }
            let dashes = if t.starts_with("--") { 2 } else { 1 };
            let body = &t[dashes..];
            if body.is_empty() || body.starts_with('-') || body.starts_with('=') {
                break; // "bad flag syntax"
            }
            let (fname, has_eq) = match body.split_once('=') {
                Some((n, _)) => (n, true),
                None => (body, false),
            };
            if fname == "backend-config" {
                let skip = dashes + fname.chars().count() + 1;
                if has_eq {
                    let span = self.raw_span(chunk, w);
                    configs.push(self.value(w, skip..w.chars.len(), span, chunk));
                } else if let Some(v) = words.get(k + 1) {
                    let a = self.raw_span(chunk, w);
                    let b = self.raw_span(chunk, v);
                    configs.push(self.value(
                        v,
                        0..v.chars.len(),
                        a.start.min(b.start)..a.end.max(b.end),
                        chunk,
                    ));
                    k += 1;
                }
            } else if !has_eq && VALUE_FLAGS.contains(&fname) {
                k += 1;
            }
            k += 1;
        }
        let first = self.raw_span(chunk, &words[0]);
        let last = self.raw_span(chunk, &words[k.min(words.len()) - 1]);
        self.found.push(InitCommand {
            span: first.start..last.end.max(first.start),
            engine,
            binary_span: first,
            working_dir: self.dir.to_working_dir(self.base),
            chdir,
            backend_configs: configs,
        });
    }

    /// Classify the value held in chars `r` of `w` (`backendConfigOverrideBody`).
    fn value(
        &self,
        w: &Word,
        r: std::ops::Range<usize>,
        span: std::ops::Range<usize>,
        chunk: &Chunk,
    ) -> BackendConfigArg {
        let text = w.text_range(r.clone());
        let vspan = self.span(chunk, w, r.clone());
        if text.is_empty() {
            return BackendConfigArg {
                span,
                value: BackendConfigValue::Empty { span: vspan },
            };
        }
        // First `=` that is literal text (not inside an expansion).
        let eq = (r.clone()).find(|&i| w.chars[i].c == '=' && !w.is_dynamic(&(i..i + 1)));
        let value = match eq {
            None => BackendConfigValue::File {
                path: text,
                dynamic: w.is_dynamic(&r),
                span: vspan,
            },
            Some(e) => {
                let kr = r.start..e;
                let vr = e + 1..r.end;
                let key = w.text_range(kr.clone());
                let value = if w.is_dynamic(&vr) {
                    SettingValue::Dynamic {
                        secret_ref: w.has_secret_ref(&vr),
                    }
                } else if w.is_dynamic(&kr) || super::secrets::is_secret_name(&key) {
                    // A key known only at run time may name a credential: its value is kept
                    // as a length, never as text.
                    SettingValue::Redacted {
                        len: w.text_range(vr.clone()).len(),
                    }
                } else {
                    SettingValue::Literal(w.text_range(vr.clone()))
                };
                BackendConfigValue::Setting {
                    key_dynamic: w.is_dynamic(&kr),
                    key,
                    key_span: self.span(chunk, w, kr),
                    value,
                    value_span: self.span(chunk, w, vr),
                }
            }
        };
        BackendConfigArg { span, value }
    }
}

/// Which engine a command word names, if any.
fn engine_of(w: &Word) -> Option<Engine> {
    if w.is_single_expansion() {
        return Some(Engine::Dynamic);
    }
    let t = w.text();
    let base = t.rsplit(['/', '\\']).next().unwrap_or(&t);
    let base = base.strip_suffix(".exe").unwrap_or(base);
    match base {
        "terraform" => Some(Engine::Terraform),
        "tofu" => Some(Engine::Tofu),
        _ => None,
    }
}
