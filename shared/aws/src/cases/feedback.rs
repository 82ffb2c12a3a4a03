//! The cases table as the feedback function's [`FeedbackStore`]: the case of a reply (through the
//! Message-ID index its SES id is under), and one transaction that records an event once.

use aws_sdk_dynamodb::types::{TransactWriteItem, Update};
use slamail_core::case::CaseRecord;
use slamail_core::feedback::FeedbackAction;
use slamail_core::feedback::ports::{FeedbackRecord, FeedbackStore, Recorded};
use slamail_core::intake::ports::PortError;

use super::transact::Role;
use super::{CaseStore, CaseStoreError, Item, case_pk, message_sk, n, s, stamp};

impl CaseStore {
    async fn feedback(&self, r: &FeedbackRecord<'_>) -> Result<Recorded, CaseStoreError> {
        let pk = case_pk(r.case_id);
        let mut once = Item::new();
        once.insert("pk".into(), s(format!("FEEDBACK#{}", r.feedback_id)));
        once.insert("sk".into(), s("FEEDBACK"));
        once.insert("case_id".into(), s(r.case_id.as_str()));
        once.insert("at".into(), s(stamp(r.now)));
        let count = Update::builder()
            .table_name(&self.table)
            .key("pk", s(&pk))
            .key("sk", s("CASE"))
            .update_expression("ADD message_count :one")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":one", n(1))
            .build()
            .map_err(|e| self.err("build transaction", e))?;
        let mut actions = vec![
            (
                Role::Feedback,
                self.put(once, Some("attribute_not_exists(pk)"))?,
            ),
            (
                Role::Message,
                self.put(
                    self.item_of(r.message, pk.clone(), message_sk(r.message))?,
                    None,
                )?,
            ),
            (
                Role::Case,
                TransactWriteItem::builder().update(count).build(),
            ),
        ];
        let (addresses, until, sk) = match r.action {
            FeedbackAction::HoldUntil(a, until) => (a.as_slice(), Some(*until), "UNDELIVERABLE"),
            FeedbackAction::StopReplies(a) => (a.as_slice(), None, "COMPLAINED"),
            FeedbackAction::Record | FeedbackAction::Ignore => (&[][..], None, ""),
        };
        for address in addresses {
            let mut item = Item::new();
            item.insert("pk".into(), s(format!("ADDR#{address}")));
            item.insert("sk".into(), s(sk));
            item.insert("case_id".into(), s(r.case_id.as_str()));
            item.insert("at".into(), s(stamp(r.now)));
            if let Some(until) = until {
                item.insert("until".into(), n(until.timestamp()));
                item.insert("expires_at".into(), n(until.timestamp()));
            }
            actions.push((Role::Other, self.put(item, None)?));
        }
        match self
            .transact("TransactWriteItems (record feedback)", actions)
            .await?
        {
            None => Ok(Recorded::Written),
            Some(refused) if refused.iter().any(|(r, _)| *r == Role::Feedback) => {
                Ok(Recorded::Duplicate)
            }
            Some(_) => Err(self.err(
                "TransactWriteItems (record feedback)",
                format!("case {} does not exist", r.case_id),
            )),
        }
    }
}

impl FeedbackStore for CaseStore {
    async fn case_of_reply(
        &self,
        reply_ses_message_id: &str,
    ) -> Result<Option<CaseRecord>, PortError> {
        // Every sent reply is indexed under the Message-ID form SES gives it in every region.
        let Some(case_id) = self
            .case_of(&format!("{reply_ses_message_id}@email.amazonses.com"))
            .await?
        else {
            return Ok(None);
        };
        Ok(self.get_case(&case_id).await?)
    }

    async fn record_feedback(&self, record: &FeedbackRecord<'_>) -> Result<Recorded, PortError> {
        Ok(self.feedback(record).await?)
    }
}
