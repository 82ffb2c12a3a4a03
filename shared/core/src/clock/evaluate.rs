//! The ledger read as response cycles: when each started, its target, its pauses, its due
//! instant, how it ended. A pure function of the entries and the policy's calendars.

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;
use thiserror::Error;

use super::ledger::{ClockEvent, LedgerEntry};
use crate::deadline::{self, DeadlineError};
use crate::ids::{SeverityId, TierId};
use crate::policy::{Metric, Policy, Target};

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ClockError {
    #[error("the clock ledger is empty: every case starts with a `start` entry")]
    Empty,
    #[error("ledger entry {seq} ({event}) does not follow from the entries before it: {why}")]
    Inconsistent {
        seq: u32,
        event: &'static str,
        why: &'static str,
    },
    #[error(transparent)]
    Deadline(#[from] DeadlineError),
}

/// Whether the case waits on us, on the customer, or on nobody.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Open,
    /// Waiting on the customer: the running target is paused.
    Waiting,
    Closed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Waiting => "waiting",
            Self::Closed => "closed",
        }
    }
}

/// A stretch during which the running target did not count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pause {
    pub from: DateTime<Utc>,
    /// `None` while still paused.
    pub to: Option<DateTime<Utc>>,
}

/// How a cycle ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "how", rename_all = "kebab-case")]
pub enum CycleEnd {
    Fulfilled { at: DateTime<Utc> },
    Closed { at: DateTime<Utc> },
}

impl CycleEnd {
    pub fn at(&self) -> DateTime<Utc> {
        match self {
            Self::Fulfilled { at } | Self::Closed { at } => *at,
        }
    }
}

/// One response cycle: from a message that awaits an answer to the answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cycle {
    pub metric: Metric,
    /// The ledger entry that started it.
    pub started_by: u32,
    /// The instant the target counts from (the message's receipt).
    pub origin: DateTime<Utc>,
    /// The target now in force, and each one it had: (from entry, target, why).
    pub target: Target,
    pub targets: Vec<(u32, Target, String)>,
    pub pauses: Vec<Pause>,
    /// The due instant, pauses applied; `None` when the target promises nothing or while paused.
    pub due: Option<DateTime<Utc>>,
    pub end: Option<CycleEnd>,
    /// The due instant a `breach` entry recorded, if one did.
    pub breach_recorded: Option<DateTime<Utc>>,
}

impl Cycle {
    pub fn is_running(&self) -> bool {
        self.end.is_none()
    }

    pub fn is_paused(&self) -> bool {
        self.pauses.last().is_some_and(|p| p.to.is_none())
    }

    /// Whether the due instant passed before the cycle ended (or before `now`, while running).
    pub fn breached(&self, now: DateTime<Utc>) -> bool {
        let until = self.end.as_ref().map_or(now, CycleEnd::at);
        self.breach_recorded.is_some() || self.due.is_some_and(|d| until > d)
    }
}

/// The clock of a case, as its ledger says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClockView {
    pub status: Status,
    pub tier: TierId,
    pub severity: SeverityId,
    pub closed_at: Option<DateTime<Utc>>,
    pub cycles: Vec<Cycle>,
    /// The policy versions the entries were made under, in order of first use.
    pub policy_versions: Vec<String>,
}

impl ClockView {
    /// The cycle awaiting a response, if any.
    pub fn running(&self) -> Option<&Cycle> {
        self.cycles.last().filter(|c| c.is_running())
    }

    /// What is due from us next, and when: the running, unpaused cycle's due instant.
    pub fn next_due(&self) -> Option<(Metric, DateTime<Utc>)> {
        let c = self.running().filter(|c| !c.is_paused())?;
        c.due.map(|d| (c.metric, d))
    }
}

/// Measures what was left of a target at `from`, and counts it again from `to`: business time
/// on the target's calendar, elapsed time on a 24x7 clock. Whole minutes (seconds are dropped,
/// so a pause never moves a deadline later than exact arithmetic would).
fn shift(
    policy: &Policy,
    target: &Target,
    due: DateTime<Utc>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    match target.calendar().and_then(|c| policy.calendar(c)) {
        Some(cal) => {
            let left = cal.business_duration_between(from, due).num_minutes();
            cal.add_business_minutes(to, u32::try_from(left).ok()?)
        }
        None => {
            let left = TimeDelta::minutes((due - from).num_minutes());
            to.checked_add_signed(left)
        }
    }
}

/// The due instant of a target counted from `origin`, with `pauses` taken out.
pub fn due_with_pauses(
    policy: &Policy,
    target: &Target,
    origin: DateTime<Utc>,
    pauses: &[Pause],
) -> Result<Option<DateTime<Utc>>, ClockError> {
    let Some(mut due) = deadline::apply(policy, target, origin)?.due else {
        return Ok(None);
    };
    for p in pauses {
        if p.from >= due {
            // Paused after the due instant: the target was already missed; waiting changes nothing.
            break;
        }
        let Some(to) = p.to else {
            return Ok(None);
        };
        match shift(policy, target, due, p.from.max(origin), to.max(p.from)) {
            Some(d) => due = d,
            None => return Ok(None),
        }
    }
    Ok(Some(due))
}

fn bad(e: &LedgerEntry, why: &'static str) -> ClockError {
    ClockError::Inconsistent {
        seq: e.seq,
        event: e.event.name(),
        why,
    }
}

/// Reads a case's ledger.
pub fn evaluate(entries: &[LedgerEntry], policy: &Policy) -> Result<ClockView, ClockError> {
    let first = entries.first().ok_or(ClockError::Empty)?;
    let ClockEvent::Start { tier, severity, .. } = &first.event else {
        return Err(bad(first, "the first entry must start a cycle"));
    };
    let mut v = ClockView {
        status: Status::Open,
        tier: tier.clone(),
        severity: severity.clone(),
        closed_at: None,
        cycles: Vec::new(),
        policy_versions: Vec::new(),
    };
    for e in entries {
        if !v.policy_versions.contains(&e.policy_version) {
            v.policy_versions.push(e.policy_version.clone());
        }
        let running = v.cycles.last_mut().filter(|c| c.end.is_none());
        match &e.event {
            ClockEvent::Start {
                metric,
                tier,
                severity,
                target,
                reason,
            } => {
                if running.is_some() {
                    return Err(bad(e, "a cycle is already running"));
                }
                if v.status == Status::Closed {
                    return Err(bad(e, "the case is closed"));
                }
                v.tier = tier.clone();
                v.severity = severity.clone();
                v.cycles.push(Cycle {
                    metric: *metric,
                    started_by: e.seq,
                    origin: e.at,
                    target: target.clone(),
                    targets: vec![(e.seq, target.clone(), reason.clone())],
                    pauses: Vec::new(),
                    due: None,
                    end: None,
                    breach_recorded: None,
                });
            }
            ClockEvent::Fulfil { .. } => {
                let c = running.ok_or_else(|| bad(e, "no cycle is running"))?;
                if let Some(p) = c.pauses.last_mut().filter(|p| p.to.is_none()) {
                    p.to = Some(e.at);
                }
                c.end = Some(CycleEnd::Fulfilled { at: e.at });
            }
            ClockEvent::Pause { .. } => {
                if v.status != Status::Open {
                    return Err(bad(e, "the case is not open"));
                }
                v.status = Status::Waiting;
                if let Some(c) = running {
                    c.pauses.push(Pause {
                        from: e.at,
                        to: None,
                    });
                }
            }
            ClockEvent::Resume { .. } => {
                if v.status != Status::Waiting {
                    return Err(bad(e, "the case is not waiting"));
                }
                v.status = Status::Open;
                if let Some(p) = running
                    .and_then(|c| c.pauses.last_mut())
                    .filter(|p| p.to.is_none())
                {
                    p.to = Some(e.at);
                }
            }
            ClockEvent::Reclassify {
                to, target, reason, ..
            } => {
                if v.status == Status::Closed {
                    return Err(bad(e, "the case is closed"));
                }
                v.severity = to.clone();
                if let (Some(c), Some(t)) = (running, target) {
                    c.target = t.clone();
                    c.targets.push((e.seq, t.clone(), reason.clone()));
                }
            }
            ClockEvent::Close { .. } => {
                if v.status == Status::Closed {
                    return Err(bad(e, "the case is already closed"));
                }
                if let Some(c) = running {
                    if let Some(p) = c.pauses.last_mut().filter(|p| p.to.is_none()) {
                        p.to = Some(e.at);
                    }
                    c.end = Some(CycleEnd::Closed { at: e.at });
                }
                v.status = Status::Closed;
                v.closed_at = Some(e.at);
            }
            ClockEvent::Reopen { .. } => {
                if v.status != Status::Closed {
                    return Err(bad(e, "the case is not closed"));
                }
                v.status = Status::Open;
                v.closed_at = None;
            }
            ClockEvent::Breach { due, .. } => {
                let c = running.ok_or_else(|| bad(e, "no cycle is running"))?;
                c.breach_recorded = Some(*due);
            }
        }
    }
    for c in &mut v.cycles {
        c.due = due_with_pauses(policy, &c.target, c.origin, &c.pauses)?;
    }
    Ok(v)
}
