//! A case's auto-reply on the inbound item and the case: resuming an unsent one, and recording
//! its outcome (with the Message-IDs SES gave it, so replies to it thread into the case).

use aws_sdk_dynamodb::types::{TransactWriteItem, Update};
use chrono::{DateTime, Utc};
use slamail_core::case::ReplyOutcome;
use slamail_core::ids::CaseId;
use slamail_core::intake::ports::Fence;

use super::transact::Role;
use super::write_items::build;
use super::{
    CaseStore, CaseStoreError, InboundState, Item, ReplyState, case_pk, condition_failed,
    message_id_pk, n, s,
};

impl CaseStore {
    /// Enters `sending` for a case's reply an earlier attempt did not send (`none`), under this
    /// claim; `false` when there is nothing to resume.
    pub(super) async fn resume(&self, fence: &Fence) -> Result<bool, CaseStoreError> {
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
            Err(e) => Err(self.err_sdk("UpdateItem (resume reply)", e)),
        }
    }

    pub(super) async fn record(
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
        self.transact_on_case("TransactWriteItems (record reply)", actions, fence, case_id)
            .await
    }
}
