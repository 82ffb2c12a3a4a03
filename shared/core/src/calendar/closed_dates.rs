//! Closed dates: the holiday rules a calendar follows (which generate dates for any year) and the
//! one-off closures it lists, both closing whole local days.

use std::fmt;

use chrono::NaiveDate;

use super::CalendarError;

/// A rule that generates closed dates for any year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HolidayRule {
    /// US federal holidays as observed for a Monday–Friday workweek; see [`super::holidays`].
    UsFederal,
}

impl HolidayRule {
    /// Parses `us-federal` (case-insensitive).
    pub fn parse(text: &str) -> Result<Self, CalendarError> {
        if text.trim().eq_ignore_ascii_case("us-federal") {
            Ok(Self::UsFederal)
        } else {
            Err(CalendarError::UnknownHolidayRule {
                text: text.trim().to_owned(),
            })
        }
    }

    /// The name [`HolidayRule::parse`] accepts.
    pub fn name(&self) -> &'static str {
        match self {
            Self::UsFederal => "us-federal",
        }
    }
}

impl fmt::Display for HolidayRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A local date on which the office is closed all day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosedDate {
    pub date: NaiveDate,
    pub name: String,
}
