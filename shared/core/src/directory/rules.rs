//! The directory's rules: contact limits, who can be designated, who may hold which role, and
//! that customers keep an administrator.

use super::authz::Standing;
use super::error::DirectoryError;
use super::model::{Member, Organisation, Role};
use super::validation::MAX_VERIFIED_DOMAIN_LABELS;
use crate::ids::{EmailAddress, OrgId, PolicyId, TierId};
use crate::policy::{PolicySet, Tier};
use crate::triage::Membership;

/// The tier an organisation's policy and tier ids name.
pub fn tier_of<'a>(
    policies: &'a PolicySet,
    policy: &PolicyId,
    tier: &TierId,
) -> Result<&'a Tier, DirectoryError> {
    let p = policies
        .get(policy)
        .ok_or_else(|| DirectoryError::Invalid(format!("unknown policy {policy}")))?;
    p.tier(tier)
        .ok_or_else(|| DirectoryError::Invalid(format!("policy {policy} has no tier {tier}")))
}

/// How many designated contacts an organisation at `tier` with `extra` purchased ones may have.
pub fn contact_limit(tier: &Tier, extra: u32) -> u32 {
    tier.designated_contacts.saturating_add(extra)
}

/// The organisation's limit under the given policies.
pub fn org_limit(policies: &PolicySet, org: &Organisation) -> Result<u32, DirectoryError> {
    Ok(contact_limit(
        tier_of(policies, &org.policy, &org.tier)?,
        org.extra_contacts,
    ))
}

/// Whether one more designation fits.
pub fn check_free_slot(org: &OrgId, used: u32, limit: u32) -> Result<(), DirectoryError> {
    if used < limit {
        Ok(())
    } else {
        Err(DirectoryError::LimitReached {
            org: org.clone(),
            used,
            limit,
        })
    }
}

/// Whether `target` may become a designated contact of `org`: a verified, named admin or member
/// who is not designated yet.
pub fn check_designatable(
    org: &OrgId,
    email: &EmailAddress,
    target: Option<&Member>,
) -> Result<(), DirectoryError> {
    let Some(m) = target else {
        return Err(DirectoryError::NotAMember {
            org: org.clone(),
            email: email.clone(),
        });
    };
    let not_eligible = |why: &str| DirectoryError::NotEligible {
        org: org.clone(),
        email: email.clone(),
        why: why.to_string(),
    };
    if m.role == Role::ThirdParty {
        return Err(not_eligible("third parties cannot be designated contacts"));
    }
    if !m.verified {
        return Err(not_eligible(
            "they have not signed in with a verified address yet",
        ));
    }
    if m.name.as_deref().is_none_or(|n| n.trim().is_empty()) {
        return Err(not_eligible(
            "designated contacts must have a name on record",
        ));
    }
    if m.designated {
        return Err(DirectoryError::AlreadyDesignated {
            org: org.clone(),
            email: email.clone(),
        });
    }
    Ok(())
}

/// The downgrade rule: a change of tier, policy or extra contacts that leaves fewer slots than
/// current designations is refused, naming how many to remove first. Refusing (rather than
/// silently deactivating someone) keeps the customer in charge of who loses the status.
pub fn check_limit_change(
    org: &Organisation,
    new_tier: &TierId,
    new_extra: u32,
    new_limit: u32,
) -> Result<(), DirectoryError> {
    if org.designated_count <= new_limit {
        Ok(())
    } else {
        Err(DirectoryError::OverLimit {
            org: org.id.clone(),
            tier: new_tier.clone(),
            extra: new_extra,
            designated: org.designated_count,
            limit: new_limit,
        })
    }
}

/// Changes to a member's record must not leave an ineligible designated contact.
pub fn check_member_change(
    current: &Member,
    role: Role,
    name: Option<&str>,
    verified: bool,
) -> Result<(), DirectoryError> {
    if !current.designated {
        return Ok(());
    }
    let why = if role == Role::ThirdParty {
        "a designated contact cannot become a third party"
    } else if !verified {
        "a designated contact cannot become unverified"
    } else if name.is_none_or(|n| n.trim().is_empty()) {
        "a designated contact must keep a name"
    } else {
        return Ok(());
    };
    Err(DirectoryError::Invalid(format!(
        "{why}: remove the designation of {} first",
        current.email
    )))
}

/// Whether `email` belongs to one of `domains` (or a subdomain of one).
pub fn in_domains(email: &EmailAddress, domains: &[String]) -> bool {
    let d = email.domain();
    domains.iter().any(|own| {
        d == own
            || d.strip_suffix(own.as_str())
                .is_some_and(|p| p.ends_with('.'))
    })
}

/// The domains under which the directory files an address's organisations: the address's own
/// domain and its parents of at least two and at most
/// [`MAX_VERIFIED_DOMAIN_LABELS`](super::validation::MAX_VERIFIED_DOMAIN_LABELS) labels, most
/// specific first (`a@eu.acme.example` → `eu.acme.example`, `acme.example`). A verified domain
/// covers its subdomains, as [`in_domains`] does.
pub fn domain_lookup_keys(email: &EmailAddress) -> Vec<String> {
    let labels: Vec<&str> = email.domain().split('.').collect();
    (2..=labels.len().min(MAX_VERIFIED_DOMAIN_LABELS))
        .rev()
        .map(|n| labels[labels.len() - n..].join("."))
        .collect()
}

/// What the directory knows about `email` through `org`'s verified domains: a membership marked
/// `by_domain` when the address is in one of them (or a subdomain), else `None`. A domain the
/// organisation lists but has not had verified counts for nothing.
pub fn domain_membership(org: &Organisation, email: &EmailAddress) -> Option<Membership> {
    in_domains(email, &org.verified_domains).then(|| Membership {
        org: org.id.clone(),
        org_name: org.name.clone(),
        policy: org.policy.clone(),
        tier: org.tier.clone(),
        designated: false,
        third_party: false,
        by_domain: true,
        support_term: org.support_term,
        products: org.products.clone(),
    })
}

/// Who may hold `role` in `org`, judged for whoever gives it (adding a member or changing their
/// role: one rule for both, so a role change cannot launder what adding refuses).
/// Administrators vouch only for their own people: when the organisation lists its domains, an
/// administrator may give an outside address only the third-party role. Operators know the
/// contract and may give anyone any role.
pub fn check_member_role(
    standing: Standing,
    org: &Organisation,
    email: &EmailAddress,
    role: Role,
) -> Result<(), DirectoryError> {
    if standing == Standing::Operator
        || role == Role::ThirdParty
        || org.domains.is_empty()
        || in_domains(email, &org.domains)
    {
        return Ok(());
    }
    Err(DirectoryError::Forbidden(format!(
        "{email} is outside {}'s domains ({}); add them as a third party or ask an operator",
        org.id,
        org.domains.join(", ")
    )))
}

/// The rule for adding a member; the same as for giving an existing member a role.
pub fn check_new_member(
    standing: Standing,
    org: &Organisation,
    email: &EmailAddress,
    role: Role,
) -> Result<(), DirectoryError> {
    check_member_role(standing, org, email, role)
}

/// Whether a change takes an administrator away in a way the last-administrator rule guards:
/// a customer removing an admin (`role_after` `None`) or giving them another role. Operators are
/// exempt: they can always appoint a new administrator, customers could not.
pub fn loses_an_admin(standing: Standing, before: &Member, role_after: Option<Role>) -> bool {
    standing != Standing::Operator && before.role == Role::Admin && role_after != Some(Role::Admin)
}

/// Another administrator of the organisation who remains when `leaving` stops being one, or
/// [`DirectoryError::LastAdmin`]. The storage conditions its write on that administrator still
/// being one, so two admins stepping down at once cannot both succeed. Prefers `caller`, whose
/// standing the write checks anyway.
pub fn other_admin<'a>(
    leaving: &Member,
    members: &'a [Member],
    caller: Option<&EmailAddress>,
) -> Result<&'a Member, DirectoryError> {
    let mut others = members
        .iter()
        .filter(|m| m.role == Role::Admin && m.email != leaving.email);
    let first = others.clone().find(|m| Some(&m.email) == caller);
    first
        .or_else(|| others.next())
        .ok_or_else(|| DirectoryError::LastAdmin {
            org: leaving.org.clone(),
            email: leaving.email.clone(),
        })
}

#[cfg(test)]
#[path = "rules_tests.rs"]
mod tests;
