//! Id newtypes, validated where the API documents a range.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// An Armor account id (1-65535 in the original module; the API uses `int32`).
///
/// Decodes from a JSON number or a numeric string; anything else is an error, since an
/// account id is what a command acts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct AccountId(pub u32);

impl<'de> Deserialize<'de> for AccountId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        let n = match &v {
            serde_json::Value::Number(n) => n.as_u64(),
            serde_json::Value::String(s) => s.trim().parse().ok(),
            _ => None,
        };
        match n.and_then(|n| u32::try_from(n).ok()) {
            Some(n) => Ok(AccountId(n)),
            None => Err(serde::de::Error::custom(format!("invalid account id {v}: expected a whole number"))),
        }
    }
}

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
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid account id {given:?}: expected a whole number from 1 to 2147483647")]
pub struct InvalidAccountId {
    /// What was given.
    pub given: String,
}

impl FromStr for AccountId {
    type Err = InvalidAccountId;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || InvalidAccountId { given: s.to_owned() };
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err());
        }
        match s.parse::<u32>() {
            Ok(n) if (1..=i32::MAX as u32).contains(&n) => Ok(AccountId(n)),
            _ => Err(err()),
        }
    }
}

/// A core instance GUID (`8-4-4-4-12` hex digits), the Armor agent's VM id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CoreInstanceId(String);

impl CoreInstanceId {
    /// The GUID, lower case.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CoreInstanceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The error for a string that is not a GUID.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid core instance id {given:?}: expected a GUID like 06daafab-bffb-4f81-8cbf-532faad97037")]
pub struct InvalidCoreInstanceId {
    /// What was given.
    pub given: String,
}

impl FromStr for CoreInstanceId {
    type Err = InvalidCoreInstanceId;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let groups: Vec<&str> = s.split('-').collect();
        let ok = groups.len() == 5
            && groups
                .iter()
                .zip([8, 4, 4, 4, 12])
                .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()));
        if ok {
            Ok(CoreInstanceId(s.to_ascii_lowercase()))
        } else {
            Err(InvalidCoreInstanceId { given: s.to_owned() })
        }
    }
}

/// Parses a positive resource id (VM, workload, tier, user), naming `kind` in the error.
pub fn parse_id(kind: &str, s: &str) -> Result<u32, String> {
    match s.parse::<u32>() {
        Ok(n) if n > 0 && s.bytes().all(|b| b.is_ascii_digit()) => Ok(n),
        _ => Err(format!("invalid {kind} id {s:?}: expected a positive whole number")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids_and_ids() {
        let g: CoreInstanceId = "06DAAFAB-bffb-4f81-8cbf-532faad97037".parse().unwrap();
        assert_eq!(g.as_str(), "06daafab-bffb-4f81-8cbf-532faad97037");
        for bad in ["", "06daafab-bffb-4f81-8cbf", "06daafab-bffb-4f81-8cbf-532faad9703g", "x"] {
            assert!(bad.parse::<CoreInstanceId>().is_err(), "{bad}");
        }
        assert_eq!(parse_id("VM", "2001"), Ok(2001));
        for bad in ["0", "-1", "+1", "1.5", "abc", ""] {
            assert!(parse_id("VM", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn parses_positive_numbers_only() {
        assert_eq!("1000".parse::<AccountId>(), Ok(AccountId(1000)));
        for bad in ["", "0", "-1", "+5", "1e3", "abc", "99999999999", " 1"] {
            assert!(bad.parse::<AccountId>().is_err(), "{bad:?} accepted");
        }
    }
}

/// Defines a numeric resource id: a `u32` that cannot be mistaken for another kind of id.
macro_rules! numeric_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub u32);

        impl $name {
            /// The numeric value.
            pub fn get(self) -> u32 {
                self.0
            }
        }

        impl From<u32> for $name {
            fn from(n: u32) -> Self {
                $name(n)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

numeric_id!(
    /// A VM id (`/vms/{id}`).
    VmId
);
numeric_id!(
    /// A workload id (`/apps/{id}`).
    WorkloadId
);
numeric_id!(
    /// A tier id, within its workload (`/apps/{workload}/tiers/{id}`).
    TierId
);
numeric_id!(
    /// A user id (`/users/{id}`).
    UserId
);

#[cfg(test)]
mod numeric_id_tests {
    use super::*;

    #[test]
    fn numeric_ids_are_plain_numbers_on_the_wire() {
        assert_eq!(serde_json::to_string(&VmId(7)).unwrap(), "7");
        assert_eq!(serde_json::from_str::<TierId>("12").unwrap(), TierId(12));
        assert_eq!(WorkloadId::from(3).to_string(), "3");
        assert_eq!(UserId(5).get(), 5);
    }
}
