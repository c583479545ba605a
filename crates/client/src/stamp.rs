//! [`FileStamp`]: a cheap fingerprint of the session file, by which a long-lived client
//! notices that another process replaced it, without reading it again.

use std::fs::{self, File};
use std::sync::Arc;
use std::time::SystemTime;

/// A cheap fingerprint of the session file (inode, size, mtime): it changes whenever the
/// file is replaced.
///
/// On Unix it also keeps the file it was taken of open, if that file has a single link:
/// then one `fstat` of it, without looking the path up, tells whether it is still current
/// (a file renamed over it or a removal leaves it no link; a change in place changes its
/// size or mtime). Elsewhere, and for a file with other links, the path is `stat`ed.
#[derive(Debug, Clone)]
pub struct FileStamp {
    inode: u64,
    len: u64,
    modified: Option<SystemTime>,
    open: Option<Arc<File>>,
}

impl PartialEq for FileStamp {
    fn eq(&self, other: &Self) -> bool {
        (self.inode, self.len, self.modified) == (other.inode, other.len, other.modified)
    }
}

impl Eq for FileStamp {}

impl FileStamp {
    /// The stamp of a file's metadata.
    pub(crate) fn of(meta: &fs::Metadata) -> Self {
        #[cfg(unix)]
        let inode = std::os::unix::fs::MetadataExt::ino(meta);
        #[cfg(not(unix))]
        let inode = 0;
        FileStamp { inode, len: meta.len(), modified: meta.modified().ok(), open: None }
    }

    /// The stamp of `file` (whose metadata is `meta`), keeping it open where that makes
    /// [`FileStamp::is_current`] cheap.
    pub(crate) fn of_open(file: File, meta: &fs::Metadata) -> Self {
        let mut stamp = FileStamp::of(meta);
        #[cfg(unix)]
        if std::os::unix::fs::MetadataExt::nlink(meta) == 1 {
            stamp.open = Some(Arc::new(file));
        }
        #[cfg(not(unix))]
        drop(file);
        stamp
    }

    /// Whether the file this stamp was taken of is still current and unchanged, if the
    /// open file can tell (`None`: `stat` the path instead).
    pub(crate) fn is_current(&self) -> Option<bool> {
        let file = self.open.as_ref()?;
        Some(file.metadata().is_ok_and(|m| {
            #[cfg(unix)]
            let linked = std::os::unix::fs::MetadataExt::nlink(&m) > 0;
            #[cfg(not(unix))]
            let linked = true;
            linked && FileStamp::of(&m) == *self
        }))
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn open_stamp(path: &std::path::Path) -> FileStamp {
        let file = File::open(path).unwrap();
        let meta = file.metadata().unwrap();
        FileStamp::of_open(file, &meta)
    }

    #[test]
    fn the_open_file_tells_a_replacement_a_removal_and_a_change() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("default.json");
        fs::write(&path, "{}").unwrap();
        let stamp = open_stamp(&path);
        assert_eq!(stamp.is_current(), Some(true));
        // Renamed over, as every save does.
        let other = dir.path().join("new.json");
        fs::write(&other, "{}").unwrap();
        fs::rename(&other, &path).unwrap();
        assert_eq!(stamp.is_current(), Some(false));
        // Removed.
        let stamp = open_stamp(&path);
        fs::remove_file(&path).unwrap();
        assert_eq!(stamp.is_current(), Some(false));
        // Changed in place.
        fs::write(&path, "{}").unwrap();
        let stamp = open_stamp(&path);
        fs::write(&path, "{\"a\":1}").unwrap();
        assert_eq!(stamp.is_current(), Some(false));
    }

    #[test]
    fn a_file_with_other_links_is_stated_by_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("default.json");
        fs::write(&path, "{}").unwrap();
        // A replacement would leave the old inode a link: the open file could not tell.
        fs::hard_link(&path, dir.path().join("backup.json")).unwrap();
        assert_eq!(open_stamp(&path).is_current(), None);
    }
}
