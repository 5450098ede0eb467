//! No panics on arbitrary input, and every span is a valid slice of the input.

use proptest::prelude::*;
use tfblint::input::init::*;

const KINDS: [SourceKind; 11] = [
    SourceKind::GithubWorkflow,
    SourceKind::GitlabCi,
    SourceKind::Shell,
    SourceKind::Makefile,
    SourceKind::Justfile,
    SourceKind::Taskfile,
    SourceKind::BitbucketPipelines,
    SourceKind::AzurePipelines,
    SourceKind::CircleCi,
    SourceKind::Jenkinsfile,
    SourceKind::Atlantis,
];

fn check(src: &str) {
    for kind in KINDS {
        if let Ok(cmds) = extract(kind, src) {
            for c in cmds {
                let mut spans = vec![c.span.clone(), c.binary_span.clone()];
                spans.extend(c.chdir.map(|d| d.span));
                for a in c.backend_configs {
                    spans.push(a.span);
                    match a.value {
                        BackendConfigValue::File { span, .. }
                        | BackendConfigValue::Empty { span } => spans.push(span),
                        BackendConfigValue::Setting {
                            key_span,
                            value_span,
                            ..
                        } => {
                            spans.push(key_span);
                            spans.push(value_span);
                        }
                    }
                }
                for s in spans {
                    assert!(
                        src.get(s.clone()).is_some(),
                        "{kind:?}: bad span {s:?} in {src:?}"
                    );
                }
            }
        }
    }
}

/// Fragments that exercise the interesting paths.
const PIECES: &[&str] = &[
    "terraform",
    "tofu",
    " init",
    " -backend-config",
    "=",
    "--backend-config ",
    "\"",
    "'",
    "\\",
    "\n",
    "\\\n",
    "$",
    "${",
    "}",
    "$(",
    ")",
    "(",
    "`",
    "${{ secrets.X }}",
    "{{",
    "}}",
    "&&",
    "||",
    ";",
    "|",
    "cd ",
    "..",
    "/",
    "-chdir=",
    "key=value",
    " ",
    "\t",
    "#",
    "<<EOF\n",
    "EOF\n",
    "jobs:\n",
    "  j:\n",
    "    steps:\n",
    "      - run: ",
    "|\n",
    ">\n",
    "        ",
    "script:\n",
    "  - ",
    "tasks:\n",
    "    cmds:\n",
    "a:\n\t",
    "é",
    "☃",
    "\r\n",
    "&a ",
    "*a",
    "[",
    "]",
    "{",
    ":",
    "@",
    "-",
    "popd",
    "pushd ",
    "sh ",
    "sh(",
    "script: ",
    "dir('a') {",
    "'''",
    "\"\"\"",
    "//",
    "/*",
    "*/",
    "$/",
    "/$",
    "- step:\n",
    "workingDirectory: ",
    "- bash: ",
    "working_directory: ",
    "workflows:\n  w:\n    plan:\n      steps:\n",
    "- init:\n",
    "extra_args: [",
];

/// A word of a Jenkinsfile `sh` step's shell text that needs no quoting in Groovy or shell.
fn plain_word() -> impl Strategy<Value = String> {
    "[a-z0-9_./]{1,12}"
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text(s in "\\PC*") {
        check(&s);
    }

    #[test]
    fn arbitrary_bytes(b in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = might_contain_init(&b);
        check(&String::from_utf8_lossy(&b));
    }

    /// Every `sh` step the scanner reads gives its `-backend-config` arguments exactly where
    /// they are written, whatever the literal form and the Groovy comment before it.
    #[test]
    fn jenkinsfile_sh_steps_are_found_where_written(
        words in proptest::collection::vec(plain_word(), 1..4),
        form in 0..5usize,
        before in proptest::collection::vec(0..PIECES.len(), 0..6),
    ) {
        let args: Vec<String> = words.iter().map(|w| format!("-backend-config={w}")).collect();
        let line = format!("terraform init {}", args.join(" "));
        let step = match form {
            0 => format!("sh '{line}'"),
            1 => format!("sh \"{line}\""),
            2 => format!("sh '''{line}'''"),
            3 => format!("sh(script: \"\"\"{line}\"\"\", returnStatus: true)"),
            _ => format!("sh label: 'x', script: '{line}'"),
        };
        let noise: String = before.iter().map(|&i| PIECES[i]).collect();
        let src = format!("/*{}*/\nnode {{\n  {step}\n}}\n", noise.replace("*/", ""));
        let found = extract(SourceKind::Jenkinsfile, &src).unwrap();
        prop_assert_eq!(found.len(), 1, "{}", src);
        let written: Vec<&str> = found[0]
            .backend_configs
            .iter()
            .map(|a| &src[a.span.clone()])
            .collect();
        prop_assert_eq!(written, args.iter().map(String::as_str).collect::<Vec<_>>());
    }

    #[test]
    fn fragments(idx in proptest::collection::vec(0..PIECES.len(), 0..60)) {
        let s: String = idx.iter().map(|&i| PIECES[i]).collect();
        check(&s);
    }
}

#[test]
fn large_input_is_fast_enough() {
    let line = "cd a && terraform init -backend-config=\"bucket=b\" -backend-config=x.hcl\n";
    let src = line.repeat(20_000);
    let t = std::time::Instant::now();
    assert_eq!(extract(SourceKind::Shell, &src).unwrap().len(), 20_000);
    assert!(t.elapsed().as_secs() < 20);
    let wf = format!(
        "jobs:\n  j:\n    steps:\n{}",
        "      - run: terraform init -backend-config=a\n".repeat(5000)
    );
    assert_eq!(
        extract(SourceKind::GithubWorkflow, &wf).unwrap().len(),
        5000
    );
}

#[test]
fn unterminated_everything() {
    for s in [
        "terraform init -backend-config=\"",
        "terraform init -backend-config=$(",
        "terraform init -backend-config=${",
        "terraform init -backend-config=`",
        "terraform init -backend-config=${{ x",
        "cat <<EOF",
        "terraform init -backend-config",
        "\\",
    ] {
        check(s);
    }
}
