//! The command line's arguments.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::linter::config::FailOn;
use crate::model::context::Engine;
use crate::render::Format;

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

    /// Lint what `.gitignore`, `.ignore` and git's excludes ignore, too (overrides
    /// `respect-gitignore` in tfblint.toml).
    #[arg(long)]
    pub no_ignore: bool,

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

    /// The store of configurations without an endpoint (given by the environment or at
    /// init): `aws`, `spaces`, `cloudflare-r2`, `s3-compatible`…; replaces `store`.
    #[arg(long, value_name = "STORE")]
    pub store: Option<String>,

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
    /// List every s3 configuration: module, store, endpoint, bucket, key, region, locking and
    /// the files that gave the values.
    Backends(BackendsArgs),
    /// Run the language server (LSP over stdio) for editors.
    Server {
        /// Append a log of the server's work (methods, files, timings; never file contents)
        /// to this file. Off by default.
        #[arg(long, value_name = "PATH")]
        log_file: Option<PathBuf>,
    },
    /// Print a shell's completion script, e.g. `tfblint completions bash >
    /// ~/.local/share/bash-completion/completions/tfblint`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), e.g. `tfblint man | man -l -`.
    Man,
}

#[derive(Debug, clap::Args)]
pub struct BackendsArgs {
    /// Files or directories to look at, as for linting.
    #[arg(value_name = "PATH", default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = BackendsFormat::Human)]
    pub format: BackendsFormat,

    /// Skip paths matching this glob (relative to the walked directory); repeatable.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Which program runs the configuration.
    #[arg(long, value_enum)]
    pub engine: Option<Engine>,

    /// The store of configurations without an endpoint; replaces `store`.
    #[arg(long, value_name = "STORE")]
    pub store: Option<String>,

    /// Use this configuration file instead of looking for `tfblint.toml`.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Ignore every configuration file.
    #[arg(long)]
    pub no_config: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BackendsFormat {
    /// A table.
    Human,
    /// `{"version": 1, "backends": [...]}`.
    Json,
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
