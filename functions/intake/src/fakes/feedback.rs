//! The fake cases as the feedback function's store: events recorded once, holds set.

use slamail_core::case::{CaseRecord, ReplyOutcome};
use slamail_core::feedback::FeedbackAction;
use slamail_core::feedback::ports::{FeedbackRecord, FeedbackStore, Recorded};
use slamail_core::intake::ports::PortError;

use super::FakeCases;
use super::tables::stamp;

impl FeedbackStore for FakeCases {
    async fn case_of_reply(
        &self,
        reply_ses_message_id: &str,
    ) -> Result<Option<CaseRecord>, PortError> {
        Ok(self
            .enter("case_of_reply")?
            .cases
            .values()
            .find(|c| {
                matches!(&c.reply, ReplyOutcome::Sent { ses_message_id, .. }
                    if ses_message_id == reply_ses_message_id)
            })
            .cloned())
    }

    async fn record_feedback(&self, r: &FeedbackRecord<'_>) -> Result<Recorded, PortError> {
        let mut t = self.enter("record_feedback")?;
        if t.feedback.contains(r.feedback_id) {
            return Ok(Recorded::Duplicate);
        }
        t.add_message(r.case_id, r.message)?;
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
