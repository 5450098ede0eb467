//! The repository-wide pieces of a workspace folder, computed off the main loop: where the
//! init sources of its repository are (a listing of the whole repository), and where every s3
//! configuration on disk writes its state (TFB701's partners: every module read). Opening a
//! file never waits for either: the main loop lints with what it knows, and lints again when a
//! job says it is done ([`super::transport::Inbound::Wake`]).

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};

use super::transport::Inbound;
use crate::linter::pipeline::WORKER_STACK_BYTES;
use crate::linter::Workspace;
use crate::model::state::StateKey;

/// What a job found.
#[derive(Debug)]
pub enum Done {
    /// The init sources of the folder's repository (and of any repository a lint missed) are
    /// listed: in the workspace's cache.
    Sources,
    /// The state keys of every module of the folder, read from disk.
    Keys(PathBuf, Vec<StateKey>),
    /// The job for the folder ended (after a panic too).
    Finished(PathBuf),
}

/// The jobs: one thread per folder at a time.
#[derive(Debug, Default)]
pub struct Indexer {
    done: Arc<Mutex<Vec<Done>>>,
    wake: Option<Sender<Inbound>>,
    /// Folders with a job running → whether to run one again (with keys) when it ends.
    running: HashMap<PathBuf, bool>,
}

impl Indexer {
    pub fn new(wake: Option<Sender<Inbound>>) -> Indexer {
        Indexer {
            wake,
            ..Indexer::default()
        }
    }

    /// Lists the init sources `workspace` misses (and those of `folder`'s repository), then,
    /// with `keys`, reads the state keys of `folder`. When a job for `folder` runs already, one
    /// runs again (with keys) once it ends.
    pub fn start(&mut self, folder: &Path, workspace: &Workspace, keys: bool) {
        if let Some(again) = self.running.get_mut(folder) {
            *again |= keys;
            return;
        }
        let Some(wake) = self.wake.clone() else {
            // No loop to wake (a unit test): the work is done here.
            workspace.list_init_sources(folder);
            if keys {
                let found = workspace.state_keys(&[folder.to_path_buf()]);
                self.push(Done::Keys(folder.to_path_buf(), found));
            }
            return;
        };
        let (done, folder, workspace) = (
            Arc::clone(&self.done),
            folder.to_path_buf(),
            workspace.clone(),
        );
        let job = {
            let folder = folder.clone();
            move || {
                let push = |d: Done| {
                    done.lock().unwrap_or_else(|e| e.into_inner()).push(d);
                    let _ = wake.send(Inbound::Wake);
                };
                let _ = catch_unwind(AssertUnwindSafe(|| {
                    workspace.list_init_sources(&folder);
                    push(Done::Sources);
                    if keys {
                        let found = workspace.state_keys(std::slice::from_ref(&folder));
                        push(Done::Keys(folder.clone(), found));
                    }
                }));
                push(Done::Finished(folder));
            }
        };
        let spawned = std::thread::Builder::new()
            .name("tfblint-index".into())
            .stack_size(WORKER_STACK_BYTES)
            .spawn(job);
        if spawned.is_ok() {
            self.running.insert(folder, false);
        }
    }

    fn push(&self, done: Done) {
        self.done
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(done);
    }

    /// What the jobs found since the last call. A folder whose job ended and is to run again
    /// is returned in the second list.
    pub fn take(&mut self) -> (Vec<Done>, Vec<PathBuf>) {
        let done = std::mem::take(&mut *self.done.lock().unwrap_or_else(|e| e.into_inner()));
        let mut again = Vec::new();
        for d in &done {
            if let Done::Finished(folder) = d {
                if self.running.remove(folder) == Some(true) {
                    again.push(folder.clone());
                }
            }
        }
        (done, again)
    }

    /// Whether a job for `folder` is running.
    pub fn running(&self, folder: &Path) -> bool {
        self.running.contains_key(folder)
    }
}
