//! The tier a case gets: the organisation's, but only for a proven designated contact.

use serde::Serialize;

use super::{Authenticity, Membership, TierReason};
use crate::ids::TierId;
use chrono::NaiveDate;

use crate::policy::{Entitlement, Policy};

/// The tier of a case and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TierAssignment {
    pub tier: TierId,
    pub reason: TierReason,
    /// The membership that decided, if any. For [`TierReason::NotDesignatedContact`] this is what
    /// the directory says about the From address; it grants nothing and proves nothing.
    pub org: Option<Membership>,
}

/// The tier of a sender under `policy`, for a message received on `day` (a date in the policy's
/// support zone, for support terms).
///
/// `memberships` is everything the directory knows about the sender (all organisations, any
/// policy); only memberships under this policy whose tier the policy knows count — a tier the
/// policy does not define is never trusted. Who is entitled to an organisation's tier is the
/// policy's [`Entitlement`]: its designated contacts, or any of its members and addresses in its
/// domains (never a third party). An authenticated, entitled sender whose organisation's support
/// term covers `day` gets the organisation's tier (of several, the highest; on a tie, the first
/// organisation by id). Everyone else gets the default tier, with the reason: an entitled address
/// whose message is not verified, an organisation outside its support term, a member who is not
/// entitled, or an unknown sender.
pub fn assign_tier(
    policy: &Policy,
    memberships: &[Membership],
    authenticity: &Authenticity,
    day: NaiveDate,
) -> TierAssignment {
    let rank = |m: &Membership| policy.tiers.iter().position(|t| t.id == m.tier);
    let mode = policy.entitlement;
    // An address merely in a domain is nobody in particular unless any member is entitled, and
    // someone an organisation under this policy lists (a third party, say) is judged by that.
    let domains_count = needs_domain_lookup(policy, memberships);
    let relevant: Vec<(usize, &Membership)> = memberships
        .iter()
        .filter(|m| m.policy == policy.id)
        .filter(|m| !m.by_domain || domains_count)
        .filter_map(|m| rank(m).map(|r| (r, m)))
        .collect();
    let entitled = |m: &Membership| match mode {
        Entitlement::DesignatedContacts => m.designated,
        Entitlement::OrganisationMembers => m.designated || !m.third_party,
    };
    let in_term = |m: &Membership| m.support_term.is_none_or(|t| t.covers(day));
    // Highest tier first, then organisation id, so the choice never depends on directory order.
    let best = |keep: &dyn Fn(&Membership) -> bool| {
        relevant
            .iter()
            .filter(|(_, m)| keep(m))
            .min_by(|(ra, a), (rb, b)| rb.cmp(ra).then_with(|| a.org.cmp(&b.org)))
            .map(|(_, m)| (*m).clone())
    };
    let default = |reason, org| TierAssignment {
        tier: policy.default_tier.clone(),
        reason,
        org,
    };
    if let Some(m) = best(&|m| entitled(m) && in_term(m)) {
        if authenticity.is_verified() {
            // Under organisation-members the vendor has no contact list: being a member is the
            // reason, whatever the directory marks.
            let reason = match mode {
                Entitlement::DesignatedContacts => TierReason::DesignatedContact,
                Entitlement::OrganisationMembers => TierReason::OrganisationMember,
            };
            return TierAssignment {
                tier: m.tier.clone(),
                reason,
                org: Some(m),
            };
        }
        // Anyone can put an entitled address in From; until the message is proven, it must not
        // tie the case (or later follow-ups) to that organisation.
        return default(TierReason::SenderNotVerified, None);
    }
    if let Some(m) = best(&entitled) {
        if !authenticity.is_verified() {
            return default(TierReason::SenderNotVerified, None);
        }
        return default(TierReason::SupportTermEnded, Some(m));
    }
    match best(&|_| true) {
        Some(m) => default(TierReason::NotDesignatedContact, Some(m)),
        None => default(TierReason::UnknownSender, None),
    }
}

/// Whether the organisations' verified domains can decide `policy`'s tier for a sender the
/// directory lists as `by_address` (what it knows of the address itself): only under
/// `organisation-members`, and only for a sender no organisation under the policy lists. Listed
/// people are judged by their listing (a third party stays one, even inside the domain); the
/// domains speak for the people nobody listed. The intake asks the directory's domain lookup
/// only then.
pub fn needs_domain_lookup(policy: &Policy, by_address: &[Membership]) -> bool {
    policy.entitlement == Entitlement::OrganisationMembers
        && !by_address
            .iter()
            .any(|m| m.policy == policy.id && !m.by_domain)
}

#[cfg(test)]
mod tests;
