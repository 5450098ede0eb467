//! TFB902 unknown-code: a `tfblint-ignore` comment names a code no rule has. Reported by the
//! pipeline.

use super::{rule_doc, Fixability, Rule, Stores};
use crate::diagnostic::Severity;

pub static RULE: Rule = Rule {
    code: "TFB902",
    name: "unknown-code",
    severity: Severity::Error,
    fix: Fixability::Never,
    summary: "A suppression comment names a code that no rule has",
    doc: rule_doc!("TFB902"),
    stores: Stores::ALL,
    check: None,
};
