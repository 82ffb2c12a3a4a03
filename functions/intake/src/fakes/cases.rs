//! The inbound ledger and the cases, in memory, with the conditions of the AWS adapter (attempt
//! fencing, all-or-nothing case writes, reply caps, held addresses), and what tests look at.

use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, Utc};

use slamail_core::bounded::MessageIdKey;
use slamail_core::case::{CaseRecord, MessageItem, ReplyOutcome};
use slamail_core::clock::LedgerEntry;
use slamail_core::ids::{CaseId, CasePrefix};
use slamail_core::intake::case_numbers::{CASE_NUMBER_SHARDS, case_number};
use slamail_core::intake::ports::{
    Append, Appended, Attachment, Cases, Conversation, Fence, Hold, InboundState, NewCase, Opened,
    PortError, ReplyState, Scope,
};
use slamail_core::triage::loops::BouncedReply;
use slamail_core::triage::loops::rate::admit;

use super::tables::{Tables, stamp};
use super::{Calls, FakeInbound, lock};

/// The inbound ledger and the cases, in memory.
#[derive(Debug, Default)]
pub struct FakeCases {
    pub(super) tables: Mutex<Tables>,
    pub(super) calls: Calls,
}

impl FakeCases {
    /// Records a call of `op` (failing it when one was armed) and locks the tables for it.
    pub(super) fn enter(&self, op: &'static str) -> Result<MutexGuard<'_, Tables>, PortError> {
        self.calls.call("cases", op)?;
        Ok(lock(&self.tables))
    }

    /// The port calls made so far, by operation name (`claim`, `open`, …).
    pub fn calls(&self) -> Vec<&'static str> {
        lock(&self.calls.made).clone()
    }

    pub fn clear_calls(&self) {
        lock(&self.calls.made).clear();
    }

    /// The next call of `op` fails.
    pub fn fail_next(&self, op: &'static str) {
        lock(&self.calls.failing).push(op);
    }

    /// The inbound item of a message under its first scope (its only one for mail to one policy).
    pub fn inbound(&self, ses_message_id: &str) -> Option<FakeInbound> {
        let t = lock(&self.tables);
        let mut items: Vec<_> = t
            .inbound
            .iter()
            .filter(|((id, _), _)| id == ses_message_id)
            .map(|(_, item)| item.clone())
            .collect();
        items.sort_by_key(|i| i.order);
        items.into_iter().next()
    }

    pub fn inbound_for(&self, ses_message_id: &str, scope: &Scope) -> Option<FakeInbound> {
        lock(&self.tables)
            .inbound
            .get(&(ses_message_id.to_string(), scope.clone()))
            .cloned()
    }

    /// Every case stored.
    pub fn cases(&self) -> Vec<CaseRecord> {
        lock(&self.tables).cases.values().cloned().collect()
    }

    pub fn stored_case(&self, id: &CaseId) -> Option<CaseRecord> {
        lock(&self.tables).cases.get(id).cloned()
    }

    pub fn messages(&self, id: &CaseId) -> Vec<MessageItem> {
        lock(&self.tables)
            .messages
            .get(id)
            .cloned()
            .unwrap_or_default()
    }

    pub fn ledger(&self, id: &CaseId) -> Vec<LedgerEntry> {
        lock(&self.tables)
            .ledgers
            .get(id)
            .cloned()
            .unwrap_or_default()
    }

    /// Stores a case as if an earlier invocation had opened it (e.g. to occupy a case id).
    pub fn insert_case(&self, case: CaseRecord) {
        lock(&self.tables).cases.insert(case.case_id.clone(), case);
    }

    pub fn case_count(&self) -> usize {
        lock(&self.tables).cases.len()
    }
}

impl Cases for FakeCases {
    async fn next_case_id(&self, prefix: &CasePrefix, year: i32) -> Result<CaseId, PortError> {
        let mut t = self.enter("next_case_id")?;
        // The shards are drawn in turn, so tests see every shard's numbers.
        let drawn: u64 = t.counters.values().sum();
        let shard = drawn % CASE_NUMBER_SHARDS;
        let n = t
            .counters
            .entry(format!("{prefix}#{year}#{shard}"))
            .or_insert(0);
        *n += 1;
        Ok(CaseId::new(prefix, year, case_number(shard, *n)))
    }

    async fn open(&self, new: &NewCase<'_>) -> Result<Opened, PortError> {
        let mut t = self.enter("open")?;
        let item = t.fenced(new.fence)?;
        if item.case_id.is_some() {
            return Err(PortError::new("cases", "the message already has a case"));
        }
        let case = new.case;
        if t.cases.contains_key(&case.case_id) {
            return Ok(Opened::CaseIdTaken);
        }
        // A duplicate is the same sender's Message-ID under the same policy (a message sent to
        // two policies' addresses is one case under each), as the table decides it.
        if let Some(key) = &case.message_id_key
            && let Some(owner) = t.message_ids.get(key)
            && t.message_id_from.get(key).map(String::as_str) == case.requester.as_deref()
            && case.requester.is_some()
            && t.cases.get(owner).is_none_or(|c| c.policy == case.policy)
        {
            return Ok(Opened::Duplicate {
                case_id: Some(owner.clone()),
            });
        }
        if let Some(r) = &new.reply {
            if let Some((case_id, at)) = t.complained.get(&r.to) {
                return Ok(Opened::Held(Hold::Complained(BouncedReply {
                    case_id: Some(case_id.clone()),
                    at: Some(at.clone()),
                })));
            }
            if let Some((case_id, at, until)) = t.undeliverable.get(&r.to)
                && *until > new.now.timestamp()
            {
                return Ok(Opened::Held(Hold::Undeliverable(BouncedReply {
                    case_id: Some(case_id.clone()),
                    at: Some(at.clone()),
                })));
            }
            let now_ms = new.now.timestamp_millis();
            let mut taken = Vec::new();
            for key in &r.rates {
                match admit(&key.rate, t.rates.get(&key.key).copied(), now_ms) {
                    Some(tat) => taken.push((key.key.clone(), tat)),
                    None => return Ok(Opened::Held(Hold::RateLimited(key.hit()))),
                }
            }
            t.rates.extend(taken);
        }
        t.cases.insert(case.case_id.clone(), case.clone());
        t.messages
            .entry(case.case_id.clone())
            .or_default()
            .push(new.message.clone());
        if let Some(key) = &case.message_id_key
            && !t.message_ids.contains_key(key)
        {
            t.message_ids.insert(key.clone(), case.case_id.clone());
            if let Some(r) = &case.requester {
                t.message_id_from.insert(key.clone(), r.clone());
            }
        }
        t.ledgers.insert(case.case_id.clone(), new.ledger.to_vec());
        let item = t.fenced(new.fence)?;
        item.case_id = Some(case.case_id.clone());
        match new.reply {
            Some(_) => item.reply_state = ReplyState::Sending,
            None => {
                item.reply_state = ReplyState::of(&case.reply);
                item.state = InboundState::Done;
                item.lease_until = 0;
            }
        }
        Ok(Opened::Written)
    }

    async fn resume_reply(&self, fence: &Fence) -> Result<bool, PortError> {
        let mut t = self.enter("resume_reply")?;
        let item = t.fenced(fence)?;
        if item.reply_state == ReplyState::None && item.case_id.is_some() {
            item.reply_state = ReplyState::Sending;
            return Ok(true);
        }
        Ok(false)
    }

    async fn record_reply(
        &self,
        fence: &Fence,
        case_id: &CaseId,
        outcome: &ReplyOutcome,
        _now: DateTime<Utc>,
    ) -> Result<(), PortError> {
        let mut t = self.enter("record_reply")?;
        t.fenced(fence)?;
        let case = t
            .cases
            .get_mut(case_id)
            .ok_or_else(|| PortError::new("cases", format!("case {case_id} does not exist")))?;
        case.reply = outcome.clone();
        if let ReplyOutcome::Sent { message_ids, .. } = outcome {
            for mid in message_ids {
                t.message_ids.insert(MessageIdKey::of(mid), case_id.clone());
            }
        }
        let item = t.fenced(fence)?;
        item.reply_state = ReplyState::of(outcome);
        item.state = InboundState::Done;
        item.lease_until = 0;
        Ok(())
    }

    async fn case_of_message_id(&self, message_id: &str) -> Result<Option<CaseId>, PortError> {
        Ok(self
            .enter("case_of_message_id")?
            .message_ids
            .get(&MessageIdKey::of(message_id))
            .cloned())
    }

    async fn case(&self, id: &CaseId) -> Result<Option<CaseRecord>, PortError> {
        Ok(self.enter("case")?.cases.get(id).cloned())
    }

    async fn cases_of_message_ids(
        &self,
        message_ids: &[String],
    ) -> Result<Vec<(String, CaseId)>, PortError> {
        let t = self.enter("cases_of_message_ids")?;
        Ok(message_ids
            .iter()
            .filter_map(|m| {
                t.message_ids
                    .get(&MessageIdKey::of(m))
                    .map(|c| (m.clone(), c.clone()))
            })
            .collect())
    }

    async fn conversation(&self, id: &CaseId) -> Result<Option<Conversation>, PortError> {
        let t = self.enter("conversation")?;
        Ok(t.cases.get(id).map(|case| Conversation {
            case: case.clone(),
            ledger: t.ledgers.get(id).cloned().unwrap_or_default(),
        }))
    }

    async fn append(&self, a: &Append<'_>) -> Result<Appended, PortError> {
        let mut t = self.enter("append")?;
        if let Some(fence) = a.fence {
            t.fenced(fence)?;
        }
        let Some(case) = t.cases.get(a.case_id) else {
            return Ok(Appended::Conflict);
        };
        if case.ledger_len != a.expected_ledger_len {
            return Ok(Appended::Conflict);
        }
        let sender = a
            .message
            .and_then(|m| m.from.as_ref())
            .map(|f| f.to_string());
        let mut index = Vec::new();
        for id in a.index_ids {
            let key = MessageIdKey::of(id);
            match t.message_ids.get(&key) {
                Some(owner) if a.fence.is_some() => {
                    if sender.is_some() && t.message_id_from.get(&key) == sender.as_ref() {
                        return Ok(Appended::Duplicate {
                            case_id: Some(owner.clone()),
                        });
                    }
                }
                Some(_) => return Err(PortError::new("cases", "an outbound id is taken")),
                None => index.push(key),
            }
        }
        for key in index {
            t.message_ids.insert(key.clone(), a.case_id.clone());
            if let (Some(f), true) = (&sender, a.fence.is_some()) {
                t.message_id_from.insert(key, f.clone());
            }
        }
        let new_len = a.expected_ledger_len + a.entries.len() as u32;
        if let Some(case) = t.cases.get_mut(a.case_id) {
            case.apply_live(a.live);
            case.ledger_len = new_len;
            if let Some(d) = a.deadline {
                case.deadlines.push(d.clone());
            }
            if a.message.is_some() {
                case.message_count += 1;
            }
        }
        t.ledgers
            .entry(a.case_id.clone())
            .or_default()
            .extend(a.entries.iter().cloned());
        if let Some(m) = a.message {
            t.messages
                .entry(a.case_id.clone())
                .or_default()
                .push(m.clone());
        }
        if let Some(fence) = a.fence {
            let item = t.fenced(fence)?;
            item.case_id = Some(a.case_id.clone());
            item.state = InboundState::Done;
            item.reply_state = ReplyState::Suppressed;
            item.lease_until = 0;
        }
        Ok(Appended::Written)
    }

    async fn attach(&self, a: &Attachment<'_>) -> Result<(), PortError> {
        let mut t = self.enter("attach")?;
        t.fenced(a.fence)?;
        t.add_message(a.case_id, a.message)?;
        if let Some((address, until)) = a.hold {
            t.undeliverable.insert(
                address.clone(),
                (a.case_id.clone(), stamp(a.now), until.timestamp()),
            );
        }
        let item = t.fenced(a.fence)?;
        item.state = InboundState::Done;
        item.reply_state = ReplyState::Suppressed;
        item.lease_until = 0;
        item.note = Some(a.note.to_string());
        Ok(())
    }
}
