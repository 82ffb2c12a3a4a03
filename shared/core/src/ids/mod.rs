//! Newtypes for values that cross a boundary (a policy file, an email header, a DynamoDB item,
//! a CLI flag). Each is parsed once, at the edge, so the rest of the code can trust it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

mod case_id;
mod email;
#[cfg(test)]
mod tests;

pub use case_id::{CaseId, CasePrefix};
pub use email::{EmailAddress, canonical_domain};

/// Why a value could not become one of the newtypes of this module.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IdError {
    #[error("{0:?} is not an email address: {1}")]
    Email(String, &'static str),
    #[error(
        "{0:?} is not a valid {1} id: use lower-case letters, digits, '-' or '_' (1 to 64 characters)"
    )]
    Slug(String, &'static str),
    #[error("{0:?} is not a case id like AS-2026-000123")]
    CaseId(String),
}

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

macro_rules! slug_id {
    ($(#[$meta:meta])* $name:ident, $what:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            pub fn parse(raw: &str) -> Result<Self, IdError> {
                if is_slug(raw) {
                    Ok(Self(raw.to_string()))
                } else {
                    Err(IdError::Slug(raw.to_string(), $what))
                }
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.pad(&self.0)
            }
        }

        impl FromStr for $name {
            type Err = IdError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = String::deserialize(d)?;
                Self::parse(&raw).map_err(serde::de::Error::custom)
            }
        }
    };
}

slug_id!(
    /// A policy's id, e.g. `activestate`.
    PolicyId,
    "policy"
);
slug_id!(
    /// A tier's id within a policy, e.g. `enterprise`.
    TierId,
    "tier"
);
slug_id!(
    /// A severity's id within a policy, e.g. `critical` or `p0`.
    SeverityId,
    "severity"
);
slug_id!(
    /// A queue name from a policy's routing rules.
    QueueId,
    "queue"
);
slug_id!(
    /// A calendar's name within a policy.
    CalendarId,
    "calendar"
);
slug_id!(
    /// An organisation's id in the directory, e.g. `acme`.
    OrgId,
    "organisation"
);
