//! The live countdown of what is due from us: everything a page needs to count the running
//! target down between two refreshes without doing business-time arithmetic of its own. At
//! `as_of`: the counted time left (business time on the target's calendar, elapsed time on a
//! 24x7 clock), whether the clock is counting, and the next instant it stops or starts. Between
//! `as_of` and that instant the clock either counts second for second or stands still.
//!
//! The warning standing is the SLA watch's own: a countdown is in warning from the instant the
//! watch sends its first warning for the running target ([`crate::watch::first_warning`]: the
//! earliest share-of-time point of the policy's warning points for the case's tier and
//! severity), so the page never says "warning" before or after the people warned hear of it.

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;

use super::evaluate::{ClockView, Cycle};
use crate::calendar::BusinessCalendar;
use crate::deadline;
use crate::policy::{Metric, Policy};
use crate::watch::first_warning;

/// How the running target stands at `as_of`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Standing {
    OnTrack,
    /// The watch has sent (or would have sent) its first warning for the target.
    Warning,
    /// The due instant has passed.
    Breached,
}

/// The countdown of the running, unpaused target at `as_of`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Countdown {
    pub metric: Metric,
    /// The target in words ("2 business hours").
    pub target: String,
    pub due: DateTime<Utc>,
    pub as_of: DateTime<Utc>,
    /// Counted seconds left at `as_of`; negative once past due (how long past, counted alike).
    pub remaining_seconds: i64,
    /// All the counted time the target allows.
    pub target_seconds: i64,
    /// The instant the standing turns to warning: when the watch sends its first warning for
    /// this target. `None` when the policy gives the target no warning before its breach.
    pub warning_at: Option<DateTime<Utc>>,
    /// The counted time from `warning_at` to the due instant on the target's clock (`None`
    /// with it).
    pub warning_seconds: Option<i64>,
    /// Whether the clock counts at `as_of`: for a business target, whether the calendar is open.
    pub running: bool,
    /// The next instant the clock stops (while running) or starts (while stopped). `None`: it
    /// does not change within a week (a 24x7 clock, or a calendar that never opens again).
    pub changes_at: Option<DateTime<Utc>>,
    /// Whether only opening hours count (a business target).
    pub business_time: bool,
    /// The zone of the calendar the target counts on (the policy's support zone for 24x7).
    pub zone: String,
    pub standing: Standing,
}

/// Counted time in `[a, b)`: open time on `calendar`, elapsed time without one.
fn counted(calendar: Option<&BusinessCalendar>, a: DateTime<Utc>, b: DateTime<Utc>) -> TimeDelta {
    match calendar {
        Some(cal) => cal.business_duration_between(a, b),
        None => (b - a).max(TimeDelta::zero()),
    }
}

/// The countdown of `view`'s running target at `as_of`; `None` when nothing is due from us
/// (answered, waiting on the customer, closed, or a target that promises nothing).
pub fn countdown(policy: &Policy, view: &ClockView, as_of: DateTime<Utc>) -> Option<Countdown> {
    let (metric, due) = view.next_due()?;
    let cycle: &Cycle = view.running()?;
    let calendar = cycle.target.calendar().and_then(|id| policy.calendar(id));
    let remaining = if as_of < due {
        counted(calendar, as_of, due).num_seconds()
    } else {
        -counted(calendar, due, as_of).num_seconds()
    };
    let (running, changes_at) = match calendar {
        Some(cal) if cal.is_open(as_of) => (true, cal.next_closing(as_of)),
        Some(cal) => (false, cal.next_opening(as_of)),
        None => (true, None),
    };
    let target_seconds = deadline::apply(policy, &cycle.target, cycle.origin)
        .ok()
        .and_then(|d| Some(counted(calendar, d.clock_start?, d.due?).num_seconds()))
        .unwrap_or(0);
    let warning_at = first_warning(policy, view).map(|p| p.send_at);
    let warning_seconds = warning_at.map(|w| counted(calendar, w, due.max(w)).num_seconds());
    let standing = if cycle.breached(as_of) || remaining < 0 {
        Standing::Breached
    } else if warning_at.is_some_and(|w| as_of >= w) {
        Standing::Warning
    } else {
        Standing::OnTrack
    };
    Some(Countdown {
        metric,
        target: cycle.target.words(),
        due,
        as_of,
        remaining_seconds: remaining,
        target_seconds,
        warning_at,
        warning_seconds,
        running,
        changes_at,
        business_time: calendar.is_some(),
        zone: calendar
            .unwrap_or_else(|| policy.support_calendar())
            .zone()
            .name()
            .to_string(),
        standing,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::{Happening, LedgerEntry, append, evaluate, opening, transition};
    use crate::ids::{SeverityId, TierId};
    use crate::policy::builtin;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .expect("instant")
            .with_timezone(&Utc)
    }

    fn ledger_of(policy: &Policy, tier: &str, severity: &str, received: &str) -> Vec<LedgerEntry> {
        let start = opening(
            policy,
            &TierId::parse(tier).unwrap(),
            &SeverityId::parse(severity).unwrap(),
        );
        append(&[], vec![start], at(received), "intake", &policy.version)
    }

    fn view_of(policy: &Policy, tier: &str, severity: &str, received: &str) -> ClockView {
        evaluate(&ledger_of(policy, tier, severity, received), policy).expect("ledger")
    }

    #[test]
    fn counts_business_time_and_says_when_it_stops_and_starts() {
        // ActiveState enterprise critical: 2 business hours (08:00-17:00 Los Angeles) from
        // Fri 16:30: 30 minutes on Friday, 90 on Monday, due Mon 09:30.
        let p = builtin("activestate").unwrap();
        let v = view_of(&p, "enterprise", "critical", "2026-11-27T16:30:00-08:00");
        let friday = countdown(&p, &v, at("2026-11-27T16:40:00-08:00")).unwrap();
        assert_eq!(friday.due, at("2026-11-30T09:30:00-08:00"));
        assert_eq!(friday.remaining_seconds, 110 * 60);
        assert_eq!(friday.target_seconds, 120 * 60);
        // Enterprise Critical's first warning point is 50%: 60 business minutes used, Monday
        // 08:30. (It was "a quarter left" before the policy had warning points.)
        assert_eq!(friday.warning_at, Some(at("2026-11-30T08:30:00-08:00")));
        assert_eq!(friday.warning_seconds, Some(60 * 60));
        assert!(friday.running && friday.business_time);
        assert_eq!(friday.changes_at, Some(at("2026-11-27T17:00:00-08:00")));
        assert_eq!(friday.standing, Standing::OnTrack);
        assert_eq!(friday.zone, "America/Los_Angeles");

        // The weekend: stopped, 90 minutes left, starting again Monday 08:00.
        let saturday = countdown(&p, &v, at("2026-11-28T12:00:00-08:00")).unwrap();
        assert_eq!(saturday.remaining_seconds, 90 * 60);
        assert!(!saturday.running);
        assert_eq!(saturday.changes_at, Some(at("2026-11-30T08:00:00-08:00")));

        // Warning from the first warning point on; past due: breached, counted on alike.
        let before = countdown(&p, &v, at("2026-11-30T08:29:59-08:00")).unwrap();
        assert_eq!(before.standing, Standing::OnTrack);
        let point = countdown(&p, &v, at("2026-11-30T08:30:00-08:00")).unwrap();
        assert_eq!(point.standing, Standing::Warning);
        assert_eq!(point.remaining_seconds, 60 * 60);
        let monday = countdown(&p, &v, at("2026-11-30T09:05:00-08:00")).unwrap();
        assert_eq!(monday.remaining_seconds, 25 * 60);
        assert_eq!(monday.standing, Standing::Warning);
        assert_eq!(monday.changes_at, Some(at("2026-11-30T17:00:00-08:00")));
        let late = countdown(&p, &v, at("2026-11-30T10:00:00-08:00")).unwrap();
        assert_eq!(late.remaining_seconds, -30 * 60);
        assert_eq!(late.standing, Standing::Breached);
        // After closing time the overdue time stands still too.
        let evening = countdown(&p, &v, at("2026-11-30T20:00:00-08:00")).unwrap();
        assert_eq!(evening.remaining_seconds, -(7 * 60 + 30) * 60);
        assert!(!evening.running);
    }

    /// The page's warning is the watch's first warning: the countdown turns to "warning" at
    /// the first instant a watch pass would send a warning for the case, not a minute before.
    #[test]
    fn warning_begins_when_the_watch_sends_its_first_warning() {
        use std::collections::BTreeSet;
        let minute = TimeDelta::minutes(1);
        let cases = [
            // Business hours across a closing time (Enterprise Critical: 50%, 75%).
            (
                "activestate",
                "enterprise",
                "critical",
                "2026-11-27T16:30:00-08:00",
            ),
            // The default points (50%, 80%) on a 4-business-hour target.
            (
                "activestate",
                "enterprise",
                "severe",
                "2026-11-25T15:00:00-08:00",
            ),
            // 24x7, paging after hours.
            ("scalr", "business", "p0", "2026-11-28T10:00:00Z"),
        ];
        for (policy, tier, severity, received) in cases {
            let p = builtin(policy).unwrap();
            let v = view_of(&p, tier, severity, received);
            let first_send = |now| {
                !crate::watch::plan(&p, &v, &BTreeSet::new(), now)
                    .send
                    .is_empty()
            };
            let warned = countdown(&p, &v, at(received)).unwrap().warning_at.unwrap();
            assert!(
                first_send(warned),
                "{policy} {severity}: the watch sends at {warned}"
            );
            assert!(
                !first_send(warned - minute),
                "{policy} {severity}: not before {warned}"
            );
            let standing = |t| countdown(&p, &v, t).unwrap().standing;
            assert_eq!(
                standing(warned - minute),
                Standing::OnTrack,
                "{policy} {severity}"
            );
            assert_eq!(standing(warned), Standing::Warning, "{policy} {severity}");
        }
    }

    /// A point the watch holds until the support calendar opens (a 24x7 target of a severity
    /// that does not page after hours) warns on the page when the warning is sent, not when it
    /// fell; a target whose policy has no point before its breach never shows a warning.
    #[test]
    fn held_points_warn_when_sent_and_no_point_no_warning() {
        let mut p = builtin("scalr").unwrap();
        for s in &mut p.severities {
            s.page_after_hours = false;
        }
        // P0, 2 hours around the clock, from Fri 16:30 New York: 50% falls at 17:30, after
        // closing; the watch holds it to Monday 09:00, after the due instant (18:30).
        let v = view_of(&p, "business", "p0", "2026-11-27T21:30:00Z");
        let evening = countdown(&p, &v, at("2026-11-27T23:00:00Z")).unwrap();
        assert_eq!(evening.warning_at, Some(at("2026-11-30T14:00:00Z")));
        assert_eq!(evening.standing, Standing::OnTrack);
        assert_eq!(
            countdown(&p, &v, at("2026-11-27T23:31:00Z"))
                .unwrap()
                .standing,
            Standing::Breached
        );

        let mut p = builtin("activestate").unwrap();
        p.warnings.points.retain(|w| !w.is_reminder());
        p.warnings.overrides.clear();
        let v = view_of(&p, "enterprise", "severe", "2026-11-25T15:00:00-08:00");
        let late = countdown(&p, &v, at("2026-11-25T16:59:00-08:00")).unwrap();
        assert_eq!((late.warning_at, late.warning_seconds), (None, None));
        assert_eq!(late.standing, Standing::OnTrack);
    }

    #[test]
    fn elapsed_targets_always_run_and_waiting_shows_nothing() {
        // Scalr business P0: 2 hours, 24x7.
        let p = builtin("scalr").unwrap();
        let v = view_of(&p, "business", "p0", "2026-11-28T10:00:00Z");
        let c = countdown(&p, &v, at("2026-11-28T11:00:00Z")).unwrap();
        assert_eq!(c.remaining_seconds, 3600);
        assert!(c.running && !c.business_time);
        assert_eq!(c.changes_at, None);

        let p = builtin("activestate").unwrap();
        let mut ledger = ledger_of(&p, "enterprise", "critical", "2026-11-30T10:00:00-08:00");
        let wait = Happening::Wait {
            reason: "asked for logs".into(),
        };
        let when = at("2026-11-30T10:30:00-08:00");
        let view = evaluate(&ledger, &p).unwrap();
        let events = transition(&p, &view, &wait, when).unwrap();
        let more = append(&ledger, events, when, "test", &p.version);
        ledger.extend(more);
        let waiting = evaluate(&ledger, &p).unwrap();
        assert_eq!(
            countdown(&p, &waiting, at("2026-11-30T11:00:00-08:00")),
            None
        );
    }
}
