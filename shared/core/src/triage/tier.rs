//! The tier a case gets: the organisation's, but only for a proven designated contact.

use serde::Serialize;

use super::{Authenticity, Membership, TierReason};
use crate::ids::TierId;
use crate::policy::Policy;

/// The tier of a case and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TierAssignment {
    pub tier: TierId,
    pub reason: TierReason,
    /// The membership that decided, if any. For [`TierReason::NotDesignatedContact`] this is what
    /// the directory says about the From address; it grants nothing and proves nothing.
    pub org: Option<Membership>,
}

/// The tier of a sender under `policy`.
///
/// `memberships` is everything the directory knows about the sender (all organisations, any
/// policy); only memberships under this policy whose tier the policy knows count — a tier the
/// policy does not define is never trusted. An authenticated designated contact gets the
/// organisation's tier (of several, the highest; on a tie, the first organisation by id).
/// Everyone else gets the default tier, with the reason: a designated address whose message is
/// not verified, a member who is not a designated contact, or an unknown sender.
pub fn assign_tier(
    policy: &Policy,
    memberships: &[Membership],
    authenticity: &Authenticity,
) -> TierAssignment {
    let rank = |m: &Membership| policy.tiers.iter().position(|t| t.id == m.tier);
    let relevant: Vec<(usize, &Membership)> = memberships
        .iter()
        .filter(|m| m.policy == policy.id)
        .filter_map(|m| rank(m).map(|r| (r, m)))
        .collect();
    // Highest tier first, then organisation id, so the choice never depends on directory order.
    let best = |designated: bool| {
        relevant
            .iter()
            .filter(|(_, m)| m.designated == designated)
            .min_by(|(ra, a), (rb, b)| rb.cmp(ra).then_with(|| a.org.cmp(&b.org)))
            .map(|(_, m)| (*m).clone())
    };
    let default = |reason, org| TierAssignment {
        tier: policy.default_tier.clone(),
        reason,
        org,
    };
    if let Some(m) = best(true) {
        if authenticity.is_verified() {
            return TierAssignment {
                tier: m.tier.clone(),
                reason: TierReason::DesignatedContact,
                org: Some(m),
            };
        }
        // Anyone can put a designated contact's address in From; until the message is proven, it
        // must not tie the case (or later follow-ups) to that organisation.
        return default(TierReason::SenderNotVerified, None);
    }
    match best(false) {
        Some(m) => default(TierReason::NotDesignatedContact, Some(m)),
        None => default(TierReason::UnknownSender, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{OrgId, PolicyId};
    use crate::policy::builtin;

    fn member(org: &str, policy: &str, tier: &str, designated: bool) -> Membership {
        Membership {
            org: OrgId::parse(org).unwrap(),
            org_name: format!("{org} Inc."),
            policy: PolicyId::parse(policy).unwrap(),
            tier: TierId::parse(tier).unwrap(),
            designated,
        }
    }

    fn verified() -> Authenticity {
        Authenticity::Verified {
            how: "dmarc pass".into(),
        }
    }

    fn unverified() -> Authenticity {
        Authenticity::Unverified {
            why: "dmarc fail".into(),
            failed: true,
        }
    }

    #[test]
    fn designated_and_verified_gets_the_org_tier() {
        let p = builtin("activestate").unwrap();
        let m = member("acme", "activestate", "enterprise", true);
        let a = assign_tier(&p, std::slice::from_ref(&m), &verified());
        assert_eq!(a.tier.as_str(), "enterprise");
        assert_eq!(a.reason, TierReason::DesignatedContact);
        assert_eq!(a.org, Some(m));
    }

    #[test]
    fn designated_but_unverified_gets_the_default_tier() {
        let p = builtin("activestate").unwrap();
        let m = member("acme", "activestate", "enterprise", true);
        let a = assign_tier(&p, &[m], &unverified());
        assert_eq!(a.tier.as_str(), "free");
        assert_eq!(a.reason, TierReason::SenderNotVerified);
        assert_eq!(a.org, None);
        let gray = Authenticity::Unverified {
            why: "gray without aligned dkim".into(),
            failed: false,
        };
        let m = member("acme", "activestate", "team", true);
        assert_eq!(
            assign_tier(&p, &[m], &gray).reason,
            TierReason::SenderNotVerified
        );
    }

    #[test]
    fn member_not_designated_gets_the_default_tier_with_the_org() {
        let p = builtin("activestate").unwrap();
        let m = member("acme", "activestate", "enterprise", false);
        for auth in [verified(), unverified()] {
            let a = assign_tier(&p, std::slice::from_ref(&m), &auth);
            assert_eq!(a.tier.as_str(), "free");
            assert_eq!(a.reason, TierReason::NotDesignatedContact);
            assert_eq!(a.org.as_ref(), Some(&m));
        }
    }

    #[test]
    fn unknown_sender_gets_the_default_tier() {
        let p = builtin("alectrona").unwrap();
        let a = assign_tier(&p, &[], &verified());
        assert_eq!(a.tier.as_str(), "none");
        assert_eq!(a.reason, TierReason::UnknownSender);
        assert_eq!(a.org, None);
    }

    #[test]
    fn several_orgs_the_highest_tier_wins_ties_by_org_id() {
        let p = builtin("activestate").unwrap();
        let ms = [
            member("zeta", "activestate", "team", true),
            member("omega", "activestate", "enterprise", true),
            member("alpha", "activestate", "enterprise", true),
            member("beta", "activestate", "free", true),
        ];
        let a = assign_tier(&p, &ms, &verified());
        assert_eq!(a.tier.as_str(), "enterprise");
        assert_eq!(a.org.unwrap().org.as_str(), "alpha");
        // Membership order does not matter.
        let mut rev = ms.clone();
        rev.reverse();
        assert_eq!(
            assign_tier(&p, &rev, &verified()).org.unwrap().org.as_str(),
            "alpha"
        );
        // A designated contact of a team org who is a plain member of an enterprise org gets team.
        let mixed = [
            member("big", "activestate", "enterprise", false),
            member("small", "activestate", "team", true),
        ];
        let a = assign_tier(&p, &mixed, &verified());
        assert_eq!(a.tier.as_str(), "team");
        assert_eq!(a.reason, TierReason::DesignatedContact);
        // Plain member of several: the org recorded is the highest-tier one.
        let plain = [
            member("b", "activestate", "team", false),
            member("a", "activestate", "enterprise", false),
        ];
        let a = assign_tier(&p, &plain, &verified());
        assert_eq!(a.reason, TierReason::NotDesignatedContact);
        assert_eq!(a.org.unwrap().org.as_str(), "a");
    }

    #[test]
    fn other_policies_and_unknown_tiers_are_ignored() {
        let p = builtin("scalr").unwrap();
        let other = member("acme", "activestate", "enterprise", true);
        let a = assign_tier(&p, &[other], &verified());
        assert_eq!(a.tier.as_str(), "free");
        assert_eq!(a.reason, TierReason::UnknownSender);
        // A tier Scalr does not define is not trusted, not even as a plain membership.
        let bogus = member("acme", "scalr", "enterprise", true);
        let a = assign_tier(&p, std::slice::from_ref(&bogus), &verified());
        assert_eq!(a.reason, TierReason::UnknownSender);
        assert_eq!(a.tier.as_str(), "free");
        let good = member("zzz", "scalr", "business", true);
        let a = assign_tier(&p, &[bogus, good], &verified());
        assert_eq!(a.tier.as_str(), "business");
        assert_eq!(a.org.unwrap().org.as_str(), "zzz");
    }
}
