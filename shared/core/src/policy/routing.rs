//! Routing: the queue of a case, by the first rule whose tiers and severities match.

use serde::Serialize;

use super::{NotifyTargets, Policy};
use crate::ids::{QueueId, SeverityId, TierId};

/// A routing rule: the first rule whose tiers and severities both match chooses the queue.
/// An empty list matches everything.
#[derive(Debug, Clone, Serialize)]
pub struct Route {
    pub queue: QueueId,
    pub tiers: Vec<TierId>,
    pub severities: Vec<SeverityId>,
    /// Who gets the warnings of this rule's cases.
    pub notify: NotifyTargets,
    /// Who gets their escalations to the queue's lead; `notify` when `None`.
    pub lead: Option<NotifyTargets>,
}

impl Policy {
    /// The queue for a case, by the first matching routing rule.
    pub fn route(&self, tier: &TierId, severity: &SeverityId) -> &QueueId {
        self.route_rule(tier, severity)
            .map(|r| &r.queue)
            // Validation guarantees a non-empty list ending in a catch-all rule.
            .unwrap_or(&self.fallback_queue)
    }

    /// The first routing rule that matches: its queue, and who is notified about its cases.
    pub fn route_rule(&self, tier: &TierId, severity: &SeverityId) -> Option<&Route> {
        self.routes.iter().find(|r| {
            (r.tiers.is_empty() || r.tiers.contains(tier))
                && (r.severities.is_empty() || r.severities.contains(severity))
        })
    }
}
