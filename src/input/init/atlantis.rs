//! Atlantis's repo-level configuration, `atlantis.yaml`: the `init` steps (with `extra_args`)
//! and `run` steps of the workflows in `workflows:`, each run in the `dir:` of every project
//! that uses the workflow.
//!
//! Atlantis runs an `init` step as `sh -c "terraform init -input=false <extra_args joined by
//! spaces>"` in the project's directory (runatlantis/atlantis,
//! `server/core/terraform/terraform_client.go`), so the arguments are read as the shell would
//! read that line; a `run:` step is a shell command in the same directory. A project's
//! `dir:` is relative to the repository root (where `atlantis.yaml` is); a project without
//! `workflow:` uses the workflow named `default`. A workflow no project names (used through
//! the server's configuration) runs in a directory tfblint cannot know.

use crate::input::init::chunk::Chunk;
use crate::input::init::command::{Dir, Session};
use crate::input::init::yaml::{parse, scalar_chunk, Node};
use crate::input::init::{DirBase, ExtractError, InitCommand};

/// The stages of a workflow that hold steps.
const STAGES: [&str; 5] = ["plan", "apply", "import", "state_rm", "policy_check"];

pub(crate) fn extract(text: &str) -> Result<Vec<InitCommand>, ExtractError> {
    let mut found = Vec::new();
    for doc in parse(text)? {
        let projects = match doc.get("projects") {
            Some(Node::Seq(p)) => p.as_slice(),
            _ => &[],
        };
        for (name, workflow) in doc.get("workflows").map(Node::entries).unwrap_or_default() {
            let Some(name) = name.as_str() else { continue };
            let mut dirs: Vec<Dir> = projects
                .iter()
                .filter(|p| {
                    p.get("workflow")
                        .and_then(Node::as_str)
                        .unwrap_or("default")
                        == name
                })
                .map(|p| match p.get("dir").and_then(Node::as_str) {
                    Some(d) => Dir::from_config(d, d.contains('$')),
                    None => Dir::Rel(Default::default()),
                })
                .collect();
            if dirs.is_empty() {
                dirs.push(Dir::Dynamic);
            }
            for stage in STAGES {
                let Some(Node::Seq(steps)) = workflow.path(&[stage, "steps"]) else {
                    continue;
                };
                for step in steps {
                    for dir in &dirs {
                        run_step(text, step, dir.clone(), &mut found);
                    }
                }
            }
        }
    }
    Ok(found)
}

fn run_step(text: &str, step: &Node, dir: Dir, found: &mut Vec<InitCommand>) {
    let mut s = Session::new(text, DirBase::RepoRoot, dir, false);
    if let Some((key, init)) = step
        .entries()
        .iter()
        .find(|(k, _)| k.as_str() == Some("init"))
    {
        if let Some(chunk) = init_line(text, key, init.get("extra_args")) {
            s.run(&chunk);
        }
    }
    match step.get("run") {
        Some(Node::Scalar { value, style, span }) => {
            s.run(&scalar_chunk(text, value, *style, span))
        }
        Some(run @ Node::Map(_)) => {
            if let Some(Node::Scalar { value, style, span }) = run.get("command") {
                s.run(&scalar_chunk(text, value, *style, span));
            }
        }
        _ => {}
    }
    found.extend(s.found);
}

/// The shell line Atlantis runs for an `init` step: `terraform init -input=false` (mapped to
/// the step's `init` key) followed by each extra argument (mapped to where it is written).
fn init_line(text: &str, key: &Node, extra: Option<&Node>) -> Option<Chunk> {
    let Some(Node::Seq(args)) = extra else {
        return None;
    };
    let Node::Scalar { span: key_span, .. } = key else {
        return None;
    };
    let mut b = Chunk::builder();
    for c in "terraform init -input=false".chars() {
        b.push_char(c, key_span.start);
    }
    for arg in args {
        if let Node::Scalar { value, style, span } = arg {
            b.push_char(' ', span.start);
            b.push_chunk(&scalar_chunk(text, value, *style, span));
        }
    }
    Some(b.finish(key_span.end))
}
