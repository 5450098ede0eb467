//! The house in layers: every top-level module of `src/` sits in one layer, and a module may
//! import only from layers below its own. This test reads `src/` and fails on any import that
//! goes up (or sideways, to another module of the same layer) and on any cycle between
//! top-level modules, naming the file, the line and the import.

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
    let write = |path: &str, text: &str| {
        let path = src.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
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
