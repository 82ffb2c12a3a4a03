//! The fake cases as the feedback function's store: events recorded once, holds set.

use slamail_core::case::{CaseRecord, ReplyOutcome};
use slamail_core::feedback::FeedbackAction;
use slamail_core::feedback::ports::{FeedbackRecord, FeedbackStore, Recorded};
use slamail_core::intake::ports::PortError;

use super::{FakeCases, lock, stamp};

impl FeedbackStore for FakeCases {
    async fn case_of_reply(
        &self,
        reply_ses_message_id: &str,
    ) -> Result<Option<CaseRecord>, PortError> {
        self.calls.call("cases", "case_of_reply")?;
        Ok(lock(&self.tables)
            .cases
            .values()
            .find(|c| {
                matches!(&c.reply, ReplyOutcome::Sent { ses_message_id, .. }
                    if ses_message_id == reply_ses_message_id)
            })
            .cloned())
    }

    async fn record_feedback(&self, r: &FeedbackRecord<'_>) -> Result<Recorded, PortError> {
        self.calls.call("cases", "record_feedback")?;
        let mut t = lock(&self.tables);
        if t.feedback.contains(r.feedback_id) {
            return Ok(Recorded::Duplicate);
        }
        let case = t
            .cases
            .get_mut(r.case_id)
            .ok_or_else(|| PortError::new("cases", format!("case {} does not exist", r.case_id)))?;
        case.message_count += 1;
        t.messages
            .entry(r.case_id.clone())
            .or_default()
            .push(r.message.clone());
        match r.action {
            FeedbackAction::HoldUntil(addresses, until) => {
                for a in addresses {
                    t.undeliverable.insert(
                        a.clone(),
                        (r.case_id.clone(), stamp(r.now), until.timestamp()),
                    );
                }
            }
            FeedbackAction::StopReplies(addresses) => {
                for a in addresses {
                    t.complained
                        .insert(a.clone(), (r.case_id.clone(), stamp(r.now)));
                }
            }
            FeedbackAction::Record | FeedbackAction::Ignore => {}
        }
        t.feedback.insert(r.feedback_id.to_string());
        Ok(Recorded::Written)
    }
}
