//! What one watch pass does with one case at `now`: which of its points to send, which earlier
//! reminders a later due point supersedes, and when to look at the case next.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use super::schedule::{ScheduledPoint, schedule};
use crate::clock::ClockView;
use crate::policy::Policy;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    /// Due now and not sent in this cycle yet, oldest first.
    pub send: Vec<ScheduledPoint>,
    /// Reminders (a share of the time used) that are due but that a later due point makes
    /// stale: recorded as superseded, never sent. A breach or escalation is never superseded.
    pub superseded: Vec<ScheduledPoint>,
    /// When the next unsent point may be sent; `None` when none is left.
    pub next: Option<DateTime<Utc>>,
}

/// The plan for a case whose ledger reads `view`, given the keys of the points already recorded
/// (sent, superseded or in flight) in its cycles.
pub fn plan(
    policy: &Policy,
    view: &ClockView,
    sent: &BTreeSet<String>,
    now: DateTime<Utc>,
) -> Plan {
    let unsent: Vec<ScheduledPoint> = schedule(policy, view)
        .into_iter()
        .filter(|p| !sent.contains(&p.key()))
        .collect();
    let (due, later): (Vec<_>, Vec<_>) = unsent.into_iter().partition(|p| p.send_at <= now);
    let mut out = Plan {
        next: later.iter().map(|p| p.send_at).min(),
        ..Plan::default()
    };
    let last = due.len();
    for (i, p) in due.into_iter().enumerate() {
        if p.point.is_reminder() && i + 1 < last {
            out.superseded.push(p);
        } else {
            out.send.push(p);
        }
    }
    out
}
