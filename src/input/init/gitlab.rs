//! `.gitlab-ci.yml`: `before_script` + `script` of a job run as one shell
//! session (a `cd` carries over), `after_script` in a fresh one; both start in
//! `$CI_PROJECT_DIR` (the repository root). Hidden jobs (`.name:`) and
//! `default:` are read too: their scripts run wherever they are extended.

use crate::input::init::command::{Dir, Session};
use crate::input::init::yaml::{parse, scalar_chunk, Node};
use crate::input::init::{DirBase, ExtractError, InitCommand};

/// Run a `script`-like value (a string or a list of strings, lists nested
/// one level as GitLab allows) in `s`.
pub(crate) fn run_script(s: &mut Session, text: &str, node: Option<&Node>) {
    match node {
        Some(Node::Scalar { value, style, span }) => {
            s.run(&scalar_chunk(text, value, *style, span))
        }
        Some(Node::Seq(items)) => {
            for item in items {
                match item {
                    Node::Seq(_) => run_script(s, text, Some(item)),
                    Node::Scalar { .. } => run_script(s, text, Some(item)),
                    _ => {}
                }
            }
        }
        _ => {}
    }
}

pub(crate) fn extract(text: &str) -> Result<Vec<InitCommand>, ExtractError> {
    let mut found = Vec::new();
    for doc in parse(text)? {
        for (_, job) in doc.entries() {
            if !matches!(job, Node::Map(_)) {
                continue;
            }
            let mut s = Session::new(text, DirBase::RepoRoot, Dir::Rel(Default::default()), false);
            run_script(&mut s, text, job.get("before_script"));
            run_script(&mut s, text, job.get("script"));
            found.extend(s.found);
            let mut s = Session::new(text, DirBase::RepoRoot, Dir::Rel(Default::default()), false);
            run_script(&mut s, text, job.get("after_script"));
            found.extend(s.found);
        }
    }
    Ok(found)
}
