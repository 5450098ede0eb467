//! The command line: parse arguments, resolve configuration, call the linter, render, choose
//! the exit code.
//!
//! May use every layer below: [`crate::linter`], [`crate::render`], [`crate::rules`] (for
//! `tfblint rules`) and the vocabulary of [`crate::diagnostic`] and [`crate::model`].

mod args;
mod fix;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;

pub use args::{Cli, ColorChoice, Command};

use crate::diagnostic::Severity;
use crate::input::source::ParseMode;
use crate::linter::config::{self, Config, Selector};
use crate::linter::pipeline::{Buffer, Options};
use crate::linter::Workspace;
use crate::render::{self, HumanOptions};
use crate::rules;

/// Exit codes: 0 clean, 1 findings at error level, 2 usage or I/O error.
pub mod exit {
    pub const CLEAN: u8 = 0;
    pub const FINDINGS: u8 = 1;
    pub const ERROR: u8 = 2;
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // clap prints help/version to stdout (exit 0) and usage errors to stderr (exit 2).
            let _ = err.print();
            return ExitCode::from(if err.use_stderr() {
                exit::ERROR
            } else {
                exit::CLEAN
            });
        }
    };
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            print_error(&message);
            ExitCode::from(exit::ERROR)
        }
    }
}

fn run(cli: Cli) -> Result<u8, String> {
    match &cli.command {
        Some(Command::Rules) => {
            print_out(&rules_table())?;
            return Ok(exit::CLEAN);
        }
        Some(Command::Rule { code }) => {
            let rule = rules::by_code(code)
                .ok_or_else(|| format!("unknown rule `{code}` (`tfblint rules` lists them)"))?;
            print_out(rule.doc)?;
            return Ok(exit::CLEAN);
        }
        None => {}
    }

    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the working directory: {e}"))?;
    let config = resolve_config(&cli, &cwd)?;
    let fail_on = config.fail_on;
    let mut options = Options::new(config, cwd);
    if cli.no_prefilter {
        options.parse_mode = ParseMode::Full;
    }
    let workspace = Workspace::new(options)?;

    // `-` reads stdin; so does `--stdin-filename PATH` with no path given.
    let dash = |p: &PathBuf| p.as_os_str() == "-";
    let defaulted = cli.paths == [PathBuf::from(".")];
    let reads_stdin = cli.paths.iter().any(dash) || (cli.stdin_filename.is_some() && defaulted);
    let named: Vec<PathBuf> = if reads_stdin && defaulted {
        Vec::new()
    } else {
        cli.paths.iter().filter(|p| !dash(p)).cloned().collect()
    };
    let mut buffers = Vec::new();
    if reads_stdin {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read stdin: {e}"))?;
        let path = cli
            .stdin_filename
            .clone()
            .unwrap_or_else(|| PathBuf::from("stdin.tf"));
        buffers.push(Buffer { path, bytes });
    }
    if cli.fix || cli.diff {
        let discovery = workspace.discover(&named, &buffers);
        return fix::run(&cli, &workspace, &discovery, buffers.first());
    }
    if cli.unsafe_fixes {
        return Err("--unsafe-fixes needs --fix or --diff".into());
    }
    let linted = workspace.lint_paths(&named, &buffers);
    let report = linted.report;
    let output = render::render(
        cli.format,
        &report,
        HumanOptions {
            color: cli.color_resolved(),
        },
    );
    // When every path failed there is nothing to report: only the errors are printed.
    let written = if linted.found_modules || linted.errors.is_empty() {
        print_out(&output)
    } else {
        Ok(())
    };
    for error in &linted.errors {
        print_error(error);
    }
    written?;
    if !linted.errors.is_empty() {
        return Ok(exit::ERROR);
    }
    let failed = report.diagnostics.iter().any(|d| fail_on.fails(d.severity));
    Ok(if failed { exit::FINDINGS } else { exit::CLEAN })
}

/// The configuration file (discovered or named) with the command line's flags laid over it.
fn resolve_config(cli: &Cli, cwd: &Path) -> Result<Config, String> {
    let path = match (&cli.config, cli.no_config) {
        (Some(path), _) => Some(path.clone()),
        (None, true) => None,
        (None, false) => config::discover(cwd),
    };
    let mut config = match path {
        Some(path) => config::load(&path, cwd)?,
        None => Config::default_in(cwd),
    };
    let selectors = |flag: &str, codes: &[String]| -> Result<Vec<Selector>, String> {
        codes
            .iter()
            .map(|c| Selector::parse(c).map_err(|m| format!("--{flag}: {m}")))
            .collect()
    };
    if let Some(codes) = &cli.select {
        config.select = selectors("select", codes)?;
    }
    if let Some(codes) = &cli.ignore {
        config.ignore = selectors("ignore", codes)?;
    }
    for pair in &cli.severity {
        let (code, level) = pair.split_once('=').ok_or_else(|| {
            format!("--severity `{pair}`: expected CODE=LEVEL, e.g. TFB501=error")
        })?;
        let rule = rules::by_code(code.trim()).ok_or_else(|| {
            format!("--severity: unknown rule code `{code}` (`tfblint rules` lists them)")
        })?;
        let severity = match level.trim().to_ascii_lowercase().as_str() {
            "error" => Severity::Error,
            "warning" => Severity::Warning,
            other => {
                return Err(format!(
                    "--severity {code}: unknown level `{other}` (error or warning)"
                ))
            }
        };
        config.severity.insert(rule.code, severity);
    }
    if !cli.exclude.is_empty() {
        config.exclude = cli.exclude.clone();
    }
    if let Some(regions) = &cli.spaces_regions {
        config.spaces_regions = regions.clone();
    }
    if let Some(engine) = cli.engine {
        config.engine = Some(engine);
    }
    if let Some(fail_on) = cli.fail_on {
        config.fail_on = fail_on;
    }
    if cli.no_ignore {
        config.respect_gitignore = false;
    }
    Ok(config)
}

fn rules_table() -> String {
    let mut out =
        String::from("CODE    NAME                              SEVERITY  FIX     SUMMARY\n");
    for rule in rules::RULES {
        let fix = match rule.fix {
            rules::Fixability::Never => "-",
            rules::Fixability::Safe => "safe",
            rules::Fixability::Unsafe => "unsafe",
        };
        out.push_str(&format!(
            "{:<7} {:<33} {:<9} {:<7} {}\n",
            rule.code, rule.name, rule.severity, fix, rule.summary
        ));
    }
    out
}

/// Writes one `tfblint: error: …` line to stderr; unlike `eprintln!`, never panics when
/// stderr cannot be written.
pub(crate) fn print_error(message: &str) {
    let _ = writeln!(std::io::stderr().lock(), "tfblint: error: {message}");
}

/// Writes to stdout, treating a closed pipe (`tfblint | head`) as success. Any other
/// failure (a full disk) is an I/O error: output must not be lost silently.
pub(crate) fn print_out(text: &str) -> Result<(), String> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(format!("cannot write the output: {e}"))
        }
        _ => Ok(()),
    }
}
