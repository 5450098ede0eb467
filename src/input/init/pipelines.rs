//! CI systems whose steps are shell scripts in YAML: Bitbucket Pipelines, Azure Pipelines,
//! CircleCI. Each is read with the YAML tree of [`super::yaml`] (aliases of anchored steps
//! resolved) and every step found wherever it nests (stages, parallel groups, templates), so
//! a new grouping key of the CI system does not hide a step.
//!
//! - Bitbucket (`bitbucket-pipelines.yml`): each `step:`'s `script:` runs as one shell session
//!   in the clone directory (`$BITBUCKET_CLONE_DIR`, the repository root), its
//!   `after-script:` in another.
//! - Azure Pipelines (`azure-pipelines.yml`, `.azure-pipelines/*.yml`): a step's `script:` or
//!   `bash:` runs in its `workingDirectory:` (relative to the repository checkout,
//!   `$(System.DefaultWorkingDirectory)`), else in the checkout; `$(macro)` and `${{ … }}`
//!   are run-time values.
//! - CircleCI (`.circleci/config.yml`): a `run:` step (a string, or a map with `command:` and
//!   `working_directory:`) runs in its own shell in the step's directory, relative to the
//!   job's `working_directory:`, where `checkout` puts the repository.

use crate::input::init::command::{Dir, Session};
use crate::input::init::yaml::{parse, scalar_chunk, Node};
use crate::input::init::{DirBase, ExtractError, InitCommand};

/// Every node of `node`'s tree, depth first (the tree is at most [`super::yaml`]'s depth).
fn each_node<'a>(node: &'a Node, out: &mut Vec<&'a Node>) {
    out.push(node);
    match node {
        Node::Seq(items) => items.iter().for_each(|n| each_node(n, out)),
        Node::Map(entries) => entries.iter().for_each(|(_, v)| each_node(v, out)),
        _ => {}
    }
}

/// Runs a scalar of shell text in `s`.
fn run_scalar(s: &mut Session, text: &str, node: Option<&Node>) {
    if let Some(Node::Scalar { value, style, span }) = node {
        s.run(&scalar_chunk(text, value, *style, span));
    }
}

/// A session started at the repository root in `dir`.
fn session(text: &str, dir: Dir) -> Session<'_> {
    Session::new(text, DirBase::RepoRoot, dir, false)
}

fn root() -> Dir {
    Dir::Rel(Default::default())
}

/// `bitbucket-pipelines.yml`.
pub(crate) fn bitbucket(text: &str) -> Result<Vec<InitCommand>, ExtractError> {
    let mut found = Vec::new();
    for doc in parse(text)? {
        let mut all = Vec::new();
        each_node(&doc, &mut all);
        for step in all.into_iter().filter_map(|n| n.get("step")) {
            for key in ["script", "after-script"] {
                let mut s = session(text, root());
                super::gitlab::run_script(&mut s, text, step.get(key));
                found.extend(s.found);
            }
        }
    }
    Ok(found)
}

/// A configured directory: dynamic when it holds a macro, a template or a variable.
fn configured_dir(value: &str) -> Dir {
    Dir::from_config(value, value.contains('$'))
}

/// `azure-pipelines.yml` and `.azure-pipelines/*.yml`.
pub(crate) fn azure(text: &str) -> Result<Vec<InitCommand>, ExtractError> {
    let mut found = Vec::new();
    for doc in parse(text)? {
        let mut all = Vec::new();
        each_node(&doc, &mut all);
        for step in all {
            let Some(script) = step.get("script").or_else(|| step.get("bash")) else {
                continue;
            };
            let dir = step
                .get("workingDirectory")
                .and_then(Node::as_str)
                .map_or_else(root, configured_dir);
            let mut s = session(text, dir);
            run_scalar(&mut s, text, Some(script));
            found.extend(s.found);
        }
    }
    Ok(found)
}

/// CircleCI's default job directory, where `checkout` puts the repository.
const CIRCLE_HOME: &str = "~/project";

/// A step's `working_directory:` relative to the repository, given the job's.
fn circle_dir(job: &str, step: Option<&str>) -> Dir {
    let Some(step) = step else { return root() };
    let job = job.trim_end_matches('/');
    let rel = if let Some(rest) = step.strip_prefix(job) {
        match rest.strip_prefix('/') {
            Some(r) => r,
            None if rest.is_empty() => "",
            None => return Dir::Dynamic,
        }
    } else if step.starts_with(['~', '/']) {
        return Dir::Dynamic;
    } else {
        step
    };
    configured_dir(rel)
}

/// `.circleci/config.yml`: the `run:` steps of `jobs:` and of reusable `commands:`.
pub(crate) fn circleci(text: &str) -> Result<Vec<InitCommand>, ExtractError> {
    let mut found = Vec::new();
    for doc in parse(text)? {
        let jobs = doc.get("jobs").map(Node::entries).unwrap_or_default();
        let commands = doc.get("commands").map(Node::entries).unwrap_or_default();
        for (_, job) in jobs.iter().chain(commands) {
            let home = job
                .get("working_directory")
                .and_then(Node::as_str)
                .unwrap_or(CIRCLE_HOME);
            let mut all = Vec::new();
            each_node(job, &mut all);
            for step in all {
                let Some(run) = step.get("run") else { continue };
                let (command, dir) = match run {
                    Node::Map(_) => (
                        run.get("command"),
                        run.get("working_directory").and_then(Node::as_str),
                    ),
                    other => (Some(other), None),
                };
                let mut s = session(text, circle_dir(home, dir));
                run_scalar(&mut s, text, command);
                found.extend(s.found);
            }
        }
    }
    Ok(found)
}
