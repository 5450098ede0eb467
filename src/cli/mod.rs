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

pub use args::{BackendsArgs, BackendsFormat, Cli, ColorChoice, Command};

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
        Some(Command::Backends(args)) => return backends(args),
        None => {}
    }

    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the working directory: {e}"))?;
    let config = resolve_config(&Flags::of(&cli), &cwd)?;
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
    let discovery = workspace.discover(&named, &buffers);

    if cli.fix || cli.diff {
        return fix::run(&cli, &workspace, &discovery, buffers.first());
    }
    if cli.unsafe_fixes {
        return Err("--unsafe-fixes needs --fix or --diff".into());
    }
    let report = workspace.lint(&discovery, &buffers);
    let output = render::render(
        cli.format,
        &report,
        HumanOptions {
            color: cli.color_resolved(),
        },
    );
    if print_report(&discovery, &output)? {
        return Ok(exit::ERROR);
    }
    let failed = report.diagnostics.iter().any(|d| fail_on.fails(d.severity));
    Ok(if failed { exit::FINDINGS } else { exit::CLEAN })
}

/// `tfblint backends`: the inventory, as a table or JSON. Exit 2 when a path failed.
fn backends(args: &BackendsArgs) -> Result<u8, String> {
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the working directory: {e}"))?;
    let flags = Flags {
        config: args.config.as_ref(),
        no_config: args.no_config,
        exclude: &args.exclude,
        engine: args.engine,
        store: args.store.as_deref(),
        ..Flags::default()
    };
    let config = resolve_config(&flags, &cwd)?;
    let workspace = Workspace::new(Options::new(config, cwd))?;
    let discovery = workspace.discover(&args.paths, &[]);
    let rows = workspace.backends(&discovery, &[]);
    let output = match args.format {
        BackendsFormat::Human => render::backends::table(&rows),
        BackendsFormat::Json => render::backends::json(&rows),
    };
    Ok(if print_report(&discovery, &output)? {
        exit::ERROR
    } else {
        exit::CLEAN
    })
}

/// Prints `output`, then a line for each path that could not be read; returns whether there
/// was one. When every path failed there is nothing to report: only the errors are printed.
fn print_report(
    discovery: &crate::input::discover::Discovery,
    output: &str,
) -> Result<bool, String> {
    let written = if !discovery.modules.is_empty() || discovery.errors.is_empty() {
        print_out(output)
    } else {
        Ok(())
    };
    for error in &discovery.errors {
        print_error(error);
    }
    written?;
    Ok(!discovery.errors.is_empty())
}

/// The command line's flags that bear on the configuration.
#[derive(Default)]
struct Flags<'a> {
    config: Option<&'a PathBuf>,
    no_config: bool,
    select: Option<&'a [String]>,
    ignore: Option<&'a [String]>,
    severity: &'a [String],
    exclude: &'a [String],
    spaces_regions: Option<&'a [String]>,
    engine: Option<crate::model::context::Engine>,
    fail_on: Option<config::FailOn>,
    store: Option<&'a str>,
}

impl<'a> Flags<'a> {
    fn of(cli: &'a Cli) -> Self {
        Flags {
            config: cli.config.as_ref(),
            no_config: cli.no_config,
            select: cli.select.as_deref(),
            ignore: cli.ignore.as_deref(),
            severity: &cli.severity,
            exclude: &cli.exclude,
            spaces_regions: cli.spaces_regions.as_deref(),
            engine: cli.engine,
            fail_on: cli.fail_on,
            store: cli.store.as_deref(),
        }
    }
}

/// The configuration file (discovered or named) with the command line's flags laid over it.
fn resolve_config(cli: &Flags, cwd: &Path) -> Result<Config, String> {
    let path = match (cli.config, cli.no_config) {
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
    if let Some(codes) = cli.select {
        config.select = selectors("select", codes)?;
    }
    if let Some(codes) = cli.ignore {
        config.ignore = selectors("ignore", codes)?;
    }
    for pair in cli.severity {
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
        config.exclude = cli.exclude.to_vec();
    }
    if let Some(regions) = cli.spaces_regions {
        config.spaces_regions = regions.to_vec();
    }
    if let Some(name) = cli.store {
        config.store = Some(config::parse_store(name).map_err(|m| format!("--store: {m}"))?);
    }
    if let Some(engine) = cli.engine {
        config.engine = Some(engine);
    }
    if let Some(fail_on) = cli.fail_on {
        config.fail_on = fail_on;
    }
    Ok(config)
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
