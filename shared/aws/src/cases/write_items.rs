//! The transaction items the case writes are built from: the inbound item's binding, a
//! Message-ID's index entry, a ledger entry, a message on a case; and what a refused Message-ID
//! says about a duplicate delivery.

use aws_sdk_dynamodb::types::{
    Put, ReturnValuesOnConditionCheckFailure, TransactWriteItem, Update,
};
use chrono::{DateTime, Utc};
use slamail_core::bounded::MessageIdKey;
use slamail_core::case::MessageItem;
use slamail_core::clock::LedgerEntry;
use slamail_core::ids::CaseId;
use slamail_core::intake::ports::Fence;

use super::transact::{Refusals, Role};
use super::{
    CaseStore, CaseStoreError, InboundState, Item, ReplyState, case_pk, inbound_key, ledger_sk,
    message_key_pk, message_sk, n, s, stamp,
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
}
