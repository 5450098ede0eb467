//! The command line: parse arguments, run the pipeline, print, choose the exit code.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::config::{self, Config, FailOn, Selector};
use crate::context::Engine;
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

    /// Use this configuration file instead of looking for `tfblint.toml` / `.tfblint.toml`
    /// from the working directory up.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Ignore every configuration file.
    #[arg(long)]
    pub no_config: bool,

    /// Run only these rules: codes or prefixes (`TFB3`), comma-separated; replaces `select`.
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub select: Option<Vec<String>>,

    /// Do not run these rules: codes or prefixes, comma-separated; replaces `ignore`.
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub ignore: Option<Vec<String>>,

    /// Change a rule's severity, e.g. `TFB501=error`; repeatable.
    #[arg(long, value_name = "CODE=LEVEL")]
    pub severity: Vec<String>,

    /// The lowest severity that makes the run fail (exit 1).
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,

    /// Spaces regions to accept besides the built-in list, comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "REGIONS")]
    pub spaces_regions: Option<Vec<String>>,

    /// Read the file's text from stdin (path `-`) and lint it as if it were at PATH, with its
    /// directory's other files as module context.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,

    /// Apply every safe fix to the files, then report what is left. With stdin (`-`), print
    /// the fixed text to stdout instead (the remaining findings go to stderr, compact).
    #[arg(long)]
    pub fix: bool,

    /// With `--fix` or `--diff`: also apply the fixes that change behaviour.
    #[arg(long)]
    pub unsafe_fixes: bool,

    /// Print a unified diff of what `--fix` would change, and write nothing (exit 1 when
    /// there is something to fix).
    #[arg(long)]
    pub diff: bool,

    /// Parse every file, even those that cannot produce a finding (for testing the shortcut).
    #[arg(long, hide = true)]
    pub no_prefilter: bool,
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

impl Cli {
    pub(crate) fn color_resolved(&self) -> bool {
        self.color.resolve()
    }
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
    let config = resolve_config(&cli, &cwd)?;
    let exclude = build_globs(&config.exclude)?;
    let walker = Walker {
        cwd: &cwd,
        exclude: &exclude,
    };

    // `-` reads stdin; so does `--stdin-filename PATH` with no path given.
    let dash = |p: &PathBuf| p.as_os_str() == "-";
    let defaulted = cli.paths == [PathBuf::from(".")];
    let reads_stdin = cli.paths.iter().any(dash) || (cli.stdin_filename.is_some() && defaulted);
    let named: Vec<PathBuf> = if reads_stdin && defaulted {
        Vec::new()
    } else {
        cli.paths.iter().filter(|p| !dash(p)).cloned().collect()
    };
    let mut discovery = walker.discover(&named).map_err(|e| e.0)?;
    let mut overrides = Vec::new();
    if reads_stdin {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read stdin: {e}"))?;
        let path = cli
            .stdin_filename
            .clone()
            .unwrap_or_else(|| PathBuf::from("stdin.tf"));
        walker.add_stdin(&mut discovery, &path);
        overrides.push(lint::Override {
            path: crate::discover::absolute(&cwd, &path),
            bytes,
        });
    }

    let fail_on = config.fail_on;
    let mut options = Options::new(config, cwd.clone());
    if cli.no_prefilter {
        options.parse_mode = crate::source::ParseMode::Full;
    }
    if cli.fix || cli.diff {
        let stdin_path = reads_stdin.then(|| overrides[0].path.clone());
        return crate::fix_cli::run(&cli, &discovery, &overrides, &options, stdin_path);
    }
    if cli.unsafe_fixes {
        return Err("--unsafe-fixes needs --fix or --diff".into());
    }
    let report = lint::run(&discovery.modules, &overrides, &options);
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
    Ok(config)
}

fn build_globs(patterns: &[String]) -> Result<GlobSet, String> {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        let glob = Glob::new(pattern)
            .map_err(|e| format!("invalid --exclude glob `{pattern}`: {}", e.kind()))?;
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
