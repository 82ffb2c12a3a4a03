//! A queue's open cases in pages, from the sparse index `by-queue-due` (queue, next due instant):
//! what the agents' queue page and `slamail queue` list, soonest due first, never a Scan.
//!
//! Queue names are per policy and two policies may share one, so the policy is a filter on the
//! index query; DynamoDB applies a query's `Limit` before its filter, so a page is filled by as
//! many index queries as it takes, and the listing goes on from a [`QueueCursor`].

use std::collections::HashMap;
use std::fmt;

use chrono::{DateTime, SecondsFormat, Utc};
use slamail_core::case::CaseRecord;
use slamail_core::ids::{CaseId, PolicyId, QueueId};
use thiserror::Error;

use super::{CaseStore, CaseStoreError, Item, case_pk, decode, s};

/// The queue index's name in the template.
pub const QUEUE_INDEX: &str = "by-queue-due";
/// The most cases one page holds.
pub const MAX_QUEUE_PAGE: usize = 1000;

/// Where a queue listing goes on: the due instant and case of the last index entry read.
/// Callers pass it back as text (`2026-12-01T17:10:00Z~AS-2026-000011`); it is parsed, never
/// handed to DynamoDB as the caller wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueCursor {
    due: DateTime<Utc>,
    case_id: CaseId,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{0:?} is not a queue position: pass back the `next` value of the previous page")]
pub struct BadCursor(String);

impl QueueCursor {
    pub fn parse(text: &str) -> Result<Self, BadCursor> {
        let bad = || BadCursor(text.chars().take(80).collect());
        let (due, case) = text.trim().split_once('~').ok_or_else(bad)?;
        let due = DateTime::parse_from_rfc3339(due)
            .map_err(|_| bad())?
            .with_timezone(&Utc);
        let case_id = CaseId::parse(case).map_err(|_| bad())?;
        Ok(Self { due, case_id })
    }

    /// The index key DynamoDB goes on from, in `queue`.
    fn start_key(&self, queue: &QueueId) -> Item {
        HashMap::from([
            ("queue".to_string(), s(queue.as_str())),
            ("due_utc".to_string(), s(utc(self.due))),
            ("pk".to_string(), s(case_pk(&self.case_id))),
            ("sk".to_string(), s("CASE")),
        ])
    }

    /// The cursor of an index entry DynamoDB stopped at (`LastEvaluatedKey`).
    fn from_key(key: &Item) -> Option<Self> {
        let text = |name: &str| key.get(name).and_then(|v| v.as_s().ok());
        let due = DateTime::parse_from_rfc3339(text("due_utc")?)
            .ok()?
            .with_timezone(&Utc);
        let case_id = CaseId::parse(text("pk")?.strip_prefix("CASE#")?).ok()?;
        Some(Self { due, case_id })
    }
}

impl fmt::Display for QueueCursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}~{}", utc(self.due), self.case_id)
    }
}

fn utc(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// One page of a queue, and where the next one starts (`None`: this was the last).
#[derive(Debug, Clone)]
pub struct QueuePage {
    pub cases: Vec<CaseRecord>,
    pub next: Option<QueueCursor>,
}

impl CaseStore {
    /// Up to `limit` (1–[`MAX_QUEUE_PAGE`]) open cases of `policy`'s `queue` by the next instant
    /// due from us, soonest first, due no later than `until` (UTC), after `after`.
    pub async fn queue_page(
        &self,
        policy: &PolicyId,
        queue: &QueueId,
        until: Option<DateTime<Utc>>,
        limit: usize,
        after: Option<&QueueCursor>,
    ) -> Result<QueuePage, CaseStoreError> {
        let limit = limit.clamp(1, MAX_QUEUE_PAGE);
        let mut cases = Vec::new();
        let mut start = after.map(|c| c.start_key(queue));
        loop {
            let want = i32::try_from(limit - cases.len()).unwrap_or(i32::MAX);
            let mut q = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(QUEUE_INDEX)
                .expression_attribute_names("#queue", "queue")
                .expression_attribute_names("#policy", "policy")
                .expression_attribute_values(":q", s(queue.as_str()))
                .expression_attribute_values(":p", s(policy.as_str()))
                .filter_expression("#policy = :p")
                .scan_index_forward(true)
                .limit(want)
                .set_exclusive_start_key(start.take());
            q = match until {
                Some(t) => q
                    .key_condition_expression("#queue = :q AND due_utc <= :until")
                    .expression_attribute_values(":until", s(utc(t))),
                None => q.key_condition_expression("#queue = :q"),
            };
            let out = q
                .send()
                .await
                .map_err(|e| self.err_sdk("Query (queue index)", e))?;
            for item in out.items.unwrap_or_default() {
                cases.push(decode(QUEUE_INDEX, item)?);
            }
            match out.last_evaluated_key.filter(|k| !k.is_empty()) {
                Some(key) if cases.len() < limit => start = Some(key),
                last => {
                    let next = last.as_ref().and_then(QueueCursor::from_key);
                    return Ok(QueuePage { cases, next });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_are_parsed_and_round_trip() {
        let c = QueueCursor::parse("2026-12-01T17:10:00Z~AS-2026-000011").unwrap();
        assert_eq!(c.to_string(), "2026-12-01T17:10:00Z~AS-2026-000011");
        // Any zone is read as the instant it names.
        let pst = QueueCursor::parse("2026-12-01T09:10:00-08:00~AS-2026-000011").unwrap();
        assert_eq!(pst, c);
        let key = c.start_key(&QueueId::parse("enterprise").unwrap());
        assert_eq!(key["pk"].as_s().unwrap(), "CASE#AS-2026-000011");
        assert_eq!(QueueCursor::from_key(&key), Some(c));
        for bad in [
            "",
            "AS-2026-000011",
            "tomorrow~AS-2026-000011",
            "2026-12-01T17:10:00Z~not a case",
            "2026-12-01T17:10:00Z~AS-2026-000011\"}",
        ] {
            let e = QueueCursor::parse(bad).unwrap_err();
            assert!(e.to_string().contains("not a queue position"), "{bad}: {e}");
        }
    }
}
