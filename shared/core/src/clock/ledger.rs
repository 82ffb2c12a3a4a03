//! The clock ledger's entries. Append-only: an entry is never changed or removed; a correction
//! is a new entry (a reclassification, a reopening).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{SeverityId, TierId};
use crate::policy::{Metric, Target};

/// One change to a case's clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerEntry {
    /// 1, 2, 3 …: the entry's place in the ledger.
    pub seq: u32,
    /// When it happened: the message's receipt, or the agent's action.
    pub at: DateTime<Utc>,
    /// The policy text in force (`Policy::version`).
    pub policy_version: String,
    /// Who caused it: `intake`, `customer:<address>`, `agent:<address>`.
    pub by: String,
    pub event: ClockEvent,
}

/// What changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ClockEvent {
    /// A response cycle starts: the clock counts `target` from `at`.
    Start {
        metric: Metric,
        tier: TierId,
        severity: SeverityId,
        target: Target,
        reason: String,
    },
    /// The running cycle got its public human response.
    Fulfil {
        metric: Metric,
    },
    /// Waiting on the customer: the running target stops counting.
    Pause {
        reason: String,
    },
    /// A verified customer message ended the wait.
    Resume {
        reason: String,
    },
    /// An agent changed the priority: the running cycle's target is now `target` (counted from
    /// the cycle's original start); later cycles use the new severity.
    Reclassify {
        from: SeverityId,
        to: SeverityId,
        target: Option<Target>,
        reason: String,
    },
    Close {
        reason: String,
    },
    /// A closed case is open again; a new cycle starts with the next entry.
    Reopen {
        reason: String,
    },
    /// The running cycle's due instant passed before it was fulfilled (recorded when noticed).
    Breach {
        metric: Metric,
        due: DateTime<Utc>,
    },
}

impl ClockEvent {
    pub fn name(&self) -> &'static str {
        match self {
            Self::Start { .. } => "start",
            Self::Fulfil { .. } => "fulfil",
            Self::Pause { .. } => "pause",
            Self::Resume { .. } => "resume",
            Self::Reclassify { .. } => "reclassify",
            Self::Close { .. } => "close",
            Self::Reopen { .. } => "reopen",
            Self::Breach { .. } => "breach",
        }
    }
}

/// The entries that record `events` after `ledger`, numbered on from its last entry.
pub fn append(
    ledger: &[LedgerEntry],
    events: Vec<ClockEvent>,
    at: DateTime<Utc>,
    by: &str,
    policy_version: &str,
) -> Vec<LedgerEntry> {
    let first = ledger.last().map_or(1, |e| e.seq + 1);
    events
        .into_iter()
        .zip(first..)
        .map(|(event, seq)| LedgerEntry {
            seq,
            at,
            policy_version: policy_version.to_string(),
            by: by.to_string(),
            event,
        })
        .collect()
}
