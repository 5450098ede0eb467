//! Where init sources and partial files are on disk: the repository root of a module, the
//! init sources under a root (walked as discovery walks), and the files a `tfblint.toml`
//! pairing names.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use globset::{Glob, GlobSetBuilder};

use super::pairing::{ExplicitPair, Item, Pairing, Pairings, Source};
use super::SourceKind;
use crate::input::classify::{classify, PathClass};
use crate::input::discover::{canonical_file_key, display_path, Walker};
use crate::input::read::read_limited;

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
/// appears or goes away ([`InitSourceCache::forget`]). Their texts are read at every pairing.
#[derive(Debug, Default)]
pub struct InitSourceCache {
    roots: Mutex<HashMap<PathBuf, Found>>,
    /// Roots a deferred lookup ([`CacheUse::defer`]) did not find, to be listed later
    /// ([`InitSourceCache::take_missed`]).
    missed: Mutex<BTreeSet<PathBuf>>,
    /// How many times a root was forgotten: a listing that began before is not kept.
    forgotten: std::sync::atomic::AtomicU64,
}

/// How a pairing uses an [`InitSourceCache`].
#[derive(Debug, Clone, Copy)]
pub struct CacheUse<'a> {
    pub cache: &'a InitSourceCache,
    /// A root not listed yet is not listed now: it pairs nothing this time, and is noted as
    /// missed (the language server lists it off its main loop, then lints again).
    pub defer: bool,
}

/// The init sources under one root.
type Found = Arc<[(PathBuf, SourceKind)]>;

impl InitSourceCache {
    /// A file changed, appeared or went away: if it is an init source, the roots above it are
    /// walked again when next needed.
    pub fn forget(&self, path: &Path) {
        if matches!(classify(path), Some(PathClass::InitSource(_))) {
            let mut roots = self.roots.lock().unwrap_or_else(|e| e.into_inner());
            roots.retain(|root, _| !path.starts_with(root));
            self.forgotten
                .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    }

    /// Whether the roots are listed that a lint of a file in `dir` pairs with: its repository
    /// root's (outside a repository there is nothing to list).
    pub fn knows(&self, dir: &Path) -> bool {
        let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        match repo_root(&dir, &mut HashMap::new()) {
            Some(root) => self.lock().contains_key(&root),
            None => true,
        }
    }

    /// Lists the repository root of `dir` (if it is in one) and every root a deferred lookup
    /// missed, those not listed yet.
    pub fn fill(&self, walker: &Walker, dir: &Path) {
        let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        let mut roots = self.take_missed();
        roots.extend(repo_root(&dir, &mut HashMap::new()));
        for root in roots {
            self.get(&root, || walker.init_sources_under(&root), false);
        }
    }

    /// The roots deferred lookups missed since the last call.
    pub fn take_missed(&self) -> BTreeSet<PathBuf> {
        std::mem::take(&mut *self.missed.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Whether a deferred lookup missed a root since the last [`InitSourceCache::take_missed`].
    pub fn has_missed(&self) -> bool {
        !self
            .missed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_empty()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<PathBuf, Found>> {
        self.roots.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn get(
        &self,
        root: &Path,
        walk: impl FnOnce() -> Vec<(PathBuf, SourceKind)>,
        defer: bool,
    ) -> Vec<(PathBuf, SourceKind)> {
        if let Some(found) = self.lock().get(root) {
            return found.to_vec();
        }
        if defer {
            let mut missed = self.missed.lock().unwrap_or_else(|e| e.into_inner());
            missed.insert(root.to_path_buf());
            return Vec::new();
        }
        let before = self.forgotten.load(std::sync::atomic::Ordering::SeqCst);
        let found: Found = walk().into();
        let mut roots = self.lock();
        if self.forgotten.load(std::sync::atomic::Ordering::SeqCst) == before {
            roots.insert(root.to_path_buf(), Arc::clone(&found));
        } else {
            // Listed while a change came: looked for again next time.
            drop(roots);
            self.missed
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(root.to_path_buf());
        }
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
    cache: Option<CacheUse>,
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
        Some(CacheUse { cache, defer }) => {
            cache.get(root, || walker.init_sources_under(root), defer)
        }
        None => walker.init_sources_under(root),
    }
}

/// One pairing per file matched by the globs of a `tfblint.toml` pairing. Only files inside
/// the repository of the configuration file (or its directory, outside a repository) are
/// read: a pattern that leads out, lexically or through a link, pairs a finding on the
/// pattern in the configuration file instead (TFB002), and nothing of what it names is read.
pub(super) fn explicit_pairings(
    pair: &ExplicitPair,
    cwd: &Path,
    roots: &mut HashMap<PathBuf, Option<PathBuf>>,
    out: &mut Pairings,
) {
    let Ok(module) = std::fs::canonicalize(&pair.module) else {
        return;
    };
    let Ok(base) = std::fs::canonicalize(&pair.base) else {
        return;
    };
    let boundary = repo_root(&base, roots).unwrap_or_else(|| base.clone());
    let mut builder = GlobSetBuilder::new();
    for p in &pair.patterns {
        if let Ok(g) = Glob::new(p) {
            builder.add(g);
        }
    }
    let Ok(set) = builder.build() else { return };
    let mut config_source = None;
    let mut outside = |out: &mut Pairings, index: usize, written: String| {
        let source = *config_source.get_or_insert_with(|| config_file_source(pair, cwd, out));
        let Some(source) = source else { return };
        let span = pair.spans.get(index).cloned().unwrap_or(0..0);
        out.pairings.push(Pairing {
            module: module.clone(),
            source: Some(source),
            span: span.clone(),
            items: vec![Item::Missing {
                written,
                arg: span,
                outside: true,
            }],
        });
    };
    let mut seen: HashSet<PathBuf> = out
        .pairings
        .iter()
        .filter(|p| p.module == module && p.source.is_none())
        .flat_map(|p| &p.items)
        .filter_map(|i| match i {
            Item::File { path, .. } => Some(path.clone()),
            _ => None,
        })
        .collect();
    for (index, pattern) in pair.patterns.iter().enumerate() {
        // Walk only below the literal part of the pattern.
        let literal: PathBuf = Path::new(pattern)
            .components()
            .take_while(|c| {
                !c.as_os_str()
                    .to_string_lossy()
                    .contains(['*', '?', '[', '{'])
            })
            .collect();
        let start = lexical_join(&base, &literal);
        if !start.starts_with(&boundary) {
            outside(out, index, pattern.clone());
            continue;
        }
        // Every file below the literal part, ignored or not: the pairing names them.
        let walk = ignore::WalkBuilder::new(&start)
            .standard_filters(false)
            .follow_links(false)
            .sort_by_file_name(|a, b| a.cmp(b))
            .build();
        for entry in walk.flatten() {
            // A link is not followed, and not read: a link to a file counts as outside when
            // it leads out (a link to a directory, like the walk, is passed over).
            let is_link = entry.path_is_symlink() && entry.depth() > 0;
            let is_file = entry.file_type().is_some_and(|t| t.is_file());
            if !is_file && !is_link {
                continue;
            }
            let rel = entry.path().strip_prefix(&base).unwrap_or(entry.path());
            if !set.is_match(rel) {
                continue;
            }
            let Ok(real) = std::fs::canonicalize(entry.path()) else {
                continue;
            };
            if !real.starts_with(&boundary) {
                outside(out, index, display_path(cwd, entry.path()));
                continue;
            }
            if is_link || !real.is_file() {
                continue;
            }
            let Some(path) = canonical_file_key(entry.path()) else {
                continue;
            };
            if seen.insert(path.clone()) {
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

/// The configuration file of a pairing as a source of [`Pairings`], for findings on its
/// patterns; `None` when it cannot be read.
fn config_file_source(pair: &ExplicitPair, cwd: &Path, out: &mut Pairings) -> Option<usize> {
    let bytes = read_limited(&pair.file).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let path = std::fs::canonicalize(&pair.file).unwrap_or_else(|_| pair.file.clone());
    if let Some(i) = out.sources.iter().position(|s| s.path == path) {
        return Some(i);
    }
    out.sources.push(Source {
        display: display_path(cwd, &pair.file),
        secrets: super::secrets::secret_ranges(&text).into(),
        text: Arc::from(text),
        path,
        linted: false,
    });
    Some(out.sources.len() - 1)
}

/// `base` joined with `rel`, `..` and `.` resolved lexically (an absolute `rel` replaces it).
pub(super) fn lexical_join(base: &Path, rel: &Path) -> PathBuf {
    let mut out = base.to_path_buf();
    for c in rel.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            Component::Normal(n) => out.push(n),
            other => out = PathBuf::from(other.as_os_str()),
        }
    }
    out
}

/// `rel` joined to `module` when the result lies inside `boundary`, lexically (so that a path
/// leading out is never looked at). The file it names may still be a link leading out: see
/// [`contained`].
pub(super) fn inside(module: &Path, rel: &Path, boundary: &Path) -> Option<PathBuf> {
    let joined = lexical_join(module, rel);
    joined.starts_with(boundary).then_some(joined)
}

/// Where `path` (inside `boundary` as written) really is, links resolved: `Err(true)` when
/// that is outside `boundary`, `Err(false)` when it is nothing.
pub(super) fn contained(path: &Path, boundary: &Path) -> Result<PathBuf, bool> {
    match std::fs::canonicalize(path) {
        Ok(real) if !real.starts_with(boundary) => Err(true),
        Ok(real) => Ok(real),
        Err(_) => Err(false),
    }
}
