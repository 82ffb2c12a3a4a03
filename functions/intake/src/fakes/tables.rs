//! The fake cases table's rows: inbound items, cases, messages, ledgers and the indexes and
//! counters beside them, as the AWS adapter keeps them in one DynamoDB table.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, SecondsFormat, Utc};
use slamail_core::bounded::MessageIdKey;
use slamail_core::case::{CaseRecord, MessageItem};
use slamail_core::clock::LedgerEntry;
use slamail_core::ids::{CaseId, EmailAddress};
use slamail_core::intake::ports::{Fence, InboundState, PortError, ReplyState, Scope};

#[derive(Debug, Clone)]
pub struct FakeInbound {
    /// Creation order among all inbound items.
    pub order: usize,
    pub state: InboundState,
    pub lease_until: i64,
    pub attempts: u32,
    pub case_id: Option<CaseId>,
    pub reply_state: ReplyState,
    pub note: Option<String>,
}

#[derive(Debug, Default)]
pub(super) struct Tables {
    /// By (SES message id, scope): one claim per policy a message falls under.
    pub(super) inbound: HashMap<(String, Scope), FakeInbound>,
    pub(super) cases: HashMap<CaseId, CaseRecord>,
    pub(super) messages: HashMap<CaseId, Vec<MessageItem>>,
    /// By the digest of the Message-ID, as the table keys them.
    pub(super) message_ids: HashMap<MessageIdKey, CaseId>,
    /// The sender recorded with an inbound Message-ID (duplicates are told by it).
    pub(super) message_id_from: HashMap<MessageIdKey, String>,
    pub(super) ledgers: HashMap<CaseId, Vec<LedgerEntry>>,
    pub(super) counters: HashMap<String, u64>,
    /// Rate counter key → its `tat` (epoch milliseconds).
    pub(super) rates: HashMap<String, i64>,
    /// Address → (case, at, until epoch seconds).
    pub(super) undeliverable: HashMap<EmailAddress, (CaseId, String, i64)>,
    /// Address → (case, at) of a complaint (never expires).
    pub(super) complained: HashMap<EmailAddress, (CaseId, String)>,
    /// Feedback ids recorded.
    pub(super) feedback: HashSet<String>,
}

impl Tables {
    /// This invocation's inbound item, unless a later attempt took the claim over.
    pub(super) fn fenced(&mut self, fence: &Fence) -> Result<&mut FakeInbound, PortError> {
        self.inbound
            .get_mut(&(fence.ses_message_id.clone(), fence.scope.clone()))
            .filter(|i| i.attempts == fence.attempt)
            .ok_or_else(|| PortError::new("cases", "this invocation's claim was taken over"))
    }

    /// Adds a message to an existing case (a report, a feedback event): counted and stored.
    pub(super) fn add_message(
        &mut self,
        case_id: &CaseId,
        message: &MessageItem,
    ) -> Result<(), PortError> {
        let case = self
            .cases
            .get_mut(case_id)
            .ok_or_else(|| PortError::new("cases", format!("case {case_id} does not exist")))?;
        case.message_count += 1;
        self.messages
            .entry(case_id.clone())
            .or_default()
            .push(message.clone());
        Ok(())
    }
}

pub(super) fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}
