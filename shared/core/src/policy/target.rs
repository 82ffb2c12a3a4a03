//! A response target: an amount on a clock ("2 business hours", "1 business day", "12 hours",
//! "3 months", "best effort").

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::ids::CalendarId;

/// What a policy promises for one response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "clock", rename_all = "kebab-case")]
pub enum Target {
    /// No commitment: "N/A" or "best effort". The wording is kept for the auto-reply.
    None { wording: NoCommitment },
    /// Open time on a business calendar.
    BusinessMinutes { minutes: u32, calendar: CalendarId },
    /// The same local clock time N business days later.
    BusinessDays { days: u32, calendar: CalendarId },
    /// Elapsed real time (24x7).
    Elapsed { minutes: u32 },
    /// Calendar months (security fixes), clamped to the month's end.
    CalendarMonths { months: u32 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NoCommitment {
    NotApplicable,
    BestEffort,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TargetParseError {
    #[error(
        "{0:?} is not a target: write an amount and a unit, e.g. \"2 business hours\", \"1 business day\", \"12 hours\", \"3 months\", \"best effort\" or \"none\""
    )]
    Syntax(String),
    #[error(
        "{0:?}: the amount must be a whole number of at least 1 (a negative or zero target promises nothing; write \"none\")"
    )]
    Amount(String),
    #[error("{0:?}: the amount is too large")]
    TooLarge(String),
}

/// The most a target may be, in minutes or days: 10 years keeps every computation in range.
const MAX_MINUTES: u64 = 10 * 366 * 24 * 60;

impl Target {
    /// Parses the target text of a policy file; business targets run on `calendar`.
    pub fn parse(text: &str, calendar: &CalendarId) -> Result<Self, TargetParseError> {
        if text.trim_start().starts_with('-') {
            return Err(TargetParseError::Amount(text.to_string()));
        }
        let norm = super::normalise_name(text);
        match norm.as_str() {
            "none" | "n/a" | "na" | "no target" | "no commitment" | "no target resolution time" => {
                return Ok(Self::None {
                    wording: NoCommitment::NotApplicable,
                });
            }
            "best effort" | "best efforts" => {
                return Ok(Self::None {
                    wording: NoCommitment::BestEffort,
                });
            }
            _ => {}
        }
        let syntax = || TargetParseError::Syntax(text.to_string());
        let mut words = norm.split(' ');
        let amount_text = words.next().ok_or_else(syntax)?;
        let amount: i64 = amount_text.parse().map_err(|_| syntax())?;
        if amount < 1 {
            return Err(TargetParseError::Amount(text.to_string()));
        }
        let amount = amount as u64;
        let rest: Vec<&str> = words.collect();
        let (business, unit) = match rest.as_slice() {
            ["business", unit] => (true, *unit),
            [unit] => (false, *unit),
            _ => return Err(syntax()),
        };
        let unit = unit.trim_end_matches('s');
        let minutes = |per: u64| -> Result<u32, TargetParseError> {
            let m = amount
                .checked_mul(per)
                .filter(|m| *m <= MAX_MINUTES)
                .ok_or_else(|| TargetParseError::TooLarge(text.to_string()))?;
            Ok(m as u32)
        };
        let small = |limit: u64| -> Result<u32, TargetParseError> {
            if amount > limit {
                Err(TargetParseError::TooLarge(text.to_string()))
            } else {
                Ok(amount as u32)
            }
        };
        Ok(match (business, unit) {
            (true, "minute") => Self::BusinessMinutes {
                minutes: minutes(1)?,
                calendar: calendar.clone(),
            },
            (true, "hour") => Self::BusinessMinutes {
                minutes: minutes(60)?,
                calendar: calendar.clone(),
            },
            (true, "day") => Self::BusinessDays {
                days: small(3660)?,
                calendar: calendar.clone(),
            },
            (false, "minute") => Self::Elapsed {
                minutes: minutes(1)?,
            },
            (false, "hour") => Self::Elapsed {
                minutes: minutes(60)?,
            },
            (false, "day") => Self::Elapsed {
                minutes: minutes(24 * 60)?,
            },
            (false, "month") => Self::CalendarMonths {
                months: small(120)?,
            },
            _ => return Err(syntax()),
        })
    }

    /// Whether the target promises anything.
    pub fn is_commitment(&self) -> bool {
        !matches!(self, Self::None { .. })
    }

    /// The calendar a business target runs on.
    pub fn calendar(&self) -> Option<&CalendarId> {
        match self {
            Self::BusinessMinutes { calendar, .. } | Self::BusinessDays { calendar, .. } => {
                Some(calendar)
            }
            _ => None,
        }
    }

    /// "2 business hours", "1 business day", "12 hours (24x7)", "best effort".
    pub fn words(&self) -> String {
        fn plural(n: u32, one: &str) -> String {
            if n == 1 {
                format!("1 {one}")
            } else {
                format!("{n} {one}s")
            }
        }
        fn span(minutes: u32, prefix: &str) -> String {
            if minutes.is_multiple_of(60) {
                plural(minutes / 60, &format!("{prefix}hour"))
            } else {
                plural(minutes, &format!("{prefix}minute"))
            }
        }
        match self {
            Self::None {
                wording: NoCommitment::NotApplicable,
            } => "no guaranteed response time".to_string(),
            Self::None {
                wording: NoCommitment::BestEffort,
            } => "best effort, no guaranteed response time".to_string(),
            Self::BusinessMinutes { minutes, .. } => span(*minutes, "business "),
            Self::BusinessDays { days, .. } => plural(*days, "business day"),
            Self::Elapsed { minutes } => format!("{} (24x7)", span(*minutes, "")),
            Self::CalendarMonths { months } => plural(*months, "month"),
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.words())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cal() -> CalendarId {
        CalendarId::parse("business").unwrap()
    }

    #[test]
    fn parses_the_seed_wordings() {
        let c = cal();
        assert_eq!(
            Target::parse("2 Business Hours", &c).unwrap(),
            Target::BusinessMinutes {
                minutes: 120,
                calendar: c.clone()
            }
        );
        assert_eq!(
            Target::parse("1 business days", &c).unwrap(),
            Target::BusinessDays {
                days: 1,
                calendar: c.clone()
            }
        );
        assert_eq!(
            Target::parse("12 hours", &c).unwrap(),
            Target::Elapsed { minutes: 720 }
        );
        assert_eq!(
            Target::parse("3 months", &c).unwrap(),
            Target::CalendarMonths { months: 3 }
        );
        assert!(!Target::parse("N/A", &c).unwrap().is_commitment());
        assert!(!Target::parse("Best effort", &c).unwrap().is_commitment());
        assert_eq!(
            Target::parse("90 business minutes", &c).unwrap().words(),
            "90 business minutes"
        );
        assert_eq!(
            Target::parse("4 hours", &c).unwrap().words(),
            "4 hours (24x7)"
        );
        assert_eq!(
            Target::parse("1 business hour", &c).unwrap().words(),
            "1 business hour"
        );
    }

    #[test]
    fn rejects_bad_targets_with_reasons() {
        let c = cal();
        assert!(matches!(
            Target::parse("-2 business hours", &c),
            Err(TargetParseError::Amount(_))
        ));
        assert!(matches!(
            Target::parse("0 hours", &c),
            Err(TargetParseError::Amount(_))
        ));
        assert!(matches!(
            Target::parse("2 fortnights", &c),
            Err(TargetParseError::Syntax(_))
        ));
        assert!(matches!(
            Target::parse("soon", &c),
            Err(TargetParseError::Syntax(_))
        ));
        assert!(matches!(
            Target::parse("99999999 business hours", &c),
            Err(TargetParseError::TooLarge(_))
        ));
        assert!(Target::parse("3 business months", &c).is_err());
    }
}
