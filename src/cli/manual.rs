//! `tfblint completions SHELL` and `tfblint man`: a shell's completion script and the roff man
//! page, both generated from the arguments' own definition ([`Cli`]), so neither can fall
//! behind a new flag.

use clap::CommandFactory;
use clap_complete::Shell;
use clap_mangen::roff::{bold, italic, roman, Roff};
use clap_mangen::Man;

use super::exit;
use super::Cli;

/// The completion script for `shell`.
pub(super) fn completions(shell: Shell) -> String {
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command, "tfblint", &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// What `tfblint` reads, for the FILES section: (file, what it is to tfblint).
const FILES: &[(&str, &str)] = &[
    (
        "*.tf, *.tofu",
        "Terraform and OpenTofu files; a module is a directory.",
    ),
    (
        "*.tfbackend",
        "partial backend configuration, merged over the module's backend \"s3\" block as terraform init -backend-config does.",
    ),
    (
        "tfblint.toml, .tfblint.toml",
        "the configuration, looked for from the working directory up to the filesystem root (or the file given with --config; none with --no-config).",
    ),
    (
        ".gitignore, .ignore, .git/info/exclude, git's core.excludesFile",
        "paths not to lint (.gitignore only inside a git repository); --no-ignore lints them too.",
    ),
    (
        ".github/workflows/*.yml, .github/workflows/*.yaml, .gitlab-ci.yml",
        "CI jobs whose terraform init commands pass -backend-config files or settings.",
    ),
    (
        "*.sh, *.bash, Makefile, makefile, GNUmakefile, *.mk, justfile, *.just, Taskfile.yml, Taskfile.yaml",
        "scripts and task files whose terraform init commands pass -backend-config files or settings; read only when they hold both \"init\" and \"backend-config\".",
    ),
];

/// The man page: clap's sections, then EXIT STATUS, ENVIRONMENT, FILES and SEE ALSO.
pub(super) fn man_page() -> Result<String, String> {
    let command = Cli::command().long_about(
        "Lints the backend \"s3\" blocks of Terraform and OpenTofu modules and the *.tfbackend \
             partial files merged over them, for AWS S3, DigitalOcean Spaces and other \
             S3-compatible stores, and reports each mistake on its exact span with what to \
             write instead. Directories are walked recursively; a file brings its directory's \
             other Terraform files in as module context. Nothing is written unless --fix is given.",
    );
    let man = Man::new(command);
    let mut out = Vec::new();
    let failed = |e: std::io::Error| format!("cannot render the man page: {e}");
    man.render_title(&mut out).map_err(failed)?;
    man.render_name_section(&mut out).map_err(failed)?;
    man.render_synopsis_section(&mut out).map_err(failed)?;
    man.render_description_section(&mut out).map_err(failed)?;
    man.render_options_section(&mut out).map_err(failed)?;
    man.render_subcommands_section(&mut out).map_err(failed)?;
    extra_sections().to_writer(&mut out).map_err(failed)?;
    man.render_version_section(&mut out).map_err(failed)?;
    Ok(ascii_roff(&String::from_utf8_lossy(&out)))
}

/// roff input is read as Latin-1 unless a preprocessor converts it: every character beyond
/// ASCII (the help's `…`) is written as groff's `\[uXXXX]` escape, which man-db and mandoc read.
fn ascii_roff(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            out.push_str(&format!("\\[u{:04X}]", u32::from(c)));
        }
    }
    out
}

fn extra_sections() -> Roff {
    let mut roff = Roff::new();
    roff.control("SH", ["EXIT STATUS"]);
    for (code, meaning) in [
        (
            exit::CLEAN,
            "no finding at the failing level (errors, or warnings too with --fail-on warning).",
        ),
        (exit::FINDINGS, "at least one finding at the failing level; with --diff, something to fix."),
        (
            exit::ERROR,
            "a usage error, a path that does not exist or cannot be read, an invalid configuration, or a file that could not be fixed or written; one line on standard error says which.",
        ),
    ] {
        roff.control("TP", []);
        roff.text([bold(code.to_string())]);
        roff.text([roman(meaning)]);
    }

    roff.control("SH", ["ENVIRONMENT"]);
    roff.control("TP", []);
    roff.text([bold("NO_COLOR")]);
    roff.text([roman(
        "when set and not empty, --color auto prints no color.",
    )]);

    roff.control("SH", ["FILES"]);
    for (file, what) in FILES {
        roff.control("TP", []);
        roff.text([italic(*file)]);
        roff.text([roman(*what)]);
    }
    roff.control("PP", []);
    roff.text([roman(
        "Hidden directories other than .github (.git and .terraform among them) are not walked.",
    )]);

    roff.control("SH", ["SEE ALSO"]);
    roff.text([
        bold("tfblint rules"),
        roman(" lists the rules; "),
        bold("tfblint rule"),
        roman(" "),
        italic("CODE"),
        roman(" prints a rule's document. "),
        bold("terraform"),
        roman("(1), "),
        bold("tofu"),
        roman("(1)."),
    ]);
    roff
}
