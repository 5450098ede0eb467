//! TFB901 unused-suppression: a `tfblint-ignore` code that suppresses nothing. Reported by the
//! pipeline after every other rule has run.

use super::{rule_doc, Fixability, Rule, Stores};
use crate::diagnostic::Severity;

pub static RULE: Rule = Rule {
    code: "TFB901",
    name: "unused-suppression",
    severity: Severity::Warning,
    fix: Fixability::Never,
    summary: "A suppression comment names a code that reports nothing there",
    doc: rule_doc!("TFB901"),
    stores: Stores::ALL,
    check: None,
};
