//! The SLA watch's reads and writes in the cases table.
//!
//! - GSI `by-next-warning` (`watch_shard`, `next_warning_utc`; keys only, sparse): the cases
//!   whose next warning point may be sent, one Query per partition with `next_warning_utc <=
//!   now`. Never a Scan.
//! - `CASE#<id>` / `WARN#<cycle>#<point>`: one item per warning point of a response cycle,
//!   written once, conditionally (`sending`, then `sent`; or `superseded`). A send that failed
//!   marks its item `failed`, which the next pass may claim again (and retries); one that was
//!   in flight when its invocation died stays `sending` and is never sent again (at most once).
//! - GSI `by-report-month` (`report_month`, `report_org`): the cases opened in a month, by
//!   organisation, for attainment reports.

use std::collections::BTreeSet;

use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, SecondsFormat, Utc};
use slamail_core::case::CaseRecord;
use slamail_core::ids::CaseId;
use slamail_core::report::ReportCase;

use super::{CaseStore, CaseStoreError, Item, case_pk, condition_failed, n, s, stamp};

/// The warning index's name in the template.
pub const WARNING_INDEX: &str = "by-next-warning";
/// The report index's name in the template.
pub const REPORT_INDEX: &str = "by-report-month";

/// What reading the warning index cost.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadCost {
    pub requests: u64,
    pub items: u64,
}

/// A case the warning index says is due: its key and the instant it was filed under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueCase {
    pub case_id: CaseId,
    pub next_warning_utc: String,
}

/// What happened to a warning point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WarningState {
    Sending,
    Sent,
    Superseded,
    /// No target is configured for its audience: recorded so it is not looked at again.
    NoTargets,
    /// The send failed: the point may be claimed again.
    Failed,
}

impl WarningState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sending => "sending",
            Self::Sent => "sent",
            Self::Superseded => "superseded",
            Self::NoTargets => "no-targets",
            Self::Failed => "failed",
        }
    }
}

fn utc(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn warn_sk(key: &str) -> String {
    format!("WARN#{key}")
}

impl CaseStore {
    /// The cases of one warning partition whose next warning instant is at or before `now`,
    /// oldest first, at most `limit`.
    pub async fn due_for_warning(
        &self,
        shard: &str,
        now: DateTime<Utc>,
        limit: usize,
        cost: &mut ReadCost,
    ) -> Result<Vec<DueCase>, CaseStoreError> {
        let mut out = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let page = (limit - out.len()).clamp(1, 1000) as i32;
            let resp = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(WARNING_INDEX)
                .key_condition_expression("watch_shard = :shard AND next_warning_utc <= :now")
                .expression_attribute_values(":shard", s(shard))
                .expression_attribute_values(":now", s(utc(now)))
                .scan_index_forward(true)
                .limit(page)
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(|e| self.err_sdk("Query (warning index)", e))?;
            cost.requests += 1;
            for item in resp.items.unwrap_or_default() {
                cost.items += 1;
                let text = |k: &str| item.get(k).and_then(|v| v.as_s().ok()).cloned();
                let (Some(pk), Some(next)) = (text("pk"), text("next_warning_utc")) else {
                    continue;
                };
                let id = pk.strip_prefix("CASE#").unwrap_or(&pk);
                let case_id = CaseId::parse(id).map_err(|e| CaseStoreError::Corrupt {
                    key: pk.clone(),
                    message: e.to_string(),
                })?;
                out.push(DueCase {
                    case_id,
                    next_warning_utc: next,
                });
            }
            match resp.last_evaluated_key {
                Some(k) if !k.is_empty() && out.len() < limit => start = Some(k),
                _ => break,
            }
        }
        Ok(out)
    }

    /// The warning points recorded for a case (every cycle), but failed ones: `<cycle>#<point>`
    /// keys.
    pub async fn warnings_recorded(
        &self,
        case_id: &CaseId,
    ) -> Result<BTreeSet<String>, CaseStoreError> {
        let pk = case_pk(case_id);
        let mut keys = BTreeSet::new();
        let mut start: Option<Item> = None;
        loop {
            let resp = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("pk = :pk AND begins_with(sk, :warn)")
                .expression_attribute_values(":pk", s(&pk))
                .expression_attribute_values(":warn", s("WARN#"))
                .projection_expression("sk, #state")
                .expression_attribute_names("#state", "state")
                .consistent_read(true)
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(|e| self.err_sdk("Query (warnings sent)", e))?;
            for item in resp.items.unwrap_or_default() {
                let failed = item
                    .get("state")
                    .and_then(|v| v.as_s().ok())
                    .map(String::as_str)
                    == Some(WarningState::Failed.as_str());
                if failed {
                    continue;
                }
                if let Some(k) = item
                    .get("sk")
                    .and_then(|v| v.as_s().ok())
                    .and_then(|sk| sk.strip_prefix("WARN#"))
                {
                    keys.insert(k.to_string());
                }
            }
            match resp.last_evaluated_key {
                Some(k) if !k.is_empty() => start = Some(k),
                _ => break,
            }
        }
        Ok(keys)
    }

    /// Records a point once: `false` when it was already recorded (by another pass). A point
    /// whose send failed may be recorded again.
    pub async fn record_warning(
        &self,
        case_id: &CaseId,
        key: &str,
        state: WarningState,
        audience: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, CaseStoreError> {
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .item("pk", s(case_pk(case_id)))
            .item("sk", s(warn_sk(key)))
            .item("state", s(state.as_str()))
            .item("audience", s(audience))
            .item("at", s(stamp(now)))
            .condition_expression("attribute_not_exists(pk) OR #state = :failed")
            .expression_attribute_names("#state", "state")
            .expression_attribute_values(":failed", s(WarningState::Failed.as_str()))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(e) if condition_failed(&e) => Ok(false),
            Err(e) => Err(self.err_sdk("PutItem (warning)", e)),
        }
    }

    /// A claimed point was sent: `sent`, with the message ids the targets returned.
    pub async fn warning_sent(
        &self,
        case_id: &CaseId,
        key: &str,
        receipts: &[String],
        now: DateTime<Utc>,
    ) -> Result<(), CaseStoreError> {
        let ids: Vec<AttributeValue> = receipts.iter().map(|r| s(r.clone())).collect();
        self.client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(case_pk(case_id)))
            .key("sk", s(warn_sk(key)))
            .update_expression("SET #state = :sent, sent_at = :now, receipts = :ids")
            .condition_expression("#state = :sending")
            .expression_attribute_names("#state", "state")
            .expression_attribute_values(":sent", s(WarningState::Sent.as_str()))
            .expression_attribute_values(":sending", s(WarningState::Sending.as_str()))
            .expression_attribute_values(":now", s(stamp(now)))
            .expression_attribute_values(":ids", AttributeValue::L(ids))
            .send()
            .await
            .map_err(|e| self.err_sdk("UpdateItem (warning sent)", e))?;
        Ok(())
    }

    /// A claimed point's send failed outright: `failed`, so the next pass claims and retries it.
    pub async fn warning_failed(
        &self,
        case_id: &CaseId,
        key: &str,
        error: &str,
    ) -> Result<(), CaseStoreError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(case_pk(case_id)))
            .key("sk", s(warn_sk(key)))
            .update_expression("SET #state = :failed, #error = :e")
            .condition_expression("#state = :sending")
            .expression_attribute_names("#state", "state")
            .expression_attribute_names("#error", "error")
            .expression_attribute_values(":failed", s(WarningState::Failed.as_str()))
            .expression_attribute_values(":sending", s(WarningState::Sending.as_str()))
            .expression_attribute_values(":e", s(error.chars().take(500).collect::<String>()))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) if condition_failed(&e) => Ok(()),
            Err(e) => Err(self.err_sdk("UpdateItem (warning failed)", e)),
        }
    }

    /// Files the case under its next warning instant (or out of the index), unless the case
    /// changed since it was read: its own write then filed it.
    pub async fn set_next_warning(
        &self,
        case_id: &CaseId,
        ledger_len: u32,
        next: Option<DateTime<Utc>>,
    ) -> Result<bool, CaseStoreError> {
        let mut req = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(case_pk(case_id)))
            .key("sk", s("CASE"))
            .condition_expression(
                "attribute_exists(pk) AND (ledger_len = :len OR (attribute_not_exists(ledger_len) AND :len = :zero))",
            )
            .expression_attribute_values(":len", n(ledger_len))
            .expression_attribute_values(":zero", n(0));
        req = match next {
            Some(t) => req
                .update_expression("SET next_warning_utc = :next, watch_shard = :shard")
                .expression_attribute_values(":next", s(utc(t)))
                .expression_attribute_values(":shard", s(slamail_core::watch::shard_of(case_id))),
            None => req.update_expression("REMOVE next_warning_utc, watch_shard"),
        };
        match req.send().await {
            Ok(_) => Ok(true),
            Err(e) if condition_failed(&e) => Ok(false),
            Err(e) => Err(self.err_sdk("UpdateItem (next warning)", e)),
        }
    }

    /// The cases opened in a month under a policy (`<policy>#<YYYY-MM>`), only `org`'s when
    /// given, with their ledgers: one Query on the report index, then one Query per case.
    pub async fn report_cases(
        &self,
        month_key: &str,
        org: Option<&str>,
    ) -> Result<Vec<ReportCase>, CaseStoreError> {
        let mut ids: Vec<CaseId> = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let mut q = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(REPORT_INDEX)
                .expression_attribute_values(":m", s(month_key))
                .set_exclusive_start_key(start.take());
            q = match org {
                Some(o) => q
                    .key_condition_expression("report_month = :m AND begins_with(report_org, :o)")
                    .expression_attribute_values(":o", s(format!("{o}#"))),
                None => q.key_condition_expression("report_month = :m"),
            };
            let resp = q
                .send()
                .await
                .map_err(|e| self.err_sdk("Query (report index)", e))?;
            for item in resp.items.unwrap_or_default() {
                let pk = item
                    .get("pk")
                    .and_then(|v| v.as_s().ok())
                    .cloned()
                    .unwrap_or_default();
                if let Ok(id) = CaseId::parse(pk.strip_prefix("CASE#").unwrap_or(&pk)) {
                    ids.push(id);
                }
            }
            match resp.last_evaluated_key {
                Some(k) if !k.is_empty() => start = Some(k),
                _ => break,
            }
        }
        use futures::stream::{self, StreamExt, TryStreamExt};
        // A handful of reads in flight: a month of cases is read in seconds, not minutes.
        let cases: Vec<Option<ReportCase>> = stream::iter(ids)
            .map(|id| async move {
                let conv = self.case_with_ledger(&id).await?;
                Ok::<_, CaseStoreError>(conv.map(|c| report_case(c.case, c.ledger)))
            })
            .buffered(16)
            .try_collect()
            .await?;
        Ok(cases.into_iter().flatten().collect())
    }
}

fn report_case(case: CaseRecord, ledger: Vec<slamail_core::clock::LedgerEntry>) -> ReportCase {
    ReportCase {
        case_id: case.case_id,
        organisation: case.organisation,
        ledger,
    }
}
