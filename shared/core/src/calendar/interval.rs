//! Opening intervals: half-open wall-clock ranges of one local day (`08:00-17:00` contains 08:00
//! and not 17:00), parsed from what a policy file writes.

use std::fmt;

use super::{CalendarError, MINUTES_PER_DAY};

/// Minutes since local midnight, half-open `[start, end)`; `end` may be 1440 (24:00).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval {
    pub(super) start: u16,
    pub(super) end: u16,
}

impl Interval {
    /// Requires `start < end <= 1440`.
    pub fn new(start_minute: u16, end_minute: u16) -> Result<Self, CalendarError> {
        let interval = Self {
            start: start_minute,
            end: end_minute,
        };
        let describe = || interval.to_string();
        if start_minute > MINUTES_PER_DAY || end_minute > MINUTES_PER_DAY {
            return Err(CalendarError::PastEndOfDay {
                interval: describe(),
            });
        }
        if end_minute < start_minute {
            return Err(CalendarError::EndBeforeStart {
                interval: describe(),
            });
        }
        if end_minute == start_minute {
            return Err(CalendarError::EmptyInterval {
                interval: describe(),
            });
        }
        Ok(interval)
    }

    /// Parses `HH:MM-HH:MM` (an en dash is accepted too), e.g. `08:00-17:00` or `00:00-24:00`.
    pub fn parse(text: &str) -> Result<Self, CalendarError> {
        let syntax = || CalendarError::IntervalSyntax {
            text: text.trim().to_owned(),
        };
        let (start, end) = text
            .split_once('-')
            .or_else(|| text.split_once('\u{2013}'))
            .ok_or_else(syntax)?;
        Self::new(parse_time_of_day(start)?, parse_time_of_day(end)?)
    }

    pub fn start_minute(&self) -> u16 {
        self.start
    }

    pub fn end_minute(&self) -> u16 {
        self.end
    }

    /// Length in minutes.
    pub fn minutes(&self) -> u16 {
        self.end.saturating_sub(self.start)
    }
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:02}:{:02}-{:02}:{:02}",
            self.start / 60,
            self.start % 60,
            self.end / 60,
            self.end % 60
        )
    }
}

impl std::str::FromStr for Interval {
    type Err = CalendarError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

fn parse_time_of_day(text: &str) -> Result<u16, CalendarError> {
    let text = text.trim();
    let invalid = || CalendarError::TimeOfDay {
        text: text.to_owned(),
    };
    let (hours, minutes) = text.split_once(':').ok_or_else(invalid)?;
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !(all_digits(hours) && hours.len() <= 2 && all_digits(minutes) && minutes.len() == 2) {
        return Err(invalid());
    }
    let hours: u16 = hours.parse().map_err(|_| invalid())?;
    let minutes: u16 = minutes.parse().map_err(|_| invalid())?;
    if minutes >= 60 || hours > 24 || (hours == 24 && minutes != 0) {
        return Err(invalid());
    }
    Ok(hours * 60 + minutes)
}
