//! An organisation's support term: the dates between which it is paid up. ActiveState's Exhibit B
//! provides support "upon payment of all applicable Fees … and only during the Initial Term of the
//! Order Form or any Renewal Term thereof"; outside its term an organisation's people get the
//! policy's default tier.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Inclusive dates, in the policy's support calendar's zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawTerm", into = "RawTerm")]
pub struct SupportTerm {
    start: NaiveDate,
    end: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SupportTermError {
    #[error("{0:?} is not a date: write YYYY-MM-DD")]
    Date(String),
    #[error("the support term ends ({end}) before it starts ({start})")]
    EndsBeforeStart { start: NaiveDate, end: NaiveDate },
}

impl SupportTerm {
    pub fn new(start: NaiveDate, end: NaiveDate) -> Result<Self, SupportTermError> {
        if end < start {
            return Err(SupportTermError::EndsBeforeStart { start, end });
        }
        Ok(Self { start, end })
    }

    /// From `YYYY-MM-DD` texts, as an operator types them.
    pub fn parse(start: &str, end: &str) -> Result<Self, SupportTermError> {
        let date = |t: &str| {
            NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d")
                .map_err(|_| SupportTermError::Date(t.to_string()))
        };
        Self::new(date(start)?, date(end)?)
    }

    pub fn start(&self) -> NaiveDate {
        self.start
    }

    pub fn end(&self) -> NaiveDate {
        self.end
    }

    /// Whether support is provided on `day` (both ends included).
    pub fn covers(&self, day: NaiveDate) -> bool {
        self.start <= day && day <= self.end
    }
}

impl fmt::Display for SupportTerm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} to {}", self.start, self.end)
    }
}

/// The stored and transmitted form: two `YYYY-MM-DD` texts, parsed on the way in (so a stored
/// term is always valid, and a bad date is refused in the same words as at the CLI).
#[derive(Serialize, Deserialize)]
struct RawTerm {
    start: String,
    end: String,
}

impl TryFrom<RawTerm> for SupportTerm {
    type Error = SupportTermError;
    fn try_from(r: RawTerm) -> Result<Self, Self::Error> {
        Self::parse(&r.start, &r.end)
    }
}

impl From<SupportTerm> for RawTerm {
    fn from(t: SupportTerm) -> Self {
        let day = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
        Self {
            start: day(t.start),
            end: day(t.end),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn term_bounds_are_inclusive_and_checked() {
        let t = SupportTerm::parse("2026-01-01", "2026-12-31").unwrap();
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert!(t.covers(d("2026-01-01")) && t.covers(d("2026-12-31")));
        assert!(!t.covers(d("2025-12-31")) && !t.covers(d("2027-01-01")));
        assert!(matches!(
            SupportTerm::parse("2026-12-31", "2026-01-01"),
            Err(SupportTermError::EndsBeforeStart { .. })
        ));
        assert!(matches!(
            SupportTerm::parse("31/12/2026", "2027-01-01"),
            Err(SupportTermError::Date(_))
        ));
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(json, r#"{"start":"2026-01-01","end":"2026-12-31"}"#);
        assert!(
            serde_json::from_str::<SupportTerm>(r#"{"start":"2026-02-01","end":"2026-01-01"}"#)
                .is_err()
        );
        // The refusal names the bad date in plain words, not the date parser's internals.
        let bad =
            serde_json::from_str::<SupportTerm>(r#"{"start":"next monday","end":"2026-01-01"}"#)
                .unwrap_err()
                .to_string();
        assert!(
            bad.contains(r#""next monday" is not a date: write YYYY-MM-DD"#),
            "{bad}"
        );
    }
}
