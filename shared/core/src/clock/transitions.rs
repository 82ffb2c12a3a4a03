//! Which ledger entries a happening appends: the clock rules of `docs/clock.md`, as code.

use chrono::{DateTime, Utc};
use thiserror::Error;

use super::evaluate::{ClockView, Status};
use super::ledger::ClockEvent;
use crate::ids::{SeverityId, TierId};
use crate::policy::{Metric, Policy, Target};

/// Something that happened to a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Happening {
    /// A verified customer message that awaits an answer.
    Customer,
    /// A public human response from an agent (by mail addressed to the requester, or `case
    /// reply`). The auto-reply and internal notes are not happenings.
    AgentPublic,
    /// An agent: waiting on the customer.
    Wait {
        reason: String,
    },
    Close {
        reason: String,
    },
    Reopen {
        reason: String,
    },
    /// An agent changed the priority.
    Reclassify {
        to: SeverityId,
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TransitionError {
    #[error("the case is closed; reopen it first")]
    Closed,
    #[error("the case is not closed")]
    NotClosed,
    #[error("the case is already waiting on the customer")]
    AlreadyWaiting,
    #[error("a reason is required")]
    NoReason,
    #[error("policy {policy} has no severity {severity:?}; its severities are {known}")]
    UnknownSeverity {
        policy: String,
        severity: String,
        known: String,
    },
    #[error("the case is already at severity {0}")]
    Unchanged(SeverityId),
    #[error("tier {tier} does not cover severity {severity}; it covers {covers}")]
    NotCovered {
        tier: TierId,
        severity: SeverityId,
        covers: String,
    },
}

/// The target a cycle of `metric` gets for a tier and severity. First response: the policy's
/// target (or "none" when the tier has no commitment). Update: only a target the policy states.
pub fn target_for(
    policy: &Policy,
    tier: &TierId,
    severity: &SeverityId,
    metric: Metric,
) -> Option<Target> {
    let none = || Target::None {
        wording: crate::policy::NoCommitment::NotApplicable,
    };
    match metric {
        Metric::FirstResponse => Some(
            policy
                .target(tier, severity, Metric::FirstResponse)
                .cloned()
                .unwrap_or_else(none),
        ),
        Metric::Update => policy.update_target(tier, severity).cloned(),
    }
}

fn start(policy: &Policy, view: &ClockView, metric: Metric, reason: &str) -> Option<ClockEvent> {
    let target = target_for(policy, &view.tier, &view.severity, metric)?;
    Some(ClockEvent::Start {
        metric,
        tier: view.tier.clone(),
        severity: view.severity.clone(),
        target,
        reason: reason.to_string(),
    })
}

/// The first entry of a new case: its first-response cycle starts at its receipt.
pub fn opening(policy: &Policy, tier: &TierId, severity: &SeverityId) -> ClockEvent {
    ClockEvent::Start {
        metric: Metric::FirstResponse,
        tier: tier.clone(),
        severity: severity.clone(),
        target: target_for(policy, tier, severity, Metric::FirstResponse).unwrap_or(Target::None {
            wording: crate::policy::NoCommitment::NotApplicable,
        }),
        reason: "case opened".to_string(),
    }
}

/// The first entry of a case opened by `decision`: a case that runs no SLA clock (automatic
/// mail, a request outside the SLA, email not covered) starts with no commitment, so that no
/// later reading of its ledger finds a due instant the case never had.
pub fn opening_of(policy: &Policy, decision: &crate::triage::decide::Decision) -> ClockEvent {
    let mut event = opening(policy, &decision.tier.tier, &decision.severity.assigned);
    if decision.no_clock.is_some()
        && let ClockEvent::Start { target, .. } = &mut event
    {
        *target = Target::None {
            wording: crate::policy::NoCommitment::NotApplicable,
        };
    }
    event
}

/// The entries `happening` appends at `at` to a case whose ledger reads `view`. A missed due
/// instant noticed now is recorded first (`breach`).
pub fn transition(
    policy: &Policy,
    view: &ClockView,
    happening: &Happening,
    at: DateTime<Utc>,
) -> Result<Vec<ClockEvent>, TransitionError> {
    let mut events = Vec::new();
    if let Some(c) = view.running()
        && c.breach_recorded.is_none()
        && let Some(due) = c.due.filter(|d| at > *d)
    {
        events.push(ClockEvent::Breach {
            metric: c.metric,
            due,
        });
    }
    let running = view.running();
    let closed = view.status == Status::Closed;
    match happening {
        Happening::Customer => {
            if closed {
                return Err(TransitionError::Closed);
            }
            if view.status == Status::Waiting {
                events.push(ClockEvent::Resume {
                    reason: "the customer replied".into(),
                });
            }
            if running.is_none() {
                events.extend(start(
                    policy,
                    view,
                    Metric::Update,
                    "the customer wrote again",
                ));
            }
        }
        Happening::AgentPublic => {
            if let Some(c) = running.filter(|_| !closed) {
                events.push(ClockEvent::Fulfil { metric: c.metric });
            }
        }
        Happening::Wait { reason } => {
            if closed {
                return Err(TransitionError::Closed);
            }
            if view.status == Status::Waiting {
                return Err(TransitionError::AlreadyWaiting);
            }
            events.push(ClockEvent::Pause {
                reason: non_empty(reason)?,
            });
        }
        Happening::Close { reason } => {
            if closed {
                return Err(TransitionError::Closed);
            }
            events.push(ClockEvent::Close {
                reason: non_empty(reason)?,
            });
        }
        Happening::Reopen { reason } => {
            if !closed {
                return Err(TransitionError::NotClosed);
            }
            let reason = non_empty(reason)?;
            events.push(ClockEvent::Reopen {
                reason: reason.clone(),
            });
            events.extend(start(
                policy,
                view,
                Metric::FirstResponse,
                "the case was reopened",
            ));
        }
        Happening::Reclassify { to, reason } => {
            if closed {
                return Err(TransitionError::Closed);
            }
            let reason = non_empty(reason)?;
            let known = || {
                policy
                    .severities
                    .iter()
                    .map(|s| s.id.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            if policy.severity(to).is_none() {
                return Err(TransitionError::UnknownSeverity {
                    policy: policy.id.to_string(),
                    severity: to.to_string(),
                    known: known(),
                });
            }
            if *to == view.severity {
                return Err(TransitionError::Unchanged(to.clone()));
            }
            if let Some(tier) = policy.tier(&view.tier)
                && !tier.covers.is_empty()
                && !tier.covers.contains(to)
            {
                return Err(TransitionError::NotCovered {
                    tier: view.tier.clone(),
                    severity: to.clone(),
                    covers: tier
                        .covers
                        .iter()
                        .map(|s| s.to_string())
                        .collect::<Vec<_>>()
                        .join(", "),
                });
            }
            let target = running.and_then(|c| target_for(policy, &view.tier, to, c.metric));
            events.push(ClockEvent::Reclassify {
                from: view.severity.clone(),
                to: to.clone(),
                target,
                reason,
            });
        }
    }
    // A breach entry alone records nothing that happened: only keep it with a real change.
    if events.len() == 1 && matches!(events[0], ClockEvent::Breach { .. }) {
        events.clear();
    }
    Ok(events)
}

fn non_empty(reason: &str) -> Result<String, TransitionError> {
    let r = reason.trim();
    if r.is_empty() {
        Err(TransitionError::NoReason)
    } else {
        // Reasons are typed by agents and shown to customers: one line, bounded.
        Ok(r.chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .take(500)
            .collect())
    }
}
