//! A report's month, and the keys of the report index (GSI `by-report-month`): a case is filed
//! under `<policy>#<YYYY-MM>` of the day it was opened in the policy's support zone, and sorted
//! by `<organisation or ~>#<case id>`, so an organisation's cases are one key range.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use crate::calendar::resolve_local;
use crate::ids::PolicyId;

/// The sort-key prefix of cases without an organisation (sorts after every slug).
pub const NO_ORG: &str = "~";

/// A calendar month, `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(into = "String")]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a month: write YYYY-MM, e.g. 2026-11")]
pub struct MonthError(pub String);

impl FromStr for Month {
    type Err = MonthError;
    fn from_str(s: &str) -> Result<Self, MonthError> {
        let bad = || MonthError(s.chars().take(40).collect());
        let (y, m) = s.trim().split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u32 = m.parse().map_err(|_| bad())?;
        NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(bad)?;
        Ok(Self { year, month })
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl From<Month> for String {
    fn from(m: Month) -> Self {
        m.to_string()
    }
}

impl Month {
    pub fn of(date: NaiveDate) -> Self {
        Self {
            year: date.year(),
            month: date.month(),
        }
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(NaiveDate::MIN)
    }

    pub fn next(self) -> Self {
        if self.month == 12 {
            Self {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Self {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    /// `[start, end)` of the month in `zone`, as instants.
    pub fn span(self, zone: Tz) -> (DateTime<Utc>, DateTime<Utc>) {
        let at = |d: NaiveDate| resolve_local(zone, d.and_hms_opt(0, 0, 0).unwrap_or_default());
        (at(self.first_day()), at(self.next().first_day()))
    }
}

/// The report index's partition key of a case opened on `date` (the policy's zone).
pub fn month_key(policy: &PolicyId, date: NaiveDate) -> String {
    format!("{policy}#{}", Month::of(date))
}

/// The report index's sort key of a case.
pub fn org_key(org: Option<&str>, case_id: &str) -> String {
    format!("{}#{case_id}", org.unwrap_or(NO_ORG))
}
