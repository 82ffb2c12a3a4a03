//! Who a sender is to a case. Only an authenticated From is anyone (the same rule as for tiers):
//! a forged From of the requester is a stranger.

use serde::{Deserialize, Serialize};

use crate::ids::{EmailAddress, OrgId};
use crate::policy::Policy;
use crate::triage::Membership;

/// The people a case's conversation belongs to, as recorded when it was opened.
#[derive(Debug, Clone, Copy)]
pub struct Participants<'a> {
    pub requester: Option<&'a EmailAddress>,
    /// The addresses the opening message was addressed or copied to (our own excluded).
    pub addressed: &'a [EmailAddress],
    /// The requester's organisations under the case's policy.
    pub organisations: &'a [OrgId],
}

/// A sender's standing in a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Standing {
    Requester,
    /// Addressed or copied on the opening message.
    Addressed,
    /// A member of one of the requester's organisations.
    Colleague,
    /// The vendor's staff (authenticated).
    Staff,
    /// Anyone else, or anyone whose From is not authenticated.
    Stranger,
}

impl Standing {
    pub fn is_customer(self) -> bool {
        matches!(self, Self::Requester | Self::Addressed | Self::Colleague)
    }
}

/// The standing of `sender` (authenticated or not) in a case of `policy`. `memberships` is what
/// the directory knows about the sender.
pub fn standing(
    policy: &Policy,
    case: &Participants<'_>,
    sender: Option<&EmailAddress>,
    authenticated: bool,
    memberships: &[Membership],
) -> Standing {
    let Some(sender) = sender.filter(|_| authenticated) else {
        return Standing::Stranger;
    };
    if policy.is_staff(sender) {
        return Standing::Staff;
    }
    if case.requester == Some(sender) {
        return Standing::Requester;
    }
    if case.addressed.contains(sender) {
        return Standing::Addressed;
    }
    let colleague = memberships
        .iter()
        .any(|m| m.policy == policy.id && case.organisations.contains(&m.org));
    if colleague {
        Standing::Colleague
    } else {
        Standing::Stranger
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{PolicyId, TierId};
    use crate::policy::builtin;

    fn a(s: &str) -> EmailAddress {
        EmailAddress::parse(s).unwrap()
    }

    #[test]
    fn standings() {
        let p = builtin("activestate").unwrap();
        let requester = a("alice@acme.example");
        let addressed = [a("bob@acme.example")];
        let orgs = [OrgId::parse("acme").unwrap()];
        let case = Participants {
            requester: Some(&requester),
            addressed: &addressed,
            organisations: &orgs,
        };
        let member = |org: &str, policy: &str| Membership {
            org: OrgId::parse(org).unwrap(),
            org_name: org.into(),
            policy: PolicyId::parse(policy).unwrap(),
            tier: TierId::parse("enterprise").unwrap(),
            designated: false,
            third_party: false,
            by_domain: false,
            support_term: None,
            products: Vec::new(),
        };
        let s =
            |addr: &str, auth: bool, m: &[Membership]| standing(&p, &case, Some(&a(addr)), auth, m);
        assert_eq!(s("alice@acme.example", true, &[]), Standing::Requester);
        assert_eq!(s("alice@acme.example", false, &[]), Standing::Stranger);
        assert_eq!(s("bob@acme.example", true, &[]), Standing::Addressed);
        let carol = [member("acme", "activestate")];
        assert_eq!(s("carol@acme.example", true, &carol), Standing::Colleague);
        // Membership of the same organisation id under another policy is not membership here.
        let other = [member("acme", "scalr")];
        assert_eq!(s("carol@acme.example", true, &other), Standing::Stranger);
        assert_eq!(s("mallory@evil.example", true, &[]), Standing::Stranger);
        assert_eq!(s("sam@activestate.com", true, &[]), Standing::Staff);
        assert_eq!(s("sam@activestate.com", false, &[]), Standing::Stranger);
        // Our own support address is never staff.
        assert_eq!(s("support@activestate.com", true, &[]), Standing::Stranger);
        assert_eq!(standing(&p, &case, None, true, &[]), Standing::Stranger);
    }
}
