//! One renderer per output format. Each is a pure function of a [`Report`].

pub mod backends;
pub mod checkstyle;
pub mod compact;
pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;

use crate::diagnostic::Report;

/// The output formats of `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// miette's graphical report, for people.
    Human,
    /// One line per finding: `path:line:col: severity[CODE] message`.
    Compact,
    /// One JSON document (version 1).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
    /// JUnit XML, for GitLab and Jenkins.
    Junit,
    /// Checkstyle XML, for reviewdog and CI plugins.
    Checkstyle,
    /// GitHub Actions workflow commands (pull-request annotations).
    Github,
    /// GitLab Code Quality JSON.
    Gitlab,
}

/// Choices that change how the human format looks.
#[derive(Debug, Clone, Copy, Default)]
pub struct HumanOptions {
    pub color: bool,
}

pub fn render(format: Format, report: &Report, human: HumanOptions) -> String {
    match format {
        Format::Human => human::render(report, human),
        Format::Compact => compact::render(report),
        Format::Json => json::render(report),
        Format::Sarif => sarif::render(report),
        Format::Junit => junit::render(report),
        Format::Checkstyle => checkstyle::render(report),
        Format::Github => github::render(report),
        Format::Gitlab => gitlab::render(report),
    }
}
