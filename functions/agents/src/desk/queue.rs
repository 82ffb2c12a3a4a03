//! A queue's open cases, for the policy's staff.

use chrono::{DateTime, Utc};
use slamail_core::case::CaseRecord;
use slamail_core::ids::{EmailAddress, PolicyId, QueueId};
use slamail_core::intake::ports::ReplySender;

use super::{Desk, DeskError, store};

impl<S: ReplySender + Sync> Desk<S> {
    /// A queue's open cases by the next instant due from us, soonest first (one Query).
    pub async fn queue(
        &self,
        agent: &EmailAddress,
        policy: &PolicyId,
        queue: &QueueId,
        until: Option<DateTime<Utc>>,
        limit: i32,
    ) -> Result<Vec<CaseRecord>, DeskError> {
        let p = self.loaded_policy(policy)?;
        Self::authorise(p, agent)?;
        if !p.routes.iter().any(|r| &r.queue == queue) {
            return Err(DeskError::Invalid(format!(
                "policy {policy} has no queue {queue}"
            )));
        }
        let rows = self.cases.queue(queue, until, limit).await.map_err(store)?;
        // Queue names are per policy; two policies may share one.
        Ok(rows
            .into_iter()
            .filter(|c| c.policy == policy.as_str())
            .collect())
    }
}
