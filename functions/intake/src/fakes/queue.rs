//! The reply queue, and the fake cases as the paced sender's reply-state store.

use std::sync::Mutex;

use chrono::{DateTime, Utc};
use slamail_core::intake::ports::{Fence, InboundState, PortError, ReplyState};
use slamail_core::intake::reply_queue::{QueuedReplies, QueuedReply, ReplyQueue, Take};

use super::{Calls, FakeCases, FakeInbound, lock};

/// The reply queue: what was queued, in order, with its delay.
#[derive(Debug, Default)]
pub struct FakeReplyQueue {
    queued: Mutex<Vec<(QueuedReply, u32)>>,
    calls: Calls,
}

impl FakeReplyQueue {
    /// Takes every queued reply out of the queue (as a receive that deletes them would).
    pub fn drain(&self) -> Vec<QueuedReply> {
        lock(&self.queued).drain(..).map(|(r, _)| r).collect()
    }

    pub fn len(&self) -> usize {
        lock(&self.queued).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn fail_next_enqueue(&self) {
        lock(&self.calls.failing).push("enqueue");
    }
}

impl ReplyQueue for FakeReplyQueue {
    async fn enqueue(&self, reply: &QueuedReply, delay_seconds: u32) -> Result<(), PortError> {
        self.calls.call("reply queue", "enqueue")?;
        lock(&self.queued).push((reply.clone(), delay_seconds));
        Ok(())
    }
}

impl QueuedReplies for FakeCases {
    async fn take(
        &self,
        reply: &QueuedReply,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> Result<Take, PortError> {
        let mut t = self.enter("take")?;
        let key = (reply.ses_message_id.clone(), reply.scope.clone());
        let Some(item) = t.inbound.get_mut(&key) else {
            return Ok(Take::Settled);
        };
        let fence = |item: &FakeInbound| Fence {
            ses_message_id: reply.ses_message_id.clone(),
            scope: reply.scope.clone(),
            attempt: item.attempts,
        };
        Ok(match item.reply_state {
            ReplyState::Queued => {
                item.reply_state = ReplyState::Sending;
                item.attempts += 1;
                item.lease_until = lease_until.timestamp();
                Take::Taken(fence(item))
            }
            ReplyState::Sent
            | ReplyState::Failed
            | ReplyState::Unknown
            | ReplyState::Suppressed => Take::Settled,
            ReplyState::Sending
                if item.state == InboundState::Done && item.lease_until < now.timestamp() =>
            {
                item.attempts += 1;
                item.lease_until = lease_until.timestamp();
                Take::Abandoned(fence(item))
            }
            ReplyState::Sending | ReplyState::None => Take::Busy,
        })
    }

    async fn requeue(&self, fence: &Fence) -> Result<(), PortError> {
        let mut t = self.enter("requeue")?;
        let item = t.fenced(fence)?;
        if item.reply_state != ReplyState::Sending {
            return Err(PortError::new("cases", "the reply is not `sending`"));
        }
        item.reply_state = ReplyState::Queued;
        item.lease_until = 0;
        Ok(())
    }
}
