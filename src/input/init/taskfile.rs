//! Taskfile (go-task v3): `tasks.<name>.cmds[]` as strings or `{cmd: …}`;
//! a task may also be a bare string or list. Each command runs in its own
//! shell, in the task's `dir:` (relative to the Taskfile) or the Taskfile's
//! directory. `{{ … }}` templates are dynamic.

use crate::input::init::command::{Dir, Session};
use crate::input::init::yaml::{parse, scalar_chunk, Node};
use crate::input::init::{DirBase, ExtractError, InitCommand};

pub(crate) fn extract(text: &str) -> Result<Vec<InitCommand>, ExtractError> {
    let mut found = Vec::new();
    for doc in parse(text)? {
        let Some(tasks) = doc.get("tasks") else {
            continue;
        };
        for (_, task) in tasks.entries() {
            let dir = match task.get("dir").and_then(Node::as_str) {
                Some(d) => Dir::from_config(d, d.contains("{{") || d.contains('$')),
                None => Dir::Rel(Default::default()),
            };
            let cmds: Vec<&Node> = match task {
                Node::Scalar { .. } => vec![task],
                Node::Seq(v) => v.iter().collect(),
                Node::Map(_) => match task.get("cmds") {
                    Some(Node::Seq(v)) => v.iter().collect(),
                    Some(n @ Node::Scalar { .. }) => vec![n],
                    _ => task.get("cmd").into_iter().collect(),
                },
                Node::Null => Vec::new(),
            };
            for cmd in cmds {
                let cmd = match cmd {
                    Node::Map(_) => cmd.get("cmd"),
                    other => Some(other),
                };
                if let Some(Node::Scalar { value, style, span }) = cmd {
                    let mut s = Session::new(text, DirBase::FileDir, dir.clone(), true);
                    s.run(&scalar_chunk(text, value, *style, span));
                    found.extend(s.found);
                }
            }
        }
    }
    Ok(found)
}
