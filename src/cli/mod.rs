//! The command line: parse arguments, resolve configuration, call the linter, render, choose
//! the exit code.
//!
//! May use every layer below: [`crate::linter`], [`crate::render`], [`crate::rules`] (for
//! `tfblint rules`) and the vocabulary of [`crate::diagnostic`] and [`crate::model`].

mod args;
mod fix;
mod manual;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;

pub use args::{BackendsArgs, BackendsFormat, Cli, ColorChoice, Command};

use crate::input::source::ParseMode;
use crate::linter::config::{self, Config, Overrides};
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

/// What the command line asks of the process: it ran, or a language server is to run.
/// The command line and the server are siblings: the binary's `main` starts the server.
#[derive(Debug)]
pub enum Outcome {
    Exit(ExitCode),
    /// `tfblint server`.
    Serve {
        log_file: Option<PathBuf>,
    },
}

/// Runs the command line; returns the process exit code, or asks for the server.
pub fn main() -> Outcome {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // clap prints help/version to stdout (exit 0) and usage errors to stderr (exit 2).
            let _ = err.print();
            return Outcome::Exit(ExitCode::from(if err.use_stderr() {
                exit::ERROR
            } else {
                exit::CLEAN
            }));
        }
    };
    if let Some(Command::Server { log_file }) = &cli.command {
        return Outcome::Serve {
            log_file: log_file.clone(),
        };
    }
    Outcome::Exit(match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            print_error(&message);
            ExitCode::from(exit::ERROR)
        }
    })
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
        Some(Command::Backends(args)) => return backends(args),
        Some(Command::Completions { shell }) => {
            print_out(&manual::completions(*shell))?;
            return Ok(exit::CLEAN);
        }
        Some(Command::Man) => {
            print_out(&manual::man_page()?)?;
            return Ok(exit::CLEAN);
        }
        Some(Command::Server { .. }) => unreachable!("`main` hands `server` to its caller"),
        None => {}
    }

    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the working directory: {e}"))?;
    let config = resolve_config(cli.config.as_deref(), cli.no_config, &overrides(&cli), &cwd)?;
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
    if print_report(linted.found_modules, &linted.errors, &output)? {
        return Ok(exit::ERROR);
    }
    let failed = report.diagnostics.iter().any(|d| fail_on.fails(d.severity));
    Ok(if failed { exit::FINDINGS } else { exit::CLEAN })
}

/// `tfblint backends`: the inventory, as a table or JSON. Exit 2 when a path failed.
fn backends(args: &BackendsArgs) -> Result<u8, String> {
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the working directory: {e}"))?;
    let overrides = Overrides {
        exclude: args.exclude.clone(),
        engine: args.engine,
        store: args.store.clone(),
        ..Overrides::default()
    };
    let config = resolve_config(args.config.as_deref(), args.no_config, &overrides, &cwd)?;
    let workspace = Workspace::new(Options::new(config, cwd))?;
    let discovery = workspace.discover(&args.paths, &[]);
    let rows = workspace.backends(&discovery, &[]);
    let output = match args.format {
        BackendsFormat::Human => render::backends::table(&rows),
        BackendsFormat::Json => render::backends::json(&rows),
    };
    let found = !discovery.modules.is_empty();
    Ok(if print_report(found, &discovery.errors, &output)? {
        exit::ERROR
    } else {
        exit::CLEAN
    })
}

/// Prints `output`, then a line for each path that could not be read; returns whether there
/// was one. When every path failed there is nothing to report: only the errors are printed.
fn print_report(found_modules: bool, errors: &[String], output: &str) -> Result<bool, String> {
    let written = if found_modules || errors.is_empty() {
        print_out(output)
    } else {
        Ok(())
    };
    for error in errors {
        print_error(error);
    }
    written?;
    Ok(!errors.is_empty())
}

/// The command line's flags laid over the configuration file's settings.
fn overrides(cli: &Cli) -> Overrides {
    Overrides {
        select: cli.select.clone(),
        ignore: cli.ignore.clone(),
        severity: cli.severity.clone(),
        exclude: cli.exclude.clone(),
        spaces_regions: cli.spaces_regions.clone(),
        engine: cli.engine,
        fail_on: cli.fail_on,
        store: cli.store.clone(),
        no_ignore: cli.no_ignore,
    }
}

/// The configuration file (discovered or named) with the command line's flags laid over it.
fn resolve_config(
    named: Option<&Path>,
    no_config: bool,
    overrides: &Overrides,
    cwd: &Path,
) -> Result<Config, String> {
    config::resolve(cwd, named, no_config, overrides, |flag| format!("--{flag}"))
}

fn rules_table() -> String {
    let mut out = String::from(
        "CODE    NAME                              SEVERITY  FIX     STORES         SUMMARY\n",
    );
    for rule in rules::RULES {
        let fix = match rule.fix {
            rules::Fixability::Never => "-",
            rules::Fixability::Safe => "safe",
            rules::Fixability::Unsafe => "unsafe",
        };
        out.push_str(&format!(
            "{:<7} {:<33} {:<9} {:<7} {:<14} {}\n",
            rule.code,
            rule.name,
            rule.severity,
            fix,
            rule.stores.describe(),
            rule.summary
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
