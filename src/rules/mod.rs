//! The rules, one per file, the registry that lists them, and the [`Sink`] they report to.
//!
//! May use: [`crate::diagnostic`], [`crate::input`], [`crate::model`] and [`crate::fix`] (to
//! build fixes). Never the linter pipeline, the renderers or a front end.
//!
//! A rule is a plain [`Rule`] value: its code, name, default severity, whether it can fix,
//! a one-line summary, its Markdown document (embedded from `rules/<CODE>.md`) and the
//! function that checks one module. To add a rule: write `src/rules/<name>.rs` declaring
//! `pub static RULE: Rule`, add its document `rules/<CODE>.md`, and list it in [`RULES`].

use crate::diagnostic::Severity;
use crate::model::context::ModuleContext;
pub use crate::model::stores::Stores;

mod sink;
pub use sink::Sink;

mod backend_config_not_found;
mod block_instead_of_attribute;
mod bucket_in_endpoint;
mod credentials_at_init;
mod deprecated_argument;
mod duplicate_backend;
mod dynamodb_locking;
mod endpoint_not_https;
mod expression_in_backend;
mod hardcoded_credentials;
mod hardcoded_digitalocean_token;
mod invalid_bucket_name;
mod invalid_state_key;
mod invalid_version_constraint;
mod lockfile_needs_terraform_1_11;
mod missing_bucket_or_key;
mod missing_endpoint;
mod missing_lockfile;
mod missing_path_style;
mod missing_region;
mod missing_required_version;
mod missing_skip_flag;
mod not_an_s3_endpoint;
mod parse_error;
mod region_not_us_east_1;
mod required_version_too_low;
mod shared_state;
mod skip_flag_not_true;
mod terraform_artifact_in_repository;
mod unbounded_pessimistic_constraint;
mod unknown_argument;
mod unknown_code;
mod unknown_spaces_region;
mod unsatisfiable_version_constraint;
mod unsupported_by_spaces;
mod unused_suppression;
mod wrong_argument_type;

/// Whether a rule can repair what it finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fixability {
    Never,
    /// Some findings carry a fix that `--fix` applies.
    Safe,
    /// Fixes change behaviour and need `--unsafe-fixes`.
    Unsafe,
}

impl Fixability {
    pub fn is_fixable(self) -> bool {
        self != Fixability::Never
    }
}

/// A rule's declaration.
pub struct Rule {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub fix: Fixability,
    /// One line, used by `tfblint rules` and as SARIF's `shortDescription`.
    pub summary: &'static str,
    /// The rule's Markdown document from `rules/`.
    pub doc: &'static str,
    /// The stores whose configurations the rule checks: the pipeline gives it only those.
    pub stores: Stores,
    /// Checks one module. `None` for rules that the pipeline itself reports (parse errors).
    pub check: Option<fn(&ModuleContext, &mut Sink)>,
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule").field("code", &self.code).finish()
    }
}

/// Embeds `rules/<CODE>.md`.
macro_rules! rule_doc {
    ($code:literal) => {
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/", $code, ".md"))
    };
}
pub(crate) use rule_doc;

/// Every rule, ordered by code.
pub static RULES: &[&Rule] = &[
    &parse_error::RULE,
    &backend_config_not_found::RULE,
    &missing_required_version::RULE,
    &required_version_too_low::RULE,
    &lockfile_needs_terraform_1_11::RULE,
    &invalid_version_constraint::RULE,
    &unsatisfiable_version_constraint::RULE,
    &unbounded_pessimistic_constraint::RULE,
    &missing_endpoint::RULE,
    &deprecated_argument::RULE,
    &endpoint_not_https::RULE,
    &unknown_spaces_region::RULE,
    &bucket_in_endpoint::RULE,
    &not_an_s3_endpoint::RULE,
    &block_instead_of_attribute::RULE,
    &missing_skip_flag::RULE,
    &skip_flag_not_true::RULE,
    &missing_region::RULE,
    &region_not_us_east_1::RULE,
    &missing_path_style::RULE,
    &hardcoded_credentials::RULE,
    &hardcoded_digitalocean_token::RULE,
    &credentials_at_init::RULE,
    &terraform_artifact_in_repository::RULE,
    &missing_lockfile::RULE,
    &dynamodb_locking::RULE,
    &expression_in_backend::RULE,
    &unknown_argument::RULE,
    &wrong_argument_type::RULE,
    &duplicate_backend::RULE,
    &missing_bucket_or_key::RULE,
    &invalid_bucket_name::RULE,
    &invalid_state_key::RULE,
    &unsupported_by_spaces::RULE,
    &shared_state::RULE,
    &unused_suppression::RULE,
    &unknown_code::RULE,
];

/// Looks a rule up by code, case-insensitively.
pub fn by_code(code: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(code))
}

/// The rules whose findings the pipeline itself reports.
pub mod pipeline {
    pub use super::parse_error::RULE as PARSE_ERROR;
    pub use super::terraform_artifact_in_repository::{
        report as report_artifact, RULE as ARTIFACT_IN_REPOSITORY,
    };
    pub use super::unknown_code::RULE as UNKNOWN_CODE;
    pub use super::unused_suppression::RULE as UNUSED_SUPPRESSION;
}

/// The rules checked across every configuration of a run, not module by module: the linter
/// keeps a small key per configuration and checks them all at the end.
pub mod across {
    pub use super::shared_state::{check, partners, RULE as SHARED_STATE};
}

pub use crate::diagnostic::{doc_url, DOCS_BASE};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_sorted_and_well_formed() {
        let codes: Vec<&str> = RULES.iter().map(|r| r.code).collect();
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(
            codes, sorted,
            "RULES must be sorted by code without duplicates"
        );
        for rule in RULES {
            assert!(
                rule.code.len() == 6
                    && rule.code.starts_with("TFB")
                    && rule.code[3..].bytes().all(|b| b.is_ascii_digit()),
                "bad code {}",
                rule.code
            );
            assert!(
                rule.name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "rule names are kebab-case: {}",
                rule.name
            );
        }
    }

    #[test]
    fn registry_and_docs_are_one_to_one() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".md"))
            .map(|n| n.trim_end_matches(".md").to_string())
            .collect();
        on_disk.sort();
        let registered: Vec<String> = RULES.iter().map(|r| r.code.to_string()).collect();
        assert_eq!(on_disk, registered);
    }

    #[test]
    fn the_readme_lists_every_rule() {
        let readme = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"));
        for rule in RULES {
            let row = format!(
                "| [{}](rules/{}.md) | {} | {} | {} |",
                rule.code,
                rule.code,
                rule.name,
                rule.severity,
                rule.stores.describe()
            );
            assert!(
                readme.contains(&row),
                "README lacks the row for {}",
                rule.code
            );
        }
    }

    #[test]
    fn every_doc_states_the_rules_fixability() {
        for rule in RULES {
            let fix = match rule.fix {
                Fixability::Never => "none",
                Fixability::Safe => "safe",
                Fixability::Unsafe => "unsafe",
            };
            let line = format!(
                "Severity: {} · Fix: {fix} · Stores: {}",
                rule.severity,
                rule.stores.describe()
            );
            assert!(
                rule.doc.lines().nth(2) == Some(line.as_str()),
                "rules/{}.md: third line should be `{line}`",
                rule.code
            );
        }
    }

    #[test]
    fn every_doc_has_the_required_sections_and_names_its_rule() {
        for rule in RULES {
            let first = rule.doc.lines().next().unwrap_or_default();
            assert_eq!(
                first,
                format!("# {} {}", rule.code, rule.name),
                "first line of rules/{}.md",
                rule.code
            );
            for section in [
                "## What it does",
                "## Why",
                "## Example",
                "## Use instead",
                "## Fix",
                "## Stores",
            ] {
                assert!(
                    rule.doc.contains(section),
                    "rules/{}.md lacks `{section}`",
                    rule.code
                );
            }
        }
    }
}
