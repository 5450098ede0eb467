//! The fix engine: apply the fixes the rules attach to their findings, re-lint, repeat, check,
//! and write each fixed file atomically.
//!
//! A pass lints a module, takes every applicable fix (safe ones, and unsafe ones when asked)
//! of every finding that survived configuration and suppression comments, and applies, file by
//! file, those whose edits do not overlap an edit already taken; the others wait for the next
//! pass, which lints the new text. Passes stop when nothing changes, or after [`MAX_PASSES`].
//! Before anything is written, each changed file must parse again and no rule fixed in it may
//! still fire more than it did unfixably before; a file failing either is left alone.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::fix::{apply, touched, FixOptions};
use crate::input::discover::{absolute, io_reason, ModuleFiles};
use crate::input::init::repo_root;
use crate::input::source::parse_recovering;
use crate::linter::pipeline::{lint_module, load_module, Buffer, Options};

/// Passes before the engine gives up on fixes that keep overlapping.
pub const MAX_PASSES: usize = 10;

/// The planned change to one file.
#[derive(Debug, Clone)]
pub struct FilePlan {
    /// The path to write (as discovered).
    pub path: PathBuf,
    /// The path as the user would type it.
    pub display: String,
    pub original: String,
    pub fixed: String,
    /// How many findings the fixes repaired, by rule code.
    pub fixed_codes: BTreeMap<&'static str, usize>,
    /// Why the fixed text must not be written, if it must not.
    pub refused: Option<String>,
    /// The byte ranges of `original` that edits replaced (or inserted at), over all passes,
    /// sorted and merged. Every byte outside them is in `fixed` unchanged.
    pub touched: Vec<Range<usize>>,
}

impl FilePlan {
    pub fn fixed_count(&self) -> usize {
        self.fixed_codes.values().sum()
    }

    pub fn changed(&self) -> bool {
        self.original != self.fixed
    }

    /// A unified diff from the original to the fixed text.
    pub fn diff(&self) -> String {
        let diff = similar::TextDiff::from_lines(&self.original, &self.fixed);
        let mut out = diff
            .unified_diff()
            .context_radius(3)
            .header(
                &format!("a/{}", self.display),
                &format!("b/{}", self.display),
            )
            .to_string();
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        out
    }
}

/// Every file a run would change, in path order.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub files: Vec<FilePlan>,
}

impl Plan {
    /// The files that changed and may be written.
    pub fn writable(&self) -> impl Iterator<Item = &FilePlan> {
        self.files
            .iter()
            .filter(|f| f.changed() && f.refused.is_none())
    }

    pub fn refused(&self) -> impl Iterator<Item = &FilePlan> {
        self.files.iter().filter(|f| f.refused.is_some())
    }
}

/// Plans the fixes of every module (nothing is written).
pub fn plan(
    modules: &BTreeMap<PathBuf, ModuleFiles>,
    overrides: &[Buffer],
    options: &Options,
    fix: FixOptions,
) -> Plan {
    use rayon::prelude::*;
    let per_module: Vec<Vec<FilePlan>> = modules
        .par_iter()
        .map(|(_, files)| plan_module(files, overrides, options, fix))
        .collect();
    let mut files: Vec<FilePlan> = per_module.into_iter().flatten().collect();
    files.sort_by(|a, b| a.display.cmp(&b.display));
    Plan { files }
}

/// Plans the fixes of one module: the pass loop, then the checks.
pub fn plan_module(
    files: &ModuleFiles,
    overrides: &[Buffer],
    options: &Options,
    fix: FixOptions,
) -> Vec<FilePlan> {
    // Texts changed so far, by absolute path (the key `load_module` matches overrides on).
    let mut current: BTreeMap<PathBuf, String> = BTreeMap::new();
    let mut originals: BTreeMap<String, (PathBuf, PathBuf, String)> = BTreeMap::new();
    let mut fixed_codes: BTreeMap<String, BTreeMap<&'static str, usize>> = BTreeMap::new();
    // Per file, the edits each pass applied, in that pass's text.
    let mut history: BTreeMap<PathBuf, Vec<Vec<Edit>>> = BTreeMap::new();
    // Findings of the first pass that no applicable fix repairs, by file and code.
    let mut unfixable: BTreeMap<(String, &'static str), usize> = BTreeMap::new();
    let by_display: BTreeMap<&str, &Path> = files
        .files
        .iter()
        .map(|(abs, e)| (e.display.as_str(), abs.as_path()))
        .collect();

    let with_current = |current: &BTreeMap<PathBuf, String>| -> Vec<Buffer> {
        current
            .iter()
            .map(|(path, text)| Buffer {
                path: path.clone(),
                bytes: text.as_bytes().to_vec(),
            })
            .chain(overrides.iter().cloned())
            .collect()
    };

    let mut final_diagnostics = Vec::new();
    for pass in 0..=MAX_PASSES {
        let module = load_module(files, &with_current(&current), options.parse_mode);
        let outcome = lint_module(&module, options);
        if pass == 0 {
            for f in &module.files {
                if let Some(abs) = by_display.get(f.display.as_str()) {
                    originals.insert(
                        f.display.clone(),
                        (abs.to_path_buf(), f.path.clone(), f.text.to_string()),
                    );
                }
            }
            for d in &outcome.diagnostics {
                if !d.fix.as_ref().is_some_and(|f| fix.applies(f)) {
                    *unfixable.entry((d.file.clone(), d.code)).or_default() += 1;
                }
            }
        }
        if pass == MAX_PASSES {
            final_diagnostics = outcome.diagnostics;
            break;
        }
        let mut diagnostics = outcome.diagnostics;
        diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        let mut by_file: BTreeMap<&str, Vec<&Diagnostic>> = BTreeMap::new();
        for d in diagnostics
            .iter()
            .filter(|d| d.fix.as_ref().is_some_and(|f| fix.applies(f)))
        {
            by_file.entry(d.file.as_str()).or_default().push(d);
        }
        let mut changed = false;
        for (display, diags) in by_file {
            let (Some(abs), Some(file)) = (
                by_display.get(display),
                module.files.iter().find(|f| f.display == display),
            ) else {
                continue;
            };
            if file.parsed.is_err() {
                continue;
            }
            let fixes: Vec<&Fix> = diags.iter().filter_map(|d| d.fix.as_ref()).collect();
            let (text, applied, taken) = apply(&file.text, &fixes);
            if text == *file.text {
                continue;
            }
            let codes = fixed_codes.entry(display.to_string()).or_default();
            for (d, applied) in diags.iter().zip(applied) {
                if applied {
                    *codes.entry(d.code).or_default() += 1;
                }
            }
            history.entry(abs.to_path_buf()).or_default().push(taken);
            current.insert(abs.to_path_buf(), text);
            changed = true;
        }
        if !changed {
            final_diagnostics = diagnostics;
            break;
        }
    }

    let mut plans = Vec::new();
    for (display, (abs, path, original)) in originals {
        let Some(fixed) = current.get(&abs) else {
            continue;
        };
        let codes = fixed_codes.remove(&display).unwrap_or_default();
        let refused = check(
            &display,
            &original,
            fixed,
            &codes,
            &unfixable,
            &final_diagnostics,
        );
        let touched = touched(history.get(&abs).map(Vec::as_slice).unwrap_or_default());
        plans.push(FilePlan {
            path,
            display,
            original,
            fixed: fixed.clone(),
            fixed_codes: codes,
            refused,
            touched,
        });
    }
    plans
}

/// Why a fixed text must not be written: it does not parse, or a rule fixed in it still fires.
fn check(
    display: &str,
    original: &str,
    fixed: &str,
    codes: &BTreeMap<&'static str, usize>,
    unfixable: &BTreeMap<(String, &'static str), usize>,
    remaining: &[Diagnostic],
) -> Option<String> {
    let (before, redefined_before) = parse_recovering(original);
    match parse_recovering(fixed) {
        (Err(err), _) => {
            return Some(format!("the fixed text does not parse ({})", err.message));
        }
        (Ok(_), redefined) if before.is_ok() && redefined.len() > redefined_before.len() => {
            return Some(format!(
                "the fixed text sets `{}` twice",
                redefined.last().map_or("", |r| r.name.as_str())
            ));
        }
        _ => {}
    }
    for &code in codes.keys() {
        let left = remaining
            .iter()
            .filter(|d| d.file == display && d.code == code)
            .count();
        let expected = unfixable
            .get(&(display.to_string(), code))
            .copied()
            .unwrap_or(0);
        if left > expected {
            return Some(format!("{code} still fires after its fix"));
        }
    }
    None
}

/// Writes `text` to `path` atomically: a temporary file beside the file written, given its
/// permissions, then renamed over it. `expected` is the text the fix was planned on: a file
/// that changed, vanished or became read-only since is not written. A symlink is never
/// replaced: its target is written, when [`write_target`] allows it.
///
/// The error says why, without the path ("the file is read-only").
pub fn write_atomic(path: &Path, expected: &str, text: &str) -> Result<(), String> {
    let target = write_target(path)?;
    let meta = std::fs::metadata(&target).map_err(|e| io_reason(&e))?;
    if !meta.is_file() {
        return Err("not a regular file".into());
    }
    if meta.permissions().readonly() {
        return Err("the file is read-only".into());
    }
    let on_disk = std::fs::read(&target).map_err(|e| io_reason(&e))?;
    if on_disk != expected.as_bytes() {
        return Err("the file changed on disk while tfblint was fixing it".into());
    }
    let dir = target.parent().unwrap_or(Path::new("/"));
    let fail = |e: std::io::Error| io_reason(&e);
    let mut tmp = tempfile::Builder::new()
        .prefix(".tfblint-fix-")
        .tempfile_in(dir)
        .map_err(fail)?;
    tmp.write_all(text.as_bytes()).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    std::fs::set_permissions(tmp.path(), meta.permissions()).map_err(fail)?;
    tmp.persist(&target).map_err(|e| fail(e.error))?;
    Ok(())
}

/// The file a fix of `path` is written to: the file it names, through every symlink (in its
/// name or its directories), as a canonical path. It must lie inside the git repository of
/// the directory `path` is named in (that directory itself outside a repository), and not
/// under `.git`; anything else is refused, nothing written.
pub fn write_target(path: &Path) -> Result<PathBuf, String> {
    let cwd = std::env::current_dir().map_err(|e| io_reason(&e))?;
    let named = absolute(&cwd, path);
    let dir = named.parent().unwrap_or(Path::new("/"));
    let repository = repo_root(dir, &mut HashMap::new());
    let root = repository.as_deref().unwrap_or(dir);
    let root = std::fs::canonicalize(root).map_err(|e| io_reason(&e))?;
    let link = std::fs::symlink_metadata(&named)
        .map_err(|e| io_reason(&e))?
        .is_symlink();
    let target = match std::fs::canonicalize(&named) {
        Ok(target) => target,
        Err(e) if link && e.kind() == std::io::ErrorKind::NotFound => {
            return Err("a symlink to nothing".into())
        }
        Err(e) => return Err(io_reason(&e)),
    };
    let inside = target
        .strip_prefix(&root)
        .is_ok_and(|rest| !rest.components().any(|c| c.as_os_str() == ".git"));
    if inside {
        return Ok(target);
    }
    let what = if link {
        "a symlink to a file"
    } else {
        "a file"
    };
    Err(match repository {
        Some(_) => format!("{what} outside the repository"),
        None => format!("{what} outside its directory (not in a git repository)"),
    })
}

/// Writes every writable file of a plan; returns the files written and the errors.
pub fn write(plan: &Plan) -> (Vec<&FilePlan>, Vec<String>) {
    let mut written = Vec::new();
    let mut errors = Vec::new();
    for file in plan.writable() {
        match write_atomic(&file.path, &file.original, &file.fixed) {
            Ok(()) => written.push(file),
            Err(e) => errors.push(format!("{}: not written: {e}", file.display)),
        }
    }
    (written, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_text_that_does_not_parse_or_still_fires_is_refused() {
        let original = "a = 1\n";
        let codes: BTreeMap<&'static str, usize> = [("TFB301", 1)].into();
        let none = BTreeMap::new();
        let refused = check("f.tf", original, "a = \n", &codes, &none, &[]).unwrap();
        assert!(
            refused.starts_with("the fixed text does not parse"),
            "{refused}"
        );
        let refused = check("f.tf", original, "a = 1\na = 2\n", &codes, &none, &[]).unwrap();
        assert_eq!(refused, "the fixed text sets `a` twice");
        assert_eq!(check("f.tf", original, "a = 2\n", &codes, &none, &[]), None);
        let still = Diagnostic {
            code: "TFB301",
            name: "missing-skip-flag",
            severity: crate::diagnostic::Severity::Error,
            message: String::new(),
            help: None,
            label: String::new(),
            file: "f.tf".into(),
            span: 0..0,
            start: crate::diagnostic::Position { line: 1, column: 1 },
            end: crate::diagnostic::Position { line: 1, column: 1 },
            fix: None,
        };
        let refused = check(
            "f.tf",
            original,
            "a = 2\n",
            &codes,
            &none,
            std::slice::from_ref(&still),
        );
        assert_eq!(refused.as_deref(), Some("TFB301 still fires after its fix"));
        // A finding of that rule that was never fixable does not count.
        let unfixable = [(("f.tf".to_string(), "TFB301"), 1)].into();
        assert_eq!(
            check("f.tf", original, "a = 2\n", &codes, &unfixable, &[still]),
            None
        );
    }
}
