//! Opening a case: one transaction of the case, its first message, the Message-ID index, the
//! ledger, the inbound item's binding and, with an auto-reply, the reply caps and the checks that
//! the address has neither bounced nor complained; and the case counters its id comes from.

use aws_sdk_dynamodb::types::{
    ConditionCheck, ReturnValue, ReturnValuesOnConditionCheckFailure, TransactWriteItem,
};
use chrono::{DateTime, Utc};
use slamail_core::ids::{CaseId, CasePrefix, EmailAddress};
use slamail_core::intake::case_numbers::{case_number, pick_shard};
use slamail_core::intake::ports::{Hold, NewCase, Opened};
use slamail_core::triage::loops::BouncedReply;

use super::rates::{Guess, Refused};
use super::transact::{Refusals, Role};
use super::write_items::{build, duplicate_of};
use super::{CaseStore, CaseStoreError, InboundState, Item, ReplyState, case_pk, message_sk, n, s};

impl CaseStore {
    /// The next case id for `prefix` in `year`, from one of the year's counter shards.
    pub(super) async fn next_case_number(
        &self,
        prefix: &CasePrefix,
        year: i32,
    ) -> Result<CaseId, CaseStoreError> {
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

    /// Opens a case in one transaction; repeats it (at most a few times) when a rate counter's
    /// state was guessed wrong or the customer's Message-ID belongs to another case.
    pub(super) async fn open_case(&self, new: &NewCase<'_>) -> Result<Opened, CaseStoreError> {
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
                return Err(CaseStoreError::lost(new.fence));
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
