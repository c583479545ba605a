//! [`FileStamp`]: a cheap fingerprint of the session file, by which a long-lived client
//! notices that another process replaced it, without reading it again.

use std::fs;
use std::time::SystemTime;

/// A cheap fingerprint of the session file (inode, size, mtime: one `stat` of its path):
/// it changes whenever the file is replaced.
///
/// It is taken of the path, not of a file kept open: an open file cannot tell that the
/// path now names another one (the file moved away, or its directory, with a new session
/// put in its place, or a link made to it elsewhere before it was replaced).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileStamp {
    inode: u64,
    len: u64,
    modified: Option<SystemTime>,
}

impl FileStamp {
    /// The stamp of a file's metadata.
    pub(crate) fn of(meta: &fs::Metadata) -> Self {
        #[cfg(unix)]
        let inode = std::os::unix::fs::MetadataExt::ino(meta);
        #[cfg(not(unix))]
        let inode = 0;
        FileStamp { inode, len: meta.len(), modified: meta.modified().ok() }
    }
}
