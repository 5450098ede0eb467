//! What git would commit under a directory: the files it tracks, and the untracked files no
//! ignore rule covers (`.gitignore`, `.git/info/exclude`, the global excludes file).
//!
//! tfblint asks git itself, once per directory named on the command line:
//! `git -C DIR ls-files -z -t --cached --others --exclude-standard`. Which files are tracked
//! is in git's index, whose format has no maintained reader among the project's crates (and
//! must never be parsed by hand); the `ignore` crate knows the ignore rules but not the index,
//! so a tracked file that a later `.gitignore` matches (committed all the same) would be
//! missed. git is there wherever a repository is; where it cannot run, or the directory is
//! not in a repository, the answer is `None` and nothing is reported.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A file git would commit, relative to the directory asked about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Committable {
    pub path: PathBuf,
    /// In the index (committed or staged); otherwise untracked and not ignored.
    pub tracked: bool,
}

/// The files under `dir` that git would commit and that `keep` accepts (given each path
/// relative to `dir`), sorted; `None` when git cannot tell (not a repository, git missing or
/// failing). Git's output is read as it comes: only the kept paths are held.
pub fn committable(dir: &Path, keep: impl Fn(&Path) -> bool) -> Option<Vec<Committable>> {
    let mut child = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "ls-files",
            "-z",
            "-t",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        // The directory decides which repository: not a hook's or a caller's environment.
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_COMMON_DIR")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let stdout = child.stdout.take()?;
    let mut found = Vec::new();
    let mut failed = false;
    for record in BufReader::new(stdout).split(0) {
        let Ok(record) = record else {
            failed = true;
            break;
        };
        // `-t` puts a status tag and a space before each path: `?` for an untracked file.
        let (Some(&tag), Some(path)) = (record.first(), record.get(2..)) else {
            continue;
        };
        let path = path_from_bytes(path);
        if keep(&path) {
            found.push(Committable {
                path,
                tracked: tag != b'?',
            });
        }
    }
    let status = child.wait().ok()?;
    if failed || !status.success() {
        return None;
    }
    found.sort();
    // An unmerged path is listed once per stage.
    found.dedup_by(|a, b| a.path == b.path);
    Some(found)
}

#[cfg(unix)]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
}

#[cfg(not(unix))]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    // git writes paths as UTF-8 on Windows.
    PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn git(dir: &Path, args: &[&str]) {
        let status = Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .status()
            .expect("git is installed");
        assert!(status.success());
    }

    #[test]
    fn tracked_untracked_and_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        git(root, &["init", "-q"]);
        for name in ["tracked.txt", "ignored.txt", "new.txt", "sub/deep.txt"] {
            std::fs::create_dir_all(root.join(name).parent().unwrap()).unwrap();
            std::fs::write(root.join(name), "x").unwrap();
        }
        git(root, &["add", "tracked.txt", "ignored.txt"]);
        std::fs::write(root.join("also-ignored.txt"), "x").unwrap();
        std::fs::write(root.join(".gitignore"), "ignored.txt\nalso-ignored.txt\n").unwrap();
        let all = committable(root, |_| true).unwrap();
        let shown: Vec<(String, bool)> = all
            .iter()
            .map(|c| (c.path.to_string_lossy().into_owned(), c.tracked))
            .collect();
        assert_eq!(
            shown,
            [
                (".gitignore".to_string(), false),
                // Tracked, though ignored since: git commits it.
                ("ignored.txt".to_string(), true),
                ("new.txt".to_string(), false),
                ("sub/deep.txt".to_string(), false),
                ("tracked.txt".to_string(), true),
            ]
        );
        // Relative to the directory asked about, and only below it.
        let sub = committable(&root.join("sub"), |_| true).unwrap();
        assert_eq!(sub[0].path, Path::new("deep.txt"));
        assert_eq!(sub.len(), 1);
        let kept = committable(root, |p| p.ends_with("new.txt")).unwrap();
        assert_eq!(kept.len(), 1);
    }

    #[test]
    fn outside_a_repository_git_cannot_tell() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "x").unwrap();
        assert_eq!(committable(dir.path(), |_| true), None);
    }
}
