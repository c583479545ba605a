//! File operations of the session store that do not trust the file system: files are
//! opened without following symbolic links, and permissions are fixed only on files and
//! directories the current user owns.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::Path;

use crate::error::{Error, Result};

/// Opens `path` for reading; a symbolic link fails instead of being followed.
pub(crate) fn open_read(path: &Path) -> io::Result<File> {
    let mut opts = OpenOptions::new();
    opts.read(true);
    no_follow(&mut opts);
    opts.open(path)
}

/// Opens (creating, mode 0600) the lock file `path`; a symbolic link fails instead of
/// being followed, so nothing is created at its target.
pub(crate) fn open_lock(path: &Path) -> io::Result<File> {
    let mut opts = OpenOptions::new();
    opts.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    no_follow(&mut opts);
    opts.open(path)
}

fn no_follow(opts: &mut OpenOptions) {
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(opts, rustix::fs::OFlags::NOFOLLOW.bits() as i32);
    #[cfg(not(unix))]
    let _ = opts;
}

fn is_symlink(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// The error for a failed open of `path`: [`Error::Symlink`] if it is a symbolic link.
pub(crate) fn error(action: &'static str, path: &Path, e: io::Error) -> Error {
    if is_symlink(path) { Error::Symlink { path: path.to_owned() } } else { Error::io(action, path, e) }
}

/// Fails with [`Error::Symlink`] if `path` is a symbolic link.
pub(crate) fn refuse_symlink(path: &Path) -> Result<()> {
    if is_symlink(path) {
        return Err(Error::Symlink { path: path.to_owned() });
    }
    Ok(())
}

/// Takes group and other permissions off the open session `file` if someone loosened
/// them, with a warning, but only if we own it and the directory it is in. Best effort.
pub(crate) fn restrict_file(file: &File, path: &Path, dir: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let ours = |uid: u32| uid == rustix::process::geteuid().as_raw();
        let dir_ours = fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir() && ours(m.uid()));
        if let Ok(meta) = file.metadata()
            && dir_ours
            && meta.is_file()
            && ours(meta.uid())
            && meta.permissions().mode() & 0o077 != 0
        {
            tracing::warn!(path = %path.display(), "was accessible to other users; restricting it to its owner");
            let _ = file.set_permissions(fs::Permissions::from_mode(0o600));
        }
    }
    #[cfg(not(unix))]
    let _ = (file, path, dir);
}

/// Like [`restrict_file`] for the sessions directory (mode 0700): only a real directory
/// (not a link) that we own.
pub(crate) fn restrict_dir(dir: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        if let Ok(meta) = fs::symlink_metadata(dir)
            && meta.is_dir()
            && meta.uid() == rustix::process::geteuid().as_raw()
            && meta.permissions().mode() & 0o077 != 0
        {
            tracing::warn!(path = %dir.display(), "was accessible to other users; restricting it to its owner");
            let _ = fs::set_permissions(dir, fs::Permissions::from_mode(0o700));
        }
    }
    #[cfg(not(unix))]
    let _ = dir;
}
