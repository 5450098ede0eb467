//! Where init sources and partial files are on disk: the repository root of a module, the
//! init sources under a root (walked as discovery walks), and the files a `tfblint.toml`
//! pairing names.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use globset::{Glob, GlobSetBuilder};

use super::pairing::{ExplicitPair, Item, Pairing, Pairings};
use super::SourceKind;
use crate::input::classify::{classify, PathClass};
use crate::input::discover::{canonical_file_key, Walker};

/// The nearest directory at or above `dir` that holds `.git`, memoised per directory.
pub fn repo_root(dir: &Path, memo: &mut HashMap<PathBuf, Option<PathBuf>>) -> Option<PathBuf> {
    let mut visited = Vec::new();
    let mut answer = None;
    for ancestor in dir.ancestors() {
        if let Some(known) = memo.get(ancestor) {
            answer = known.clone();
            break;
        }
        visited.push(ancestor.to_path_buf());
        if ancestor.join(".git").exists() {
            answer = Some(ancestor.to_path_buf());
            break;
        }
    }
    for v in visited {
        memo.insert(v, answer.clone());
    }
    answer
}

/// Where the init sources under each root are, kept from one lint to the next (the language
/// server): a repository is walked for them once, and again only once an init source under it
/// changes on disk ([`InitSourceCache::forget`]). Their texts are read at every pairing.
#[derive(Debug, Default)]
pub struct InitSourceCache(Mutex<HashMap<PathBuf, Found>>);

/// The init sources under one root.
type Found = Arc<[(PathBuf, SourceKind)]>;

impl InitSourceCache {
    /// A file changed, appeared or went away: if it is an init source, the roots above it are
    /// walked again when next needed.
    pub fn forget(&self, path: &Path) {
        if matches!(classify(path), Some(PathClass::InitSource(_))) {
            let mut roots = self.0.lock().unwrap_or_else(|e| e.into_inner());
            roots.retain(|root, _| !path.starts_with(root));
        }
    }

    fn get(
        &self,
        root: &Path,
        walk: impl FnOnce() -> Vec<(PathBuf, SourceKind)>,
    ) -> Vec<(PathBuf, SourceKind)> {
        if let Some(found) = self.0.lock().unwrap_or_else(|e| e.into_inner()).get(root) {
            return found.to_vec();
        }
        let found: Found = walk().into();
        let mut roots = self.0.lock().unwrap_or_else(|e| e.into_inner());
        roots.insert(root.to_path_buf(), Arc::clone(&found));
        found.to_vec()
    }
}

/// The init sources under `root`, walked as discovery walks (hidden directories other than
/// `.github` skipped, exclude globs applied relative to `root`), or as `cache` last found
/// them; only those directly in it unless `deep`.
pub(super) fn scan(
    walker: &Walker,
    root: &Path,
    deep: bool,
    cache: Option<&InitSourceCache>,
) -> Vec<(PathBuf, SourceKind)> {
    if !deep {
        let Ok(entries) = std::fs::read_dir(root) else {
            return Vec::new();
        };
        let mut found: Vec<(PathBuf, SourceKind)> = entries
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .filter(|e| !walker.exclude.is_match(e.file_name()))
            .filter_map(|e| match classify(&e.path()) {
                Some(PathClass::InitSource(kind)) => Some((e.path(), kind)),
                _ => None,
            })
            .collect();
        found.sort();
        return found;
    }
    match cache {
        Some(cache) => cache.get(root, || walker.init_sources_under(root)),
        None => walker.init_sources_under(root),
    }
}

/// One pairing per file matched by the globs of a `tfblint.toml` pairing.
pub(super) fn explicit_pairings(pair: &ExplicitPair, out: &mut Pairings) {
    let Ok(module) = std::fs::canonicalize(&pair.module) else {
        return;
    };
    let mut builder = GlobSetBuilder::new();
    for p in &pair.patterns {
        if let Ok(g) = Glob::new(p) {
            builder.add(g);
        }
    }
    let Ok(set) = builder.build() else { return };
    for pattern in &pair.patterns {
        // Walk only below the literal part of the pattern.
        let literal: PathBuf = Path::new(pattern)
            .components()
            .take_while(|c| {
                !c.as_os_str()
                    .to_string_lossy()
                    .contains(['*', '?', '[', '{'])
            })
            .collect();
        let start = pair.base.join(&literal);
        // Every file below the literal part, ignored or not: the pairing names them.
        let walk = ignore::WalkBuilder::new(&start)
            .standard_filters(false)
            .follow_links(false)
            .sort_by_file_name(|a, b| a.cmp(b))
            .build();
        for entry in walk.flatten() {
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                continue;
            }
            let rel = entry
                .path()
                .strip_prefix(&pair.base)
                .unwrap_or(entry.path());
            if !set.is_match(rel) {
                continue;
            }
            let Some(path) = canonical_file_key(entry.path()) else {
                continue;
            };
            let already = out.pairings.iter().any(|p| {
                p.module == module
                    && p.source.is_none()
                    && matches!(p.items.as_slice(), [Item::File { path: q, .. }] if *q == path)
            });
            if !already {
                out.pairings.push(Pairing {
                    module: module.clone(),
                    source: None,
                    span: 0..0,
                    items: vec![Item::File {
                        path,
                        display: String::new(),
                        arg: 0..0,
                    }],
                });
            }
        }
    }
}
