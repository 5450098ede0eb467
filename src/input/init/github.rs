//! GitHub Actions workflows: `jobs.<id>.steps[].run`, with
//! `working-directory` from the step, `jobs.<id>.defaults.run` or the
//! workflow's `defaults.run` (first one set wins). Each step is one shell
//! session, started in `$GITHUB_WORKSPACE` (the repository root).

use crate::input::init::command::{Dir, Session};
use crate::input::init::yaml::{parse, scalar_chunk, Node};
use crate::input::init::{DirBase, ExtractError, InitCommand};

fn working_dir(n: Option<&Node>) -> Option<Dir> {
    let v = n?.as_str()?;
    Some(Dir::from_config(v, v.contains("${{") || v.contains('$')))
}

pub(crate) fn extract(text: &str) -> Result<Vec<InitCommand>, ExtractError> {
    let mut found = Vec::new();
    for doc in parse(text)? {
        let wf_dir = working_dir(doc.path(&["defaults", "run", "working-directory"]));
        let Some(jobs) = doc.get("jobs") else {
            continue;
        };
        for (_, job) in jobs.entries() {
            let job_dir = working_dir(job.path(&["defaults", "run", "working-directory"]))
                .or_else(|| wf_dir.clone());
            let Some(Node::Seq(steps)) = job.get("steps") else {
                continue;
            };
            for step in steps {
                let Some(Node::Scalar { value, style, span }) = step.get("run") else {
                    continue;
                };
                let dir = working_dir(step.get("working-directory"))
                    .or_else(|| job_dir.clone())
                    .unwrap_or(Dir::Rel(Default::default()));
                let mut s = Session::new(text, DirBase::RepoRoot, dir, false);
                s.run(&scalar_chunk(text, value, *style, span));
                found.extend(s.found);
            }
        }
    }
    Ok(found)
}
