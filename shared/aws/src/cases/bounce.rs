//! A bounce of one of our replies attached to its case: the message on the case, the address
//! held as undeliverable, and the inbound item finished with a note saying why there is no case.

use aws_sdk_dynamodb::types::{TransactWriteItem, Update};
use slamail_core::intake::ports::Attachment;

use super::transact::Role;
use super::write_items::build;
use super::{CaseStore, CaseStoreError, InboundState, Item, ReplyState, inbound_key, n, s, stamp};

impl CaseStore {
    pub(super) async fn attach_bounce(&self, a: &Attachment<'_>) -> Result<(), CaseStoreError> {
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
        self.transact_on_case(
            "TransactWriteItems (attach bounce)",
            actions,
            a.fence,
            a.case_id,
        )
        .await
    }
}
