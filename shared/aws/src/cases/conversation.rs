//! Conversations in the cases table: which cases Message-IDs belong to (one BatchGetItem), a case
//! with its clock ledger (one Query) and appending to a case (one transaction).

use std::collections::HashMap;

use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes, TransactWriteItem, Update};
use slamail_core::bounded::MessageIdKey;
use slamail_core::case::CaseRecord;
use slamail_core::clock::LedgerEntry;
use slamail_core::ids::CaseId;
use slamail_core::intake::ports::{Append, Appended, Conversation, ReplyState};

use super::transact::Role;
use super::write_items::{build, duplicate_of};
use super::{
    CaseStore, CaseStoreError, InboundState, Item, MessageItem, case_pk, decode, message_id_pk,
    message_sk, n, s,
};

/// BatchGetItem takes at most 100 keys.
const MAX_BATCH: usize = 100;

impl CaseStore {
    /// The cases Message-IDs belong to, in one BatchGetItem (retrying unprocessed keys).
    pub async fn cases_of_ids(
        &self,
        message_ids: &[String],
    ) -> Result<Vec<(String, CaseId)>, CaseStoreError> {
        let mut found = Vec::new();
        for chunk in message_ids.chunks(MAX_BATCH) {
            // Keys are digests: the answer is mapped back to the ids through them.
            let by_pk: HashMap<String, &String> =
                chunk.iter().map(|id| (message_id_pk(id), id)).collect();
            let keys: Vec<Item> = by_pk
                .keys()
                .map(|pk| {
                    HashMap::from([
                        ("pk".to_string(), s(pk.clone())),
                        ("sk".to_string(), s("MSGID")),
                    ])
                })
                .collect();
            let mut request = Some(
                KeysAndAttributes::builder()
                    .set_keys(Some(keys))
                    .consistent_read(true)
                    .build()
                    .map_err(|e| self.err("build BatchGetItem", e))?,
            );
            // Unprocessed keys come back under load; a bounded number of rounds.
            for _ in 0..5 {
                let Some(req) = request.take() else { break };
                let out = self
                    .client
                    .batch_get_item()
                    .request_items(&self.table, req)
                    .send()
                    .await
                    .map_err(|e| self.err_sdk("BatchGetItem (message ids)", e))?;
                for item in out
                    .responses
                    .and_then(|mut r| r.remove(&self.table))
                    .unwrap_or_default()
                {
                    let text = |k: &str| item.get(k).and_then(|v| v.as_s().ok()).cloned();
                    if let (Some(pk), Some(case)) = (text("pk"), text("case_id"))
                        && let (Some(mid), Ok(case_id)) = (by_pk.get(&pk), CaseId::parse(&case))
                    {
                        found.push(((*mid).clone(), case_id));
                    }
                }
                request = out
                    .unprocessed_keys
                    .and_then(|mut u| u.remove(&self.table))
                    .filter(|k| !k.keys().is_empty());
            }
            if request.is_some() {
                return Err(self.err(
                    "BatchGetItem (message ids)",
                    "keys stayed unprocessed after 5 rounds",
                ));
            }
        }
        Ok(found)
    }

    /// A case and its ledger: `CASE` and `LEDGER#…` sort next to each other, so one Query.
    pub async fn case_with_ledger(
        &self,
        case_id: &CaseId,
    ) -> Result<Option<Conversation>, CaseStoreError> {
        let pk = case_pk(case_id);
        let mut case: Option<CaseRecord> = None;
        let mut ledger: Vec<LedgerEntry> = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let out = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("pk = :pk AND sk BETWEEN :case AND :ledger_end")
                .expression_attribute_values(":pk", s(&pk))
                .expression_attribute_values(":case", s("CASE"))
                .expression_attribute_values(":ledger_end", s("LEDGER#~"))
                .consistent_read(true)
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(|e| self.err_sdk("Query (case and ledger)", e))?;
            for item in out.items.unwrap_or_default() {
                let sk = item
                    .get("sk")
                    .and_then(|v| v.as_s().ok())
                    .cloned()
                    .unwrap_or_default();
                if sk == "CASE" {
                    case = Some(decode(&pk, item)?);
                } else if sk.starts_with("LEDGER#") {
                    ledger.push(decode(&format!("{pk}/{sk}"), item)?);
                }
            }
            match out.last_evaluated_key {
                Some(k) if !k.is_empty() => start = Some(k),
                _ => break,
            }
        }
        ledger.sort_by_key(|e| e.seq);
        Ok(case.map(|case| Conversation { case, ledger }))
    }

    /// Appends to a case in one transaction (see [`Append`]).
    pub async fn append_to_case(&self, a: &Append<'_>) -> Result<Appended, CaseStoreError> {
        self.append_inner(a, true).await
    }

    async fn append_inner(
        &self,
        a: &Append<'_>,
        index_inbound: bool,
    ) -> Result<Appended, CaseStoreError> {
        let pk = case_pk(a.case_id);
        let live = a.live;
        let new_len = a.expected_ledger_len + a.entries.len() as u32;
        let mut set = vec![
            "#status = :status",
            "severity = :severity",
            "#queue = :queue",
            "ledger_len = :new_len",
            "due = :due",
            "closed_at = :closed_at",
        ];
        let mut remove = Vec::new();
        let mut u = Update::builder()
            .table_name(&self.table)
            .key("pk", s(&pk))
            .key("sk", s("CASE"))
            .expression_attribute_names("#status", "status")
            .expression_attribute_names("#queue", "queue")
            .expression_attribute_values(":status", s(&live.status))
            .expression_attribute_values(":severity", s(&live.severity))
            .expression_attribute_values(":queue", s(&live.queue))
            .expression_attribute_values(":new_len", n(new_len))
            .expression_attribute_values(":expected", n(a.expected_ledger_len))
            .expression_attribute_values(":zero", n(0))
            .expression_attribute_values(
                ":due",
                live.due.clone().map_or(AttributeValue::Null(true), s),
            )
            .expression_attribute_values(
                ":closed_at",
                live.closed_at.clone().map_or(AttributeValue::Null(true), s),
            );
        // The queue index holds only cases with something due from us: absent, never null.
        match &live.due_utc {
            Some(due) => {
                set.push("due_utc = :due_utc");
                u = u.expression_attribute_values(":due_utc", s(due));
            }
            None => remove.push("due_utc"),
        }
        match live.due_metric {
            Some(metric) => {
                set.push("due_metric = :due_metric");
                u = u.expression_attribute_values(":due_metric", s(metric.as_str()));
            }
            None => remove.push("due_metric"),
        }
        // The warning index, like the queue index, holds only cases with a warning pending.
        match &live.next_warning_utc {
            Some(next) => {
                set.push("next_warning_utc = :next_warning");
                set.push("watch_shard = :shard");
                u = u
                    .expression_attribute_values(":next_warning", s(next))
                    .expression_attribute_values(
                        ":shard",
                        s(slamail_core::watch::shard_of(a.case_id)),
                    );
            }
            None => remove.extend(["next_warning_utc", "watch_shard"]),
        }
        if let Some(t) = &live.target {
            set.push("target = :target");
            u = u.expression_attribute_values(":target", s(t));
        }
        if let Some(d) = a.deadline {
            set.push("deadlines = list_append(deadlines, :deadline)");
            let value = serde_dynamo::to_attribute_value(vec![d])
                .map_err(|e| self.err("serialise deadline", e))?;
            u = u.expression_attribute_values(":deadline", value);
        }
        let mut expr = format!("SET {}", set.join(", "));
        if a.message.is_some() {
            expr.push_str(" ADD message_count :one");
            u = u.expression_attribute_values(":one", n(1));
        }
        if !remove.is_empty() {
            expr.push_str(&format!(" REMOVE {}", remove.join(", ")));
        }
        let case = build(
            self,
            u.update_expression(expr)
                .condition_expression(
                    "attribute_exists(pk) AND (ledger_len = :expected OR \
                     (attribute_not_exists(ledger_len) AND :expected = :zero))",
                )
                .build(),
        )?;
        let mut actions = vec![(
            Role::Case,
            TransactWriteItem::builder().update(case).build(),
        )];
        for entry in a.entries {
            actions.push((Role::Ledger, self.ledger_put(&pk, entry)?));
        }
        if let Some(m) = a.message {
            // Never over another message: a key collision must fail, not lose what was there.
            actions.push((
                Role::Message,
                self.put(
                    self.item_of(m, pk.clone(), message_sk(m))?,
                    Some("attribute_not_exists(pk)"),
                )?,
            ));
        }
        let sender = a.message.and_then(|m| m.from.as_ref()).map(|f| f.as_str());
        let inbound = a.fence.is_some();
        for id in a.index_ids {
            if inbound && !index_inbound {
                continue;
            }
            actions.push((
                Role::MessageId,
                self.claim_message_id(&MessageIdKey::of(id), a.case_id, sender, None)?,
            ));
        }
        if let Some(fence) = a.fence {
            actions.push((
                Role::Inbound,
                self.inbound_update(
                    fence,
                    Some(a.case_id),
                    ReplyState::Suppressed,
                    Some(InboundState::Done),
                    a.now,
                )?,
            ));
        }
        let Some(refused) = self
            .transact("TransactWriteItems (append)", actions)
            .await?
        else {
            return Ok(Appended::Written);
        };
        let roles: Vec<Role> = refused.iter().map(|(r, _)| *r).collect();
        if roles.contains(&Role::Inbound) {
            return Err(CaseStoreError::LostClaim {
                ses_message_id: a
                    .fence
                    .map(|f| f.ses_message_id.clone())
                    .unwrap_or_default(),
            });
        }
        if roles.contains(&Role::Case) || roles.contains(&Role::Ledger) {
            return Ok(Appended::Conflict);
        }
        if let Some(dup) = duplicate_of(&refused, sender, None) {
            return Ok(Appended::Duplicate { case_id: dup });
        }
        if inbound && index_inbound {
            // The Message-ID is someone else's: append without indexing it.
            return Box::pin(self.append_inner(a, false)).await;
        }
        Err(self.err("TransactWriteItems (append)", format!("refused: {roles:?}")))
    }

    /// Every Message-ID a case's messages are known by, oldest first (for threading headers).
    pub async fn thread_ids_of(&self, case_id: &CaseId) -> Result<Vec<String>, CaseStoreError> {
        let mut ids = Vec::new();
        for m in self.messages(case_id).await? {
            ids.extend(message_ids_of(&m));
        }
        Ok(ids)
    }
}

/// The Message-IDs a message of a case is known by: a customer's own id, or our outbound ids.
pub fn message_ids_of(m: &MessageItem) -> Vec<String> {
    let mut ids: Vec<String> = m.message_id.iter().map(|id| id.to_string()).collect();
    ids.extend(m.message_ids.iter().cloned());
    ids
}
