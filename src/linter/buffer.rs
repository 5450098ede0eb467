//! A file's text: supplied by the caller ([`Buffer`]: stdin, an editor's unsaved buffer) or
//! read from disk ([`read_entry`]). Below the pipeline and the loading of init sources, which
//! both read files this way.

use std::path::{Path, PathBuf};

use crate::input::discover::FileEntry;
use crate::input::read::{io_reason, read_limited, ReadError};
use crate::input::source::{too_large_message, ParseMode, SourceFile};

/// A file's text supplied by the caller instead of read from disk: stdin, or an editor's
/// unsaved buffer. `path` is the file's path as named: relative to the working directory, or
/// absolute (the pipeline's own functions take absolute paths).
#[derive(Debug, Clone)]
pub struct Buffer {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

/// Reads one file of a module: the caller's buffer for it when there is one, else the file
/// on disk; a file that cannot be read becomes a parse failure on it.
pub(crate) fn read_entry(
    abs: &Path,
    entry: &FileEntry,
    overrides: &[Buffer],
    mode: ParseMode,
) -> SourceFile {
    let (path, display, kind) = (entry.path.clone(), entry.display.clone(), entry.kind);
    let is_this = |o: &&Buffer| {
        o.path == abs || crate::input::discover::canonical_file_key(&o.path).as_deref() == Some(abs)
    };
    if let Some(o) = overrides.iter().find(is_this) {
        return SourceFile::from_bytes_with(path, display, kind, o.bytes.clone(), mode);
    }
    match read_limited(&entry.path) {
        Ok(bytes) => SourceFile::from_bytes_with(path, display, kind, bytes, mode),
        Err(ReadError::TooLarge(len)) => {
            SourceFile::unreadable(path, display, kind, too_large_message(len))
        }
        Err(ReadError::Io(err)) => {
            let message = format!("cannot read file: {}", io_reason(&err));
            SourceFile::unreadable(path, display, kind, message)
        }
    }
}
