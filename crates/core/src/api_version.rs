//! The Armor API version a session talks (`v1.0` or `internal`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// An Armor API version. Only the two versions the original module knows are valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum ApiVersion {
    /// The public `v1.0` API (the default).
    #[default]
    #[serde(rename = "v1.0")]
    V1_0,
    /// Armor's `internal` API version.
    #[serde(rename = "internal")]
    Internal,
}

impl ApiVersion {
    /// Every valid version, in the order they are listed in errors and help.
    pub const ALL: [ApiVersion; 2] = [ApiVersion::V1_0, ApiVersion::Internal];

    /// The version as written on the command line and in session files.
    pub fn as_str(self) -> &'static str {
        match self {
            ApiVersion::V1_0 => "v1.0",
            ApiVersion::Internal => "internal",
        }
    }
}

impl fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error for a string that is not a known API version.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid API version {given:?}: expected one of v1.0, internal")]
pub struct InvalidApiVersion {
    /// What was given.
    pub given: String,
}

impl FromStr for ApiVersion {
    type Err = InvalidApiVersion;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ApiVersion::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| InvalidApiVersion { given: s.to_owned() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_known_versions_only() {
        assert_eq!("v1.0".parse::<ApiVersion>(), Ok(ApiVersion::V1_0));
        assert_eq!("internal".parse::<ApiVersion>(), Ok(ApiVersion::Internal));
        for bad in ["", "v1", "V1.0", "v2.0", " v1.0"] {
            let err = bad.parse::<ApiVersion>().unwrap_err();
            assert!(err.to_string().contains("v1.0, internal"), "{err}");
        }
    }

    #[test]
    fn serde_uses_wire_names() {
        assert_eq!(serde_json::to_string(&ApiVersion::V1_0).unwrap(), "\"v1.0\"");
        let v: ApiVersion = serde_json::from_str("\"internal\"").unwrap();
        assert_eq!(v, ApiVersion::Internal);
    }
}
