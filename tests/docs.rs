//! The documentation: every relative link and anchor in README.md and docs/ resolves (with
//! GitHub's heading slugs), the README stays short, and its quick-start commands are the ones
//! the tests and `.ci/run` run.

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_FOOTNOTES
}

/// The Markdown files whose links are checked: README.md, CHANGELOG.md and docs/*.md.
fn markdown_files() -> Vec<PathBuf> {
    let mut files = vec![PathBuf::from("README.md")];
    if repo().join("CHANGELOG.md").exists() {
        files.push(PathBuf::from("CHANGELOG.md"));
    }
    let mut docs: Vec<PathBuf> = std::fs::read_dir(repo().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .map(|p| p.strip_prefix(repo()).unwrap().to_path_buf())
        .collect();
    docs.sort();
    files.extend(docs);
    files
}

/// GitHub's anchor for a heading's text: lower case; letters, digits, `_` and `-` kept; each
/// space a `-`; everything else dropped. A repeated anchor gets `-1`, `-2`… in order.
fn slug(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '_' || c == '-' => Some(c),
            _ => None,
        })
        .collect()
}

struct Doc {
    anchors: BTreeSet<String>,
    /// Link destinations, with the line they are on.
    links: Vec<(usize, String)>,
    /// Fenced code blocks: (info string, contents).
    code: Vec<(String, String)>,
    /// The text of each level-2 heading, with the index into `code` of the first block after it.
    sections: Vec<(String, usize)>,
}

fn parse(text: &str) -> Doc {
    let mut doc = Doc {
        anchors: BTreeSet::new(),
        links: Vec::new(),
        code: Vec::new(),
        sections: Vec::new(),
    };
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut heading: Option<(HeadingLevel, String)> = None;
    let mut block: Option<(String, String)> = None;
    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, .. }) => heading = Some((level, String::new())),
            Event::End(TagEnd::Heading(_)) => {
                let (level, title) = heading.take().unwrap();
                let base = slug(&title);
                let n = seen.entry(base.clone()).or_insert(0);
                let anchor = if *n == 0 {
                    base.clone()
                } else {
                    format!("{base}-{n}")
                };
                *n += 1;
                doc.anchors.insert(anchor);
                if level == HeadingLevel::H2 {
                    doc.sections.push((title, doc.code.len()));
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, title)) = heading.as_mut() {
                    title.push_str(&t);
                }
                if let Some((_, body)) = block.as_mut() {
                    body.push_str(&t);
                }
            }
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                let line = text[..range.start].matches('\n').count() + 1;
                doc.links.push((line, dest_url.to_string()));
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let info = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                block = Some((info, String::new()));
            }
            Event::End(TagEnd::CodeBlock) => doc.code.push(block.take().unwrap()),
            _ => {}
        }
    }
    doc
}

/// `a/b/../c` → `a/c`, without touching the filesystem (a link may not go above the root).
fn normalise(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    Some(out)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(repo().join(path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn slugs_follow_github() {
    assert_eq!(
        slug("The language server: `tfblint server`"),
        "the-language-server-tfblint-server"
    );
    assert_eq!(slug("Init-time configuration"), "init-time-configuration");
    assert_eq!(slug("`tfblint backends`"), "tfblint-backends");
    assert_eq!(slug("Where the time goes"), "where-the-time-goes");
    assert_eq!(slug("[0.1.0] - 2026-12-04"), "010---2026-12-04");
    assert_eq!(
        slug("MinIO, Ceph RGW (self-hosted)"),
        "minio-ceph-rgw-self-hosted"
    );
    let doc = parse("# A\n\n## Same\n\n## Same\n\n## Same\n");
    let want: BTreeSet<String> = ["a", "same", "same-1", "same-2"]
        .into_iter()
        .map(String::from)
        .collect();
    assert_eq!(doc.anchors, want);
}

#[test]
fn every_relative_link_and_anchor_resolves() {
    let files = markdown_files();
    let docs: BTreeMap<PathBuf, Doc> = files.iter().map(|f| (f.clone(), parse(&read(f)))).collect();
    let mut broken = Vec::new();
    let mut checked = 0;
    for (file, doc) in &docs {
        for (line, dest) in &doc.links {
            if dest.contains("://") || dest.starts_with("mailto:") {
                continue;
            }
            checked += 1;
            let (path, anchor) = match dest.split_once('#') {
                Some((p, a)) => (p, Some(a)),
                None => (dest.as_str(), None),
            };
            let target = if path.is_empty() {
                Some(file.clone())
            } else {
                normalise(&file.parent().unwrap().join(path))
            };
            let Some(target) = target else {
                broken.push(format!(
                    "{}:{line}: {dest} goes above the repository",
                    file.display()
                ));
                continue;
            };
            if !repo().join(&target).exists() {
                broken.push(format!("{}:{line}: {dest}: no such file", file.display()));
                continue;
            }
            let Some(anchor) = anchor else { continue };
            let anchors = match docs.get(&target) {
                Some(d) => d.anchors.clone(),
                None if target.extension().is_some_and(|e| e == "md") => {
                    parse(&read(&target)).anchors
                }
                None => {
                    broken.push(format!(
                        "{}:{line}: {dest}: an anchor into a file that is not Markdown",
                        file.display()
                    ));
                    continue;
                }
            };
            if !anchors.contains(anchor) {
                broken.push(format!(
                    "{}:{line}: {dest}: {} has no heading with the anchor `{anchor}`",
                    file.display(),
                    target.display()
                ));
            }
        }
    }
    assert!(checked > 60, "only {checked} relative links found");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn the_checker_reports_a_broken_link_and_a_broken_anchor() {
    let doc = parse("# Title\n\nSee [x](#nope), [y](#title) and [z](missing.md).\n");
    let dests: Vec<&str> = doc.links.iter().map(|(_, d)| d.as_str()).collect();
    assert_eq!(dests, ["#nope", "#title", "missing.md"]);
    assert!(doc.anchors.contains("title") && !doc.anchors.contains("nope"));
    assert_eq!(
        normalise(Path::new("docs/../rules/TFB001.md")).unwrap(),
        Path::new("rules/TFB001.md")
    );
    assert_eq!(normalise(Path::new("docs/../../x")), None);
}

#[test]
fn every_docs_page_is_linked_from_the_readme() {
    let readme = parse(&read(Path::new("README.md")));
    let linked: BTreeSet<String> = readme
        .links
        .iter()
        .map(|(_, d)| d.split('#').next().unwrap().to_string())
        .collect();
    for file in markdown_files() {
        if file.starts_with("docs") {
            let name = file.to_str().unwrap().to_string();
            assert!(linked.contains(&name), "README.md does not link to {name}");
        }
    }
}

#[test]
fn the_readme_fits_on_a_page() {
    let lines = read(Path::new("README.md")).lines().count();
    assert!(
        lines <= 300,
        "README.md has {lines} lines; move text to docs/"
    );
}

/// The fenced blocks of the README's `## Quick start` section.
fn quick_start() -> Vec<(String, String)> {
    let doc = parse(&read(Path::new("README.md")));
    let i = doc
        .sections
        .iter()
        .position(|(t, _)| t == "Quick start")
        .expect("README.md has a `## Quick start` section");
    let from = doc.sections[i].1;
    let to = doc.sections.get(i + 1).map_or(doc.code.len(), |s| s.1);
    doc.code[from..to].to_vec()
}

/// The commands of the quick start's first `sh` block, without their comments.
fn quick_start_commands() -> Vec<Vec<String>> {
    let blocks = quick_start();
    let (_, sh) = blocks
        .iter()
        .find(|(info, _)| info == "sh")
        .expect("the quick start has an `sh` block");
    sh.lines()
        .map(|l| l.split(" #").next().unwrap().trim())
        .filter(|l| !l.is_empty())
        .map(|l| shlex::split(l).expect("a command splits into words"))
        .collect()
}

#[test]
fn the_quick_start_test_command_is_what_ci_runs() {
    let commands = quick_start_commands();
    assert_eq!(commands.len(), 2, "{commands:?}");
    let test = commands[1].join(" ");
    assert_eq!(test, "cargo test --locked");
    let ci = read(Path::new(".ci/run"));
    assert!(
        ci.lines().any(|l| l.trim() == test),
        ".ci/run does not run `{test}`"
    );
}

#[test]
fn the_quick_start_lint_prints_what_the_readme_shows() {
    let commands = quick_start_commands();
    let lint = &commands[0];
    assert_eq!(lint[..4], ["cargo", "run", "--release", "--"], "{lint:?}");
    let args = &lint[4..];
    let blocks = quick_start();
    let (_, shown) = blocks
        .iter()
        .find(|(info, _)| info == "text")
        .expect("the quick start shows the output in a `text` block");
    let out = Command::new(env!("CARGO_BIN_EXE_tfblint"))
        .args(args)
        .current_dir(repo())
        .env_remove("CLICOLOR_FORCE")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let trim = |s: &str| s.lines().map(str::trim_end).collect::<Vec<_>>().join("\n");
    assert_eq!(
        trim(&String::from_utf8(out.stdout).unwrap()),
        trim(shown),
        "README.md's quick-start output differs from `tfblint {}`",
        args.join(" ")
    );
}
