//! User settings kept beside the sessions: `<config dir>/config.json`, e.g.
//! `{"default_profile": "prod"}`. Written atomically like sessions.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::store::{DEFAULT_PROFILE, validate_profile};

/// The settings file's content.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Settings {
    /// The profile used when neither `--profile` nor `ARMOR_PROFILE` names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_profile: Option<String>,
}

impl Settings {
    /// The settings file under `config_dir`.
    pub fn path(config_dir: &Path) -> PathBuf {
        config_dir.join("config.json")
    }

    /// Reads the settings; defaults if there is no file.
    pub fn load(config_dir: &Path) -> Result<Settings> {
        let path = Self::path(config_dir);
        match fs::read(&path) {
            Ok(bytes) => {
                serde_json::from_slice(&bytes).map_err(|source| Error::CorruptSettings { path, source })
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Settings::default()),
            Err(e) => Err(Error::io("read", path, e)),
        }
    }

    /// Writes the settings atomically (temp file, fsync, rename).
    pub fn save(&self, config_dir: &Path) -> Result<()> {
        crate::store::ensure_private_dir(config_dir)?;
        let path = Self::path(config_dir);
        let json =
            serde_json::to_vec_pretty(self).map_err(|e| Error::io("encode", &path, io::Error::other(e)))?;
        let mut tmp = tempfile::Builder::new()
            .prefix(".config.")
            .tempfile_in(config_dir)
            .map_err(|e| Error::io("create a temporary file in", config_dir, e))?;
        tmp.write_all(&json)
            .and_then(|()| tmp.as_file().sync_all())
            .map_err(|e| Error::io("write", tmp.path().to_owned(), e))?;
        tmp.persist(&path).map_err(|e| Error::io("replace", path, e.error))?;
        Ok(())
    }

    /// The profile to use: `explicit` (flag or environment), else the default profile
    /// from the settings, else [`DEFAULT_PROFILE`]. An explicit name must be valid: an
    /// empty one is an error, not the default.
    pub fn resolve_profile(config_dir: &Path, explicit: Option<&str>) -> Result<String> {
        let name = match explicit {
            Some(p) => p.to_owned(),
            None => Self::load(config_dir)?.default_profile.unwrap_or_else(|| DEFAULT_PROFILE.to_owned()),
        };
        validate_profile(&name)?;
        Ok(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_flag_then_default_then_builtin() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Settings::resolve_profile(dir.path(), None).unwrap(), "default");
        Settings { default_profile: Some("prod".into()) }.save(dir.path()).unwrap();
        assert_eq!(Settings::resolve_profile(dir.path(), None).unwrap(), "prod");
        assert_eq!(Settings::resolve_profile(dir.path(), Some("ci")).unwrap(), "ci");
        assert!(Settings::resolve_profile(dir.path(), Some("a/b")).is_err());
        let err = Settings::resolve_profile(dir.path(), Some("")).unwrap_err().to_string();
        assert!(err.contains("invalid profile name \"\""), "{err}");
        fs::write(Settings::path(dir.path()), b"{oops").unwrap();
        let err = Settings::resolve_profile(dir.path(), None).unwrap_err().to_string();
        assert!(err.contains("config.json"), "{err}");
    }
}
