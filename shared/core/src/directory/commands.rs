//! The changes one can ask of the directory, and the plans that validate them against the
//! current records and the rules. The storage applies a plan; it decides nothing itself.

use super::authz::Standing;
use super::error::DirectoryError;
use super::model::{Member, Organisation, Role};
use super::rules::{
    check_limit_change, check_member_change, check_member_role, contact_limit, tier_of,
};
use super::validation::{
    validate_domains, validate_name, validate_person_name, validate_verified_domains,
};
use crate::ids::{EmailAddress, OrgId, PolicyId, TierId};
use crate::policy::PolicySet;
use crate::support_term::SupportTerm;

/// A new organisation, as operators describe it.
#[derive(Debug, Clone)]
pub struct NewOrg {
    pub id: OrgId,
    pub name: String,
    pub policy: PolicyId,
    /// A tier id, label or alias of the policy ("Enterprise", "business standard").
    pub tier: String,
    pub extra_contacts: u32,
    pub domains: Vec<String>,
    /// Which of `domains` an operator has verified (see [`Organisation::verified_domains`]).
    pub verified_domains: Vec<String>,
}

/// Changes to an organisation; `None` keeps the current value.
#[derive(Debug, Clone, Default)]
pub struct OrgChanges {
    pub name: Option<String>,
    pub policy: Option<PolicyId>,
    pub tier: Option<String>,
    pub extra_contacts: Option<u32>,
    pub domains: Option<Vec<String>>,
    /// Replaces the verified domains. When only `domains` changes, the verified domains that
    /// are no longer among them are dropped.
    pub verified_domains: Option<Vec<String>>,
    /// `Some(None)` removes the term.
    pub support_term: Option<Option<SupportTerm>>,
    pub products: Option<Vec<String>>,
}

impl OrgChanges {
    pub fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.policy.is_none()
            && self.tier.is_none()
            && self.extra_contacts.is_none()
            && self.domains.is_none()
            && self.verified_domains.is_none()
            && self.support_term.is_none()
            && self.products.is_none()
    }
}

/// A new member of an organisation.
#[derive(Debug, Clone)]
pub struct NewMember {
    pub org: OrgId,
    pub email: EmailAddress,
    pub name: Option<String>,
    pub role: Role,
    /// Only operators may vouch for an address; customers' members become verified by signing
    /// in with a verified email.
    pub verified: bool,
}

/// Changes to a member; `None` keeps the current value.
#[derive(Debug, Clone, Default)]
pub struct MemberChanges {
    pub name: Option<String>,
    pub role: Option<Role>,
    pub verified: Option<bool>,
}

/// Resolves a tier name (id, label or alias) within a policy.
pub fn resolve_tier(
    policies: &PolicySet,
    policy: &PolicyId,
    tier: &str,
) -> Result<TierId, DirectoryError> {
    let p = policies
        .get(policy)
        .ok_or_else(|| DirectoryError::Invalid(format!("unknown policy {policy}")))?;
    p.find_tier(tier).map(|t| t.id.clone()).ok_or_else(|| {
        let known: Vec<&str> = p.tiers.iter().map(|t| t.id.as_str()).collect();
        DirectoryError::Invalid(format!(
            "policy {policy} has no tier {tier:?} (tiers: {})",
            known.join(", ")
        ))
    })
}

/// The organisation a [`NewOrg`] describes, validated.
pub fn plan_new_org(policies: &PolicySet, new: NewOrg) -> Result<Organisation, DirectoryError> {
    let tier = resolve_tier(policies, &new.policy, &new.tier)?;
    let domains = validate_domains(&new.domains)?;
    Ok(Organisation {
        name: validate_name("the organisation name", &new.name)?,
        verified_domains: validate_verified_domains(&domains, &new.verified_domains)?,
        domains,
        id: new.id,
        policy: new.policy,
        tier,
        extra_contacts: new.extra_contacts,
        designated_count: 0,
        support_term: None,
        products: Vec::new(),
    })
}

/// Product names as operators type them: trimmed, non-empty, bounded, no duplicates.
fn validate_products(products: &[String]) -> Result<Vec<String>, DirectoryError> {
    let mut out: Vec<String> = Vec::new();
    for p in products {
        let p = p.trim();
        if p.is_empty() || p.chars().count() > 100 || p.chars().any(char::is_control) {
            return Err(DirectoryError::Invalid(format!(
                "product {p:?} must be 1 to 100 printable characters"
            )));
        }
        if !out.iter().any(|o| o.eq_ignore_ascii_case(p)) {
            out.push(p.to_string());
        }
    }
    if out.len() > 50 {
        return Err(DirectoryError::Invalid("at most 50 products".to_string()));
    }
    Ok(out)
}

/// An organisation update, planned: the record after it and the contact limit it leaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgUpdate {
    pub after: Organisation,
    /// Slots under the new terms; the storage re-checks `designated_count <= limit` on write.
    pub limit: u32,
}

impl OrgUpdate {
    /// The verified domains `before` had that this update drops (their lookup items go).
    pub fn dropped_verified_domains<'a>(&self, before: &'a Organisation) -> Vec<&'a str> {
        before
            .verified_domains
            .iter()
            .filter(|d| !self.after.verified_domains.contains(d))
            .map(String::as_str)
            .collect()
    }

    /// Whether the members' copies of the organisation (name, policy, tier) change.
    pub fn changes_copies(&self, before: &Organisation) -> bool {
        self.after.name != before.name
            || self.after.policy != before.policy
            || self.after.tier != before.tier
            || self.after.support_term != before.support_term
            || self.after.products != before.products
    }
}

/// Merges `changes` into `before`, validating each value; refuses a downgrade below the current
/// designations. The plan may equal `before`: applying it then changes nothing but still
/// repairs the members' copies.
pub fn plan_org_update(
    policies: &PolicySet,
    before: &Organisation,
    changes: &OrgChanges,
) -> Result<OrgUpdate, DirectoryError> {
    let mut after = before.clone();
    if let Some(name) = &changes.name {
        after.name = validate_name("the organisation name", name)?;
    }
    if let Some(domains) = &changes.domains {
        after.domains = validate_domains(domains)?;
        // A verification is of a domain: it goes when the domain goes.
        let domains = &after.domains;
        after.verified_domains.retain(|d| domains.contains(d));
    }
    if let Some(verified) = &changes.verified_domains {
        after.verified_domains = validate_verified_domains(&after.domains, verified)?;
    }
    if let Some(term) = changes.support_term {
        after.support_term = term;
    }
    if let Some(products) = &changes.products {
        after.products = validate_products(products)?;
    }
    if let Some(extra) = changes.extra_contacts {
        after.extra_contacts = extra;
    }
    if let Some(policy) = &changes.policy {
        after.policy = policy.clone();
    }
    if let Some(tier) = &changes.tier {
        after.tier = resolve_tier(policies, &after.policy, tier)?;
    }
    // Also when the tier is kept: a new policy must know it too.
    let limit = contact_limit(
        tier_of(policies, &after.policy, &after.tier)?,
        after.extra_contacts,
    );
    check_limit_change(before, &after.tier, after.extra_contacts, limit)?;
    Ok(OrgUpdate { after, limit })
}

/// The member a [`NewMember`] describes, validated and judged for the caller's standing.
pub fn plan_new_member(
    standing: Standing,
    org: &Organisation,
    new: &NewMember,
) -> Result<Member, DirectoryError> {
    let name = validate_person_name(new.name.as_deref())?;
    check_member_role(standing, org, &new.email, new.role)?;
    Ok(Member {
        org: new.org.clone(),
        email: new.email.clone(),
        name,
        role: new.role,
        verified: new.verified,
        designated: false,
        designated_at: None,
    })
}

/// Merges `changes` into `before`. A new role passes the same rule as adding a member with that
/// role; a designated contact must stay eligible. (Whether an administrator remains is judged
/// with the other members: [`super::rules::other_admin`].)
pub fn plan_member_update(
    standing: Standing,
    org: &Organisation,
    before: &Member,
    changes: &MemberChanges,
) -> Result<Member, DirectoryError> {
    let mut after = before.clone();
    if let Some(n) = &changes.name {
        after.name = validate_person_name(Some(n))?;
    }
    if let Some(role) = changes.role {
        if role != before.role {
            check_member_role(standing, org, &before.email, role)?;
        }
        after.role = role;
    }
    if let Some(v) = changes.verified {
        after.verified = v;
    }
    check_member_change(before, after.role, after.name.as_deref(), after.verified)?;
    Ok(after)
}

#[cfg(test)]
#[path = "commands_tests.rs"]
mod tests;
