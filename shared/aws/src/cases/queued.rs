//! The INBOUND item's reply state as the paced sender's [`QueuedReplies`]: `queued → sending` with
//! a lease and a new attempt number (the fence every later write is conditional on), and back.

use chrono::{DateTime, Utc};
use slamail_core::intake::ports::{Fence, PortError};
use slamail_core::intake::reply_queue::{QueuedReplies, QueuedReply, Take};

use super::inbound::Updated;
use super::{
    CaseStore, CaseStoreError, InboundState, ReplyState, condition_failed, inbound_pk, n, s, stamp,
};

/// The fence of a queued reply's inbound item at `attempt`.
fn fence_of(reply: &QueuedReply, attempt: u32) -> Fence {
    Fence {
        ses_message_id: reply.ses_message_id.clone(),
        scope: reply.scope.clone(),
        attempt,
    }
}

impl CaseStore {
    async fn take_reply(
        &self,
        reply: &QueuedReply,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> Result<Take, CaseStoreError> {
        let pk = inbound_pk(&reply.ses_message_id);
        let update = self
            .update_inbound_item(&fence_of(reply, 0))
            .update_expression(
                "SET reply_state = :sending, attempts = attempts + :one, lease_until = :lease, \
                 updated_at = :now",
            )
            .condition_expression("reply_state = :queued")
            .expression_attribute_values(":sending", s(ReplyState::Sending.as_str()))
            .expression_attribute_values(":queued", s(ReplyState::Queued.as_str()))
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":lease", n(lease_until.timestamp()))
            .expression_attribute_values(":now", s(stamp(now)));
        let item = match self
            .update_returning_item("UpdateItem (take reply)", &pk, update)
            .await?
        {
            Updated::Written(item) => return Ok(Take::Taken(fence_of(reply, item.attempts))),
            // No INBOUND item: nothing of ours to send.
            Updated::Refused(None) => return Ok(Take::Settled),
            Updated::Refused(Some(item)) => item,
        };
        Ok(match item.reply_state {
            ReplyState::Sent
            | ReplyState::Failed
            | ReplyState::Unknown
            | ReplyState::Suppressed => Take::Settled,
            // A sender took it and its lease ran out: take it over to record it as unknown.
            ReplyState::Sending
                if item.state == InboundState::Done && item.lease_until < now.timestamp() =>
            {
                self.take_over(reply, item.attempts, now, lease_until)
                    .await?
                    .map_or(Take::Busy, Take::Abandoned)
            }
            _ => Take::Busy,
        })
    }

    async fn take_over(
        &self,
        reply: &QueuedReply,
        seen: u32,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> Result<Option<Fence>, CaseStoreError> {
        let result = self
            .update_inbound_item(&fence_of(reply, seen))
            .update_expression(
                "SET attempts = attempts + :one, lease_until = :lease, updated_at = :now",
            )
            .condition_expression("reply_state = :sending AND attempts = :seen")
            .expression_attribute_values(":sending", s(ReplyState::Sending.as_str()))
            .expression_attribute_values(":seen", n(seen))
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":lease", n(lease_until.timestamp()))
            .expression_attribute_values(":now", s(stamp(now)))
            .send()
            .await;
        match result {
            Ok(_) => Ok(Some(fence_of(reply, seen + 1))),
            Err(e) if condition_failed(&e) => Ok(None),
            Err(e) => Err(self.err_sdk("UpdateItem (take over reply)", e)),
        }
    }

    async fn requeue_reply(&self, fence: &Fence) -> Result<(), CaseStoreError> {
        let result = self
            .update_inbound_item(fence)
            .update_expression("SET reply_state = :queued, lease_until = :zero")
            .condition_expression("attempts = :attempt AND reply_state = :sending")
            .expression_attribute_values(":queued", s(ReplyState::Queued.as_str()))
            .expression_attribute_values(":sending", s(ReplyState::Sending.as_str()))
            .expression_attribute_values(":attempt", n(fence.attempt))
            .expression_attribute_values(":zero", n(0))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) if condition_failed(&e) => Err(CaseStoreError::lost(fence)),
            Err(e) => Err(self.err_sdk("UpdateItem (requeue reply)", e)),
        }
    }
}

impl QueuedReplies for CaseStore {
    async fn take(
        &self,
        reply: &QueuedReply,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> Result<Take, PortError> {
        Ok(self.take_reply(reply, now, lease_until).await?)
    }

    async fn requeue(&self, fence: &Fence) -> Result<(), PortError> {
        Ok(self.requeue_reply(fence).await?)
    }
}
