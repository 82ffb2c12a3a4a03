//! The cases table: cases, their messages, and the bookkeeping that makes intake exactly-once.
//!
//! Key design (table `pk` / `sk`, both strings):
//!
//! | item | pk | sk | notes |
//! |---|---|---|---|
//! | inbound message, per policy | `INBOUND#<ses message id>` | `POLICY#<policy id>` (or `UNROUTABLE`) | processing state of the message under that policy: claim lease and attempt, case id, reply state |
//! | case | `CASE#<case id>` | `CASE` | the [`CaseRecord`]; `queue` + `due_utc` (the next instant due from us, from the ledger) feed GSI `by-queue-due`; cases with nothing due stay out of it; `watch_shard` + `next_warning_utc` feed GSI `by-next-warning` (the SLA watch); `report_month` + `report_org` feed GSI `by-report-month` |
//! | warning point sent | `CASE#<case id>` | `WARN#<cycle>#<point>` | written once per point per response cycle (see `watch.rs`) |
//! | message of a case | `CASE#<case id>` | `MSG#<received>#<ses id>` | one per inbound or outbound message |
//! | Message-ID index | `MSGID#<SHA-256 of the message-id>` | `MSGID` | case id, for threading (customer ids and our replies' SES ids); keyed by digest so no id is too long for a key |
//! | case counters | `COUNTER#<prefix>#<year>#<shard>` | `COUNTER` | atomic `ADD`, 16 shards ([`slamail_core::intake::case_numbers`]) |
//! | reply cap counter | `RATE#<scope>#<subject>#<window>[#<shard>]` | `RATE` | GCRA `tat` (epoch ms), with a TTL ([`rates`]) |
//! | bounced address | `ADDR#<address>` | `UNDELIVERABLE` | a reply to it bounced: which case, until when |
//! | complained address | `ADDR#<address>` | `COMPLAINED` | its recipient marked a reply as spam: which case, when (never expires) |
//! | SES feedback event | `FEEDBACK#<feedback id>` | `FEEDBACK` | recorded once (SNS delivers at least once) |
//!
//! Exactly-once, per (message, policy): a message sent to two policies' addresses is two cases.
//! The first delivery claims the message's INBOUND item for each policy with a lease and an
//! attempt number; every later write of that invocation is conditional on the attempt number. A
//! new case is one transaction (case, first message, Message-ID, binding to the message, reply
//! caps, undeliverable check, `reply_state` none → sending), so a retry either finds the case
//! bound or nothing written. See [`slamail_core::intake::ports`] for the contract.
//!
//! Where each write lives: `ledger` (claim, release, finish the inbound item), `open` (a new
//! case and its id), `conversation` (appending to a case), `reply_record` (the auto-reply's
//! state and outcome), `bounce` (a bounce attached to its case), `queued` (the paced sender's
//! take and requeue), `feedback`, `watch`, `rates`; the pieces they share are in `inbound`,
//! `write_items` and `transact`, and `port` maps the intake's [`Cases`] port onto them.
//! `queue_index` reads a queue's open cases in pages.

mod bounce;
mod conversation;
mod feedback;
mod inbound;
mod ledger;
mod open;
mod port;
mod queue_index;
mod queued;
mod rates;
mod reply_record;
mod transact;
mod watch;
mod write_items;

use std::collections::HashMap;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::config::http::HttpResponse;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use slamail_core::bounded::MessageIdKey;
use slamail_core::case::CaseRecord;
use slamail_core::ids::CaseId;
use slamail_core::intake::ports::{Cases, Fence, PortError, Scope};

use crate::sdk_error::{AwsFailure, Resource};

pub use conversation::message_ids_of;
pub use queue_index::{BadCursor, MAX_QUEUE_PAGE, QUEUE_INDEX, QueueCursor, QueuePage};
pub use slamail_core::case::{Direction, MessageItem};
pub use slamail_core::intake::ports::{InboundState, ReplyState};
pub use watch::{DueCase, REPORT_INDEX, ReadCost, WARNING_INDEX, WarningState};

#[derive(Debug, thiserror::Error)]
pub enum CaseStoreError {
    #[error("DynamoDB {operation} on table {table} failed: {message}")]
    Dynamo {
        operation: &'static str,
        table: String,
        message: String,
    },
    #[error("the stored item {key} is not readable: {message}")]
    Corrupt { key: String, message: String },
    #[error(
        "message {ses_message_id}: this invocation's claim was taken over by another (its lease ran out); it stops without writing"
    )]
    LostClaim { ses_message_id: String },
}

impl CaseStoreError {
    /// The claim `fence` holds was taken over: the write it guarded was refused.
    fn lost(fence: &Fence) -> Self {
        Self::LostClaim {
            ses_message_id: fence.ses_message_id.clone(),
        }
    }
}

impl From<CaseStoreError> for PortError {
    fn from(e: CaseStoreError) -> Self {
        PortError::new("cases table", e)
    }
}

/// The INBOUND item.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InboundItem {
    pub pk: String,
    pub sk: String,
    pub ses_message_id: String,
    /// The policy this item tracks the message under; `None` when no policy governs it.
    #[serde(default)]
    pub policy: Option<String>,
    pub state: InboundState,
    /// Epoch seconds until which the current processor owns the message.
    pub lease_until: i64,
    /// How many claims were made: the current claim's fencing token.
    pub attempts: u32,
    pub case_id: Option<CaseId>,
    pub reply_state: ReplyState,
    pub bucket: String,
    pub key: String,
    pub note: Option<String>,
    pub updated_at: String,
}

#[derive(Clone)]
pub struct CaseStore {
    client: Client,
    table: String,
    hints: rates::Hints,
}

/// Whether a write was refused because its condition did not hold (the expected, benign outcome
/// of a claim or once-only write that someone else already made).
fn condition_failed<E: ProvideErrorMetadata, R>(e: &SdkError<E, R>) -> bool {
    e.as_service_error().and_then(ProvideErrorMetadata::code)
        == Some("ConditionalCheckFailedException")
}

type Item = HashMap<String, AttributeValue>;

fn decode<T: serde::de::DeserializeOwned>(key: &str, item: Item) -> Result<T, CaseStoreError> {
    serde_dynamo::from_item(item).map_err(|e| CaseStoreError::Corrupt {
        key: key.to_string(),
        message: e.to_string(),
    })
}

fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

fn n(v: impl ToString) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn inbound_pk(ses_id: &str) -> String {
    format!("INBOUND#{ses_id}")
}

fn inbound_sk(scope: &Scope) -> String {
    match scope {
        Scope::Policy(p) => format!("POLICY#{p}"),
        Scope::Unroutable => "UNROUTABLE".to_string(),
    }
}

/// The key of the inbound item a claim holds.
fn inbound_key(fence: &Fence) -> (AttributeValue, AttributeValue) {
    (
        s(inbound_pk(&fence.ses_message_id)),
        s(inbound_sk(&fence.scope)),
    )
}

fn case_pk(case_id: &CaseId) -> String {
    format!("CASE#{case_id}")
}

fn message_sk(message: &MessageItem) -> String {
    format!("MSG#{}#{}", message.at, message.ses_message_id)
}

fn ledger_sk(seq: u32) -> String {
    format!("LEDGER#{seq:06}")
}

/// Message-IDs are keyed by a digest: an attacker's id may be longer than a key may be.
fn message_id_pk(message_id: &str) -> String {
    message_key_pk(&MessageIdKey::of(message_id))
}

/// The same key from a digest already taken of the whole id (a stored id may be capped).
fn message_key_pk(key: &MessageIdKey) -> String {
    format!("MSGID#{key}")
}

impl CaseStore {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
            hints: rates::Hints::default(),
        }
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    fn err(&self, operation: &'static str, e: impl std::fmt::Display) -> CaseStoreError {
        CaseStoreError::Dynamo {
            operation,
            table: self.table.clone(),
            message: e.to_string(),
        }
    }

    fn err_sdk<E>(&self, operation: &'static str, e: SdkError<E, HttpResponse>) -> CaseStoreError
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        self.err(operation, AwsFailure::of(&e, Resource::Table))
    }

    /// A case or message as an item under `pk` / `sk`.
    fn item_of<T: Serialize>(
        &self,
        value: &T,
        pk: String,
        sk: String,
    ) -> Result<Item, CaseStoreError> {
        let mut item: Item =
            serde_dynamo::to_item(value).map_err(|e| self.err("serialise item", e))?;
        item.insert("pk".into(), s(pk));
        item.insert("sk".into(), s(sk));
        Ok(item)
    }

    /// One item by key, read consistently: every read here decides what to write next.
    async fn get(
        &self,
        operation: &'static str,
        pk: &str,
        sk: &str,
    ) -> Result<Option<Item>, CaseStoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(pk))
            .key("sk", s(sk))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| self.err_sdk(operation, e))?;
        Ok(out.item)
    }

    /// The inbound item of a message under one scope.
    pub async fn inbound_for(
        &self,
        ses_id: &str,
        scope: &Scope,
    ) -> Result<Option<InboundItem>, CaseStoreError> {
        let pk = inbound_pk(ses_id);
        self.get("GetItem (inbound)", &pk, &inbound_sk(scope))
            .await?
            .map(|i| decode(&pk, i))
            .transpose()
    }

    /// The first inbound item of a message (its only one unless several policies govern it).
    pub async fn inbound(&self, ses_id: &str) -> Result<Option<InboundItem>, CaseStoreError> {
        Ok(self.inbound_items(ses_id).await?.into_iter().next())
    }

    /// Every inbound item of a message: one per policy it was sent to, or its unroutable record.
    pub async fn inbound_items(&self, ses_id: &str) -> Result<Vec<InboundItem>, CaseStoreError> {
        let pk = inbound_pk(ses_id);
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", s(&pk))
            .consistent_read(true);
        self.query_all("Query (inbound)", query)
            .await?
            .into_iter()
            .map(|i| decode(&pk, i))
            .collect()
    }

    pub async fn get_case(&self, case_id: &CaseId) -> Result<Option<CaseRecord>, CaseStoreError> {
        let pk = case_pk(case_id);
        self.get("GetItem (case)", &pk, "CASE")
            .await?
            .map(|i| decode(&pk, i))
            .transpose()
    }

    /// The case a Message-ID belongs to, if any.
    pub async fn case_of(&self, message_id: &str) -> Result<Option<CaseId>, CaseStoreError> {
        let pk = message_id_pk(message_id);
        let Some(item) = self.get("GetItem (message id)", &pk, "MSGID").await? else {
            return Ok(None);
        };
        let text = item.get("case_id").and_then(|v| v.as_s().ok());
        text.map(|t| {
            CaseId::parse(t).map_err(|e| CaseStoreError::Corrupt {
                key: pk.clone(),
                message: e.to_string(),
            })
        })
        .transpose()
    }

    /// The messages of a case, oldest first (every page: a long case is over DynamoDB's 1 MB).
    pub async fn messages(&self, case_id: &CaseId) -> Result<Vec<MessageItem>, CaseStoreError> {
        let pk = case_pk(case_id);
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk AND begins_with(sk, :msg)")
            .expression_attribute_values(":pk", s(&pk))
            .expression_attribute_values(":msg", s("MSG#"))
            .consistent_read(true);
        self.query_all("Query (messages)", query)
            .await?
            .into_iter()
            .map(|i| decode(&pk, i))
            .collect()
    }

    /// Every item `query` matches, across pages (a Query answers at most 1 MB at a time).
    async fn query_all(
        &self,
        what: &'static str,
        query: aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder,
    ) -> Result<Vec<Item>, CaseStoreError> {
        query
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .map_err(|e| self.err_sdk(what, e))
    }
}

impl CaseStore {
    /// Reads through the [`Cases`] port, for callers holding the store itself.
    pub async fn case_of_message_id(&self, message_id: &str) -> Result<Option<CaseId>, PortError> {
        Cases::case_of_message_id(self, message_id).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_state_names_are_the_serde_names() {
        for st in [
            InboundState::Processing,
            InboundState::Unroutable,
            InboundState::Done,
        ] {
            assert_eq!(serde_json::to_value(st).unwrap(), st.as_str());
        }
        for st in [
            ReplyState::None,
            ReplyState::Sending,
            ReplyState::Sent,
            ReplyState::Suppressed,
            ReplyState::Failed,
            ReplyState::Unknown,
            ReplyState::Queued,
        ] {
            assert_eq!(serde_json::to_value(st).unwrap(), st.as_str());
        }
    }
}
