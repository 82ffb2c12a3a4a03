//! The cases table as the feedback function's [`FeedbackStore`]: the case of a reply (through the
//! Message-ID index its SES id is under), and one transaction that records an event once.

use slamail_core::case::CaseRecord;
use slamail_core::feedback::FeedbackAction;
use slamail_core::feedback::ports::{FeedbackRecord, FeedbackStore, Recorded};
use slamail_core::intake::ports::PortError;

use super::transact::Role;
use super::{CaseStore, CaseStoreError, Item, n, s, stamp};

impl CaseStore {
    async fn feedback(&self, r: &FeedbackRecord<'_>) -> Result<Recorded, CaseStoreError> {
        let mut once = Item::new();
        once.insert("pk".into(), s(format!("FEEDBACK#{}", r.feedback_id)));
        once.insert("sk".into(), s("FEEDBACK"));
        once.insert("case_id".into(), s(r.case_id.as_str()));
        once.insert("at".into(), s(stamp(r.now)));
        let mut actions = vec![(
            Role::Feedback,
            self.put(once, Some("attribute_not_exists(pk)"))?,
        )];
        actions.extend(self.message_on_case(r.case_id, r.message)?);
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
