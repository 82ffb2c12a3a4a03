//! What the console's agent pages show beside the desk's answers: the queues an agent works,
//! each queued case's live countdown (from its ledger, with the product's own business-time
//! arithmetic, [`slamail_core::clock::countdown`]), and a case's response cycles in short.

use std::cmp::Ordering;

use chrono::{DateTime, Utc};
use futures::stream::{self, StreamExt};
use serde::Serialize;
use slamail_aws::cases::QueueCursor;
use slamail_core::case::CaseRecord;
use slamail_core::clock::{self, ClockView, Countdown};
use slamail_core::ids::{EmailAddress, PolicyId, QueueId};
use slamail_core::intake::ports::ReplySender;
use slamail_core::policy::{Metric, Policy};

use crate::desk::{Desk, DeskError, Shown};

/// Ledgers read at once for one queue page.
const LEDGER_READS_IN_FLIGHT: usize = 8;

/// A queue an agent may open: one of the routes of a policy they are staff of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueueRef {
    pub policy: PolicyId,
    pub policy_name: String,
    pub queue: QueueId,
    /// The policy's support zone, in which the pages show its times.
    pub zone: String,
}

/// Which page of which queue to list: the queue (named within its policy), cases due up to
/// `until` (all open ones when `None`), at most `limit` of them, after `after`.
#[derive(Debug, Clone, Copy)]
pub struct QueueRequest<'a> {
    pub policy: &'a PolicyId,
    pub queue: &'a QueueId,
    pub until: Option<DateTime<Utc>>,
    pub limit: usize,
    pub after: Option<&'a QueueCursor>,
}

/// One page of a queue with countdowns, and where the next page starts (`None`: the last).
#[derive(Debug, Clone, Serialize)]
pub struct QueueRows {
    pub cases: Vec<QueueRow>,
    pub next: Option<String>,
}

/// A queued case as the queue index holds it, with its countdown at `as_of`. `countdown` is
/// `None` when the ledger says nothing is due from us any more (the index lags a write).
#[derive(Debug, Clone, Serialize)]
pub struct QueueRow {
    #[serde(flatten)]
    pub case: CaseRecord,
    pub countdown: Option<Countdown>,
}

/// One response cycle in short, for the case page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CycleLine {
    pub metric: Metric,
    /// The target in force, in words.
    pub target: String,
    pub started: DateTime<Utc>,
    /// `None` when the target promises nothing, or while waiting on the customer.
    pub due: Option<DateTime<Utc>>,
    /// `{"how": "fulfilled" | "closed", "at"}`; `None` while running.
    pub ended: Option<clock::CycleEnd>,
    pub waiting: bool,
    pub breached: bool,
}

/// The cycles of a clock, oldest first, with breaches judged at `now`.
pub fn cycles(view: &ClockView, now: DateTime<Utc>) -> Vec<CycleLine> {
    view.cycles
        .iter()
        .map(|c| CycleLine {
            metric: c.metric,
            target: c.target.words(),
            started: c.origin,
            due: c.due,
            ended: c.end.clone(),
            waiting: c.is_paused(),
            breached: c.breached(now),
        })
        .collect()
}

impl<S: ReplySender + Sync> Desk<S> {
    /// The queues `agent` works: every route queue of every loaded policy they are staff of.
    pub fn queues(&self, agent: &EmailAddress) -> Vec<QueueRef> {
        let mut out: Vec<QueueRef> = Vec::new();
        for p in self
            .policies
            .policies()
            .iter()
            .filter(|p| p.is_staff(agent))
        {
            for r in &p.routes {
                if !out.iter().any(|q| q.policy == p.id && q.queue == r.queue) {
                    out.push(QueueRef {
                        policy: p.id.clone(),
                        policy_name: p.name.clone(),
                        queue: r.queue.clone(),
                        zone: p.support_calendar().zone().name().to_string(),
                    });
                }
            }
        }
        out
    }

    /// A page of [`Desk::queue`] with each case's countdown at `now`, read from its ledger,
    /// soonest due first (cases with nothing due any more last).
    pub async fn queue_with_countdowns(
        &self,
        agent: &EmailAddress,
        request: &QueueRequest<'_>,
        now: DateTime<Utc>,
    ) -> Result<QueueRows, DeskError> {
        let QueueRequest {
            policy,
            queue,
            until,
            limit,
            after,
        } = *request;
        let page = self
            .queue(agent, policy, queue, until, limit, after)
            .await?;
        let rows = page.cases;
        let p = self.loaded_policy(policy)?;
        let mut out: Vec<QueueRow> = stream::iter(rows)
            .map(|case| async move {
                let conv = self
                    .cases
                    .case_with_ledger(&case.case_id)
                    .await
                    .map_err(|e| DeskError::Store(e.to_string()))?;
                let countdown = conv.and_then(|c| countdown_of(p, &c.ledger, now));
                Ok::<_, DeskError>(QueueRow { case, countdown })
            })
            .buffered(LEDGER_READS_IN_FLIGHT)
            .collect::<Vec<_>>()
            .await
            .into_iter()
            .collect::<Result<_, _>>()?;
        out.sort_by(|a, b| match (&a.countdown, &b.countdown) {
            (Some(x), Some(y)) => x.due.cmp(&y.due),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        });
        Ok(QueueRows {
            cases: out,
            next: page.next.map(|c| c.to_string()),
        })
    }

    /// The countdown of a shown case at `now`.
    pub fn countdown(&self, shown: &Shown, now: DateTime<Utc>) -> Option<Countdown> {
        let policy = PolicyId::parse(&shown.case.policy)
            .ok()
            .and_then(|id| self.policies.get(&id))?;
        clock::countdown(policy, shown.clock.as_ref()?, now)
    }
}

fn countdown_of(
    policy: &Policy,
    ledger: &[clock::LedgerEntry],
    now: DateTime<Utc>,
) -> Option<Countdown> {
    let view = clock::evaluate(ledger, policy).ok()?;
    clock::countdown(policy, &view, now)
}
