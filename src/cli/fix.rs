//! `--fix` and `--diff` on the command line: plan, show or write, then report what is left.
//!
//! Output contract:
//! - `--diff`: stdout holds only the unified diff; a one-line count goes to stderr. Exit 1 when
//!   there is something to fix, 0 when not, 2 on errors. Nothing is written.
//! - `--fix` on files: the remaining findings in the chosen format, then
//!   `N fixed (M files), K remaining` (stdout for the human format, stderr for the others so
//!   their stdout stays a valid document). Exit as a plain lint of the fixed files, or 2 when a
//!   file could not be fixed or written.
//! - `--fix` with stdin (`-`): stdout is exactly the fixed text (the input unchanged when there
//!   is nothing to fix or the fix was refused); the remaining findings go to stderr in compact
//!   form, then the summary. Only the stdin text is fixed: no file on disk is written.

use super::{exit, print_error, print_out, Cli};
use crate::fix::FixOptions;
use crate::input::discover::Discovery;
use crate::linter::fixer::{self, FilePlan};
use crate::linter::pipeline::Buffer;
use crate::linter::Workspace;
use crate::render::{self, Format, HumanOptions};

/// `stdin`: the buffer read from stdin, if any; only its text is fixed then.
pub fn run(
    cli: &Cli,
    workspace: &Workspace,
    discovery: &Discovery,
    stdin: Option<&Buffer>,
) -> Result<u8, String> {
    let fix_options = FixOptions {
        unsafe_fixes: cli.unsafe_fixes,
    };
    let buffers: Vec<Buffer> = stdin.into_iter().cloned().collect();
    let plan = workspace.plan_fixes(discovery, &buffers, fix_options);
    let mut errors: Vec<String> = discovery.errors.clone();
    let stdin_path = stdin.map(|b| workspace.absolute(&b.path));
    let is_stdin = |f: &FilePlan| {
        stdin_path
            .as_ref()
            .is_some_and(|s| workspace.absolute(&f.path) == *s)
    };
    // With stdin, only its text is fixed.
    let in_scope: Vec<&FilePlan> = plan
        .files
        .iter()
        .filter(|f| stdin.is_none() || is_stdin(f))
        .collect();
    for f in in_scope.iter().filter(|f| f.refused.is_some()) {
        errors.push(format!(
            "{}: not fixed: {}",
            f.display,
            f.refused.as_deref().unwrap_or_default()
        ));
    }
    let writable: Vec<&FilePlan> = in_scope
        .iter()
        .copied()
        .filter(|f| f.changed() && f.refused.is_none())
        .collect();
    let fixed: usize = writable.iter().map(|f| f.fixed_count()).sum();

    if cli.diff {
        let diff: String = writable.iter().map(|f| f.diff()).collect();
        print_out(&diff)?;
        eprintln!("{}", count_line("would fix", fixed, writable.len(), None));
        report_errors(&errors);
        return Ok(if !errors.is_empty() {
            exit::ERROR
        } else if writable.is_empty() {
            exit::CLEAN
        } else {
            exit::FINDINGS
        });
    }

    let fail_on = workspace.options().config.fail_on;
    if let Some(stdin) = stdin {
        let text = match writable.first() {
            Some(f) => f.fixed.clone(),
            None => String::from_utf8_lossy(&stdin.bytes).into_owned(),
        };
        print_out(&text)?;
        let rest = [Buffer {
            path: stdin.path.clone(),
            bytes: text.clone().into_bytes(),
        }];
        let report = workspace.lint(discovery, &rest);
        eprint!(
            "{}",
            render::render(Format::Compact, &report, HumanOptions { color: false })
        );
        let remaining = report.diagnostics.len();
        eprintln!(
            "{}",
            count_line("fixed", fixed, writable.len(), Some(remaining))
        );
        report_errors(&errors);
        let failed = report.diagnostics.iter().any(|d| fail_on.fails(d.severity));
        return Ok(if !errors.is_empty() {
            exit::ERROR
        } else if failed {
            exit::FINDINGS
        } else {
            exit::CLEAN
        });
    }

    let (written, write_errors) = fixer::write(&plan);
    errors.extend(write_errors);
    let fixed: usize = written.iter().map(|f| f.fixed_count()).sum();
    // What is left, read back from disk.
    let report = workspace.lint(discovery, &buffers);
    let output = render::render(
        cli.format,
        &report,
        HumanOptions {
            color: cli.color_resolved(),
        },
    );
    print_out(&output)?;
    let summary = count_line(
        "fixed",
        fixed,
        written.len(),
        Some(report.diagnostics.len()),
    );
    if cli.format == Format::Human {
        print_out(&format!("{summary}\n"))?;
    } else {
        eprintln!("{summary}");
    }
    report_errors(&errors);
    let failed = report.diagnostics.iter().any(|d| fail_on.fails(d.severity));
    Ok(if !errors.is_empty() {
        exit::ERROR
    } else if failed {
        exit::FINDINGS
    } else {
        exit::CLEAN
    })
}

/// `3 fixed (2 files), 1 remaining`.
fn count_line(verb: &str, fixed: usize, files: usize, remaining: Option<usize>) -> String {
    let files = if files == 1 {
        "1 file".to_string()
    } else {
        format!("{files} files")
    };
    match (verb, remaining) {
        ("fixed", Some(k)) => format!("{fixed} fixed ({files}), {k} remaining"),
        (verb, _) => format!("{verb} {fixed} ({files})"),
    }
}

fn report_errors(errors: &[String]) {
    for error in errors {
        print_error(error);
    }
}
