//! The cases as the intake's [`Cases`] port: each multi-item change is one transaction.

use aws_sdk_dynamodb::types::{
    ConditionCheck, Put, ReturnValue, ReturnValuesOnConditionCheckFailure, TransactWriteItem,
    Update,
};
use chrono::{DateTime, Utc};
use slamail_core::bounded::MessageIdKey;
use slamail_core::case::{CaseRecord, MessageItem, ReplyOutcome};
use slamail_core::ids::{CaseId, CasePrefix, EmailAddress};
use slamail_core::intake::case_numbers::{case_number, pick_shard};
use slamail_core::intake::ports::{
    Append, Appended, Attachment, Cases, Conversation, Fence, Hold, NewCase, Opened, PortError,
};
use slamail_core::triage::loops::BouncedReply;

use slamail_core::clock::LedgerEntry;

use super::rates::{Guess, Refused};
use super::transact::{Refusals, Role};
use super::{
    CaseStore, CaseStoreError, InboundState, Item, ReplyState, case_pk, condition_failed,
    inbound_key, ledger_sk, message_id_pk, message_key_pk, message_sk, n, s, stamp,
};

pub(super) fn build<T, E: std::fmt::Display>(
    store: &CaseStore,
    r: Result<T, E>,
) -> Result<T, CaseStoreError> {
    r.map_err(|e| store.err("build transaction", e))
}

/// Whether a refused Message-ID index was taken by the same sender (and, when `policy` is given,
/// under the same policy: a message sent to two policies' addresses is one case under each):
/// then the message is a duplicate delivery, of the case the index names.
pub(super) fn duplicate_of(
    refused: &Refusals,
    sender: Option<&str>,
    policy: Option<&str>,
) -> Option<Option<CaseId>> {
    let (_, item) = refused.iter().find(|(r, _)| *r == Role::MessageId)?;
    let field = |name: &str| {
        item.as_ref()
            .and_then(|i| i.get(name))
            .and_then(|v| v.as_s().ok())
            .cloned()
    };
    let same_sender = match (field("from"), sender) {
        (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
        _ => false,
    };
    let same_policy = match (field("policy"), policy) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    };
    (same_sender && same_policy).then(|| field("case_id").and_then(|c| CaseId::parse(&c).ok()))
}

impl CaseStore {
    /// The inbound item's change that goes with a case write: bind the case, enter `reply`.
    pub(super) fn inbound_update(
        &self,
        fence: &Fence,
        case_id: Option<&CaseId>,
        reply: ReplyState,
        finish: Option<InboundState>,
        now: DateTime<Utc>,
    ) -> Result<TransactWriteItem, CaseStoreError> {
        let mut set = vec!["reply_state = :r", "updated_at = :now"];
        let mut condition = "attempts = :attempt".to_string();
        let (pk, sk) = inbound_key(fence);
        let mut u = Update::builder()
            .table_name(&self.table)
            .key("pk", pk)
            .key("sk", sk)
            .expression_attribute_values(":attempt", n(fence.attempt))
            .expression_attribute_values(":r", s(reply.as_str()))
            .expression_attribute_values(":now", s(stamp(now)));
        if let Some(id) = case_id {
            set.push("case_id = :c");
            condition.push_str(" AND attribute_not_exists(case_id)");
            u = u.expression_attribute_values(":c", s(id.as_str()));
        }
        if let Some(state) = finish {
            set.extend(["#state = :s", "lease_until = :zero"]);
            u = u
                .expression_attribute_names("#state", "state")
                .expression_attribute_values(":s", s(state.as_str()))
                .expression_attribute_values(":zero", n(0));
        }
        let u = build(
            self,
            u.update_expression(format!("SET {}", set.join(", ")))
                .condition_expression(condition)
                .build(),
        )?;
        Ok(TransactWriteItem::builder().update(u).build())
    }

    /// Indexes a Message-ID to a case unless it is already indexed; a refusal returns the
    /// existing item (its case and sender).
    pub(super) fn claim_message_id(
        &self,
        key: &MessageIdKey,
        case_id: &CaseId,
        from: Option<&str>,
        policy: Option<&str>,
    ) -> Result<TransactWriteItem, CaseStoreError> {
        let mut item = Item::new();
        item.insert("pk".into(), s(message_key_pk(key)));
        item.insert("sk".into(), s("MSGID"));
        item.insert("case_id".into(), s(case_id.as_str()));
        if let Some(f) = from {
            item.insert("from".into(), s(f));
        }
        if let Some(p) = policy {
            item.insert("policy".into(), s(p));
        }
        let put = build(
            self,
            Put::builder()
                .table_name(&self.table)
                .set_item(Some(item))
                .condition_expression("attribute_not_exists(pk)")
                .return_values_on_condition_check_failure(
                    ReturnValuesOnConditionCheckFailure::AllOld,
                )
                .build(),
        )?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    /// A clock ledger entry: written once, never changed.
    pub(super) fn ledger_put(
        &self,
        pk: &str,
        entry: &LedgerEntry,
    ) -> Result<TransactWriteItem, CaseStoreError> {
        let item = self.item_of(entry, pk.to_string(), ledger_sk(entry.seq))?;
        self.put(item, Some("attribute_not_exists(pk)"))
    }

    /// No complaint about an earlier reply to the address (complaints never expire).
    fn not_complained(&self, to: &EmailAddress) -> Result<TransactWriteItem, CaseStoreError> {
        let c = build(
            self,
            ConditionCheck::builder()
                .table_name(&self.table)
                .key("pk", s(format!("ADDR#{to}")))
                .key("sk", s("COMPLAINED"))
                .condition_expression("attribute_not_exists(pk)")
                .return_values_on_condition_check_failure(
                    ReturnValuesOnConditionCheckFailure::AllOld,
                )
                .build(),
        )?;
        Ok(TransactWriteItem::builder().condition_check(c).build())
    }

    fn not_undeliverable(
        &self,
        to: &EmailAddress,
        now: DateTime<Utc>,
    ) -> Result<TransactWriteItem, CaseStoreError> {
        // TTL deletion lags by up to days: the stored expiry itself decides.
        let c = build(
            self,
            ConditionCheck::builder()
                .table_name(&self.table)
                .key("pk", s(format!("ADDR#{to}")))
                .key("sk", s("UNDELIVERABLE"))
                .condition_expression("attribute_not_exists(pk) OR #until <= :epoch")
                .expression_attribute_names("#until", "until")
                .expression_attribute_values(":epoch", n(now.timestamp()))
                .return_values_on_condition_check_failure(
                    ReturnValuesOnConditionCheckFailure::AllOld,
                )
                .build(),
        )?;
        Ok(TransactWriteItem::builder().condition_check(c).build())
    }

    /// Opens a case in one transaction; repeats it (at most a few times) when a rate counter's
    /// state was guessed wrong or the customer's Message-ID belongs to another case.
    async fn open_case(&self, new: &NewCase<'_>) -> Result<Opened, CaseStoreError> {
        const ATTEMPTS: usize = 4;
        let rates = new
            .reply
            .as_ref()
            .map(|r| r.rates.as_slice())
            .unwrap_or(&[]);
        if let Some(closed) = rates.iter().find(|k| k.rate.count == 0) {
            return Ok(Opened::Held(Hold::RateLimited(closed.hit())));
        }
        let now_ms = new.now.timestamp_millis();
        let mut guesses: Vec<Guess> = rates.iter().map(|k| self.hints.guess(k, now_ms)).collect();
        let mut index_message_id = true;
        for _ in 0..ATTEMPTS {
            let refused = self
                .open_once(new, index_message_id, &guesses, now_ms)
                .await?;
            let Some(refused) = refused else {
                for (key, guess) in rates.iter().zip(&guesses) {
                    self.rate_taken(key, *guess, now_ms);
                }
                return Ok(Opened::Written);
            };
            let roles: Vec<Role> = refused.iter().map(|(r, _)| *r).collect();
            if roles.contains(&Role::Inbound) {
                return Err(CaseStoreError::LostClaim {
                    ses_message_id: new.fence.ses_message_id.clone(),
                });
            }
            // The ledger's entries live under the case's key: taken with it.
            if roles.contains(&Role::Case) || roles.contains(&Role::Ledger) {
                return Ok(Opened::CaseIdTaken);
            }
            let case = new.case;
            if let Some(dup) = duplicate_of(&refused, case.requester.as_deref(), Some(&case.policy))
            {
                return Ok(Opened::Duplicate { case_id: dup });
            }
            if let Some((_, item)) = refused.iter().find(|(r, _)| *r == Role::Complained) {
                return Ok(Opened::Held(Hold::Complained(bounced_reply(item.as_ref()))));
            }
            if let Some((_, item)) = refused.iter().find(|(r, _)| *r == Role::Undeliverable) {
                return Ok(Opened::Held(Hold::Undeliverable(bounced_reply(
                    item.as_ref(),
                ))));
            }
            for (role, item) in &refused {
                match role {
                    Role::Rate(i) => match self.rate_refused(&rates[*i], item.as_ref(), now_ms) {
                        Refused::Full => {
                            return Ok(Opened::Held(Hold::RateLimited(rates[*i].hit())));
                        }
                        Refused::Retry(guess) => guesses[*i] = guess,
                    },
                    // Taken by another sender: open without indexing it (never join their case).
                    Role::MessageId => index_message_id = false,
                    _ => {}
                }
            }
        }
        Err(self.err(
            "TransactWriteItems (open case)",
            format!("the reply's rate counters changed under {ATTEMPTS} attempts in a row"),
        ))
    }

    async fn open_once(
        &self,
        new: &NewCase<'_>,
        index_message_id: bool,
        guesses: &[Guess],
        now_ms: i64,
    ) -> Result<Option<Refusals>, CaseStoreError> {
        let case = new.case;
        let pk = case_pk(&case.case_id);
        let mut actions = vec![
            (
                Role::Case,
                self.put(
                    self.item_of(case, pk.clone(), "CASE".into())?,
                    Some("attribute_not_exists(pk)"),
                )?,
            ),
            (
                Role::Message,
                self.put(
                    self.item_of(new.message, pk.clone(), message_sk(new.message))?,
                    None,
                )?,
            ),
        ];
        let (reply, finish) = match &new.reply {
            Some(_) => (ReplyState::Sending, None),
            None => (ReplyState::of(&case.reply), Some(InboundState::Done)),
        };
        actions.push((
            Role::Inbound,
            self.inbound_update(new.fence, Some(&case.case_id), reply, finish, new.now)?,
        ));
        // The first case to claim a Message-ID keeps it: a later message reusing someone else's
        // Message-ID must not be able to hijack their case.
        if let (true, Some(key)) = (index_message_id, &case.message_id_key) {
            actions.push((
                Role::MessageId,
                self.claim_message_id(
                    key,
                    &case.case_id,
                    case.requester.as_deref(),
                    Some(&case.policy),
                )?,
            ));
        }
        for entry in new.ledger {
            actions.push((Role::Ledger, self.ledger_put(&pk, entry)?));
        }
        if let Some(r) = &new.reply {
            actions.push((Role::Complained, self.not_complained(&r.to)?));
            actions.push((Role::Undeliverable, self.not_undeliverable(&r.to, new.now)?));
            for (i, (key, guess)) in r.rates.iter().zip(guesses).enumerate() {
                actions.push((Role::Rate(i), self.rate_take(key, *guess, now_ms)?));
            }
        }
        self.transact("TransactWriteItems (open case)", actions)
            .await
    }

    async fn record(
        &self,
        fence: &Fence,
        case_id: &CaseId,
        outcome: &ReplyOutcome,
        now: DateTime<Utc>,
    ) -> Result<(), CaseStoreError> {
        let value = serde_dynamo::to_attribute_value(outcome)
            .map_err(|e| self.err("serialise reply", e))?;
        let case = build(
            self,
            Update::builder()
                .table_name(&self.table)
                .key("pk", s(case_pk(case_id)))
                .key("sk", s("CASE"))
                .update_expression("SET reply = :r")
                .condition_expression("attribute_exists(pk)")
                .expression_attribute_values(":r", value)
                .build(),
        )?;
        let mut actions = vec![
            (
                Role::Case,
                TransactWriteItem::builder().update(case).build(),
            ),
            (
                Role::Inbound,
                self.inbound_update(
                    fence,
                    None,
                    ReplyState::of(outcome),
                    Some(InboundState::Done),
                    now,
                )?,
            ),
        ];
        if let ReplyOutcome::Sent { message_ids, .. } = outcome {
            // SES message ids are unique and ours: nobody else can hold them.
            for mid in message_ids {
                let mut item = Item::new();
                item.insert("pk".into(), s(message_id_pk(mid)));
                item.insert("message_id".into(), s(mid));
                item.insert("sk".into(), s("MSGID"));
                item.insert("case_id".into(), s(case_id.as_str()));
                actions.push((Role::MessageId, self.put(item, None)?));
            }
        }
        match self
            .transact("TransactWriteItems (record reply)", actions)
            .await?
        {
            None => Ok(()),
            Some(refused) if refused.iter().any(|(r, _)| *r == Role::Inbound) => {
                Err(CaseStoreError::LostClaim {
                    ses_message_id: fence.ses_message_id.clone(),
                })
            }
            Some(_) => Err(self.err(
                "TransactWriteItems (record reply)",
                format!("case {case_id} does not exist"),
            )),
        }
    }

    /// A message added to an existing case: its item, and the case's message count (which also
    /// proves the case exists).
    pub(super) fn message_on_case(
        &self,
        case_id: &CaseId,
        message: &MessageItem,
    ) -> Result<[(Role, TransactWriteItem); 2], CaseStoreError> {
        let pk = case_pk(case_id);
        let count = build(
            self,
            Update::builder()
                .table_name(&self.table)
                .key("pk", s(&pk))
                .key("sk", s("CASE"))
                .update_expression("ADD message_count :one")
                .condition_expression("attribute_exists(pk)")
                .expression_attribute_values(":one", n(1))
                .build(),
        )?;
        let item = self.item_of(message, pk, message_sk(message))?;
        Ok([
            (Role::Message, self.put(item, None)?),
            (
                Role::Case,
                TransactWriteItem::builder().update(count).build(),
            ),
        ])
    }

    async fn attach_bounce(&self, a: &Attachment<'_>) -> Result<(), CaseStoreError> {
        let mut actions = self.message_on_case(a.case_id, a.message)?.to_vec();
        if let Some((address, until)) = a.hold {
            let mut item = Item::new();
            item.insert("pk".into(), s(format!("ADDR#{address}")));
            item.insert("sk".into(), s("UNDELIVERABLE"));
            item.insert("case_id".into(), s(a.case_id.as_str()));
            item.insert("at".into(), s(stamp(a.now)));
            item.insert("until".into(), n(until.timestamp()));
            item.insert("expires_at".into(), n(until.timestamp()));
            actions.push((Role::Other, self.put(item, None)?));
        }
        // The note goes on the inbound item too: an operator reading it sees why there is no case.
        let (inbound_pk, inbound_sk) = inbound_key(a.fence);
        let note = build(
            self,
            Update::builder()
                .table_name(&self.table)
                .key("pk", inbound_pk)
                .key("sk", inbound_sk)
                .update_expression(
                    "SET #state = :s, updated_at = :now, lease_until = :zero, note = :note, reply_state = :r",
                )
                .condition_expression("attempts = :attempt")
                .expression_attribute_names("#state", "state")
                .expression_attribute_values(":s", s(InboundState::Done.as_str()))
                .expression_attribute_values(":now", s(stamp(a.now)))
                .expression_attribute_values(":zero", n(0))
                .expression_attribute_values(":note", s(a.note))
                .expression_attribute_values(":r", s(ReplyState::Suppressed.as_str()))
                .expression_attribute_values(":attempt", n(a.fence.attempt))
                .build(),
        )?;
        actions.push((
            Role::Inbound,
            TransactWriteItem::builder().update(note).build(),
        ));
        match self
            .transact("TransactWriteItems (attach bounce)", actions)
            .await?
        {
            None => Ok(()),
            Some(refused) if refused.iter().any(|(r, _)| *r == Role::Inbound) => {
                Err(CaseStoreError::LostClaim {
                    ses_message_id: a.fence.ses_message_id.clone(),
                })
            }
            Some(_) => Err(self.err(
                "TransactWriteItems (attach bounce)",
                format!("case {} does not exist", a.case_id),
            )),
        }
    }
}

impl Cases for CaseStore {
    async fn next_case_id(&self, prefix: &CasePrefix, year: i32) -> Result<CaseId, PortError> {
        let spread = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        let shard = pick_shard(spread);
        let out = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(format!("COUNTER#{prefix}#{year}#{shard}")))
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
        Ok(CaseId::new(prefix, year, case_number(shard, value)))
    }

    async fn open(&self, new: &NewCase<'_>) -> Result<Opened, PortError> {
        Ok(self.open_case(new).await?)
    }

    async fn resume_reply(&self, fence: &Fence) -> Result<bool, PortError> {
        let result = self
            .update_inbound_item(fence)
            .update_expression("SET reply_state = :sending")
            .condition_expression(
                "attempts = :attempt AND reply_state = :none AND attribute_exists(case_id)",
            )
            .expression_attribute_values(":attempt", n(fence.attempt))
            .expression_attribute_values(":sending", s(ReplyState::Sending.as_str()))
            .expression_attribute_values(":none", s(ReplyState::None.as_str()))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(e) if condition_failed(&e) => Ok(false),
            Err(e) => Err(self.err_sdk("UpdateItem (resume reply)", e).into()),
        }
    }

    async fn record_reply(
        &self,
        fence: &Fence,
        case_id: &CaseId,
        outcome: &ReplyOutcome,
        now: DateTime<Utc>,
    ) -> Result<(), PortError> {
        Ok(self.record(fence, case_id, outcome, now).await?)
    }

    async fn case_of_message_id(&self, message_id: &str) -> Result<Option<CaseId>, PortError> {
        Ok(self.case_of(message_id).await?)
    }

    async fn case(&self, id: &CaseId) -> Result<Option<CaseRecord>, PortError> {
        Ok(self.get_case(id).await?)
    }

    async fn cases_of_message_ids(
        &self,
        message_ids: &[String],
    ) -> Result<Vec<(String, CaseId)>, PortError> {
        Ok(self.cases_of_ids(message_ids).await?)
    }

    async fn conversation(&self, id: &CaseId) -> Result<Option<Conversation>, PortError> {
        Ok(self.case_with_ledger(id).await?)
    }

    async fn append(&self, a: &Append<'_>) -> Result<Appended, PortError> {
        Ok(self.append_to_case(a).await?)
    }

    async fn attach(&self, a: &Attachment<'_>) -> Result<(), PortError> {
        Ok(self.attach_bounce(a).await?)
    }
}

/// What a held address's item says about the bounce that holds it.
fn bounced_reply(item: Option<&Item>) -> BouncedReply {
    let field = |name: &str| {
        item.and_then(|i| i.get(name))
            .and_then(|v| v.as_s().ok())
            .cloned()
    };
    BouncedReply {
        case_id: field("case_id").and_then(|c| CaseId::parse(&c).ok()),
        at: field("at"),
    }
}
