//! The SLA watch: one pass reads the cases whose next warning point has passed (the warning
//! index, one Query per partition, never a Scan), sends each point due once per response cycle
//! (a conditional write claims it first), and files each case under its next point.
//!
//! The rules (where points fall, which are sent, to whom) are `slamail_core::watch`; the reads
//! and writes are `slamail_aws::cases`; this is the order of the steps. See `docs/watch.md`.

pub mod config;

use std::future::Future;

use chrono::{DateTime, Utc};
use serde::Serialize;
use slamail_aws::cases::{CaseStore, CaseStoreError, ReadCost, WarningState};
use slamail_aws::notifier::Notifier;
use slamail_core::clock;
use slamail_core::policy::PolicySet;
use slamail_core::watch::{CaseFacts, WATCH_SHARDS, Warning, plan};
use tracing::{error, info, warn};

pub use config::WatchConfig;

/// Where a pass's warnings go.
pub trait Sender {
    /// Sends one warning from `from`; the message ids, or why it failed.
    fn send(&self, from: &str, w: &Warning) -> impl Future<Output = Result<Vec<String>, String>>;
}

impl Sender for Notifier {
    async fn send(&self, from: &str, w: &Warning) -> Result<Vec<String>, String> {
        Notifier::send(self, from, w)
            .await
            .map_err(|e| e.to_string())
    }
}

/// Whether a pass sends and records, or only says what it would send (`slamail watch --at`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Send,
    DryRun,
}

/// What a pass did.
#[derive(Debug, Default, Serialize)]
pub struct Outcome {
    pub at: Option<DateTime<Utc>>,
    /// Warnings sent (or, in a dry run, that would be).
    pub sent: Vec<Warning>,
    /// Reminders not sent because a later point of the same cycle was due too.
    pub superseded: Vec<Warning>,
    /// Warnings whose audience has no target configured.
    pub no_targets: Vec<Warning>,
    /// Warnings whose send failed; the next pass retries them.
    pub failed: Vec<(Warning, String)>,
    /// Due cases read from the warning index, and the index reads it took.
    pub index_items: u64,
    pub index_requests: u64,
    /// Every request the pass made to the table (index, case reads, records).
    pub table_requests: u64,
    /// How late the oldest due point was when the pass found it (seconds).
    pub lag_seconds: i64,
    /// Cases that could not be processed, with why.
    pub errors: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error(transparent)]
    Store(#[from] CaseStoreError),
}

/// The most due cases one pass takes from each partition; the rest wait a minute (and show as
/// lag).
pub const PER_SHARD: usize = 500;

/// One watch pass at `now`.
pub async fn pass(
    store: &CaseStore,
    policies: &PolicySet,
    sender: &impl Sender,
    now: DateTime<Utc>,
    mode: Mode,
) -> Result<Outcome, WatchError> {
    let mut out = Outcome {
        at: Some(now),
        ..Outcome::default()
    };
    let mut cost = ReadCost::default();
    let mut due = Vec::new();
    for shard in 0..WATCH_SHARDS {
        due.extend(
            store
                .due_for_warning(&shard.to_string(), now, PER_SHARD, &mut cost)
                .await?,
        );
    }
    out.index_items = cost.items;
    out.index_requests = cost.requests;
    out.table_requests = cost.requests;
    out.lag_seconds = due
        .iter()
        .filter_map(|d| DateTime::parse_from_rfc3339(&d.next_warning_utc).ok())
        .map(|t| (now - t.with_timezone(&Utc)).num_seconds())
        .max()
        .unwrap_or(0)
        .max(0);
    for d in due {
        if let Err(e) = one_case(store, policies, sender, now, mode, &d.case_id, &mut out).await {
            error!(case_id = %d.case_id, error = %e, "watch: case not processed; retried next pass");
            out.errors.push(format!("{}: {e}", d.case_id));
        }
    }
    Ok(out)
}

async fn one_case(
    store: &CaseStore,
    policies: &PolicySet,
    sender: &impl Sender,
    now: DateTime<Utc>,
    mode: Mode,
    case_id: &slamail_core::ids::CaseId,
    out: &mut Outcome,
) -> Result<(), WatchError> {
    out.table_requests += 1;
    let Some(conv) = store.case_with_ledger(case_id).await? else {
        return Ok(());
    };
    let case = &conv.case;
    let policy = slamail_core::ids::PolicyId::parse(&case.policy)
        .ok()
        .and_then(|p| policies.get(&p));
    let view = policy.and_then(|p| clock::evaluate(&conv.ledger, p).ok().map(|v| (p, v)));
    // No policy in force, no readable ledger, or no clock: nothing to warn about, ever.
    let Some((policy, view)) = view.filter(|_| case.no_clock.is_none()) else {
        warn!(%case_id, "watch: the case has no clock this watch can read; taken out of the warning index");
        if mode == Mode::Send {
            out.table_requests += 1;
            store
                .set_next_warning(case_id, case.ledger_len, None)
                .await?;
        }
        return Ok(());
    };
    out.table_requests += 1;
    let recorded = store.warnings_recorded(case_id).await?;
    let p = plan(policy, &view, &recorded, now);
    let facts = CaseFacts {
        case_id,
        queue: &case.queue,
        organisation: case.organisation.as_deref(),
    };
    let mut next = p.next;
    for s in &p.superseded {
        let w = Warning::new(policy, &view, &facts, s);
        if mode == Mode::Send {
            out.table_requests += 1;
            store
                .record_warning(case_id, &w.key, WarningState::Superseded, &w.audience, now)
                .await?;
        }
        out.superseded.push(w);
    }
    for s in &p.send {
        let w = Warning::new(policy, &view, &facts, s);
        if w.targets.is_empty() {
            warn!(%case_id, point = %w.point, audience = %w.audience, "watch: no notification target is configured for this audience");
            if mode == Mode::Send {
                out.table_requests += 1;
                store
                    .record_warning(case_id, &w.key, WarningState::NoTargets, &w.audience, now)
                    .await?;
            }
            out.no_targets.push(w);
            continue;
        }
        if mode == Mode::DryRun {
            out.sent.push(w);
            continue;
        }
        out.table_requests += 1;
        if !store
            .record_warning(case_id, &w.key, WarningState::Sending, &w.audience, now)
            .await?
        {
            continue; // another pass has it
        }
        match sender.send(policy.reply_from.as_str(), &w).await {
            Ok(receipts) => {
                out.table_requests += 1;
                store.warning_sent(case_id, &w.key, &receipts, now).await?;
                info!(%case_id, point = %w.point, audience = %w.audience, "watch: warning sent");
                out.sent.push(w);
            }
            Err(e) => {
                warn!(%case_id, point = %w.point, error = %e, "watch: warning not sent; the next pass retries it");
                out.table_requests += 1;
                store.warning_failed(case_id, &w.key, &e).await?;
                next = Some(next.map_or(w.send_at, |n| n.min(w.send_at)));
                out.failed.push((w, e));
            }
        }
    }
    if mode == Mode::Send {
        out.table_requests += 1;
        store
            .set_next_warning(case_id, case.ledger_len, next)
            .await?;
    }
    Ok(())
}

/// A sender that sends nothing (dry runs).
pub struct NoSender;

impl Sender for NoSender {
    async fn send(&self, _from: &str, _w: &Warning) -> Result<Vec<String>, String> {
        Err("a dry run sends nothing".to_string())
    }
}

/// The pass's figures as a CloudWatch embedded-metric log line: the lag alarm's metric.
pub fn metrics_line(o: &Outcome) -> String {
    let ms = o.at.map_or(0, |t| t.timestamp_millis());
    serde_json::json!({
        "_aws": {
            "Timestamp": ms,
            "CloudWatchMetrics": [{
                "Namespace": "slamail/watch",
                "Dimensions": [[]],
                "Metrics": [
                    {"Name": "LagSeconds", "Unit": "Seconds"},
                    {"Name": "WarningsSent", "Unit": "Count"},
                    {"Name": "WarningsFailed", "Unit": "Count"},
                    {"Name": "CasesRead", "Unit": "Count"},
                ]
            }]
        },
        "LagSeconds": o.lag_seconds,
        "WarningsSent": o.sent.len(),
        "WarningsFailed": o.failed.len() + o.errors.len(),
        "CasesRead": o.index_items,
    })
    .to_string()
}
