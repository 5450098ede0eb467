//! JUnit XML, for CI systems that show test reports (GitLab, Jenkins, Azure Pipelines…).
//!
//! One `<testsuite>` per file with findings, named after the file, and one failing
//! `<testcase>` per finding: the failure's `message` is the diagnostic's message, its `type`
//! the rule code, and its text a one-line `file:line:col: severity[CODE] message` followed by
//! the help and the rule's documentation link. Warnings are findings too, so they fail as well;
//! the severity is kept in each test case's `severity` property. A clean run is one suite
//! `tfblint` with one passing case `tfblint`, so CI shows that the check ran.

use std::collections::BTreeMap;

use quick_junit::{
    NonSuccessKind, Property, Report as JunitReport, TestCase, TestCaseStatus, TestSuite,
};

use crate::diagnostic::{Diagnostic, Report};

const NAME: &str = "tfblint";

/// Renders the report as a JUnit XML document ending in a newline.
pub fn render(report: &Report) -> String {
    let mut junit = JunitReport::new(NAME);
    if report.diagnostics.is_empty() {
        let mut suite = TestSuite::new(NAME);
        let mut case = TestCase::new(NAME, TestCaseStatus::success());
        case.set_classname(NAME);
        suite.add_test_case(case);
        junit.add_test_suite(suite);
    } else {
        let mut by_file: BTreeMap<&str, Vec<&Diagnostic>> = BTreeMap::new();
        for d in &report.diagnostics {
            by_file.entry(d.file.as_str()).or_default().push(d);
        }
        for (file, diagnostics) in by_file {
            let mut suite = TestSuite::new(file);
            suite.add_test_cases(diagnostics.into_iter().map(test_case));
            junit.add_test_suite(suite);
        }
    }
    let mut out = junit
        .to_string()
        .expect("writing XML to memory cannot fail");
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

fn test_case(d: &Diagnostic) -> TestCase {
    let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
    status.set_message(d.message.as_str());
    status.set_type(d.code);
    let mut description = format!(
        "{}:{}:{}: {}[{}] {}",
        d.file, d.start.line, d.start.column, d.severity, d.code, d.message
    );
    if let Some(help) = &d.help {
        description.push_str("\nhelp: ");
        description.push_str(help);
    }
    description.push_str("\nsee: ");
    description.push_str(&d.url());
    status.set_description(description);

    let name = format!(
        "{} {} at {}:{}",
        d.code, d.name, d.start.line, d.start.column
    );
    let mut case = TestCase::new(name, status);
    case.set_classname(d.file.as_str());
    case.add_properties([
        Property::new("severity", d.severity.as_str()),
        Property::new("rule", d.name),
    ]);
    case
}
