//! What `cargo package` would ship (`cargo package --locked --no-verify --list`): the sources,
//! every rule document they embed, the documentation and the licenses; nothing large and
//! nothing generated (no target/, tests, fixtures, snapshots, fuzz corpus or wheels).
//! The wheel itself is built and installed by scripts/check-wheel.sh, in `.ci/run`.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn package_list() -> Vec<String> {
    let out = Command::new(env!("CARGO"))
        .args([
            "package",
            "--locked",
            "--offline",
            "--no-verify",
            "--list",
            "--allow-dirty",
        ])
        .current_dir(repo())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cargo package --list: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(String::from)
        .collect()
}

#[test]
fn the_package_ships_the_sources_docs_and_licenses_and_nothing_generated() {
    let files = package_list();
    for required in [
        "Cargo.toml",
        "Cargo.lock",
        "README.md",
        "CHANGELOG.md",
        "LICENSE-MIT",
        "LICENSE-APACHE",
        "src/main.rs",
        "src/lib.rs",
        "docs/stores.md",
    ] {
        assert!(
            files.iter().any(|f| f == required),
            "{required} is not packaged"
        );
    }
    // Every rule document (embedded with include_str!) and every source file under src/.
    for dir in ["rules", "src"] {
        let mut stack = vec![repo().join(dir)];
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(&d).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let rel = path.strip_prefix(repo()).unwrap().to_str().unwrap();
                assert!(files.iter().any(|f| f == rel), "{rel} is not packaged");
            }
        }
    }

    let generated = [
        "target/",
        "tests/",
        "fixtures/",
        "fuzz/",
        "benches/",
        "examples/",
        "editors/",
        ".ci/",
        "dist/",
        "scripts/",
    ];
    let mut total = 0;
    for file in &files {
        assert!(
            !generated.iter().any(|g| file.starts_with(g)),
            "{file} should not be packaged"
        );
        assert!(
            !file.ends_with(".snap") && !file.ends_with(".whl"),
            "{file} is generated"
        );
        // Cargo writes these two into the archive itself.
        if file == "Cargo.toml.orig" || file == ".cargo_vcs_info.json" {
            continue;
        }
        let size = std::fs::metadata(repo().join(Path::new(file)))
            .unwrap_or_else(|e| panic!("{file}: {e}"))
            .len();
        assert!(size < 128 * 1024, "{file} is {size} bytes");
        total += size;
    }
    assert!(total < 2 * 1024 * 1024, "the package holds {total} bytes");
}
