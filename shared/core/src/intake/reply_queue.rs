//! Replies SES refused for now (throttling: its sending quota is per second) wait in a queue for a
//! paced sender instead of failing the intake, so that a burst of inbound mail never turns into
//! dead letters. The queue carries the rendered reply; the inbound item's `reply_state` decides
//! who may send it: `queued` is taken by exactly one sender (`sending`, with a lease), which
//! records the outcome or puts it back to `queued`. A reply is never sent twice, and a queued
//! one is never dropped while it is `queued` (the queue redelivers until a sender records it).

use std::future::Future;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::ports::{Fence, PortError, Scope};
use crate::ids::{CaseId, EmailAddress};

/// One reply waiting to be sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuedReply {
    /// The inbound message the reply answers (its INBOUND item holds the reply's state).
    pub ses_message_id: String,
    /// The policy the reply answers under (the inbound item is per message and policy).
    pub scope: Scope,
    pub case_id: CaseId,
    /// Our own Message-ID in the rendered reply, recorded with the sent reply for threading.
    pub message_id: String,
    pub from: EmailAddress,
    pub to: EmailAddress,
    /// The rendered reply, 7-bit MIME.
    pub raw: String,
}

/// Where queued replies wait.
pub trait ReplyQueue {
    /// Queues a reply, visible to the sender after `delay_seconds`.
    fn enqueue(
        &self,
        reply: &QueuedReply,
        delay_seconds: u32,
    ) -> impl Future<Output = Result<(), PortError>> + Send;
}

/// What taking a queued reply found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Take {
    /// This sender holds the reply (`sending`) until its lease ends.
    Taken(Fence),
    /// The reply's outcome is recorded: the queue entry is spent.
    Settled,
    /// The intake or another sender holds it: try again later.
    Busy,
    /// A sender took it and stopped without recording (its lease ended): it may have gone out,
    /// so it is recorded as unknown under this fence, never sent again.
    Abandoned(Fence),
}

/// The reply-state transitions the paced sender makes on the inbound record.
pub trait QueuedReplies {
    /// `queued → sending` with a lease, or what holds it instead.
    fn take(
        &self,
        reply: &QueuedReply,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> impl Future<Output = Result<Take, PortError>> + Send;

    /// `sending → queued`: SES refused it for now, the queue brings it back.
    fn requeue(&self, fence: &Fence) -> impl Future<Output = Result<(), PortError>> + Send;
}

impl<T: QueuedReplies + Sync> QueuedReplies for &T {
    fn take(
        &self,
        reply: &QueuedReply,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> impl Future<Output = Result<Take, PortError>> + Send {
        (**self).take(reply, now, lease_until)
    }

    fn requeue(&self, fence: &Fence) -> impl Future<Output = Result<(), PortError>> + Send {
        (**self).requeue(fence)
    }
}

/// Seconds before a reply queued by the intake is first offered to the sender: spread over the
/// last five sixths of `window` (10–60 s for a minute) so that a throttled burst does not come
/// back as one burst.
pub fn first_delay_seconds(spread: u64, window: u32) -> u32 {
    let min = window / 6;
    min + (spread % u64::from(window - min + 1)) as u32
}

/// The note on a case whose reply waits in the queue.
pub fn queued_note(error: &str) -> String {
    format!(
        "SES refused the auto-reply for now ({error}); it waits in the reply queue and a paced \
         sender sends it (never twice)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_delays_spread_over_a_minute() {
        let delays: std::collections::BTreeSet<u32> =
            (0..200).map(|s| first_delay_seconds(s, 60)).collect();
        assert_eq!(delays.first(), Some(&10));
        assert_eq!(delays.last(), Some(&60));
        assert!((0..10).all(|s| first_delay_seconds(s, 0) == 0));
        assert!(queued_note("Throttling").contains("never twice"));
    }
}
