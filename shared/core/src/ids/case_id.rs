//! Case ids (`AS-2026-000123`) and the prefixes policies give them.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::IdError;

/// A human-readable case id: `<PREFIX>-<YEAR>-<NUMBER>`, e.g. `AS-2026-000123`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CaseId(String);

impl CaseId {
    /// Builds a case id from its parts; the number is zero-padded to six digits and grows past
    /// that rather than wrapping.
    pub fn new(prefix: &CasePrefix, year: i32, number: u64) -> Self {
        Self(format!("{}-{year:04}-{number:06}", prefix.as_str()))
    }

    pub fn parse(raw: &str) -> Result<Self, IdError> {
        let err = || IdError::CaseId(raw.to_string());
        let mut parts = raw.splitn(3, '-');
        let (Some(prefix), Some(year), Some(number)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(err());
        };
        CasePrefix::parse(prefix).map_err(|_| err())?;
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err());
        }
        if number.len() < 6 || number.len() > 20 || !number.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err());
        }
        Ok(Self(raw.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CaseId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

impl FromStr for CaseId {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for CaseId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for CaseId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

/// The prefix of a policy's case ids: 1 to 8 upper-case ASCII letters or digits, starting with a
/// letter (`AS`, `ALC`, `SCALR`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CasePrefix(String);

impl CasePrefix {
    pub fn parse(raw: &str) -> Result<Self, IdError> {
        let ok = (1..=8).contains(&raw.len())
            && raw.starts_with(|c: char| c.is_ascii_uppercase())
            && raw
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
        if ok {
            Ok(Self(raw.to_string()))
        } else {
            Err(IdError::Slug(raw.to_string(), "case prefix"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CasePrefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}
