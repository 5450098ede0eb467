//! Terragrunt root files and the directories that include them.
//!
//! A root file's `remote_state` (or `generate "backend"`) configures each directory whose
//! `terragrunt.hcl` includes it (`include "root" { path = find_in_parent_folders("root.hcl") }`),
//! not its own. Each module's lint keeps what its Terragrunt files include ([`Includer`]); at
//! the end of a run, TFB701 and `tfblint backends` give a root file's configurations one copy
//! per including directory found in the run ([`children`]). The rules run on the root file
//! once, as its own directory's module: its findings are reported once, not per child.
//!
//! Only directories of the run are children: a root file named alone is linted alone, and
//! nothing outside the walked paths is searched for.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use crate::input::source::FileKind;
use crate::input::terragrunt::{includes, Include};
use crate::model::context::Module;

/// A directory whose Terragrunt file includes another file.
#[derive(Debug, Clone)]
pub struct Includer {
    /// The including directory (the module's directory).
    pub module: PathBuf,
    /// The directory as diagnostics name files.
    pub display: String,
    pub include: Include,
}

/// What the module's Terragrunt files include.
pub fn includers(module: &Module) -> Vec<Includer> {
    module
        .files
        .iter()
        .filter(|f| f.kind == FileKind::Terragrunt)
        .filter_map(|f| Some((f, f.body()?)))
        .flat_map(|(f, body)| {
            let display = Path::new(&f.display)
                .parent()
                .map(|p| p.to_string_lossy().into_owned())
                .filter(|p| !p.is_empty())
                .unwrap_or_else(|| ".".into());
            includes(body).into_iter().map(move |include| Includer {
                module: module.dir.clone(),
                display: display.clone(),
                include,
            })
        })
        .collect()
}

/// The path of the file `name` (as diagnostics show it) of the module at `dir`.
pub fn file_in(dir: &Path, name: &str) -> PathBuf {
    let file = Path::new(name).file_name().unwrap_or_default();
    normalize(&dir.join(file))
}

/// The includers of each file of `roots` (paths as [`file_in`] gives them), sorted by
/// directory. A directory counts once per root file, however often it includes it.
pub fn children<'a>(
    roots: &HashSet<PathBuf>,
    includers: &'a [Includer],
) -> HashMap<PathBuf, Vec<&'a Includer>> {
    // The folders root files sit in, built once: a walk up from an includer asks it per
    // folder instead of scanning every root (includers × roots).
    let root_folders: HashSet<&Path> = roots.iter().filter_map(|r| r.parent()).collect();
    let mut out: HashMap<PathBuf, Vec<&Includer>> = HashMap::new();
    for includer in includers {
        if let Some(root) = resolve(includer, roots, &root_folders) {
            out.entry(root).or_default().push(includer);
        }
    }
    for list in out.values_mut() {
        list.sort_by(|a, b| a.display.cmp(&b.display));
        list.dedup_by(|a, b| a.module == b.module);
    }
    out
}

/// The root file an includer names, when it is one of `roots`. `find_in_parent_folders`
/// looks in each folder above the includer's, nearest first: a file of that name found on
/// the way that is no root of the run (it configures no s3 backend) is the one Terragrunt
/// includes. Only folders below a root's own are looked in.
fn resolve(
    includer: &Includer,
    roots: &HashSet<PathBuf>,
    root_folders: &HashSet<&Path>,
) -> Option<PathBuf> {
    let dir = normalize(&includer.module);
    match &includer.include {
        Include::Path(path) => Some(normalize(&dir.join(path))).filter(|p| roots.contains(p)),
        Include::ParentFolders(name) => {
            let mut current = dir.parent();
            while let Some(folder) = current {
                let candidate = normalize(&folder.join(name));
                if roots.contains(&candidate) {
                    return Some(candidate);
                }
                let below_a_root = folder.ancestors().any(|a| root_folders.contains(a));
                if !below_a_root || candidate.is_file() {
                    return None;
                }
                current = folder.parent();
            }
            None
        }
    }
}

/// `a/./b/../c` as `a/c`, without reading the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                _ => out.push(".."),
            },
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn includer(dir: &str, include: Include) -> Includer {
        Includer {
            module: PathBuf::from(dir),
            display: dir.into(),
            include,
        }
    }

    #[test]
    fn parent_folders_start_above_the_includer_and_paths_are_relative() {
        let roots: HashSet<PathBuf> = [PathBuf::from("live/root.hcl")].into();
        let all = [
            includer("live/a", Include::ParentFolders("root.hcl".into())),
            includer("./live/b/c", Include::ParentFolders("root.hcl".into())),
            includer("live/d", Include::Path("../root.hcl".into())),
            // Its own folder is not looked in; nothing above `live` is a root.
            includer("live", Include::ParentFolders("root.hcl".into())),
            includer("live/e", Include::ParentFolders("other.hcl".into())),
        ];
        let found = children(&roots, &all);
        let dirs: Vec<&str> = found[&PathBuf::from("live/root.hcl")]
            .iter()
            .map(|i| i.display.as_str())
            .collect();
        assert_eq!(dirs, ["./live/b/c", "live/a", "live/d"]);
        assert_eq!(found.len(), 1);
        assert_eq!(normalize(Path::new("./a/../../b")), PathBuf::from("../b"));
    }
}
