//! TFB701 across a run: each module's lint keeps one small [`Collected`] per s3 configuration
//! (its state key, whether a suppression covers it, and the few masked lines a snippet
//! shows), and [`finish`] runs the rule over all of them once every module is linted. Nothing
//! else of a module is kept, so a run's memory does not grow with the files it reads.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use crate::diagnostic::{Diagnostic, Severity};
use crate::input::source::SourceFile;
use crate::model::context::{Module, ModuleContext};
use crate::model::masking::{mask, secret_text_ranges};
use crate::model::state::StateKey;
use crate::rules::across::{self, SHARED_STATE};

use super::config::Config;
use super::includes::{children, file_in, Includer};

/// What a run keeps of one configuration for TFB701.
#[derive(Debug, Clone)]
pub struct Collected {
    pub key: StateKey,
    /// A `tfblint-ignore` comment or a per-file ignore silences TFB701 on its `key`.
    pub suppressed: bool,
    pub excerpt: Excerpt,
}

/// The masked lines around a `key`, at their place in the file, for a snippet.
#[derive(Debug, Clone)]
pub struct Excerpt {
    /// Byte offset of the first line.
    pub offset: usize,
    /// 1-based number of the first line.
    pub line: usize,
    pub text: String,
}

/// The state keys of a module's configurations (none when TFB701 is off).
pub fn keys(ctx: &ModuleContext, config: &Config) -> Vec<StateKey> {
    if !config.is_enabled(&SHARED_STATE) {
        return Vec::new();
    }
    let mut keys: Vec<StateKey> = ctx
        .s3_configs
        .iter()
        .filter_map(|c| c.state_key(&ctx.module.dir))
        .collect();
    // A module initialised twice the same way is one configuration.
    let mut seen = HashSet::new();
    keys.retain(|k| seen.insert((k.written.clone(), k.place.span.start, k.place.file.clone())));
    keys
}

/// A stand-in finding on each key, to learn which ones the module's suppressions and per-file
/// ignores silence: its message is the key's index.
pub fn placeholders(keys: &[StateKey]) -> impl Iterator<Item = Diagnostic> + '_ {
    keys.iter().enumerate().map(|(i, key)| Diagnostic {
        code: SHARED_STATE.code,
        name: SHARED_STATE.name,
        severity: SHARED_STATE.severity,
        message: i.to_string(),
        help: None,
        label: String::new(),
        file: key.place.file.clone(),
        span: key.place.span.clone(),
        start: key.place.start,
        end: key.place.end,
        fix: None,
    })
}

/// Takes the stand-ins out of `diagnostics` (no other TFB701 finding exists before
/// [`finish`]) and returns the keys with what is kept of them: the stand-ins left are the
/// keys nothing silences. `secrets` are the ranges to mask in snippets.
pub fn collect(
    keys: Vec<StateKey>,
    diagnostics: &mut Vec<Diagnostic>,
    module: &Module,
    secrets: &[(&SourceFile, Range<usize>)],
) -> Vec<Collected> {
    let mut live = vec![false; keys.len()];
    diagnostics.retain(|d| {
        if d.code != SHARED_STATE.code {
            return true;
        }
        if let Some(flag) = d
            .message
            .parse::<usize>()
            .ok()
            .and_then(|i| live.get_mut(i))
        {
            *flag = true;
        }
        false
    });
    // Each file is masked once, however many keys it holds.
    let mut masked: Vec<(&SourceFile, Arc<str>)> = Vec::new();
    keys.into_iter()
        .zip(live)
        .map(|(key, live)| {
            let excerpt = excerpt(&key, module, secrets, &mut masked);
            Collected {
                key,
                suppressed: !live,
                excerpt,
            }
        })
        .collect()
}

/// The key's line with one line of context either side, masked.
fn excerpt<'m>(
    key: &StateKey,
    module: &'m Module,
    secrets: &[(&SourceFile, Range<usize>)],
    masked: &mut Vec<(&'m SourceFile, Arc<str>)>,
) -> Excerpt {
    let Some(file) = module.all_files().find(|f| f.display == key.place.file) else {
        return Excerpt {
            offset: 0,
            line: 1,
            text: String::new(),
        };
    };
    let lines = file.lines();
    let last = file.position(file.text.len()).line;
    let first = key.place.start.line.saturating_sub(1).max(1);
    let end_line = (key.place.end.line + 1).min(last);
    let range =
        lines.line_range(&file.text, first).start..lines.line_range(&file.text, end_line).end;
    let text = match masked.iter().find(|(f, _)| std::ptr::eq(*f, file)) {
        Some((_, text)) => Arc::clone(text),
        None => {
            let ranges = secrets
                .iter()
                .filter(|(f, _)| std::ptr::eq(*f, file))
                .map(|(_, r)| r.clone())
                .chain(secret_text_ranges(&file.text));
            let text = mask(&file.text, ranges);
            masked.push((file, Arc::clone(&text)));
            text
        }
    };
    Excerpt {
        offset: range.start,
        line: first,
        text: text.get(range).unwrap_or_default().to_string(),
    }
}

/// Runs TFB701 over every configuration of the run, and over `partners` (configurations on
/// disk outside the run, such as the language server's other modules: they are named, never
/// reported). Adds the findings, with the configuration's severity, and the text their
/// snippets need.
pub fn finish(
    collected: &[Collected],
    includers: &[Includer],
    partners: &[StateKey],
    config: &Config,
    diagnostics: &mut Vec<Diagnostic>,
    sources: &mut BTreeMap<String, Arc<str>>,
) {
    if collected.is_empty() {
        return;
    }
    let expanded = per_includer(collected, includers);
    let linted: HashSet<&std::path::Path> =
        expanded.iter().map(|(_, k)| k.module.as_path()).collect();
    let keys: Vec<&StateKey> = expanded
        .iter()
        .map(|(_, k)| k)
        .chain(
            partners
                .iter()
                .filter(|p| !linted.contains(p.module.as_path())),
        )
        .collect();
    let severity: Severity = config
        .severity
        .get(SHARED_STATE.code)
        .copied()
        .unwrap_or(SHARED_STATE.severity);
    let mut files = BTreeSet::new();
    // A root file's key shared by its children is reported once, on the root file, naming them.
    let mut reported = HashSet::new();
    let mut units: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for (i, key) in &expanded {
        if key.module != collected[*i].key.module {
            units
                .entry(*i)
                .or_default()
                .push(format!("`{}`", key.module_display));
        }
    }
    for (i, mut finding) in across::check(&keys) {
        let Some(&(i, _)) = expanded.get(i) else {
            continue;
        };
        let Some(own) = collected.get(i) else {
            continue;
        };
        if own.suppressed || !reported.insert(i) {
            continue;
        }
        finding.severity = severity;
        if let Some(units) = units.get(&i) {
            finding.message.push_str(&format!(
                " (this Terragrunt file configures each unit that includes it: {})",
                units.join(", ")
            ));
        }
        files.insert(finding.file.clone());
        diagnostics.push(finding);
    }
    for file in files {
        if sources.contains_key(&file) {
            continue;
        }
        let excerpts: Vec<&Excerpt> = collected
            .iter()
            .filter(|c| c.key.place.file == file)
            .map(|c| &c.excerpt)
            .collect();
        sources.insert(file, Arc::from(padded(excerpts)));
    }
}

/// Each key with the index of its configuration: a Terragrunt root file's once per directory
/// that includes it in the run (that directory's module), other keys as they are.
fn per_includer(collected: &[Collected], includers: &[Includer]) -> Vec<(usize, StateKey)> {
    let root_of = |k: &StateKey| file_in(&k.module, &k.place.file);
    let roots: HashSet<PathBuf> = match includers.is_empty() {
        true => HashSet::new(),
        false => collected.iter().map(|c| root_of(&c.key)).collect(),
    };
    let children = children(&roots, includers);
    let mut out = Vec::new();
    for (i, c) in collected.iter().enumerate() {
        match children.get(&root_of(&c.key)) {
            Some(list) => out.extend(list.iter().map(|child| {
                let mut key = c.key.clone();
                key.module = child.module.clone();
                key.module_display = child.display.clone();
                (i, key)
            })),
            None => out.push((i, c.key.clone())),
        }
    }
    out
}

/// A text where each excerpt sits at its byte offset and line: what comes between is spaces
/// and line feeds, as many as the file had, so spans and line numbers hold.
fn padded(mut excerpts: Vec<&Excerpt>) -> String {
    excerpts.sort_by_key(|e| e.offset);
    let mut out = String::new();
    let mut line = 1;
    for e in excerpts {
        if e.offset < out.len() {
            // Overlaps what is written already (the same file's text): add what goes beyond.
            let skip = out.len() - e.offset;
            if let Some(rest) = e.text.get(skip..) {
                line += rest.matches('\n').count();
                out.push_str(rest);
            }
            continue;
        }
        let gap = e.offset - out.len();
        let breaks = e.line.saturating_sub(line).min(gap);
        out.extend(std::iter::repeat_n(' ', gap - breaks));
        out.extend(std::iter::repeat_n('\n', breaks));
        line += breaks + e.text.matches('\n').count();
        out.push_str(&e.text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padding_keeps_offsets_and_lines() {
        let text = "a = 1\nbb = 2\nkey = \"x\"\nc = 3\n\nkey = \"y\"\nend\n";
        let at = |needle: &str| text.find(needle).unwrap();
        let excerpt = |from: usize, line: usize, to: usize| Excerpt {
            offset: from,
            line,
            text: text[from..to].to_string(),
        };
        let first = excerpt(at("bb"), 2, at("c = 3") + 5);
        let second = excerpt(at("c = 3"), 4, text.len() - 1);
        let out = padded(vec![&second, &first]);
        assert_eq!(out.len(), text.len() - 1);
        assert_eq!(
            &out[at("key = \"x\"")..at("key = \"x\"") + 9],
            "key = \"x\""
        );
        assert_eq!(
            &out[at("key = \"y\"")..at("key = \"y\"") + 9],
            "key = \"y\""
        );
        assert_eq!(
            out[..at("key = \"y\"")].matches('\n').count(),
            text[..at("key = \"y\"")].matches('\n').count()
        );
    }
}
