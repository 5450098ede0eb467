//! The command line: parse arguments, run the pipeline, print, choose the exit code.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::context::{Engine, Settings};
use crate::diagnostic::Severity;
use crate::discover::Walker;
use crate::lint::{self, Options};
use crate::render::{self, Format, HumanOptions};
use crate::rules;

/// Lints Terraform/OpenTofu `backend "s3"` configurations for DigitalOcean Spaces and other
/// S3-compatible stores.
#[derive(Debug, Parser)]
#[command(name = "tfblint", version, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Files or directories to lint. A directory is walked recursively; a file brings its
    /// directory's other Terraform files in as module context.
    #[arg(value_name = "PATH", default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// When to color the human format.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Skip paths matching this glob (relative to the walked directory); repeatable.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Which program runs the configuration [default: opentofu when a module has `.tofu`
    /// files, else terraform].
    #[arg(long, value_enum)]
    pub engine: Option<Engine>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List every rule: code, name, default severity, whether it can fix.
    Rules,
    /// Print a rule's documentation.
    Rule {
        /// The rule's code, e.g. TFB301.
        code: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Color only on a terminal, and only when `NO_COLOR` is unset.
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    fn resolve(self) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::io::stdout().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        }
    }
}

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
    let exclude = build_globs(&cli.exclude)?;
    let walker = Walker {
        cwd: &cwd,
        exclude: &exclude,
    };
    let discovery = walker.discover(&cli.paths).map_err(|e| e.0)?;
    let options = Options {
        settings: Settings {
            engine: cli.engine,
            spaces_regions: Vec::new(),
        },
    };
    let report = lint::run(&discovery.modules, &[], &options);
    let output = render::render(
        cli.format,
        &report,
        HumanOptions {
            color: cli.color.resolve(),
        },
    );
    // When every path failed there is nothing to report: only the errors are printed.
    let written = if !discovery.modules.is_empty() || discovery.errors.is_empty() {
        print_out(&output)
    } else {
        Ok(())
    };
    for error in &discovery.errors {
        print_error(error);
    }
    written?;
    if !discovery.errors.is_empty() {
        return Ok(exit::ERROR);
    }
    let failed = report
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error);
    Ok(if failed { exit::FINDINGS } else { exit::CLEAN })
}

fn build_globs(patterns: &[String]) -> Result<GlobSet, String> {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        let glob =
            Glob::new(pattern).map_err(|e| format!("invalid --exclude glob `{pattern}`: {e}"))?;
        builder.add(glob);
    }
    builder.build().map_err(|e| e.to_string())
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
fn print_error(message: &str) {
    let _ = writeln!(std::io::stderr().lock(), "tfblint: error: {message}");
}

/// Writes to stdout, treating a closed pipe (`tfblint | head`) as success. Any other
/// failure (a full disk) is an I/O error: output must not be lost silently.
fn print_out(text: &str) -> Result<(), String> {
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
