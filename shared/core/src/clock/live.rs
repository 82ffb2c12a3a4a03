//! The fields of a case that mirror its clock: written together with every ledger append, so
//! that `case show` and the queue index read what the ledger says without recomputing it.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use super::evaluate::ClockView;
use crate::policy::{Metric, Policy};

/// The case fields derived from its clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Live {
    /// `open`, `waiting` or `closed`.
    pub status: String,
    pub severity: String,
    pub queue: String,
    /// The next instant something is due from us, RFC 3339 in the policy's zone; `None` when
    /// nothing is (answered, waiting on the customer, closed, or no commitment).
    pub due: Option<String>,
    /// The same instant in UTC: the queue index's sort key (absent keeps the index sparse).
    pub due_utc: Option<String>,
    /// Which response is due: `first-response` or `update`.
    pub due_metric: Option<Metric>,
    /// The running cycle's target in words.
    pub target: Option<String>,
    pub closed_at: Option<String>,
    /// When the SLA watch should next look at the case (UTC): the earliest warning point of the
    /// running target (see [`crate::watch::next_warning`]); `None` keeps it out of the warning
    /// index.
    #[serde(default)]
    pub next_warning_utc: Option<String>,
}

fn utc(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The live fields of a case whose ledger reads `view`.
pub fn live(policy: &Policy, view: &ClockView) -> Live {
    let zone = view
        .running()
        .and_then(|c| c.target.calendar())
        .and_then(|id| policy.calendar(id))
        .unwrap_or_else(|| policy.support_calendar())
        .zone();
    let next = view.next_due();
    Live {
        status: view.status.as_str().to_string(),
        severity: view.severity.to_string(),
        queue: policy.route(&view.tier, &view.severity).to_string(),
        due: next.map(|(_, d)| {
            d.with_timezone(&zone)
                .to_rfc3339_opts(SecondsFormat::Secs, false)
        }),
        due_utc: next.map(|(_, d)| utc(d)),
        due_metric: next.map(|(m, _)| m),
        target: view.running().map(|c| c.target.words()),
        closed_at: view.closed_at.map(utc),
        next_warning_utc: crate::watch::next_warning(policy, view, &Default::default()).map(utc),
    }
}
