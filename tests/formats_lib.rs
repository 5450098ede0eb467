//! The machine-readable output formats, driven through the library API with a hand-built report.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use quick_xml::events::Event;
use quick_xml::Reader;
use serde_json::{json, Value};
use tfblint::diagnostic::{Diagnostic, Position, Report, Severity};
use tfblint::render::{checkstyle, github, gitlab, junit, sarif};
use tfblint::rules::{doc_url, RULES};

const BACKEND: &str = "envs/prod/backend.tf";
/// A path that needs escaping in URIs (space, comma) and in workflow-command properties (comma).
const BROKEN: &str = "modules/a b,c/main.tf";

const BACKEND_SRC: &str = "terraform {\n  backend \"s3\" {\n    bucket   = \"state\"\n    endpoint = \"https://nyc3.digitaloceanspaces.com\"\n  }\n}\n";
const BROKEN_SRC: &str = "terraform {\n  backend \"s3\" {\n";

/// A message holding every character some format must escape.
const NASTY: &str = "endpoint \"a<b>&c\" is 100% path-style: use host, not path\nsecond line";

fn pos(line: usize, column: usize) -> Position {
    Position { line, column }
}

#[allow(clippy::too_many_arguments)]
fn diag(
    code: &'static str,
    name: &'static str,
    severity: Severity,
    message: &str,
    help: Option<&str>,
    file: &str,
    span: std::ops::Range<usize>,
    start: Position,
    end: Position,
) -> Diagnostic {
    Diagnostic {
        code,
        name,
        severity,
        message: message.to_string(),
        help: help.map(str::to_string),
        label: "here".to_string(),
        file: file.to_string(),
        span,
        start,
        end,
        fix: None,
    }
}

fn missing_skip_flag() -> Diagnostic {
    diag(
        "TFB301",
        "missing-skip-flag",
        Severity::Error,
        "backend \"s3\" lacks `skip_credentials_validation`",
        Some("add `skip_credentials_validation = true`"),
        BACKEND,
        14..26,
        pos(2, 3),
        pos(2, 15),
    )
}

/// A warning spanning two lines, from `endpoint` to the closing brace of the block.
fn nasty_warning() -> Diagnostic {
    diag(
        "TFB302",
        "skip-flag-not-true",
        Severity::Warning,
        NASTY,
        None,
        BACKEND,
        56..108,
        pos(4, 5),
        pos(5, 4),
    )
}

/// A parse error with a zero-width span at the end of the file.
fn parse_error() -> Diagnostic {
    diag(
        "TFB001",
        "parse-error",
        Severity::Error,
        "unexpected end of input, expected `}`",
        Some("close the block"),
        BROKEN,
        29..29,
        pos(3, 1),
        pos(3, 1),
    )
}

fn sources() -> BTreeMap<String, Arc<str>> {
    BTreeMap::from([
        (BACKEND.to_string(), Arc::from(BACKEND_SRC)),
        (BROKEN.to_string(), Arc::from(BROKEN_SRC)),
    ])
}

/// Three findings in two files, given out of order so that `Report::new` sorts them.
fn report() -> Report {
    Report::new(
        vec![parse_error(), nasty_warning(), missing_skip_flag()],
        sources(),
        2,
        2,
    )
}

fn clean() -> Report {
    Report::new(Vec::new(), BTreeMap::new(), 3, 1)
}

fn rule_index(code: &str) -> Option<usize> {
    RULES.iter().position(|r| r.code == code)
}

// ---------------------------------------------------------------------------------------------
// SARIF

/// Validates against the official SARIF 2.1.0 schema; `false` when the schema is not available.
fn validate_sarif(log: &Value) -> bool {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/schemas/sarif-schema-2.1.0.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        println!("skipped: SARIF schema not found at {}", path.display());
        return false;
    };
    let schema: Value = serde_json::from_str(&text).expect("the SARIF schema is JSON");
    // The schema declares draft-04 and names itself with `id`; every `$ref` is local
    // (`#/definitions/…`) and the draft-04 meta-schema is bundled, so nothing is fetched. The crate
    // is built without its HTTP/file resolvers, so any attempt to fetch would fail loudly.
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(errors.is_empty(), "SARIF schema violations: {errors:#?}");

    // The validator is not vacuous: a region starting at line 0 must be rejected.
    let mut broken = log.clone();
    if let Some(region) =
        broken.pointer_mut("/runs/0/results/0/locations/0/physicalLocation/region")
    {
        region["startLine"] = json!(0);
        assert!(!validator.is_valid(&broken), "startLine 0 must be rejected");
    }
    let mut broken = log.clone();
    broken["version"] = json!("2.0.0");
    assert!(
        !validator.is_valid(&broken),
        "a wrong version must be rejected"
    );
    true
}

fn expected_location(uri: &str, region: [usize; 4]) -> Value {
    json!([{
        "physicalLocation": {
            "artifactLocation": { "uri": uri, "uriBaseId": "%SRCROOT%" },
            "region": {
                "startLine": region[0],
                "startColumn": region[1],
                "endLine": region[2],
                "endColumn": region[3],
            }
        }
    }])
}

fn expected_result(
    code: &str,
    level: &str,
    text: &str,
    location: Value,
    fingerprint: &str,
) -> Value {
    let mut result = json!({
        "ruleId": code,
        "level": level,
        "message": { "text": text },
        "locations": location,
        "partialFingerprints": { "tfblintFingerprint/v1": fingerprint },
    });
    if let Some(index) = rule_index(code) {
        result["ruleIndex"] = json!(index);
    }
    result
}

fn check_driver(log: &Value) {
    assert_eq!(
        log["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(log["runs"].as_array().unwrap().len(), 1);
    let run = &log["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "tfblint");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert!(driver["informationUri"]
        .as_str()
        .unwrap()
        .starts_with("https://"));
    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(rules.len(), RULES.len());
    for (rule, descriptor) in RULES.iter().zip(rules) {
        assert_eq!(descriptor["id"], rule.code);
        assert_eq!(descriptor["name"], rule.name);
        assert_eq!(descriptor["shortDescription"]["text"], rule.summary);
        assert_eq!(descriptor["helpUri"], doc_url(rule.code));
        assert_eq!(descriptor["help"]["markdown"], rule.doc);
        assert_eq!(
            descriptor["defaultConfiguration"]["level"],
            rule.severity.as_str()
        );
    }
}

#[test]
fn sarif_is_valid_and_exact() {
    let report = report();
    let out = sarif::render(&report);
    assert!(out.ends_with("}\n"));
    assert_eq!(out, sarif::render(&report), "deterministic");
    let log: Value = serde_json::from_str(&out).unwrap();
    check_driver(&log);

    let fingerprints = gitlab_fingerprints(&report);
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    assert_eq!(
        results[0],
        expected_result(
            "TFB301",
            "error",
            "backend \"s3\" lacks `skip_credentials_validation`\nhelp: add `skip_credentials_validation = true`",
            expected_location(BACKEND, [2, 3, 2, 15]),
            &fingerprints[0],
        )
    );
    assert_eq!(
        results[1],
        expected_result(
            "TFB302",
            "warning",
            NASTY,
            expected_location(BACKEND, [4, 5, 5, 4]),
            &fingerprints[1],
        )
    );
    // The zero-width parse error keeps a valid, empty region; the path is percent-encoded.
    assert_eq!(
        results[2],
        expected_result(
            "TFB001",
            "error",
            "unexpected end of input, expected `}`\nhelp: close the block",
            expected_location("modules/a%20b%2Cc/main.tf", [3, 1, 3, 1]),
            &fingerprints[2],
        )
    );
    validate_sarif(&log);
}

#[test]
fn sarif_clean_run_lists_rules_and_no_results() {
    let out = sarif::render(&clean());
    let log: Value = serde_json::from_str(&out).unwrap();
    check_driver(&log);
    assert_eq!(log["runs"][0]["results"], json!([]));
    validate_sarif(&log);
}

// ---------------------------------------------------------------------------------------------
// XML helpers

/// One element of a parsed document: its name, unescaped attributes and unescaped direct text.
#[derive(Debug)]
struct Element {
    name: String,
    attrs: BTreeMap<String, String>,
    text: String,
}

impl Element {
    fn attr(&self, key: &str) -> &str {
        self.attrs
            .get(key)
            .unwrap_or_else(|| panic!("<{}> lacks `{key}`: {self:?}", self.name))
    }
}

fn element(e: &quick_xml::events::BytesStart<'_>) -> Element {
    let attrs = e
        .attributes()
        .map(|a| {
            let a = a.expect("well-formed attribute");
            (
                String::from_utf8(a.key.as_ref().to_vec()).unwrap(),
                a.unescape_value().unwrap().into_owned(),
            )
        })
        .collect();
    Element {
        name: String::from_utf8(e.name().as_ref().to_vec()).unwrap(),
        attrs,
        text: String::new(),
    }
}

/// Parses `xml` into its elements in document order, checking it is well-formed and balanced.
fn parse_xml(xml: &str) -> Vec<Element> {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let mut elements: Vec<Element> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    let mut saw_decl = false;
    loop {
        let event = reader.read_event().expect("well-formed XML");
        match event {
            Event::Decl(decl) => {
                assert_eq!(&*decl.version().unwrap(), b"1.0");
                assert_eq!(&*decl.encoding().unwrap().unwrap(), b"UTF-8");
                saw_decl = true;
            }
            Event::Start(e) => {
                elements.push(element(&e));
                open.push(elements.len() - 1);
            }
            Event::Empty(e) => elements.push(element(&e)),
            Event::End(_) => {
                open.pop().expect("balanced tags");
            }
            Event::Text(t) => {
                let text = t.xml10_content().unwrap();
                if let Some(&i) = open.last() {
                    elements[i].text.push_str(&text);
                }
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref().unwrap() {
                    Some(c) => c.to_string(),
                    None => quick_xml::escape::resolve_predefined_entity(&r.decode().unwrap())
                        .expect("only predefined entities")
                        .to_string(),
                };
                if let Some(&i) = open.last() {
                    elements[i].text.push_str(&resolved);
                }
            }
            Event::Eof => break,
            other => panic!("unexpected XML event {other:?}"),
        }
    }
    assert!(saw_decl, "XML declaration present");
    assert!(open.is_empty(), "every element is closed");
    elements
}

fn names(elements: &[Element], name: &str) -> usize {
    elements.iter().filter(|e| e.name == name).count()
}

fn attrs(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// JUnit

#[test]
fn junit_has_a_suite_per_file_and_a_failure_per_finding() {
    let report = report();
    let out = junit::render(&report);
    assert!(out.ends_with("</testsuites>\n"), "{out}");
    assert_eq!(out, junit::render(&report), "deterministic");
    let elements = parse_xml(&out);

    assert_eq!(names(&elements, "testsuites"), 1);
    assert_eq!(names(&elements, "testsuite"), 2);
    assert_eq!(names(&elements, "testcase"), 3);
    assert_eq!(names(&elements, "failure"), 3);
    assert_eq!(names(&elements, "error"), 0);

    let root = &elements[0];
    assert_eq!(root.name, "testsuites");
    assert_eq!(
        root.attrs,
        attrs(&[
            ("name", "tfblint"),
            ("tests", "3"),
            ("failures", "3"),
            ("errors", "0"),
            ("skipped", "0"),
        ])
    );

    let suites: Vec<&Element> = elements.iter().filter(|e| e.name == "testsuite").collect();
    assert_eq!(suites[0].attr("name"), BACKEND);
    assert_eq!(suites[0].attr("tests"), "2");
    assert_eq!(suites[0].attr("failures"), "2");
    assert_eq!(suites[1].attr("name"), BROKEN);
    assert_eq!(suites[1].attr("tests"), "1");
    assert_eq!(suites[1].attr("failures"), "1");

    let cases: Vec<(&str, &str)> = elements
        .iter()
        .filter(|e| e.name == "testcase")
        .map(|e| (e.attr("name"), e.attr("classname")))
        .collect();
    assert_eq!(
        cases,
        [
            ("TFB301 missing-skip-flag at 2:3", BACKEND),
            ("TFB302 skip-flag-not-true at 4:5", BACKEND),
            ("TFB001 parse-error at 3:1", BROKEN),
        ]
    );

    let properties: Vec<(&str, &str)> = elements
        .iter()
        .filter(|e| e.name == "property")
        .map(|e| (e.attr("name"), e.attr("value")))
        .collect();
    assert_eq!(
        properties,
        [
            ("severity", "error"),
            ("rule", "missing-skip-flag"),
            ("severity", "warning"),
            ("rule", "skip-flag-not-true"),
            ("severity", "error"),
            ("rule", "parse-error"),
        ]
    );

    let failures: Vec<&Element> = elements.iter().filter(|e| e.name == "failure").collect();
    let summary: Vec<(&str, &str)> = failures
        .iter()
        .map(|f| (f.attr("type"), f.attr("message")))
        .collect();
    assert_eq!(
        summary,
        [
            (
                "TFB301",
                "backend \"s3\" lacks `skip_credentials_validation`"
            ),
            ("TFB302", NASTY),
            ("TFB001", "unexpected end of input, expected `}`"),
        ]
    );
    assert_eq!(
        failures[0].text,
        format!(
            "envs/prod/backend.tf:2:3: error[TFB301] backend \"s3\" lacks `skip_credentials_validation`\nhelp: add `skip_credentials_validation = true`\nsee: {}",
            doc_url("TFB301")
        )
    );
    assert_eq!(
        failures[1].text,
        format!(
            "envs/prod/backend.tf:4:5: warning[TFB302] {NASTY}\nsee: {}",
            doc_url("TFB302")
        )
    );
    assert_eq!(
        failures[2].text,
        format!(
            "modules/a b,c/main.tf:3:1: error[TFB001] unexpected end of input, expected `}}`\nhelp: close the block\nsee: {}",
            doc_url("TFB001")
        )
    );
}

#[test]
fn junit_clean_run_is_one_passing_case() {
    let out = junit::render(&clean());
    let elements = parse_xml(&out);
    let shape: Vec<(&str, BTreeMap<String, String>)> = elements
        .iter()
        .map(|e| (e.name.as_str(), e.attrs.clone()))
        .collect();
    assert_eq!(
        shape,
        [
            (
                "testsuites",
                attrs(&[
                    ("name", "tfblint"),
                    ("tests", "1"),
                    ("failures", "0"),
                    ("errors", "0"),
                    ("skipped", "0"),
                ])
            ),
            (
                "testsuite",
                attrs(&[
                    ("name", "tfblint"),
                    ("tests", "1"),
                    ("failures", "0"),
                    ("errors", "0"),
                    ("skipped", "0"),
                ])
            ),
            (
                "testcase",
                attrs(&[("name", "tfblint"), ("classname", "tfblint")])
            ),
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Checkstyle

#[test]
fn checkstyle_has_a_file_per_file_and_an_error_per_finding() {
    let report = report();
    let out = checkstyle::render(&report);
    assert!(
        out.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">")
    );
    assert!(out.ends_with("</checkstyle>\n"));
    assert_eq!(out, checkstyle::render(&report), "deterministic");
    // Quotes and markup are entity-escaped; the line break is a character reference, so that a
    // conforming parser does not turn it into a space.
    assert!(out.contains(
        "message=\"endpoint &quot;a&lt;b&gt;&amp;c&quot; is 100% path-style: use host, not path&#10;second line\""
    ));

    let elements = parse_xml(&out);
    assert_eq!(names(&elements, "checkstyle"), 1);
    assert_eq!(names(&elements, "file"), 2);
    assert_eq!(names(&elements, "error"), 3);
    let shape: Vec<(&str, BTreeMap<String, String>)> = elements
        .iter()
        .map(|e| (e.name.as_str(), e.attrs.clone()))
        .collect();
    assert_eq!(
        shape,
        [
            ("checkstyle", attrs(&[("version", "4.3")])),
            ("file", attrs(&[("name", BACKEND)])),
            (
                "error",
                attrs(&[
                    ("line", "2"),
                    ("column", "3"),
                    ("severity", "error"),
                    (
                        "message",
                        "backend \"s3\" lacks `skip_credentials_validation`"
                    ),
                    ("source", "tfblint.TFB301"),
                ])
            ),
            (
                "error",
                attrs(&[
                    ("line", "4"),
                    ("column", "5"),
                    ("severity", "warning"),
                    ("message", NASTY),
                    ("source", "tfblint.TFB302"),
                ])
            ),
            ("file", attrs(&[("name", BROKEN)])),
            (
                "error",
                attrs(&[
                    ("line", "3"),
                    ("column", "1"),
                    ("severity", "error"),
                    ("message", "unexpected end of input, expected `}`"),
                    ("source", "tfblint.TFB001"),
                ])
            ),
        ]
    );
}

#[test]
fn checkstyle_clean_run_is_an_empty_document() {
    let out = checkstyle::render(&clean());
    assert_eq!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">\n</checkstyle>\n"
    );
    let elements = parse_xml(&out);
    assert_eq!(elements.len(), 1);
    assert_eq!(elements[0].attrs, attrs(&[("version", "4.3")]));
}

// ---------------------------------------------------------------------------------------------
// GitHub Actions

#[test]
fn github_emits_one_escaped_command_per_finding() {
    let expected = concat!(
        "::error file=envs/prod/backend.tf,line=2,col=3,endLine=2,endColumn=15,title=TFB301 missing-skip-flag",
        "::backend \"s3\" lacks `skip_credentials_validation`%0Ahelp: add `skip_credentials_validation = true`\n",
        // Spans two lines: no columns.
        "::warning file=envs/prod/backend.tf,line=4,endLine=5,title=TFB302 skip-flag-not-true",
        "::endpoint \"a<b>&c\" is 100%25 path-style: use host, not path%0Asecond line\n",
        // Zero-width; the comma in the path is escaped as a property value.
        "::error file=modules/a b%2Cc/main.tf,line=3,col=1,endLine=3,endColumn=1,title=TFB001 parse-error",
        "::unexpected end of input, expected `}`%0Ahelp: close the block\n",
    );
    assert_eq!(github::render(&report()), expected);
}

#[test]
fn github_clean_run_prints_nothing() {
    assert_eq!(github::render(&clean()), "");
}

// ---------------------------------------------------------------------------------------------
// GitLab Code Quality

fn gitlab_fingerprints(report: &Report) -> Vec<String> {
    let issues: Value = serde_json::from_str(&gitlab::render(report)).unwrap();
    issues
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn gitlab_code_quality_is_exact_with_stable_unique_fingerprints() {
    let report = report();
    let out = gitlab::render(&report);
    assert!(out.ends_with("]\n"));
    assert_eq!(out, gitlab::render(&report), "deterministic");
    let issues: Value = serde_json::from_str(&out).unwrap();
    let fingerprints = gitlab_fingerprints(&report);
    for fingerprint in &fingerprints {
        assert_eq!(fingerprint.len(), 16, "{fingerprint}");
        assert!(fingerprint
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    }
    let unique: std::collections::BTreeSet<&String> = fingerprints.iter().collect();
    assert_eq!(unique.len(), 3);

    let issue = |description: String,
                 code: &str,
                 severity: &str,
                 path: &str,
                 lines: [usize; 2],
                 fp: &str| {
        json!({
            "description": description,
            "check_name": code,
            "fingerprint": fp,
            "severity": severity,
            "location": { "path": path, "lines": { "begin": lines[0], "end": lines[1] } },
        })
    };
    assert_eq!(
        issues,
        json!([
            issue(
                "TFB301 backend \"s3\" lacks `skip_credentials_validation`".into(),
                "TFB301",
                "major",
                BACKEND,
                [2, 2],
                &fingerprints[0]
            ),
            issue(
                format!("TFB302 {NASTY}"),
                "TFB302",
                "minor",
                BACKEND,
                [4, 5],
                &fingerprints[1]
            ),
            issue(
                "TFB001 unexpected end of input, expected `}`".into(),
                "TFB001",
                "major",
                BROKEN,
                [3, 3],
                &fingerprints[2]
            ),
        ])
    );
}

#[test]
fn gitlab_fingerprints_survive_shifted_lines_and_never_collide() {
    // Two lines inserted above every finding: positions change, fingerprints do not.
    let shift = |mut d: Diagnostic| {
        let added = "# a\n# b\n".len();
        d.span = d.span.start + added..d.span.end + added;
        d.start.line += 2;
        d.end.line += 2;
        d
    };
    let shifted_sources = sources()
        .into_iter()
        .map(|(file, text)| (file, Arc::from(format!("# a\n# b\n{text}").as_str())))
        .collect();
    let shifted = Report::new(
        vec![
            shift(parse_error()),
            shift(nasty_warning()),
            shift(missing_skip_flag()),
        ],
        shifted_sources,
        2,
        2,
    );
    assert_eq!(
        gitlab_fingerprints(&shifted),
        gitlab_fingerprints(&report())
    );

    // Changing the offending line's text changes the fingerprint.
    let mut edited = sources();
    edited.insert(
        BACKEND.to_string(),
        Arc::from(
            BACKEND_SRC
                .replace("backend \"s3\" {", "backend \"s3\"   {")
                .as_str(),
        ),
    );
    let edited = Report::new(vec![missing_skip_flag()], edited, 1, 1);
    let original = Report::new(vec![missing_skip_flag()], sources(), 1, 1);
    assert_ne!(gitlab_fingerprints(&edited), gitlab_fingerprints(&original));

    // Identical code, file, message and line text at two places still get distinct fingerprints.
    let mut twin = missing_skip_flag();
    twin.start.column = 4;
    twin.end.column = 16;
    twin.span = 15..27;
    let twins = Report::new(vec![missing_skip_flag(), twin], sources(), 1, 1);
    let fingerprints = gitlab_fingerprints(&twins);
    assert_eq!(fingerprints.len(), 2);
    assert_ne!(fingerprints[0], fingerprints[1]);
    assert_eq!(fingerprints[0], gitlab_fingerprints(&original)[0]);
}

#[test]
fn gitlab_clean_run_is_an_empty_array() {
    assert_eq!(gitlab::render(&clean()), "[]\n");
}
