//! Access tokens and the `expires_in` unit rule.
//!
//! # The `expires_in` unit rule
//!
//! The v1 API, as the original PowerShell module used it, returns `expires_in` in
//! **minutes** with `token_type: "Bearer"` (`15`); the published FH-AUTH contract
//! documents **seconds** with `token_type: "FH-AUTH"` (`900`). Both describe a
//! 15-minute token. [`ExpiresInUnit::Auto`] (the default) decides in this order:
//!
//! 1. `token_type` is `FH-AUTH` (the contract's form) → seconds;
//! 2. otherwise a value of at most [`ExpiresInUnit::AUTO_MINUTES_MAX`] (60) → minutes;
//! 3. anything larger → seconds (no Armor token lives 61 minutes or more).
//!
//! [`ExpiresInUnit::Minutes`] and [`ExpiresInUnit::Seconds`] force a unit, for a server
//! that breaks this rule (say, one reporting a 2-hour lifetime as `120` minutes).

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize};

/// A validated Armor API access token (`^[a-z0-9]{32}$`, as the original module checks).
///
/// `Debug` and `Display` never show the value; [`AccessToken::expose`] does, on purpose.
#[derive(Clone)]
pub struct AccessToken(SecretString);

/// Why a string is not a valid access token. Never contains the token itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenFormatError {
    /// The token is empty.
    #[error("the token is empty")]
    Empty,
    /// The token contains white space or control characters.
    #[error("the token contains white space or control characters")]
    Whitespace,
    /// The token is not 32 lowercase letters or digits.
    #[error("the token is not 32 lowercase letters or digits (got {len} characters)")]
    Malformed {
        /// The number of characters found.
        len: usize,
    },
}

impl AccessToken {
    /// The exact length of a valid token.
    pub const LEN: usize = 32;

    /// Validates `s` as an access token.
    pub fn parse(s: &str) -> Result<Self, TokenFormatError> {
        if s.is_empty() {
            return Err(TokenFormatError::Empty);
        }
        if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(TokenFormatError::Whitespace);
        }
        let ok = s.len() == Self::LEN && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
        if !ok {
            return Err(TokenFormatError::Malformed { len: s.chars().count() });
        }
        Ok(AccessToken(SecretString::from(s.to_owned())))
    }

    /// The token itself. Only for the wire, the session file and `armor token print`.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl PartialEq for AccessToken {
    fn eq(&self, other: &Self) -> bool {
        self.expose() == other.expose()
    }
}

impl Eq for AccessToken {}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken(<redacted>)")
    }
}

impl FromStr for AccessToken {
    type Err = TokenFormatError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AccessToken::parse(s)
    }
}

impl<'de> Deserialize<'de> for AccessToken {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = SecretString::deserialize(d)?;
        AccessToken::parse(s.expose_secret()).map_err(serde::de::Error::custom)
    }
}

/// How to read the `expires_in` field of a token response. See the module docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExpiresInUnit {
    /// `FH-AUTH` token type → seconds; else at most 60 → minutes; else seconds.
    #[default]
    Auto,
    /// Always minutes (the v1 API).
    Minutes,
    /// Always seconds (the published contract).
    Seconds,
}

impl ExpiresInUnit {
    /// The largest `expires_in` that [`ExpiresInUnit::Auto`] reads as minutes.
    pub const AUTO_MINUTES_MAX: u64 = 60;

    /// The token lifetime that `expires_in` (with the response's `token_type`) describes
    /// under this rule.
    pub fn lifetime(self, expires_in: u64, token_type: Option<&str>) -> Duration {
        let minutes = match self {
            ExpiresInUnit::Minutes => true,
            ExpiresInUnit::Seconds => false,
            ExpiresInUnit::Auto if token_type.is_some_and(|t| t.eq_ignore_ascii_case("FH-AUTH")) => false,
            ExpiresInUnit::Auto => expires_in <= Self::AUTO_MINUTES_MAX,
        };
        if minutes {
            Duration::from_secs(expires_in.saturating_mul(60))
        } else {
            Duration::from_secs(expires_in)
        }
    }

    /// The name used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            ExpiresInUnit::Auto => "auto",
            ExpiresInUnit::Minutes => "minutes",
            ExpiresInUnit::Seconds => "seconds",
        }
    }
}

impl FromStr for ExpiresInUnit {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "auto" => Ok(ExpiresInUnit::Auto),
            "minutes" => Ok(ExpiresInUnit::Minutes),
            "seconds" => Ok(ExpiresInUnit::Seconds),
            _ => Err(format!("invalid expires_in unit {s:?}: expected auto, minutes or seconds")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_seed_example() {
        let t = AccessToken::parse("2261bac252204c2ea93ed32ea1ffd3ab").unwrap();
        assert_eq!(t.expose(), "2261bac252204c2ea93ed32ea1ffd3ab");
    }

    #[test]
    fn rejects_malformed_tokens() {
        assert_eq!(AccessToken::parse(""), Err(TokenFormatError::Empty));
        assert_eq!(AccessToken::parse("2261bac252204c2e a93ed32ea1ffd3a"), Err(TokenFormatError::Whitespace));
        assert_eq!(
            AccessToken::parse("2261bac252204c2ea93ed32ea1ffd3a\n"),
            Err(TokenFormatError::Whitespace)
        );
        assert_eq!(
            AccessToken::parse("2261bac252204c2ea93ed32ea1ffd3a\u{7}"),
            Err(TokenFormatError::Whitespace)
        );
        // The original module's test: a 14-character token is rejected.
        assert_eq!(AccessToken::parse("2261bac252204c"), Err(TokenFormatError::Malformed { len: 14 }));
        assert!(AccessToken::parse("2261BAC252204C2EA93ED32EA1FFD3AB").is_err());
        assert!(AccessToken::parse("2261bac252204c2ea93ed32ea1ffd3ab0").is_err());
        assert!(AccessToken::parse("2261bac252204c2ea93ed32ea1ffd3a-").is_err());
    }

    #[test]
    fn debug_and_errors_never_show_the_token() {
        let raw = "2261bac252204c2ea93ed32ea1ffd3ab";
        let t = AccessToken::parse(raw).unwrap();
        assert!(!format!("{t:?}").contains(raw));
        let err = AccessToken::parse("abcdefghijklmn").unwrap_err().to_string();
        assert!(!err.contains("abcdefghijklmn"), "{err}");
    }

    #[test]
    fn deserializing_validates() {
        // Reading is free; writing the token is the session store's job alone (no Serialize).
        let t: AccessToken = serde_json::from_str("\"2261bac252204c2ea93ed32ea1ffd3ab\"").unwrap();
        assert_eq!(t.expose(), "2261bac252204c2ea93ed32ea1ffd3ab");
        assert!(serde_json::from_str::<AccessToken>("\"short\"").is_err());
    }

    #[test]
    fn expires_in_unit_rule() {
        let auto = ExpiresInUnit::Auto;
        let bearer = Some("Bearer");
        let secs = Duration::from_secs;
        assert_eq!(auto.lifetime(15, bearer), secs(900));
        assert_eq!(auto.lifetime(15, None), secs(900));
        assert_eq!(auto.lifetime(60, bearer), secs(3600));
        assert_eq!(auto.lifetime(61, bearer), secs(61));
        assert_eq!(auto.lifetime(900, bearer), secs(900));
        assert_eq!(auto.lifetime(900, Some("FH-AUTH")), secs(900));
        assert_eq!(auto.lifetime(6, Some("FH-AUTH")), secs(6));
        assert_eq!(auto.lifetime(6, Some("fh-auth")), secs(6));
        assert_eq!(ExpiresInUnit::Seconds.lifetime(15, bearer), secs(15));
        assert_eq!(ExpiresInUnit::Minutes.lifetime(900, Some("FH-AUTH")), secs(54_000));
        assert_eq!(ExpiresInUnit::Minutes.lifetime(u64::MAX, None), secs(u64::MAX));
        assert_eq!("seconds".parse::<ExpiresInUnit>(), Ok(ExpiresInUnit::Seconds));
        assert!("hours".parse::<ExpiresInUnit>().is_err());
    }
}
