//! The house in layers: every top-level module of `src/` sits in one layer, and a module may
//! import only from layers below its own. This test reads `src/` and fails on any import that
//! goes up (or sideways, to another module of the same layer) and on any cycle between
//! top-level modules, naming the file, the line and the import. Inside a folder, files are in
//! layers too: the test fails on any circle of imports between the files of one folder.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Lowest first. Modules in one layer may not import each other.
const LAYERS: &[&[&str]] = &[
    &["diagnostic"],
    &["input"],
    &["model"],
    &["fix"],
    &["rules"],
    &["linter"],
    &["render"],
    &["cli", "server"],
];

/// Lines of a file before its tests, at the most.
const MAX_LINES: usize = 520;

#[derive(Debug, PartialEq, Eq)]
struct Import {
    file: String,
    line: usize,
    from: String,
    to: String,
}

/// Every `crate::<module>` named in the code of the files under `src` (comments excluded),
/// with the top-level module of the file that names it. `lib.rs` and `main.rs` are the root.
fn imports(src: &Path) -> Vec<Import> {
    let mut out = Vec::new();
    for path in rust_files(src) {
        let relative = path.strip_prefix(src).unwrap();
        let Some(from) = top_module(relative) else {
            continue;
        };
        let text = std::fs::read_to_string(&path).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            for to in crate_paths(code) {
                if to != from {
                    out.push(Import {
                        file: relative.to_string_lossy().replace('\\', "/"),
                        line: n + 1,
                        from: from.clone(),
                        to,
                    });
                }
            }
        }
    }
    out
}

/// `src/model/x.rs` → `model`; `src/render.rs` → `render`; the crate root → none.
fn top_module(relative: &Path) -> Option<String> {
    let first = relative.components().next()?.as_os_str().to_string_lossy();
    let name = first.trim_end_matches(".rs").to_string();
    (name != "lib" && name != "main").then_some(name)
}

/// The top-level modules a line of code names: `crate::a::…`, and each of
/// `crate::{a::…, b, …}`.
fn crate_paths(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let before = rest[..at].chars().next_back();
        rest = &rest[at + "crate::".len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue; // `tfblint_crate::`, not ours
        }
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0;
            let mut item = String::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        out.extend(first_ident(&item));
                        item.clear();
                        continue;
                    }
                    _ => {}
                }
                item.push(c);
            }
            out.extend(first_ident(&item));
        } else {
            out.extend(first_ident(rest));
        }
    }
    out
}

fn first_ident(text: &str) -> Option<String> {
    let ident: String = text
        .trim_start()
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    (!ident.is_empty() && ident != "self").then_some(ident)
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out
}

fn layer_of(layers: &[&[&str]], module: &str) -> Option<usize> {
    layers.iter().position(|l| l.contains(&module))
}

/// Every violation, one line each: an import that does not point down, a module missing from
/// the table, a cycle between top-level modules.
fn check(src: &Path, layers: &[&[&str]]) -> Vec<String> {
    let mut problems = Vec::new();
    let imports = imports(src);
    let mut modules: BTreeSet<String> = rust_files(src)
        .iter()
        .filter_map(|p| top_module(p.strip_prefix(src).unwrap()))
        .collect();
    modules.extend(imports.iter().map(|i| i.to.clone()));
    for module in &modules {
        if layer_of(layers, module).is_none() {
            problems.push(format!(
                "src/{module}: not in the layer table of tests/architecture.rs"
            ));
        }
    }
    let mut graph: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for import in &imports {
        graph
            .entry(import.from.as_str())
            .or_default()
            .insert(import.to.as_str());
        let (Some(from), Some(to)) = (layer_of(layers, &import.from), layer_of(layers, &import.to))
        else {
            continue;
        };
        if to >= from {
            let how = if to == from { "sideways" } else { "up" };
            problems.push(format!(
                "src/{}:{}: `{}` imports `crate::{}`, {how} a layer",
                import.file, import.line, import.from, import.to
            ));
        }
    }
    problems.extend(cycles(&graph));
    problems
}

/// Each cycle of the module graph, found by a depth-first search, as `a -> b -> a`.
fn cycles(graph: &BTreeMap<&str, BTreeSet<&str>>) -> Vec<String> {
    fn visit<'a>(
        node: &'a str,
        graph: &BTreeMap<&'a str, BTreeSet<&'a str>>,
        stack: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
        out: &mut Vec<String>,
    ) {
        if let Some(at) = stack.iter().position(|n| *n == node) {
            let mut cycle: Vec<&str> = stack[at..].to_vec();
            cycle.push(node);
            out.push(format!("cycle between modules: {}", cycle.join(" -> ")));
            return;
        }
        if !done.insert(node) {
            return;
        }
        stack.push(node);
        for next in graph.get(node).into_iter().flatten() {
            visit(next, graph, stack, done, out);
        }
        stack.pop();
    }
    let mut out = Vec::new();
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        visit(node, graph, &mut Vec::new(), &mut done, &mut out);
    }
    out
}

/// Files whose code before `#[cfg(test)]` is longer than [`MAX_LINES`].
fn long_files(src: &Path) -> Vec<String> {
    rust_files(src)
        .into_iter()
        .filter_map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            let lines = text
                .lines()
                .take_while(|l| !l.starts_with("#[cfg(test)]"))
                .count();
            (lines > MAX_LINES).then(|| {
                format!(
                    "{}: {lines} lines before its tests (at most {MAX_LINES})",
                    path.display()
                )
            })
        })
        .collect()
}

/// Writes a file of a synthetic tree, with its directories.
fn write_file(src: &Path, path: &str, text: &str) {
    let path = src.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn imports_point_down_only() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let problems = check(&src, LAYERS);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn no_file_is_too_long() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let long = long_files(&src);
    assert!(long.is_empty(), "{}", long.join("\n"));
}

/// The checker itself, on a small synthetic tree: it must fail on an upward import, a sideways
/// one, a grouped `use crate::{…}`, an unknown module and a cycle, and stay quiet otherwise.
#[test]
fn the_checker_fails_on_an_upward_import() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    let write = |path: &str, text: &str| write_file(src, path, text);
    let layers: &[&[&str]] = &[&["low"], &["mid"], &["top", "side"]];
    write("lib.rs", "pub mod low;\npub mod mid;\npub mod top;\n");
    write(
        "low/mod.rs",
        "//! Uses [`crate::top`] in a comment only.\npub fn f() {}\n",
    );
    write("mid/mod.rs", "use crate::low::f;\n");
    write("top.rs", "use crate::{low, mid::x};\n");
    assert_eq!(check(src, layers), Vec::<String>::new());

    write("low/deep.rs", "fn g() {\n    crate::mid::x();\n}\n");
    assert_eq!(
        check(src, layers),
        [
            "src/low/deep.rs:2: `low` imports `crate::mid`, up a layer",
            "cycle between modules: low -> mid -> low",
        ]
    );
    std::fs::remove_file(src.join("low/deep.rs")).unwrap();

    write("side.rs", "use crate::{low, top::Thing};\n");
    write("extra.rs", "use crate::low;\n");
    assert_eq!(
        check(src, layers),
        [
            "src/extra: not in the layer table of tests/architecture.rs",
            "src/side.rs:1: `side` imports `crate::top`, sideways a layer",
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Files inside a folder are in layers too: no circle of imports between the files of one
// top-level folder (its sub-folders included). A file's imports are the paths its code names
// (`use super::…`, `crate::folder::file::…`, `self::…`, a child module's `child::…`, a module
// a `use` brought in), each resolved to the file that defines it. A name re-exported with
// `pub use` is followed to the file it comes from: the file that re-exports it imports that
// file, the files that use it through the re-export do too. A folder's `mod.rs` stands above
// its own files: its uses of them (declaring, re-exporting, calling, the rule registry) are how
// the folder is put together and are not counted; their uses of what it defines are. Code after
// `#[cfg(test)]` and `tests` modules are left out.

/// One file of `src`: its module path (`["input", "init", "files"]`) and its code lines.
struct RustFile {
    relative: String,
    module: Vec<String>,
    code: Vec<String>,
}

/// `input/init/mod.rs` → `input::init`; `model/value.rs` → `model::value`; the root → none.
fn module_path(relative: &Path) -> Option<Vec<String>> {
    let mut parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let last = parts.pop()?;
    let stem = last.trim_end_matches(".rs");
    if parts.is_empty() && (stem == "lib" || stem == "main") {
        return None;
    }
    if stem != "mod" {
        parts.push(stem.to_string());
    }
    Some(parts)
}

fn rust_modules(src: &Path) -> Vec<RustFile> {
    rust_files(src)
        .into_iter()
        .filter_map(|path| {
            let relative = path.strip_prefix(src).unwrap();
            let module = module_path(relative)?;
            if module.iter().any(|m| m == "tests") {
                return None;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let code = text
                .lines()
                .take_while(|l| !l.starts_with("#[cfg(test)]"))
                .map(|l| l.split("//").next().unwrap_or_default().to_string())
                .collect();
            Some(RustFile {
                relative: relative.to_string_lossy().replace('\\', "/"),
                module,
                code,
            })
        })
        .collect()
}

/// A path the code names, expanded out of `{…}` groups: its segments as written, the name it is
/// known by (`as` alias or last segment), its line, and whether it sits in a `pub use`.
#[derive(Debug)]
struct NamedPath {
    segments: Vec<String>,
    alias: String,
    line: usize,
    reexport: bool,
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Every path in `code` that starts with one of `roots` followed by `::`.
fn named_paths(code: &[String], roots: &BTreeSet<String>) -> Vec<NamedPath> {
    let text = code.join("\n");
    let chars: Vec<char> = text.chars().collect();
    let mut line_starts = vec![0];
    line_starts.extend(
        (0..chars.len())
            .filter(|i| chars[*i] == '\n')
            .map(|i| i + 1),
    );
    let line_of = |at: usize| line_starts.partition_point(|s| *s <= at);
    let mut out = Vec::new();
    let mut at = 0;
    while at < chars.len() {
        if !is_ident(chars[at]) || (at > 0 && (is_ident(chars[at - 1]) || chars[at - 1] == ':')) {
            at += 1;
            continue;
        }
        let end = at + chars[at..].iter().take_while(|c| is_ident(**c)).count();
        let word: String = chars[at..end].iter().collect();
        if !roots.contains(&word) || !chars[end..].starts_with(&[':', ':']) {
            at = end;
            continue;
        }
        let from = chars[..at]
            .iter()
            .rposition(|c| matches!(c, ';' | '{' | '}'))
            .map_or(0, |i| i + 1);
        let statement: String = chars[from..at].iter().collect();
        let reexport = statement.trim_start().starts_with("pub") && statement.contains("use ");
        let mut pos = at;
        let mut found = Vec::new();
        tree(&chars, &mut pos, Vec::new(), &mut found);
        for (segments, alias, leaf) in found {
            out.push(NamedPath {
                segments,
                alias,
                line: line_of(leaf),
                reexport,
            });
        }
        at = pos.max(end);
    }
    out
}

/// Reads a use-tree at `pos` (`a::b::{c, d::e as f}`), pushing each leaf with its alias and
/// where its last segment starts.
fn tree(
    chars: &[char],
    pos: &mut usize,
    prefix: Vec<String>,
    out: &mut Vec<(Vec<String>, String, usize)>,
) {
    let skip_space = |pos: &mut usize| {
        while *pos < chars.len() && chars[*pos].is_whitespace() {
            *pos += 1;
        }
    };
    let mut segments = prefix;
    let mut last = *pos;
    loop {
        skip_space(pos);
        if *pos < chars.len() && chars[*pos] == '{' {
            *pos += 1;
            loop {
                skip_space(pos);
                if *pos >= chars.len() || chars[*pos] == '}' {
                    *pos += 1;
                    return;
                }
                tree(chars, pos, segments.clone(), out);
                skip_space(pos);
                if *pos < chars.len() && chars[*pos] == ',' {
                    *pos += 1;
                }
            }
        }
        let start = *pos;
        while *pos < chars.len() && (is_ident(chars[*pos]) || chars[*pos] == '*') {
            *pos += 1;
        }
        let word: String = chars[start..*pos].iter().collect();
        if word.is_empty() {
            break;
        }
        last = start;
        // `{self, …}` names the module the group is in.
        if word != "self" || segments.is_empty() {
            segments.push(word);
        }
        if chars[*pos..].starts_with(&[':', ':']) {
            *pos += 2;
            continue;
        }
        break;
    }
    let mut alias = segments.last().cloned().unwrap_or_default();
    let rest: String = chars[*pos..chars.len().min(*pos + 40)].iter().collect();
    if let Some(after) = rest.trim_start().strip_prefix("as ") {
        alias = after
            .trim_start()
            .chars()
            .take_while(|c| is_ident(*c))
            .collect();
    }
    out.push((segments, alias, last));
}

/// The paths `code` names from one of `roots` (a root name and the module it stands for),
/// made absolute; `super::super::…` climbs once more per `super`.
fn absolute_paths(code: &[String], roots: &BTreeMap<String, Vec<String>>) -> Vec<NamedPath> {
    let names: BTreeSet<String> = roots.keys().cloned().collect();
    let mut paths = named_paths(code, &names);
    for path in &mut paths {
        let mut base = roots[&path.segments[0]].clone();
        let mut rest = &path.segments[1..];
        while path.segments[0] == "super" && rest.first().is_some_and(|s| s == "super") {
            rest = &rest[1..];
            base.pop();
        }
        base.extend(rest.iter().cloned());
        path.segments = base;
    }
    paths
}

/// The file-level import graph: for each file, the files it imports and the first line that
/// does, within its top-level folder.
fn file_imports(src: &Path) -> BTreeMap<String, BTreeMap<String, usize>> {
    let files = rust_modules(src);
    let by_module: BTreeMap<Vec<String>, usize> = files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.module.clone(), i))
        .collect();
    // Each file's paths, made absolute (segments from the crate root). A module brought in by
    // a `use` (`use crate::input::init::{self, …}`) is a root too: `init::pairing::pair()`.
    let mut absolute: Vec<Vec<NamedPath>> = Vec::new();
    for file in &files {
        let mut roots: BTreeMap<String, Vec<String>> = BTreeMap::new();
        roots.insert("crate".into(), Vec::new());
        roots.insert(
            "super".into(),
            file.module[..file.module.len() - 1].to_vec(),
        );
        roots.insert("self".into(), file.module.clone());
        for m in by_module.keys() {
            if m.len() == file.module.len() + 1 && m.starts_with(&file.module) {
                roots.insert(m.last().unwrap().clone(), m.clone());
            }
        }
        let mut paths = absolute_paths(&file.code, &roots);
        let aliases: Vec<(String, Vec<String>)> = paths
            .iter()
            .filter(|p| by_module.contains_key(&p.segments) && !roots.contains_key(&p.alias))
            .map(|p| (p.alias.clone(), p.segments.clone()))
            .collect();
        if !aliases.is_empty() {
            roots.extend(aliases);
            paths = absolute_paths(&file.code, &roots);
        }
        absolute.push(paths);
    }
    // What each file re-exports: alias → absolute path.
    let reexports: Vec<BTreeMap<String, Vec<String>>> = absolute
        .iter()
        .map(|paths| {
            paths
                .iter()
                .filter(|p| p.reexport)
                .map(|p| (p.alias.clone(), p.segments.clone()))
                .collect()
        })
        .collect();
    let resolve = |segments: &[String]| -> Option<usize> {
        let mut segments = segments.to_vec();
        for _ in 0..8 {
            let (file, len) = (1..=segments.len())
                .rev()
                .find_map(|n| by_module.get(&segments[..n]).map(|f| (*f, n)))?;
            match segments.get(len).and_then(|name| reexports[file].get(name)) {
                Some(target) if target[..] != segments[..] => {
                    let mut next = target.clone();
                    next.extend(segments[len + 1..].iter().cloned());
                    segments = next;
                }
                _ => return Some(file),
            }
        }
        None
    };
    let mut graph: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for (i, file) in files.iter().enumerate() {
        let edges = graph.entry(file.relative.clone()).or_default();
        for path in &absolute[i] {
            // A re-export is an import of the file it comes from, as a `use` is.
            let target = resolve(&path.segments);
            let Some(target) = target else { continue };
            let to = &files[target];
            let own_file = file.relative.ends_with("mod.rs") && to.module.starts_with(&file.module);
            if target != i && to.module[0] == file.module[0] && !own_file {
                edges.entry(to.relative.clone()).or_insert(path.line);
            }
        }
    }
    graph
}

/// Each circle of imports between the files of one folder, with the line of each import.
fn file_cycles(src: &Path) -> Vec<String> {
    let graph = file_imports(src);
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeMap<String, usize>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
        out: &mut Vec<String>,
    ) {
        if let Some(at) = stack.iter().position(|n| n == node) {
            let mut cycle: Vec<String> = stack[at..].to_vec();
            cycle.push(node.to_string());
            let steps: Vec<String> = cycle
                .windows(2)
                .map(|w| format!("src/{}:{}", w[0], graph[&w[0]][&w[1]]))
                .collect();
            out.push(format!(
                "circle between files: {} (imports at {})",
                cycle.join(" -> "),
                steps.join(", ")
            ));
            return;
        }
        if !done.insert(node.to_string()) {
            return;
        }
        stack.push(node.to_string());
        for next in graph.get(node).into_iter().flat_map(|e| e.keys()) {
            visit(next, graph, stack, done, out);
        }
        stack.pop();
    }
    let mut out = Vec::new();
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        visit(node, &graph, &mut Vec::new(), &mut done, &mut out);
    }
    out
}

#[test]
fn no_circle_between_files() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let cycles = file_cycles(&src);
    assert!(cycles.is_empty(), "{}", cycles.join("\n"));
}

/// The file-level checker, on a small synthetic tree: quiet on files in layers (a `mod.rs`
/// that declares, re-exports and calls its files, which use what it defines; a grouped `use`
/// split over lines; a name re-exported from a lower file; test code), failing on a circle through
/// `super::`, through `crate::…`, through a module brought in by `use` and through a re-export.
#[test]
fn the_checker_fails_on_a_circle_between_files() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    let write = |path: &str, text: &str| write_file(src, path, text);
    write("lib.rs", "pub mod a;\npub mod b;\n");
    write(
        "a/mod.rs",
        "pub mod low;\npub mod high;\npub use low::Thing;\n\
         pub struct Folder;\npub fn run() {\n    high::go();\n}\n",
    );
    write("a/low.rs", "pub struct Thing;\npub fn f() {}\n");
    write(
        "a/high.rs",
        "use super::{\n    low::f,\n    Folder,\n};\nuse crate::a::Thing;\n\
         pub fn go() {}\n#[cfg(test)]\nmod tests {\n    use crate::a::high;\n}\n",
    );
    write("b.rs", "use crate::a::high::go;\n");
    assert_eq!(file_cycles(src), Vec::<String>::new());
    let circle = |high: usize, low: usize| {
        vec![format!(
            "circle between files: a/high.rs -> a/low.rs -> a/high.rs \
             (imports at src/a/high.rs:{high}, src/a/low.rs:{low})"
        )]
    };

    // `super::` one way, `crate::…` the other.
    write(
        "a/low.rs",
        "pub struct Thing;\npub fn f() {\n    super::high::go();\n}\n",
    );
    assert_eq!(file_cycles(src), circle(2, 3));

    // Through a module a `use` brings in.
    write(
        "a/low.rs",
        "use crate::a::{self};\npub struct Thing;\npub fn f() {\n    a::high::go();\n}\n",
    );
    assert_eq!(file_cycles(src), circle(2, 4));

    // `Thing` comes from `low` by way of `mod.rs`; a re-export in `low` of something of
    // `high` closes a circle.
    write(
        "a/low.rs",
        "pub struct Thing;\npub fn f() {}\npub use super::high::go;\n",
    );
    assert_eq!(file_cycles(src), circle(2, 3));

    // A `mod.rs` stands above its files: that it calls `high` and `high` uses what it defines
    // is no circle.
    write("a/low.rs", "pub struct Thing;\npub fn f() {}\n");
    write("b.rs", "use crate::a::high::go;\n");
    write("a/high.rs", "use super::Folder;\npub fn go() {}\n");
    assert_eq!(file_cycles(src), Vec::<String>::new());
}
