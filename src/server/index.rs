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
    Keys(PathBuf, Vec<StateKey>, u64),
    /// The job for the folder ended (after a panic too).
    Finished(PathBuf),
}

/// The jobs: one thread per folder at a time.
#[derive(Debug, Default)]
pub struct Indexer {
    done: Arc<Mutex<Vec<Done>>>,
    wake: Option<Sender<Inbound>>,
    /// Folders with a job running → whether to run one again when it ends (asked while it
    /// ran: it may have listed before what was asked was missed), and with keys.
    running: HashMap<PathBuf, Option<bool>>,
    /// Folders → how many times their files changed: keys read before a change are dropped.
    epochs: HashMap<PathBuf, u64>,
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
            *again = Some(again.unwrap_or(false) | keys);
            return;
        }
        let Some(wake) = self.wake.clone() else {
            // No loop to wake (a unit test): the work is done here.
            workspace.list_init_sources(folder);
            if keys {
                let found = workspace.state_keys(&[folder.to_path_buf()]);
                self.push(Done::Keys(folder.to_path_buf(), found, 0));
            }
            return;
        };
        let epoch = self.epochs.get(folder).copied().unwrap_or_default();
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
                        push(Done::Keys(folder.clone(), found, epoch));
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
            self.running.insert(folder, None);
        }
    }

    fn push(&self, done: Done) {
        self.done
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(done);
    }

    /// What the jobs found since the last call. A folder whose job ended and is to run again
    /// is returned in the second list, with whether to read keys.
    pub fn take(&mut self) -> (Vec<Done>, Vec<(PathBuf, bool)>) {
        let mut done = std::mem::take(&mut *self.done.lock().unwrap_or_else(|e| e.into_inner()));
        // Keys read before a file of their folder changed are out of date: a job runs again.
        done.retain(|d| match d {
            Done::Keys(folder, _, epoch) => {
                self.epochs.get(folder).copied().unwrap_or_default() == *epoch
            }
            _ => true,
        });
        let mut again = Vec::new();
        for d in &done {
            if let Done::Finished(folder) = d {
                if let Some(Some(keys)) = self.running.remove(folder) {
                    again.push((folder.clone(), keys));
                }
            }
        }
        (done, again)
    }

    /// A file of `folder` changed: keys a running job reads may be out of date (it runs again,
    /// with `workspace`).
    pub fn touch(&mut self, folder: &Path, workspace: &Workspace) {
        *self.epochs.entry(folder.to_path_buf()).or_default() += 1;
        if self.running(folder) {
            self.start(folder, workspace, true);
        }
    }

    /// Whether a job for `folder` is running.
    pub fn running(&self, folder: &Path) -> bool {
        self.running.contains_key(folder)
    }
}
