//! Reading a file's bytes safely: bounded, non-blocking, regular files only.

use std::path::Path;

use crate::input::source::MAX_FILE_BYTES;

/// How an I/O error reads in a message: "no such file or directory", "permission denied".
pub fn io_reason(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => err.to_string(),
    }
}

/// Why [`read_limited`] returned no bytes.
#[derive(Debug)]
pub enum ReadError {
    /// Over [`MAX_FILE_BYTES`]: the file's size (at least), unread.
    TooLarge(u64),
    Io(std::io::Error),
}

impl From<std::io::Error> for ReadError {
    fn from(err: std::io::Error) -> Self {
        ReadError::Io(err)
    }
}

/// Reads a regular file of at most [`MAX_FILE_BYTES`], refusing (without reading) anything
/// that is not a regular file, so a FIFO named `x.tf` can never block the run.
///
/// The file is opened non-blocking and checked through its handle, so a FIFO that replaced
/// the file after it was found cannot block either. Memory stays bounded: an oversized file
/// is refused by its size, and at most `MAX_FILE_BYTES + 1` bytes are ever read.
pub fn read_limited(path: &Path) -> Result<Vec<u8>, ReadError> {
    use std::io::Read;
    let file = open_nonblocking(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(std::io::Error::other("not a regular file").into());
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize + 1);
    // Read one byte past the limit: a file that grew since `metadata` is still caught.
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Opens a regular file for reading, without blocking and without following a symlink (a
/// link git tracks is a link, not the file it points to, which may be outside the
/// repository). Anything else is an error.
pub(crate) fn open_regular(path: &Path) -> std::io::Result<std::fs::File> {
    if std::fs::symlink_metadata(path)?.file_type().is_symlink() {
        return Err(std::io::Error::other("a symbolic link"));
    }
    let file = open_nonblocking(path)?;
    if !file.metadata()?.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    Ok(file)
}

/// Opens a file for reading without blocking, even if it is a FIFO.
#[cfg(unix)]
pub(crate) fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
pub(crate) fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}
