//! What a policy's target means for a message received at a given instant.
//!
//! The rules are those of `../shared/docs/sla-semantics.md`; the calendar arithmetic lives in
//! [`crate::calendar`], and this module only chooses which clock a target runs on.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use thiserror::Error;

use crate::calendar::{self, BusinessCalendar};
use crate::ids::{SeverityId, TierId};
use crate::policy::{Metric, Policy, SecurityBand, Target};

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DeadlineError {
    #[error("policy {policy} has no tier {tier:?}")]
    UnknownTier { policy: String, tier: String },
    #[error("policy {policy} has no severity {severity:?}")]
    UnknownSeverity { policy: String, severity: String },
    #[error("the target {target} names calendar {calendar}, which policy {policy} does not define")]
    UnknownCalendar {
        policy: String,
        target: String,
        calendar: String,
    },
    #[error("the calendar of {target} never opens after {received}, so no deadline exists")]
    NeverOpens {
        target: String,
        received: DateTime<Utc>,
    },
    #[error("a target cannot be counted in calendar months from an instant; use security_deadline")]
    MonthsTarget,
}

/// A computed deadline, or the absence of one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deadline {
    pub target: Target,
    /// "2 business hours", "no guaranteed response time" …
    pub target_words: String,
    /// The zone deadlines of this policy are shown in.
    pub zone: Tz,
    /// When the clock started: the received instant, or the next opening for business clocks.
    /// `None` when the target promises nothing.
    pub clock_start: Option<DateTime<Utc>>,
    /// `None` when the target promises nothing.
    pub due: Option<DateTime<Utc>>,
}

impl Deadline {
    /// The deadline in the policy's zone, RFC 3339 (`2026-11-24T09:00:00-08:00`).
    pub fn due_local_rfc3339(&self) -> Option<String> {
        self.due.map(|d| {
            d.with_timezone(&self.zone)
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
        })
    }

    pub fn clock_start_local_rfc3339(&self) -> Option<String> {
        self.clock_start.map(|d| {
            d.with_timezone(&self.zone)
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
        })
    }

    /// "Tue 24 Nov 2026, 10:00 PST": what an auto-reply prints.
    pub fn due_in_words(&self) -> Option<String> {
        self.due.map(|d| format_local(d, self.zone))
    }
}

/// "Tue 24 Nov 2026, 10:00 PST".
pub fn format_local(t: DateTime<Utc>, zone: Tz) -> String {
    t.with_timezone(&zone)
        .format("%a %-d %b %Y, %H:%M %Z")
        .to_string()
}

/// Applies a target to a received instant.
pub fn apply(
    policy: &Policy,
    target: &Target,
    received: DateTime<Utc>,
) -> Result<Deadline, DeadlineError> {
    let zone = policy.support_calendar().zone();
    let calendar_of = |target: &Target| -> Result<&BusinessCalendar, DeadlineError> {
        let id = target.calendar().ok_or(DeadlineError::MonthsTarget)?;
        policy
            .calendar(id)
            .ok_or_else(|| DeadlineError::UnknownCalendar {
                policy: policy.id.to_string(),
                target: target.words(),
                calendar: id.to_string(),
            })
    };
    let never = || DeadlineError::NeverOpens {
        target: target.words(),
        received,
    };
    let (zone, clock_start, due) = match target {
        Target::None { .. } => (zone, None, None),
        Target::Elapsed { minutes } => (
            zone,
            Some(received),
            Some(calendar::add_elapsed(received, *minutes)),
        ),
        Target::BusinessMinutes { minutes, .. } => {
            let cal = calendar_of(target)?;
            let start = cal.next_opening(received).ok_or_else(never)?;
            let due = cal
                .add_business_minutes(received, *minutes)
                .ok_or_else(never)?;
            (cal.zone(), Some(start), Some(due))
        }
        Target::BusinessDays { days, .. } => {
            let cal = calendar_of(target)?;
            let start = cal.next_opening(received).ok_or_else(never)?;
            let due = cal.add_business_days(received, *days).ok_or_else(never)?;
            (cal.zone(), Some(start), Some(due))
        }
        Target::CalendarMonths { .. } => return Err(DeadlineError::MonthsTarget),
    };
    Ok(Deadline {
        target: target.clone(),
        target_words: target.words(),
        zone,
        clock_start,
        due,
    })
}

/// The deadline a policy promises a tier for a severity and metric. A tier without a commitment
/// for that severity gets a deadline of `None` ("no guaranteed response time").
pub fn compute(
    policy: &Policy,
    tier: &TierId,
    severity: &SeverityId,
    metric: Metric,
    received: DateTime<Utc>,
) -> Result<Deadline, DeadlineError> {
    if policy.tier(tier).is_none() {
        return Err(DeadlineError::UnknownTier {
            policy: policy.id.to_string(),
            tier: tier.to_string(),
        });
    }
    if policy.severity(severity).is_none() {
        return Err(DeadlineError::UnknownSeverity {
            policy: policy.id.to_string(),
            severity: severity.to_string(),
        });
    }
    let none = Target::None {
        wording: crate::policy::NoCommitment::NotApplicable,
    };
    let target = policy.target(tier, severity, metric).unwrap_or(&none);
    apply(policy, target, received)
}

/// The security-fix dates for a CVSS score disclosed on a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SecurityDeadline {
    pub band: String,
    pub band_label: String,
    pub disclosed: NaiveDate,
    /// When the fix is expected (the low end of a "3–6 months" range).
    pub warn: Option<NaiveDate>,
    /// When the target is breached; `None` when the band has no target.
    pub breach: Option<NaiveDate>,
}

/// Maps a CVSS score to its band and counts calendar months from public disclosure.
/// `None` when the policy has no band for the score.
pub fn security_deadline(
    policy: &Policy,
    cvss: f64,
    disclosed: NaiveDate,
) -> Option<SecurityDeadline> {
    let band: &SecurityBand = policy.security_band(cvss)?;
    let add = |m: Option<u32>| m.and_then(|m| calendar::add_calendar_months(disclosed, m));
    Some(SecurityDeadline {
        band: band.id.clone(),
        band_label: band.label.clone(),
        disclosed,
        warn: add(band.warn_months),
        breach: add(band.breach_months),
    })
}
