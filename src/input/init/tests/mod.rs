//! Unit tests of the extractor, one file per kind of source.
#![allow(dead_code)]

mod ci;
mod common;
mod github;
mod gitlab_taskfile;
mod make_just;
mod shell;
