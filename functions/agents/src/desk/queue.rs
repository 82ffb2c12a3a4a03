//! A queue's open cases, for the policy's staff, a page at a time.

use chrono::{DateTime, Utc};
use slamail_aws::cases::{QueueCursor, QueuePage};
use slamail_core::ids::{EmailAddress, PolicyId, QueueId};
use slamail_core::intake::ports::ReplySender;

use super::{Desk, DeskError, store};

impl<S: ReplySender + Sync> Desk<S> {
    /// Up to `limit` of a queue's open cases by the next instant due from us, soonest first,
    /// due no later than `until`, going on after `after` (the previous page's `next`).
    pub async fn queue(
        &self,
        agent: &EmailAddress,
        policy: &PolicyId,
        queue: &QueueId,
        until: Option<DateTime<Utc>>,
        limit: usize,
        after: Option<&QueueCursor>,
    ) -> Result<QueuePage, DeskError> {
        let p = self.loaded_policy(policy)?;
        Self::authorise(p, agent)?;
        if !p.routes.iter().any(|r| &r.queue == queue) {
            return Err(DeskError::Invalid(format!(
                "policy {policy} has no queue {queue}"
            )));
        }
        self.cases
            .queue_page(policy, queue, until, limit, after)
            .await
            .map_err(store)
    }
}
