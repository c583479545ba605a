//! Id newtypes, validated where the API documents a range.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// An Armor account id (1-65535 in the original module; the API uses `int32`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AccountId(pub u32);

impl AccountId {
    /// The numeric value.
    pub fn get(self) -> u32 {
        self.0
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The error for a string that is not a valid account id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid account id {given:?}: expected a whole number from 1 to 2147483647")]
pub struct InvalidAccountId {
    /// What was given.
    pub given: String,
}

impl FromStr for AccountId {
    type Err = InvalidAccountId;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || InvalidAccountId {
            given: s.to_owned(),
        };
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err());
        }
        match s.parse::<u32>() {
            Ok(n) if (1..=i32::MAX as u32).contains(&n) => Ok(AccountId(n)),
            _ => Err(err()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_positive_numbers_only() {
        assert_eq!("1000".parse::<AccountId>(), Ok(AccountId(1000)));
        for bad in ["", "0", "-1", "+5", "1e3", "abc", "99999999999", " 1"] {
            assert!(bad.parse::<AccountId>().is_err(), "{bad:?} accepted");
        }
    }
}
