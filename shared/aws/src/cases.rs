//! The cases table: cases, their messages, and the bookkeeping that makes intake exactly-once.
//!
//! Key design (table `pk` / `sk`, both strings):
//!
//! | item | pk | sk | notes |
//! |---|---|---|---|
//! | inbound message | `INBOUND#<ses message id>` | `INBOUND` | processing state: claim lease, case id, reply state |
//! | case | `CASE#<case id>` | `CASE` | the [`CaseRecord`]; `queue` + `due_utc` feed GSI `by-queue-due` (cases without a deadline stay out of it) |
//! | message of a case | `CASE#<case id>` | `MSG#<received>#<ses id>` | one per inbound or outbound message |
//! | Message-ID index | `MSGID#<message-id>` | `MSGID` | case id, for threading (customer ids and our replies' SES ids) |
//! | case counter | `COUNTER#<prefix>#<year>` | `COUNTER` | atomic `ADD` for readable case numbers |
//! | reply rate | `RATE#<address>` | `HOUR#<yyyy-mm-ddThh>` / `DAY#<yyyy-mm-dd>` | auto-replies sent, with a TTL |
//! | bounced address | `ADDR#<address>` | `UNDELIVERABLE` | a reply to it bounced: which case, until when |
//!
//! Exactly-once: the first delivery of a message claims its INBOUND item with a lease; a duplicate
//! delivery finds it done (and stops) or leased (and fails, so that Lambda retries later). The
//! reply is guarded by a `reply_state` transition none → sending → sent, so that a crash between
//! sending and recording can never cause a second reply (the case then says the outcome is unknown).

use std::collections::HashMap;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::types::{AttributeValue, Put, ReturnValue, TransactWriteItem};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use slamail_core::case::{CaseRecord, ReplyOutcome};
use slamail_core::ids::{CaseId, CasePrefix, EmailAddress};

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
}

/// How far a message got. Stored on its INBOUND item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InboundState {
    Processing,
    /// Recorded, but governed by no policy (sent to an address no policy claims).
    Unroutable,
    Done,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReplyState {
    None,
    Sending,
    Sent,
    Suppressed,
    Failed,
}

impl InboundState {
    /// The stored value (the serde name), for update and condition expressions.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Processing => "processing",
            Self::Unroutable => "unroutable",
            Self::Done => "done",
        }
    }
}

impl ReplyState {
    /// The stored value (the serde name), for update and condition expressions.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Sending => "sending",
            Self::Sent => "sent",
            Self::Suppressed => "suppressed",
            Self::Failed => "failed",
        }
    }

    /// The state an outcome leaves a message's reply in.
    pub fn of(outcome: &ReplyOutcome) -> Self {
        match outcome {
            ReplyOutcome::Sent { .. } => Self::Sent,
            ReplyOutcome::Suppressed { .. } => Self::Suppressed,
            ReplyOutcome::Failed { .. } => Self::Failed,
            ReplyOutcome::Pending => Self::Sending,
        }
    }
}

/// The INBOUND item.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InboundItem {
    pub pk: String,
    pub sk: String,
    pub ses_message_id: String,
    pub state: InboundState,
    /// Epoch seconds until which the current processor owns the message.
    pub lease_until: i64,
    pub attempts: u32,
    pub case_id: Option<String>,
    pub reply_state: ReplyState,
    pub bucket: String,
    pub key: String,
    pub note: Option<String>,
    pub updated_at: String,
}

/// What claiming a message found.
#[derive(Debug, Clone)]
pub enum Claim {
    /// This invocation owns the message; `item` says how far an earlier attempt got.
    Owned(InboundItem),
    /// Already fully processed: nothing to do.
    Done(InboundItem),
    /// Another invocation holds a live lease: retry later.
    Busy(InboundItem),
}

/// A message of a case, inbound or outbound.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MessageItem {
    pub direction: String,
    pub ses_message_id: String,
    pub message_id: Option<String>,
    pub from: Option<String>,
    pub to: Vec<String>,
    pub subject: Option<String>,
    pub at: String,
    pub bucket: Option<String>,
    pub key: Option<String>,
    pub note: Option<String>,
}

#[derive(Clone)]
pub struct CaseStore {
    client: Client,
    table: String,
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

fn case_pk(case_id: &str) -> String {
    format!("CASE#{case_id}")
}

impl CaseStore {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
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

    fn err_sdk<E, R>(&self, operation: &'static str, e: SdkError<E, R>) -> CaseStoreError
    where
        E: std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug,
    {
        let message = aws_sdk_dynamodb::error::DisplayErrorContext(&e).to_string();
        self.err(operation, message)
    }

    /// Claims a message for processing, or says why not. `lease_secs` should exceed the function
    /// timeout so that a live invocation is never overtaken.
    pub async fn claim(
        &self,
        ses_id: &str,
        bucket: &str,
        key: &str,
        now: DateTime<Utc>,
        lease_secs: i64,
    ) -> Result<Claim, CaseStoreError> {
        let pk = inbound_pk(ses_id);
        let lease_until = now.timestamp() + lease_secs;
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(&pk))
            .key("sk", s("INBOUND"))
            .update_expression(
                "SET lease_until = :lease, attempts = if_not_exists(attempts, :zero) + :one, \
                 ses_message_id = :id, #state = if_not_exists(#state, :processing), \
                 reply_state = if_not_exists(reply_state, :none), #bucket = :bucket, #key = :key, \
                 updated_at = :now",
            )
            .condition_expression(
                "attribute_not_exists(pk) OR (#state <> :done AND lease_until < :epoch)",
            )
            .expression_attribute_names("#state", "state")
            .expression_attribute_names("#key", "key")
            .expression_attribute_names("#bucket", "bucket")
            .expression_attribute_values(":lease", n(lease_until))
            .expression_attribute_values(":zero", n(0))
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":id", s(ses_id))
            .expression_attribute_values(":processing", s(InboundState::Processing.as_str()))
            .expression_attribute_values(":done", s(InboundState::Done.as_str()))
            .expression_attribute_values(":none", s(ReplyState::None.as_str()))
            .expression_attribute_values(":bucket", s(bucket))
            .expression_attribute_values(":key", s(key))
            .expression_attribute_values(":now", s(stamp(now)))
            .expression_attribute_values(":epoch", n(now.timestamp()))
            .return_values(ReturnValue::AllNew)
            .send()
            .await;
        match result {
            Ok(out) => {
                let item = decode(&pk, out.attributes.unwrap_or_default())?;
                Ok(Claim::Owned(item))
            }
            Err(e) => {
                if !condition_failed(&e) {
                    return Err(self.err_sdk("UpdateItem (claim)", e));
                }
                let item = self
                    .inbound(ses_id)
                    .await?
                    .ok_or_else(|| self.err("GetItem (claim)", "the claimed item vanished"))?;
                Ok(if item.state == InboundState::Done {
                    Claim::Done(item)
                } else {
                    Claim::Busy(item)
                })
            }
        }
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

    pub async fn inbound(&self, ses_id: &str) -> Result<Option<InboundItem>, CaseStoreError> {
        let pk = inbound_pk(ses_id);
        self.get("GetItem (inbound)", &pk, "INBOUND")
            .await?
            .map(|i| decode(&pk, i))
            .transpose()
    }

    /// Reserves the next case number of a prefix and year.
    pub async fn next_case_id(
        &self,
        prefix: &CasePrefix,
        year: i32,
    ) -> Result<CaseId, CaseStoreError> {
        let out = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(format!("COUNTER#{prefix}#{year}")))
            .key("sk", s("COUNTER"))
            .update_expression("ADD #v :one")
            .expression_attribute_names("#v", "value")
            .expression_attribute_values(":one", n(1))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await
            .map_err(|e| self.err_sdk("UpdateItem (counter)", e))?;
        let value = out
            .attributes
            .as_ref()
            .and_then(|a| a.get("value"))
            .and_then(|v| v.as_n().ok())
            .and_then(|v| v.parse::<u64>().ok())
            .ok_or_else(|| self.err("UpdateItem (counter)", "no counter value returned"))?;
        Ok(CaseId::new(prefix, year, value))
    }

    /// Binds a case id to a message, unless an earlier attempt already did: returns the id that
    /// is bound, so a retry reuses its case rather than opening a second one.
    pub async fn bind_case_id(
        &self,
        ses_id: &str,
        case_id: &CaseId,
    ) -> Result<String, CaseStoreError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(inbound_pk(ses_id)))
            .key("sk", s("INBOUND"))
            .update_expression("SET case_id = :c")
            .condition_expression("attribute_exists(pk) AND attribute_not_exists(case_id)")
            .expression_attribute_values(":c", s(case_id.as_str()))
            .send()
            .await;
        match result {
            Ok(_) => Ok(case_id.to_string()),
            Err(e) if condition_failed(&e) => self
                .inbound(ses_id)
                .await?
                .and_then(|i| i.case_id)
                .ok_or_else(|| self.err("UpdateItem (bind case)", "inbound item has no case id")),
            Err(e) => Err(self.err_sdk("UpdateItem (bind case)", e)),
        }
    }

    /// Writes a new case with its first message in one transaction; a no-op when the case
    /// already exists (a retry after the write).
    pub async fn create_case(
        &self,
        case: &CaseRecord,
        message: &MessageItem,
    ) -> Result<bool, CaseStoreError> {
        let pk = case_pk(case.case_id.as_str());
        let mut case_item: Item =
            serde_dynamo::to_item(case).map_err(|e| self.err("serialise case", e))?;
        case_item.insert("pk".into(), s(&pk));
        case_item.insert("sk".into(), s("CASE"));
        let mut msg_item: Item =
            serde_dynamo::to_item(message).map_err(|e| self.err("serialise message", e))?;
        msg_item.insert("pk".into(), s(&pk));
        msg_item.insert(
            "sk".into(),
            s(format!("MSG#{}#{}", message.at, message.ses_message_id)),
        );
        let put_case = Put::builder()
            .table_name(&self.table)
            .set_item(Some(case_item))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .map_err(|e| self.err("build transaction", e))?;
        let put_msg = Put::builder()
            .table_name(&self.table)
            .set_item(Some(msg_item))
            .build()
            .map_err(|e| self.err("build transaction", e))?;
        let result = self
            .client
            .transact_write_items()
            .transact_items(TransactWriteItem::builder().put(put_case).build())
            .transact_items(TransactWriteItem::builder().put(put_msg).build())
            .send()
            .await;
        match result {
            Ok(_) => {}
            Err(e) => {
                let exists = e.as_service_error().is_some_and(|se| {
                    se.is_transaction_canceled_exception()
                        && se.to_string().contains("ConditionalCheckFailed")
                });
                if exists || self.get_case(case.case_id.as_str()).await?.is_some() {
                    return Ok(false);
                }
                return Err(self.err_sdk("TransactWriteItems (create case)", e));
            }
        }
        if let Some(mid) = &case.message_id {
            self.index_message_id(mid, case.case_id.as_str()).await?;
        }
        Ok(true)
    }

    /// Remembers which case a Message-ID belongs to. The first claim wins: a later message
    /// reusing someone else's Message-ID must not be able to hijack their case.
    pub async fn index_message_id(
        &self,
        message_id: &str,
        case_id: &str,
    ) -> Result<(), CaseStoreError> {
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .item("pk", s(format!("MSGID#{message_id}")))
            .item("sk", s("MSGID"))
            .item("case_id", s(case_id))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) if condition_failed(&e) => Ok(()),
            Err(e) => Err(self.err_sdk("PutItem (message id)", e)),
        }
    }

    /// The case a Message-ID belongs to, if any.
    pub async fn case_of_message_id(
        &self,
        message_id: &str,
    ) -> Result<Option<String>, CaseStoreError> {
        let item = self
            .get(
                "GetItem (message id)",
                &format!("MSGID#{message_id}"),
                "MSGID",
            )
            .await?;
        Ok(item.and_then(|i| i.get("case_id").and_then(|v| v.as_s().ok()).cloned()))
    }

    pub async fn get_case(&self, case_id: &str) -> Result<Option<CaseRecord>, CaseStoreError> {
        let pk = case_pk(case_id);
        self.get("GetItem (case)", &pk, "CASE")
            .await?
            .map(|i| decode(&pk, i))
            .transpose()
    }

    /// The messages of a case, oldest first.
    pub async fn messages(&self, case_id: &str) -> Result<Vec<MessageItem>, CaseStoreError> {
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk AND begins_with(sk, :msg)")
            .expression_attribute_values(":pk", s(case_pk(case_id)))
            .expression_attribute_values(":msg", s("MSG#"))
            .send()
            .await
            .map_err(|e| self.err_sdk("Query (messages)", e))?;
        out.items
            .unwrap_or_default()
            .into_iter()
            .map(|i| decode(&case_pk(case_id), i))
            .collect()
    }

    /// Appends a message to an existing case (a bounce about one of its replies, a follow-up).
    pub async fn append_message(
        &self,
        case_id: &str,
        message: &MessageItem,
    ) -> Result<(), CaseStoreError> {
        let mut item: Item =
            serde_dynamo::to_item(message).map_err(|e| self.err("serialise message", e))?;
        item.insert("pk".into(), s(case_pk(case_id)));
        item.insert(
            "sk".into(),
            s(format!("MSG#{}#{}", message.at, message.ses_message_id)),
        );
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .send()
            .await
            .map_err(|e| self.err_sdk("PutItem (append message)", e))?;
        self.client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(case_pk(case_id)))
            .key("sk", s("CASE"))
            .update_expression("ADD message_count :one")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":one", n(1))
            .send()
            .await
            .map_err(|e| self.err_sdk("UpdateItem (message count)", e))?;
        Ok(())
    }

    /// Moves the reply state from `none` to `sending`. `false` means an earlier attempt already
    /// started (or finished) a reply for this message, so this one must not send.
    pub async fn begin_reply(&self, ses_id: &str) -> Result<bool, CaseStoreError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(inbound_pk(ses_id)))
            .key("sk", s("INBOUND"))
            .update_expression("SET reply_state = :sending")
            .condition_expression("reply_state = :none")
            .expression_attribute_values(":sending", s(ReplyState::Sending.as_str()))
            .expression_attribute_values(":none", s(ReplyState::None.as_str()))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(e) if condition_failed(&e) => Ok(false),
            Err(e) => Err(self.err_sdk("UpdateItem (begin reply)", e)),
        }
    }

    /// Records the reply's outcome on the case and on the inbound item.
    pub async fn record_reply(
        &self,
        ses_id: &str,
        case_id: &str,
        outcome: &ReplyOutcome,
    ) -> Result<(), CaseStoreError> {
        let state = ReplyState::of(outcome).as_str();
        let value = serde_dynamo::to_attribute_value(outcome)
            .map_err(|e| self.err("serialise reply", e))?;
        self.client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(case_pk(case_id)))
            .key("sk", s("CASE"))
            .update_expression("SET reply = :r")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":r", value)
            .send()
            .await
            .map_err(|e| self.err_sdk("UpdateItem (case reply)", e))?;
        self.client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(inbound_pk(ses_id)))
            .key("sk", s("INBOUND"))
            .update_expression("SET reply_state = :s")
            .expression_attribute_values(":s", s(state))
            .send()
            .await
            .map_err(|e| self.err_sdk("UpdateItem (inbound reply)", e))?;
        if let ReplyOutcome::Sent { message_ids, .. } = outcome {
            for id in message_ids {
                self.index_message_id(id, case_id).await?;
            }
        }
        Ok(())
    }

    /// Marks a message as fully processed (or unroutable), releasing the lease.
    pub async fn finish(
        &self,
        ses_id: &str,
        state: InboundState,
        note: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), CaseStoreError> {
        let state_text = state.as_str();
        let mut req = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(inbound_pk(ses_id)))
            .key("sk", s("INBOUND"))
            .expression_attribute_names("#state", "state")
            .expression_attribute_values(":s", s(state_text))
            .expression_attribute_values(":now", s(stamp(now)))
            .expression_attribute_values(":zero", n(0));
        req = match note {
            Some(text) => req
                .update_expression(
                    "SET #state = :s, updated_at = :now, lease_until = :zero, note = :note",
                )
                .expression_attribute_values(":note", s(text)),
            None => {
                req.update_expression("SET #state = :s, updated_at = :now, lease_until = :zero")
            }
        };
        req.send()
            .await
            .map_err(|e| self.err_sdk("UpdateItem (finish)", e))?;
        Ok(())
    }

    /// Counts an auto-reply to an address against its hourly and daily caps. `Some(reason)` when
    /// a cap is reached, and then nothing is counted.
    pub async fn take_reply_quota(
        &self,
        to: &EmailAddress,
        now: DateTime<Utc>,
        per_hour: u32,
        per_day: u32,
    ) -> Result<Option<String>, CaseStoreError> {
        let pk = format!("RATE#{to}");
        let windows = [
            (
                format!("HOUR#{}", now.format("%Y-%m-%dT%H")),
                per_hour,
                3600 * 2,
                "hour",
            ),
            (
                format!("DAY#{}", now.format("%Y-%m-%d")),
                per_day,
                86400 * 2,
                "day",
            ),
        ];
        for (i, (sk, limit, ttl, label)) in windows.iter().enumerate() {
            let result = self
                .client
                .update_item()
                .table_name(&self.table)
                .key("pk", s(&pk))
                .key("sk", s(sk))
                .update_expression("ADD #c :one SET expires_at = :exp")
                .condition_expression("attribute_not_exists(#c) OR #c < :limit")
                .expression_attribute_names("#c", "count")
                .expression_attribute_values(":one", n(1))
                .expression_attribute_values(":limit", n(*limit))
                .expression_attribute_values(":exp", n(now.timestamp() + ttl))
                .send()
                .await;
            match result {
                Ok(_) => {}
                Err(e) if condition_failed(&e) => {
                    // Give back what the earlier windows took, so a refused reply is not counted.
                    for (sk, _, _, _) in &windows[..i] {
                        self.client
                            .update_item()
                            .table_name(&self.table)
                            .key("pk", s(&pk))
                            .key("sk", s(sk))
                            .update_expression("ADD #c :minus")
                            .expression_attribute_names("#c", "count")
                            .expression_attribute_values(":minus", n(-1))
                            .send()
                            .await
                            .map_err(|e| self.err_sdk("UpdateItem (rate refund)", e))?;
                    }
                    return Ok(Some(format!(
                        "at most {limit} auto-replies per {label} to one address"
                    )));
                }
                Err(e) => return Err(self.err_sdk("UpdateItem (rate)", e)),
            }
        }
        Ok(None)
    }

    /// Remembers that a reply to `address` bounced, so that no further auto-replies are sent
    /// to it until `until` (a bounce rate above 5% gets an SES account reviewed).
    pub async fn mark_undeliverable(
        &self,
        address: &str,
        case_id: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<(), CaseStoreError> {
        self.client
            .put_item()
            .table_name(&self.table)
            .item("pk", s(format!("ADDR#{address}")))
            .item("sk", s("UNDELIVERABLE"))
            .item("case_id", s(case_id))
            .item("at", s(stamp(now)))
            .item("until", n(until.timestamp()))
            .item("expires_at", n(until.timestamp()))
            .send()
            .await
            .map_err(|e| self.err_sdk("PutItem (undeliverable)", e))?;
        Ok(())
    }

    /// Why replies to `address` are held back, if a reply to it bounced recently.
    pub async fn undeliverable(
        &self,
        address: &EmailAddress,
        now: DateTime<Utc>,
    ) -> Result<Option<String>, CaseStoreError> {
        let Some(item) = self
            .get(
                "GetItem (undeliverable)",
                &format!("ADDR#{address}"),
                "UNDELIVERABLE",
            )
            .await?
        else {
            return Ok(None);
        };
        // TTL deletion lags by up to days: the expiry itself decides.
        let until = item
            .get("until")
            .and_then(|v| v.as_n().ok())
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0);
        if until <= now.timestamp() {
            return Ok(None);
        }
        let field = |name: &str| {
            item.get(name)
                .and_then(|v| v.as_s().ok())
                .cloned()
                .unwrap_or_default()
        };
        Ok(Some(format!(
            "a reply of case {} bounced at {}",
            field("case_id"),
            field("at")
        )))
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
        ] {
            assert_eq!(serde_json::to_value(st).unwrap(), st.as_str());
        }
    }
}
