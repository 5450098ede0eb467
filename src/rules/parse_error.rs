//! TFB001 parse-error: the file is not valid HCL. Reported by the pipeline, not by a check.

use super::{rule_doc, Fixability, Rule, Stores};
use crate::diagnostic::Severity;

pub static RULE: Rule = Rule {
    code: "TFB001",
    name: "parse-error",
    severity: Severity::Error,
    fix: Fixability::Never,
    summary: "A file cannot be read or is not valid HCL",
    doc: rule_doc!("TFB001"),
    stores: Stores::ALL,
    check: None,
};
