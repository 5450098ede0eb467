//! A real editor as the client: headless Neovim (0.7, Debian bookworm's, or later) starts
//! `tfblint server`, opens a fixture with non-ASCII text before a finding on its line, reads
//! the diagnostics with `vim.diagnostic.get()`, asks for hover and code actions, applies the
//! fix, and the buffer must end as expected with no diagnostics left. The script is
//! `tests/editor_nvim.lua`.
//!
//! `.ci/run` installs Neovim. Without `nvim`, the test fails when `CI=true` and is skipped
//! (saying so) otherwise.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

fn nvim_installed() -> bool {
    Command::new("nvim")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn neovim_shows_the_diagnostics_and_applies_the_fix() {
    if !nvim_installed() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "nvim is not installed, and CI=true: .ci/run installs it (apt-get install neovim)"
        );
        eprintln!("editor_nvim: skipped: `nvim` is not installed (apt-get install neovim)");
        return;
    }
    let script = common::repo().join("tests/editor_nvim.lua");
    let dir = tempfile::tempdir().unwrap();
    let workspace = dir.path().join("ws");
    std::fs::create_dir(&workspace).unwrap();
    // The complete backend with `region` wrong, after `é` (2 bytes, 1 UTF-16 unit) and `😀`
    // (4 bytes, 2 units) on its line; fixed, the line keeps them.
    let region = "    region                      = \"us-east-1\"";
    assert!(common::GOOD_BACKEND.contains(region));
    let text = common::GOOD_BACKEND.replace(region, "    /* état 😀 */ region = \"nyc3\"");
    let expected = common::GOOD_BACKEND.replace(region, "    /* état 😀 */ region = \"us-east-1\"");
    let fixture = workspace.join("main.tf");
    std::fs::write(&fixture, &text).unwrap();
    let expected_file = dir.path().join("expected.tf");
    std::fs::write(&expected_file, &expected).unwrap();
    let result_file = dir.path().join("result.json");
    let server = serde_json::json!([env!("CARGO_BIN_EXE_tfblint"), "server"]).to_string();
    let xdg = |name: &str| dir.path().join(name);

    let mut child = Command::new("nvim")
        .args([
            "--headless",
            "--clean",
            "-u",
            "NONE",
            "-n",
            "-i",
            "NONE",
            "-c",
        ])
        .arg(format!("luafile {}", script.display()))
        .env("TFB_SERVER_CMD", server)
        .env("TFB_FIXTURE", &fixture)
        .env("TFB_EXPECT", &expected_file)
        .env("TFB_RESULT", &result_file)
        .env("XDG_CONFIG_HOME", xdg("config"))
        .env("XDG_DATA_HOME", xdg("data"))
        .env("XDG_STATE_HOME", xdg("state"))
        .env("XDG_CACHE_HOME", xdg("cache"))
        .current_dir(&workspace)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("nvim starts");
    let deadline = Instant::now() + Duration::from_secs(90);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("nvim did not finish in 90 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let output = child.wait_with_output().unwrap();
    let result = std::fs::read_to_string(&result_file).unwrap_or_default();
    let explain = format!(
        "status {status}\nstdout: {}\nstderr: {}\nresult: {result}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(status.success(), "{explain}");
    let result: Value = serde_json::from_str(&result).expect(&explain);
    assert_eq!(result["ok"], true, "{explain}");

    // What Neovim shows: one warning, at the byte column of `"nyc3"` (0-based), after `é`
    // (2 bytes) and `😀` (4 bytes) on the same line.
    let diagnostics = result["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 1, "{explain}");
    let d = &diagnostics[0];
    assert_eq!(d["code"], "TFB304");
    assert_eq!(d["source"], "tfblint");
    assert_eq!(d["severity"], 2);
    let lnum = text.lines().position(|l| l.contains("é")).unwrap();
    let line = text.lines().nth(lnum).unwrap();
    assert_eq!(d["lnum"], lnum);
    assert_eq!(d["col"], line.find("\"nyc3\"").unwrap());
    assert_eq!(
        d["end_col"],
        line.find("\"nyc3\"").unwrap() + "\"nyc3\"".len()
    );
    // The published range counts UTF-16 units.
    assert_eq!(
        result["published"]["diagnostics"][0]["range"]["start"]["character"],
        line[..line.find("\"nyc3\"").unwrap()]
            .encode_utf16()
            .count()
    );
    assert!(result["hover"]
        .as_str()
        .unwrap()
        .starts_with("# TFB304 region-not-us-east-1"));
    assert_eq!(result["applied"], "TFB304: set `region = \"us-east-1\"`");
    assert_eq!(result["exit"]["code"], 0);
    // Nothing was written: the fix lives in the buffer.
    assert_eq!(std::fs::read_to_string(&fixture).unwrap(), text);
}
