//! The session store: one JSON file per profile, private, atomically replaced, guarded by
//! an advisory lock.
//!
//! Layout under the config dir (`--config-dir`, `ARMOR_CONFIG_DIR`, default
//! [`default_config_dir`]):
//!
//! ```text
//! <config dir>/               0700
//!   sessions/                 0700
//!     <profile>.json          0600  the session (written to a temp file, fsynced, renamed)
//!     <profile>.lock          0600  advisory lock held around read-refresh-write
//! ```
//!
//! Session and lock files are opened without following symbolic links, and permissions
//! are tightened only on files and directories the current user owns. A save killed
//! half-way leaves `.<profile>.XXXXXX.tmp`; the next command that takes the lock (and
//! `logout`) removes it.
//!
//! The lock is a separate file because the session file is replaced by rename: a lock on
//! the old inode would not exclude a process that opened the new one. Its holder writes
//! its process id into it, so that a timed-out wait can say who holds it.
//!
//! A token reissue first [`SessionStore::prepare`]s the save (the temporary file is
//! created, so an unwritable directory fails before the server is asked), then commits it
//! with the new token. A [`FileStamp`] (inode, size, mtime: one `stat`) tells a long-lived
//! client that another process replaced the file, without parsing it.

use std::fs::{self, File, TryLockError};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::error::{Error, Result};
use crate::session::Session;
pub use crate::stamp::FileStamp;
use crate::{safe_fs, session_file};

/// The profile used when none is named.
pub const DEFAULT_PROFILE: &str = "default";

/// The platform config dir plus `armor` (`~/.config/armor` on Linux), if there is a home.
pub fn default_config_dir() -> Option<PathBuf> {
    dirs::config_dir().map(|d| d.join("armor"))
}

/// Checks that `name` can name a profile (and so a file).
pub fn validate_profile(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok { Ok(()) } else { Err(Error::InvalidProfile(name.to_owned())) }
}

/// The stored session of one profile.
#[derive(Debug, Clone)]
pub struct SessionStore {
    config_dir: PathBuf,
    profile: String,
    /// The session file, `<config dir>/sessions/<profile>.json` (stat'ed before each call).
    path: PathBuf,
}

/// Holds the profile's advisory lock until dropped.
#[derive(Debug)]
pub struct StoreLock {
    _file: File,
}

/// A save made ready before a token exchange: the temporary file exists in the sessions
/// directory. [`PreparedSave::commit`] writes the session and renames it into place;
/// dropping it removes the temporary file.
#[derive(Debug)]
pub struct PreparedSave {
    tmp: tempfile::NamedTempFile,
    path: PathBuf,
    dir: PathBuf,
}

impl PreparedSave {
    /// Writes `session` to the temporary file, fsyncs it, renames it over the session
    /// file and fsyncs the directory: a crash at any point leaves the old or the new
    /// session. Returns the new file's stamp.
    pub fn commit(self, session: &Session) -> Result<FileStamp> {
        self.finish(session, true)
    }

    /// Like [`PreparedSave::commit`], but renames before it fsyncs: for the new token of a
    /// reissue, when the old session is worthless (the server has invalidated its token)
    /// and every moment before the rename is one in which a killed process loses the new
    /// token. A power loss before the fsync may leave a truncated file (`armor login`).
    pub fn commit_now(self, session: &Session) -> Result<FileStamp> {
        self.finish(session, false)
    }

    fn finish(mut self, session: &Session, sync_first: bool) -> Result<FileStamp> {
        let json = session_file::encode(session)
            .map_err(|e| Error::io("encode", self.path.clone(), io::Error::other(e)))?;
        safe_fs::refuse_symlink(&self.path)?;
        let tmp_path = self.tmp.path().to_owned();
        self.tmp.write_all(&json).map_err(|e| Error::io("write", &tmp_path, e))?;
        if sync_first {
            self.tmp.as_file().sync_all().map_err(|e| Error::io("write", &tmp_path, e))?;
        }
        let file = self.tmp.persist(&self.path).map_err(|e| Error::io("replace", &self.path, e.error))?;
        if !sync_first {
            file.sync_all().map_err(|e| Error::io("write", &self.path, e))?;
        }
        let stamp =
            file.metadata().map(|m| FileStamp::of(&m)).map_err(|e| Error::io("stat", &self.path, e))?;
        sync_dir(&self.dir)?;
        Ok(stamp)
    }
}

impl SessionStore {
    /// The store of `profile` under `config_dir`. Nothing is touched on disk yet.
    pub fn new(config_dir: impl Into<PathBuf>, profile: &str) -> Result<Self> {
        validate_profile(profile)?;
        let config_dir = config_dir.into();
        let path = config_dir.join("sessions").join(format!("{profile}.json"));
        Ok(SessionStore { config_dir, profile: profile.to_owned(), path })
    }

    /// The profile name.
    pub fn profile(&self) -> &str {
        &self.profile
    }

    /// The config dir.
    pub fn config_dir(&self) -> &Path {
        &self.config_dir
    }

    fn sessions_dir(&self) -> PathBuf {
        self.config_dir.join("sessions")
    }

    /// The session file.
    pub fn path(&self) -> PathBuf {
        self.path.clone()
    }

    fn lock_path(&self) -> PathBuf {
        self.sessions_dir().join(format!("{}.lock", self.profile))
    }

    /// Reads the session; `None` if there is none.
    pub fn load(&self) -> Result<Option<Session>> {
        self.load_stamped().map(|(s, _)| s)
    }

    /// Reads the session with the stamp of the file it was read from.
    pub fn load_stamped(&self) -> Result<(Option<Session>, Option<FileStamp>)> {
        let path = self.path();
        let mut file = match safe_fs::open_read(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((None, None)),
            Err(e) => return Err(safe_fs::error("read", &path, e)),
        };
        // The stamp of the open file: a rename right now cannot make it lie.
        let stamp = file.metadata().map(|m| FileStamp::of(&m)).map_err(|e| Error::io("stat", &path, e))?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).map_err(|e| Error::io("read", &path, e))?;
        let session = session_file::decode(&bytes, &path)?;
        safe_fs::restrict_file(&file, &path, &self.sessions_dir());
        Ok((Some(session), Some(stamp)))
    }

    /// The stamp of the session file (one `stat`), `None` if there is none.
    pub fn stamp(&self) -> Option<FileStamp> {
        fs::metadata(&self.path).ok().map(|m| FileStamp::of(&m))
    }

    /// Replaces the session atomically: a private temp file in the same directory,
    /// written, fsynced, renamed over the old file, then the directory fsynced. A crash
    /// at any point leaves either the old or the new session, never a mix.
    pub fn save(&self, session: &Session) -> Result<FileStamp> {
        self.prepare()?.commit(session)
    }

    /// Makes sure a save can happen: the private directories exist and a temporary file
    /// is created in the sessions directory. Called before a token exchange, so that an
    /// unwritable directory fails before the server invalidates the old token.
    pub fn prepare(&self) -> Result<PreparedSave> {
        let dir = self.sessions_dir();
        ensure_private_dir(&self.config_dir)?;
        ensure_private_dir(&dir)?;
        safe_fs::restrict_dir(&dir);
        safe_fs::refuse_symlink(&self.path())?;
        // tempfile creates the file with mode 0600 on Unix, and removes it when dropped:
        // on every error. (A killed process leaves it; see `remove_stale_temps`.)
        let tmp = tempfile::Builder::new()
            .prefix(&self.temp_prefix())
            .suffix(TEMP_SUFFIX)
            .tempfile_in(&dir)
            .map_err(|e| Error::io("create a temporary file in", &dir, e))?;
        Ok(PreparedSave { tmp, path: self.path(), dir })
    }

    /// Deletes the session; `false` if there was none.
    pub fn remove(&self) -> Result<bool> {
        let path = self.path();
        match fs::remove_file(&path) {
            Ok(()) => {
                sync_dir(&self.sessions_dir())?;
                Ok(true)
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(Error::io("remove", path, e)),
        }
    }

    /// The names of the profiles with a stored session under `config_dir`, sorted.
    pub fn list(config_dir: &Path) -> Result<Vec<String>> {
        let dir = config_dir.join("sessions");
        let entries = match fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Error::io("list", dir, e)),
        };
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| e.file_name().into_string().ok())
            .filter_map(|n| n.strip_suffix(".json").map(str::to_owned))
            .filter(|n| validate_profile(n).is_ok())
            .collect();
        names.sort();
        Ok(names)
    }

    /// Takes the profile's exclusive advisory lock, waiting for other processes, then
    /// removes temporary files a killed process left behind. A lock file that is a
    /// symbolic link is refused, never followed.
    pub async fn lock(&self) -> Result<StoreLock> {
        ensure_private_dir(&self.config_dir)?;
        ensure_private_dir(&self.sessions_dir())?;
        let path = self.lock_path();
        let lock = tokio::task::spawn_blocking(move || {
            let file = safe_fs::open_lock(&path).map_err(|e| safe_fs::error("open", &path, e))?;
            file.lock().map_err(|e| Error::io("lock", &path, e))?;
            Ok(StoreLock::held(file))
        })
        .await
        .map_err(|e| Error::io("lock", self.lock_path(), io::Error::other(e)))??;
        self.remove_stale_temps_locked();
        Ok(lock)
    }

    /// Removes temporary session files a killed process left behind, if there are any
    /// and the lock is free right now (without waiting). Cheap: one directory listing.
    pub fn remove_stale_temps(&self) {
        if self.stale_temps().is_empty() {
            return;
        }
        let Ok(file) = safe_fs::open_lock(&self.lock_path()) else { return };
        if file.try_lock().is_ok() {
            self.remove_stale_temps_locked();
        }
    }

    fn temp_prefix(&self) -> String {
        format!(".{}.", self.profile)
    }

    /// This profile's temporary files (`.<profile>.XXXXXX.tmp`). Only a save holding the
    /// lock makes one, so with the lock held exclusively every one found is stale.
    fn stale_temps(&self) -> Vec<PathBuf> {
        let prefix = self.temp_prefix();
        let Ok(entries) = fs::read_dir(self.sessions_dir()) else { return Vec::new() };
        entries
            .filter_map(|e| e.ok())
            .filter(|e| {
                let name = e.file_name();
                let name = name.to_string_lossy();
                name.starts_with(&prefix) && name.ends_with(TEMP_SUFFIX)
            })
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .map(|e| e.path())
            .collect()
    }

    fn remove_stale_temps_locked(&self) {
        for path in self.stale_temps() {
            match fs::remove_file(&path) {
                Ok(()) => tracing::debug!(path = %path.display(), "removed a stale temporary session file"),
                Err(e) => {
                    tracing::warn!(path = %path.display(), error = %e, "cannot remove a stale temporary session file")
                }
            }
        }
    }

    /// Takes the profile's lock if no one holds it; `None` if someone does.
    pub fn try_lock(&self) -> Result<Option<StoreLock>> {
        self.try_lock_as(false)
    }

    fn try_lock_as(&self, shared: bool) -> Result<Option<StoreLock>> {
        ensure_private_dir(&self.config_dir)?;
        ensure_private_dir(&self.sessions_dir())?;
        let path = self.lock_path();
        let file = safe_fs::open_lock(&path).map_err(|e| safe_fs::error("open", &path, e))?;
        let taken = if shared { file.try_lock_shared() } else { file.try_lock() };
        match taken {
            Ok(()) if shared => Ok(Some(StoreLock { _file: file })),
            Ok(()) => {
                let lock = StoreLock::held(file);
                self.remove_stale_temps_locked();
                Ok(Some(lock))
            }
            Err(TryLockError::WouldBlock) => Ok(None),
            Err(TryLockError::Error(e)) => Err(Error::io("lock", path, e)),
        }
    }

    /// Takes the profile's lock, waiting at most `timeout`; the error names the process
    /// that holds it.
    pub async fn lock_within(&self, timeout: Duration) -> Result<StoreLock> {
        self.lock_as_within(false, timeout).await
    }

    /// Takes the profile's lock shared with other readers, waiting at most `timeout`:
    /// no one renews while it is held (used to resend a request with a token that must
    /// not be exchanged meanwhile).
    pub async fn lock_shared_within(&self, timeout: Duration) -> Result<StoreLock> {
        self.lock_as_within(true, timeout).await
    }

    async fn lock_as_within(&self, shared: bool, timeout: Duration) -> Result<StoreLock> {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut pause = Duration::from_millis(2);
        let holder = || fs::read_to_string(self.lock_path()).ok().and_then(|s| s.trim().parse::<u32>().ok());
        let mut first = true;
        loop {
            if let Some(lock) = self.try_lock_as(shared)? {
                return Ok(lock);
            }
            if std::mem::take(&mut first) {
                let holder =
                    holder().map_or_else(|| "another process".to_owned(), |pid| format!("process {pid}"));
                tracing::debug!(path = %self.lock_path().display(), "waiting for the session lock held by {holder}");
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(Error::LockTimeout { path: self.lock_path(), holder: holder(), after: timeout });
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_millis(50));
        }
    }
}

impl StoreLock {
    /// The lock on `file`, which now names this process as the holder (best effort).
    fn held(mut file: File) -> Self {
        let _ = file.set_len(0).and_then(|()| write!(file, "{}", std::process::id()));
        StoreLock { _file: file }
    }
}

/// The suffix of temporary session files.
const TEMP_SUFFIX: &str = ".tmp";

/// Creates `dir` (mode 0700) if missing. An existing directory is left as the user set it.
pub(crate) fn ensure_private_dir(dir: &Path) -> Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|e| Error::io("create directory", dir, e))
}

fn sync_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    File::open(dir).and_then(|d| d.sync_all()).map_err(|e| Error::io("sync", dir, e))?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_names_are_file_safe() {
        for ok in ["default", "prod-eu", "ci_2"] {
            assert!(validate_profile(ok).is_ok());
        }
        for bad in ["", "../x", "a/b", "a b", ".hidden", &"x".repeat(65)] {
            assert!(validate_profile(bad).is_err(), "{bad:?}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn loose_permissions_are_tightened() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let sessions = dir.path().join("sessions");
        fs::create_dir_all(&sessions).unwrap();
        fs::set_permissions(&sessions, fs::Permissions::from_mode(0o755)).unwrap();
        let store = SessionStore::new(dir.path(), "p").unwrap();
        let me = armor_core::Me::new(armor_core::User::new("a@b.c", "A", "B", 1), vec![]);
        let key = crate::session::ApiKey::new("k", "s".into()).unwrap();
        let session =
            Session::new("https://x".into(), Default::default(), crate::Credentials::ApiKey(key), me);
        store.save(&session).unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&sessions), 0o700);
        fs::set_permissions(store.path(), fs::Permissions::from_mode(0o644)).unwrap();
        assert!(store.load().unwrap().is_some());
        assert_eq!(mode(&store.path()), 0o600);
    }

    #[test]
    fn missing_and_corrupt_files() {
        let dir = tempfile::tempdir().unwrap();
        let store = SessionStore::new(dir.path(), "p").unwrap();
        assert!(store.load().unwrap().is_none());
        assert!(!store.remove().unwrap());
        fs::create_dir_all(dir.path().join("sessions")).unwrap();
        fs::write(store.path(), b"{\"format\":1,\"serv").unwrap();
        let err = store.load().unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::CorruptSession);
        let err = err.to_string();
        assert!(err.contains("p.json") && err.contains("corrupt"), "{err}");
    }
}

#[cfg(all(test, unix))]
mod hostile_tests {
    use std::os::unix::fs::{PermissionsExt, symlink};

    use super::*;

    fn session() -> Session {
        let me = armor_core::Me::new(armor_core::User::new("a@b.c", "A", "B", 1), vec![]);
        let key = crate::session::ApiKey::new("k", "s3cr3t".into()).unwrap();
        Session::new("https://x".into(), Default::default(), crate::Credentials::ApiKey(key), me)
    }

    #[test]
    fn a_symlinked_session_file_is_refused_and_its_target_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let store = SessionStore::new(dir.path(), "p").unwrap();
        store.save(&session()).unwrap();
        let target = dir.path().join("target.json");
        fs::rename(store.path(), &target).unwrap();
        fs::set_permissions(&target, fs::Permissions::from_mode(0o644)).unwrap();
        symlink(&target, store.path()).unwrap();
        let err = store.load().unwrap_err();
        assert!(matches!(err, Error::Symlink { .. }) && err.to_string().contains("p.json"), "{err}");
        let err = store.save(&session()).unwrap_err();
        assert!(matches!(err, Error::Symlink { .. }), "{err}");
        assert_eq!(fs::metadata(&target).unwrap().permissions().mode() & 0o777, 0o644);
        assert!(fs::symlink_metadata(store.path()).unwrap().file_type().is_symlink());
    }

    #[tokio::test]
    async fn a_symlinked_lock_file_is_refused_and_nothing_created() {
        let dir = tempfile::tempdir().unwrap();
        let store = SessionStore::new(dir.path(), "p").unwrap();
        fs::create_dir_all(dir.path().join("sessions")).unwrap();
        let target = dir.path().join("created");
        symlink(&target, dir.path().join("sessions/p.lock")).unwrap();
        let err = store.lock().await.unwrap_err();
        assert!(matches!(err, Error::Symlink { .. }) && err.to_string().contains("p.lock"), "{err}");
        assert!(!target.exists());
    }

    #[test]
    fn a_failed_save_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let store = SessionStore::new(dir.path(), "p").unwrap();
        // A directory where the session file should be: the final rename fails.
        fs::create_dir_all(store.path()).unwrap();
        assert!(store.save(&session()).is_err());
        let names: Vec<_> =
            fs::read_dir(dir.path().join("sessions")).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("p.json")], "only the directory is there");
    }

    #[tokio::test]
    async fn stale_temp_files_go_under_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let store = SessionStore::new(dir.path(), "p").unwrap();
        store.save(&session()).unwrap();
        let sessions = dir.path().join("sessions");
        let mine = sessions.join(".p.aB3dE6.tmp");
        let theirs = sessions.join(".pq.aB3dE6.tmp");
        fs::write(&mine, "s3cr3t").unwrap();
        fs::write(&theirs, "s3cr3t").unwrap();
        let held = store.lock().await.unwrap();
        assert!(!mine.exists() && theirs.exists());
        fs::write(&mine, "s3cr3t").unwrap();
        store.remove_stale_temps();
        assert!(mine.exists(), "not while another holder has the lock");
        drop(held);
        store.remove_stale_temps();
        assert!(!mine.exists());
        assert!(store.load().unwrap().is_some());
    }
}
