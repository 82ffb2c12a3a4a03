//! The warning points of a running response target, placed in time.
//!
//! A share of the target (`80%`) is a share of the time the target counts: business time on its
//! calendar (elapsed time for a 24x7 target), from the cycle's origin to its due instant, with
//! the pauses taken out. The breach is the due instant; an escalation is a delay after it, in
//! business time on the target's calendar (the support calendar for a 24x7 target) or elapsed
//! time. Everything is recomputed from the ledger's reading, so a pause, a resumption or a
//! reclassification moves every point with the due instant.
//!
//! A point is sent at its instant if the support calendar is open then (its closing instant
//! counts as open: the time it measures ended there), or if the case's severity is marked
//! `page_after_hours`; otherwise at the calendar's next opening.

use std::collections::BTreeSet;

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;

use crate::calendar::BusinessCalendar;
use crate::clock::{ClockView, Cycle, Pause};
use crate::policy::{Metric, PointAt, Policy, Target, WarningPoint};

/// One warning point of the running cycle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScheduledPoint {
    /// The ledger entry that started the cycle: points are sent once per cycle.
    pub cycle: u32,
    pub metric: Metric,
    pub point: WarningPoint,
    /// Where the point falls.
    pub at: DateTime<Utc>,
    /// When it may be sent: `at`, or the next opening when it falls outside opening hours.
    pub send_at: DateTime<Utc>,
    /// The due instant of the cycle.
    pub due: DateTime<Utc>,
}

impl ScheduledPoint {
    /// The point's identity in the record of sent warnings.
    pub fn key(&self) -> String {
        sent_key(self.cycle, &self.point.label)
    }

    pub fn held(&self) -> bool {
        self.send_at != self.at
    }
}

/// `<cycle>#<point>`: one key per point per response cycle.
pub fn sent_key(cycle: u32, label: &str) -> String {
    format!("{cycle:06}#{label}")
}

/// The target's own clock: its business calendar, or none for elapsed time.
fn clock_of<'p>(policy: &'p Policy, target: &Target) -> Option<&'p BusinessCalendar> {
    target.calendar().and_then(|c| policy.calendar(c))
}

fn measure(cal: Option<&BusinessCalendar>, a: DateTime<Utc>, b: DateTime<Utc>) -> i64 {
    match cal {
        Some(c) => c.business_duration_between(a, b).num_minutes(),
        None => (b - a).num_minutes(),
    }
}

fn add(cal: Option<&BusinessCalendar>, from: DateTime<Utc>, minutes: i64) -> Option<DateTime<Utc>> {
    match cal {
        Some(c) => c.add_business_minutes(from, u32::try_from(minutes).ok()?),
        None => from.checked_add_signed(TimeDelta::minutes(minutes)),
    }
}

/// `[origin, due)` without the pauses.
fn counting(
    origin: DateTime<Utc>,
    due: DateTime<Utc>,
    pauses: &[Pause],
) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let mut out = Vec::new();
    let mut cursor = origin;
    for p in pauses {
        if p.from >= due {
            break;
        }
        if p.from > cursor {
            out.push((cursor, p.from));
        }
        cursor = cursor.max(p.to.unwrap_or(due));
    }
    if cursor < due {
        out.push((cursor, due));
    }
    out
}

/// The instant `percent` of the counted time has been used.
fn share(policy: &Policy, c: &Cycle, due: DateTime<Utc>, percent: u8) -> Option<DateTime<Utc>> {
    let cal = clock_of(policy, &c.target);
    let segments = counting(c.origin, due, &c.pauses);
    let total: i64 = segments.iter().map(|(a, b)| measure(cal, *a, *b)).sum();
    let need = total * i64::from(percent) / 100;
    let mut used = 0;
    for (a, b) in &segments {
        let d = measure(cal, *a, *b);
        if used + d >= need {
            let left = need - used;
            if left == 0 {
                return Some(*a);
            }
            // One minute short, then one more on the wall clock: a point that uses the last
            // minute of an opening interval falls on its closing instant, not on the next
            // opening (adding business time skips to where more could be counted).
            return add(cal, *a, left - 1)
                .map(|t| t + TimeDelta::minutes(1))
                .map(|t| t.min(due));
        }
        used += d;
    }
    Some(due)
}

fn after_breach(
    policy: &Policy,
    c: &Cycle,
    due: DateTime<Utc>,
    after: &Target,
) -> Option<DateTime<Utc>> {
    let cal = clock_of(policy, &c.target)
        .or_else(|| clock_of(policy, after))
        .unwrap_or_else(|| policy.support_calendar());
    match after {
        Target::BusinessMinutes { minutes, .. } => cal.add_business_minutes(due, *minutes),
        Target::BusinessDays { days, .. } => cal.add_business_days(due, *days),
        Target::Elapsed { minutes } => {
            due.checked_add_signed(TimeDelta::minutes(i64::from(*minutes)))
        }
        Target::CalendarMonths { .. } | Target::None { .. } => None,
    }
}

/// The calendar whose opening hours warnings respect: the target's, else the support calendar.
fn hours_of<'p>(policy: &'p Policy, target: &Target) -> &'p BusinessCalendar {
    clock_of(policy, target).unwrap_or_else(|| policy.support_calendar())
}

fn send_at(cal: &BusinessCalendar, at: DateTime<Utc>, pages: bool) -> DateTime<Utc> {
    if pages || cal.is_open(at) || cal.is_open(at - TimeDelta::seconds(1)) {
        return at;
    }
    cal.next_opening(at).unwrap_or(at)
}

/// The warning points of the running cycle of a case whose ledger reads `view`, in time order.
/// None when nothing is due from us: no running cycle, waiting on the customer, or a target
/// without a commitment (best effort, no clock).
pub fn schedule(policy: &Policy, view: &ClockView) -> Vec<ScheduledPoint> {
    let Some(c) = view.running().filter(|c| !c.is_paused()) else {
        return Vec::new();
    };
    let Some(due) = c.due.filter(|_| c.target.is_commitment()) else {
        return Vec::new();
    };
    let pages = policy
        .severity(&view.severity)
        .is_some_and(|s| s.page_after_hours);
    let hours = hours_of(policy, &c.target);
    let mut out: Vec<ScheduledPoint> = policy
        .warnings
        .points_for(&view.tier, &view.severity)
        .iter()
        .filter_map(|p| {
            let at = match &p.at {
                PointAt::Percent { percent } => share(policy, c, due, *percent)?,
                PointAt::Breach => due,
                PointAt::AfterBreach { after } => after_breach(policy, c, due, after)?,
            };
            Some(ScheduledPoint {
                cycle: c.started_by,
                metric: c.metric,
                point: p.clone(),
                at,
                send_at: send_at(hours, at, pages),
                due,
            })
        })
        .collect();
    out.sort_by_key(|p| p.at);
    out
}

/// The first warning the watch sends for the running target of a case whose ledger reads `view`:
/// its earliest point before the breach (a share of the time used), at the instant it may be
/// sent. `None` when the target has no such point, or nothing is due from us. The agents'
/// countdown turns to "warning" at this point's `send_at`, so the page and the watch agree.
pub fn first_warning(policy: &Policy, view: &ClockView) -> Option<ScheduledPoint> {
    schedule(policy, view)
        .into_iter()
        .filter(|p| p.point.is_reminder())
        .min_by_key(|p| (p.send_at, p.at))
}

/// The instant the next unsent point may be sent: the warning index's sort key. With no record
/// of what was sent (`sent` empty), it is the earliest point: a write path that does not read the
/// record stays correct, the watch only reads the case once more and moves the key on.
pub fn next_warning(
    policy: &Policy,
    view: &ClockView,
    sent: &BTreeSet<String>,
) -> Option<DateTime<Utc>> {
    schedule(policy, view)
        .into_iter()
        .filter(|p| !sent.contains(&p.key()))
        .map(|p| p.send_at)
        .min()
}
