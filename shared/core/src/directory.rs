//! Organisations, their members and their designated contacts: who may do what, and the limits.
//!
//! Tier assignment trusts this directory, so its rules live here, free of I/O, where they can be
//! tested exhaustively. The DynamoDB adapter (`slamail-aws`) re-checks the same facts inside its
//! conditional writes; these functions give the clear answer first and classify a failed write
//! afterwards.
//!
//! One address may belong to several organisations; which of them sets a sender's tier (the
//! highest tier among those where they are designated) is decided by
//! [`crate::triage::tier::assign_tier`].

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::ids::{EmailAddress, OrgId, PolicyId, TierId};
use crate::policy::{PolicySet, Tier};

/// Everything that can go wrong reading or changing the directory. Each variant has a stable
/// [`code`](DirectoryError::code) that the admin API returns to clients.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DirectoryError {
    #[error("organisation {0} does not exist")]
    UnknownOrg(OrgId),
    #[error("organisation {0} already exists")]
    OrgExists(OrgId),
    #[error("{email} is not a member of {org}")]
    NotAMember { org: OrgId, email: EmailAddress },
    #[error("{email} is already a member of {org}")]
    MemberExists { org: OrgId, email: EmailAddress },
    #[error("designated contact limit reached ({used} of {limit}) for {org}")]
    LimitReached { org: OrgId, used: u32, limit: u32 },
    #[error("{email} is not a verified member of {org}: {why}")]
    NotEligible {
        org: OrgId,
        email: EmailAddress,
        why: String,
    },
    #[error("{email} is already a designated contact of {org}")]
    AlreadyDesignated { org: OrgId, email: EmailAddress },
    #[error("{email} is not a designated contact of {org}")]
    NotDesignated { org: OrgId, email: EmailAddress },
    #[error(
        "{org} has {designated} designated contacts but tier {tier} with {extra} extra allows {limit}: remove {excess} first",
        excess = designated.saturating_sub(*limit)
    )]
    OverLimit {
        org: OrgId,
        tier: TierId,
        extra: u32,
        designated: u32,
        limit: u32,
    },
    #[error("not allowed: {0}")]
    Forbidden(String),
    #[error("invalid request: {0}")]
    Invalid(String),
    #[error("conflicting change to {0}; read it again and retry")]
    Conflict(String),
    #[error("directory item {key} is unreadable: {why}")]
    Corrupt { key: String, why: String },
    #[error("directory storage failed: {0}")]
    Storage(String),
}

impl DirectoryError {
    /// A short, stable, machine-readable name for the error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnknownOrg(_) => "unknown-org",
            Self::OrgExists(_) => "org-exists",
            Self::NotAMember { .. } => "not-a-member",
            Self::MemberExists { .. } => "member-exists",
            Self::LimitReached { .. } => "limit-reached",
            Self::NotEligible { .. } => "not-eligible",
            Self::AlreadyDesignated { .. } => "already-designated",
            Self::NotDesignated { .. } => "not-designated",
            Self::OverLimit { .. } => "over-limit",
            Self::Forbidden(_) => "forbidden",
            Self::Invalid(_) => "invalid",
            Self::Conflict(_) => "conflict",
            Self::Corrupt { .. } => "corrupt",
            Self::Storage(_) => "storage",
        }
    }
}

/// A member's role in their organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Manages the organisation's members and designated contacts.
    Admin,
    Member,
    /// Someone working for the organisation without belonging to it (a consultant, a reseller):
    /// listed so that mail from them is recognised, but never a designated contact.
    ThirdParty,
}

impl Role {
    pub fn parse(text: &str) -> Option<Self> {
        match crate::policy::normalise_name(text).as_str() {
            "admin" | "administrator" => Some(Self::Admin),
            "member" => Some(Self::Member),
            "third party" | "thirdparty" => Some(Self::ThirdParty),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Member => "member",
            Self::ThirdParty => "third-party",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An organisation as the directory stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    pub id: OrgId,
    pub name: String,
    pub policy: PolicyId,
    pub tier: TierId,
    /// Purchased designated contacts on top of the tier's allowance; granted by operators.
    pub extra_contacts: u32,
    /// The organisation's own mail domains; administrators may only add people from them as
    /// admins or members (anyone else is a third party).
    pub domains: Vec<String>,
    /// How many members are designated right now; the storage keeps it exact transactionally.
    pub designated_count: u32,
}

/// One person in one organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub org: OrgId,
    pub email: EmailAddress,
    pub name: Option<String>,
    pub role: Role,
    /// The person proved control of the address: they signed in with a verified email, or an
    /// operator vouched for them.
    pub verified: bool,
    pub designated: bool,
    pub designated_at: Option<DateTime<Utc>>,
}

/// Who performs a change; recorded in the audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Actor {
    /// A vendor operator (CLI user or a member of the operators group).
    Operator(String),
    /// A customer, identified by their verified address.
    User(EmailAddress),
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Operator(name) => write!(f, "operator:{name}"),
            Self::User(email) => write!(f, "user:{email}"),
        }
    }
}

/// What the caller is to the organisation a request is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    Operator,
    Admin,
    Member,
    ThirdParty,
    /// Not in the organisation at all (or the organisation does not exist: the two must look
    /// the same to a customer, or the API would disclose which organisations exist).
    Outsider,
}

impl Standing {
    /// The caller's standing, from whether they are an operator and their own member record.
    pub fn of(is_operator: bool, own_record: Option<&Member>) -> Self {
        if is_operator {
            return Self::Operator;
        }
        match own_record.map(|m| m.role) {
            Some(Role::Admin) => Self::Admin,
            Some(Role::Member) => Self::Member,
            Some(Role::ThirdParty) => Self::ThirdParty,
            None => Self::Outsider,
        }
    }
}

/// Everything one can ask of the directory about an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    CreateOrg,
    UpdateOrg,
    ShowOrg,
    ListMembers,
    AddMember,
    UpdateMember,
    RemoveMember,
    ListContacts,
    Designate,
    RemoveContact,
    ViewAudit,
    /// "Am I a member, am I designated?"
    ViewOwnStatus,
}

impl Action {
    fn describe(self) -> &'static str {
        match self {
            Self::CreateOrg => "create organisations",
            Self::UpdateOrg => "change an organisation's tier, extra contacts or domains",
            Self::ShowOrg => "see this organisation",
            Self::ListMembers => "list this organisation's members",
            Self::AddMember => "add members",
            Self::UpdateMember => "change members",
            Self::RemoveMember => "remove members",
            Self::ListContacts => "list designated contacts",
            Self::Designate => "designate contacts",
            Self::RemoveContact => "remove designated contacts",
            Self::ViewAudit => "read the audit trail",
            Self::ViewOwnStatus => "see your membership",
        }
    }
}

/// The authorization matrix. Operators may do everything; an organisation's administrators
/// manage its members and contacts but not its commercial terms (tier, extras, domains);
/// members and third parties may only see their own standing; outsiders nothing.
pub fn authorize(standing: Standing, action: Action) -> Result<(), DirectoryError> {
    use Action::*;
    let allowed = match standing {
        Standing::Operator => true,
        Standing::Admin => !matches!(action, CreateOrg | UpdateOrg),
        Standing::Member | Standing::ThirdParty => action == ViewOwnStatus,
        Standing::Outsider => false,
    };
    if allowed {
        return Ok(());
    }
    let who = match standing {
        Standing::Operator => "operators",
        Standing::Admin => "administrators",
        Standing::Member => "members",
        Standing::ThirdParty => "third parties",
        Standing::Outsider => "people outside the organisation",
    };
    let why = match (standing, action) {
        (Standing::Admin, _) => format!("only operators may {}", action.describe()),
        _ => format!(
            "{who} may not {}; ask an administrator of the organisation",
            action.describe()
        ),
    };
    Err(DirectoryError::Forbidden(why))
}

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

/// Administrators vouch only for their own people: when the organisation lists its domains, an
/// administrator may add an outside address only as a third party. Operators know the contract
/// and may add anyone.
pub fn check_new_member(
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

const MAX_NAME: usize = 200;
const MAX_DOMAINS: usize = 50;

/// A display name: trimmed, 1 to 200 characters, no control characters.
pub fn validate_name(what: &str, raw: &str) -> Result<String, DirectoryError> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(DirectoryError::Invalid(format!("{what} is empty")));
    }
    if name.chars().count() > MAX_NAME {
        return Err(DirectoryError::Invalid(format!(
            "{what} is longer than {MAX_NAME} characters"
        )));
    }
    if name.chars().any(char::is_control) {
        return Err(DirectoryError::Invalid(format!(
            "{what} contains control characters"
        )));
    }
    Ok(name.to_string())
}

/// A person's optional name: blank means none.
pub fn validate_person_name(raw: Option<&str>) -> Result<Option<String>, DirectoryError> {
    match raw {
        Some(n) if !n.trim().is_empty() => validate_name("the name", n).map(Some),
        _ => Ok(None),
    }
}

/// Mail domains: lower-cased host names, deduplicated and sorted.
pub fn validate_domains(raw: &[String]) -> Result<Vec<String>, DirectoryError> {
    if raw.len() > MAX_DOMAINS {
        return Err(DirectoryError::Invalid(format!(
            "at most {MAX_DOMAINS} domains"
        )));
    }
    let mut out = Vec::with_capacity(raw.len());
    for d in raw {
        let d = d.trim().trim_start_matches('@');
        // The address parser already knows what a host name is.
        let probe = EmailAddress::parse(&format!("postmaster@{d}"))
            .map_err(|_| DirectoryError::Invalid(format!("{d:?} is not a domain name")))?;
        if !probe.domain().contains('.') {
            return Err(DirectoryError::Invalid(format!(
                "{d:?} is not a fully qualified domain name"
            )));
        }
        out.push(probe.domain().to_string());
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// What an audit entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AuditAction {
    #[serde(rename = "org.create")]
    CreateOrg,
    #[serde(rename = "org.update")]
    UpdateOrg,
    #[serde(rename = "member.add")]
    AddMember,
    #[serde(rename = "member.update")]
    UpdateMember,
    #[serde(rename = "member.verify")]
    VerifyMember,
    #[serde(rename = "member.remove")]
    RemoveMember,
    #[serde(rename = "contact.designate")]
    Designate,
    #[serde(rename = "contact.remove")]
    RemoveContact,
}

impl AuditAction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CreateOrg => "org.create",
            Self::UpdateOrg => "org.update",
            Self::AddMember => "member.add",
            Self::UpdateMember => "member.update",
            Self::VerifyMember => "member.verify",
            Self::RemoveMember => "member.remove",
            Self::Designate => "contact.designate",
            Self::RemoveContact => "contact.remove",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            Self::CreateOrg,
            Self::UpdateOrg,
            Self::AddMember,
            Self::UpdateMember,
            Self::VerifyMember,
            Self::RemoveMember,
            Self::Designate,
            Self::RemoveContact,
        ]
        .into_iter()
        .find(|a| a.as_str() == text)
    }
}

/// One change: who, when, what, and the record before and after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: AuditAction,
    pub org: OrgId,
    /// The member concerned, if any.
    pub target: Option<EmailAddress>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org_id(s: &str) -> OrgId {
        OrgId::parse(s).unwrap()
    }

    fn email(s: &str) -> EmailAddress {
        EmailAddress::parse(s).unwrap()
    }

    fn member(role: Role, verified: bool, name: Option<&str>, designated: bool) -> Member {
        Member {
            org: org_id("acme"),
            email: email("x@acme.example"),
            name: name.map(str::to_string),
            role,
            verified,
            designated,
            designated_at: None,
        }
    }

    fn org(policy: &str, tier: &str, extra: u32, designated: u32) -> Organisation {
        Organisation {
            id: org_id("acme"),
            name: "Acme".into(),
            policy: PolicyId::parse(policy).unwrap(),
            tier: TierId::parse(tier).unwrap(),
            extra_contacts: extra,
            domains: vec!["acme.example".into()],
            designated_count: designated,
        }
    }

    #[test]
    fn authorization_matrix() {
        use Action::*;
        let all = [
            CreateOrg,
            UpdateOrg,
            ShowOrg,
            ListMembers,
            AddMember,
            UpdateMember,
            RemoveMember,
            ListContacts,
            Designate,
            RemoveContact,
            ViewAudit,
            ViewOwnStatus,
        ];
        for action in all {
            assert!(authorize(Standing::Operator, action).is_ok(), "{action:?}");
            assert!(authorize(Standing::Outsider, action).is_err(), "{action:?}");
            let admin = authorize(Standing::Admin, action).is_ok();
            assert_eq!(
                admin,
                !matches!(action, CreateOrg | UpdateOrg),
                "{action:?}"
            );
            for s in [Standing::Member, Standing::ThirdParty] {
                assert_eq!(authorize(s, action).is_ok(), action == ViewOwnStatus);
            }
        }
        let err = authorize(Standing::Member, Designate).unwrap_err();
        assert_eq!(err.code(), "forbidden");
    }

    #[test]
    fn standing_comes_from_the_callers_own_record() {
        let admin = member(Role::Admin, true, Some("A"), false);
        let third = member(Role::ThirdParty, true, Some("T"), false);
        assert_eq!(Standing::of(true, None), Standing::Operator);
        assert_eq!(Standing::of(true, Some(&third)), Standing::Operator);
        assert_eq!(Standing::of(false, Some(&admin)), Standing::Admin);
        assert_eq!(Standing::of(false, Some(&third)), Standing::ThirdParty);
        assert_eq!(Standing::of(false, None), Standing::Outsider);
    }

    #[test]
    fn limits_follow_the_policy_tiers_plus_extras() {
        let ps = PolicySet::builtin().unwrap();
        let lim = |p: &str, t: &str, extra| org_limit(&ps, &org(p, t, extra, 0)).unwrap();
        assert_eq!(lim("activestate", "free", 0), 0);
        assert_eq!(lim("activestate", "team", 0), 1);
        assert_eq!(lim("activestate", "enterprise", 0), 2);
        assert_eq!(lim("activestate", "enterprise", 3), 5);
        assert_eq!(lim("activestate", "free", 1), 1);
        assert!(org_limit(&ps, &org("activestate", "platinum", 0, 0)).is_err());
        assert!(org_limit(&ps, &org("nobody", "team", 0, 0)).is_err());
        let tier = ps
            .get(&PolicyId::parse("activestate").unwrap())
            .unwrap()
            .find_tier("enterprise")
            .unwrap();
        assert_eq!(contact_limit(tier, u32::MAX), u32::MAX);
    }

    #[test]
    fn free_slot_and_the_limit_message() {
        let a = org_id("acme");
        assert!(check_free_slot(&a, 1, 2).is_ok());
        let err = check_free_slot(&a, 2, 2).unwrap_err();
        assert_eq!(err.code(), "limit-reached");
        assert!(err.to_string().contains("limit reached (2 of 2)"), "{err}");
        assert!(check_free_slot(&a, 0, 0).is_err());
        assert!(check_free_slot(&a, 3, 2).is_err());
    }

    #[test]
    fn who_can_be_designated() {
        let (a, e) = (org_id("acme"), email("x@acme.example"));
        let ok = member(Role::Member, true, Some("X"), false);
        assert!(check_designatable(&a, &e, Some(&ok)).is_ok());
        let admin = member(Role::Admin, true, Some("X"), false);
        assert!(check_designatable(&a, &e, Some(&admin)).is_ok());
        let code = |m: Option<&Member>| check_designatable(&a, &e, m).unwrap_err().code();
        assert_eq!(code(None), "not-a-member");
        assert_eq!(
            code(Some(&member(Role::ThirdParty, true, Some("X"), false))),
            "not-eligible"
        );
        assert_eq!(
            code(Some(&member(Role::Member, false, Some("X"), false))),
            "not-eligible"
        );
        assert_eq!(
            code(Some(&member(Role::Member, true, None, false))),
            "not-eligible"
        );
        assert_eq!(
            code(Some(&member(Role::Member, true, Some("  "), false))),
            "not-eligible"
        );
        assert_eq!(
            code(Some(&member(Role::Member, true, Some("X"), true))),
            "already-designated"
        );
    }

    #[test]
    fn downgrades_below_current_designations_are_refused() {
        let o = org("activestate", "enterprise", 0, 2);
        let team = TierId::parse("team").unwrap();
        let err = check_limit_change(&o, &team, 0, 1).unwrap_err();
        assert_eq!(err.code(), "over-limit");
        assert!(err.to_string().contains("remove 1 first"), "{err}");
        assert!(check_limit_change(&o, &team, 1, 2).is_ok());
        assert!(check_limit_change(&org("activestate", "enterprise", 0, 1), &team, 0, 1).is_ok());
    }

    #[test]
    fn designated_members_stay_eligible() {
        let d = member(Role::Member, true, Some("X"), true);
        assert!(check_member_change(&d, Role::Admin, Some("X"), true).is_ok());
        assert!(check_member_change(&d, Role::ThirdParty, Some("X"), true).is_err());
        assert!(check_member_change(&d, Role::Member, Some("X"), false).is_err());
        assert!(check_member_change(&d, Role::Member, None, true).is_err());
        let n = member(Role::Member, true, Some("X"), false);
        assert!(check_member_change(&n, Role::ThirdParty, None, false).is_ok());
    }

    #[test]
    fn admins_add_only_their_own_domains_as_members() {
        let o = org("activestate", "team", 0, 0);
        let inside = email("bob@acme.example");
        let sub = email("bob@eu.acme.example");
        let outside = email("eve@evilacme.example");
        assert!(check_new_member(Standing::Admin, &o, &inside, Role::Member).is_ok());
        assert!(check_new_member(Standing::Admin, &o, &sub, Role::Admin).is_ok());
        assert!(check_new_member(Standing::Admin, &o, &outside, Role::Member).is_err());
        assert!(check_new_member(Standing::Admin, &o, &outside, Role::ThirdParty).is_ok());
        assert!(check_new_member(Standing::Operator, &o, &outside, Role::Member).is_ok());
        let mut open = o.clone();
        open.domains.clear();
        assert!(check_new_member(Standing::Admin, &open, &outside, Role::Member).is_ok());
    }

    #[test]
    fn validation() {
        assert_eq!(validate_name("name", "  Acme  ").unwrap(), "Acme");
        assert!(validate_name("name", " ").is_err());
        assert!(validate_name("name", "a\u{7}b").is_err());
        assert!(validate_name("name", &"x".repeat(201)).is_err());
        assert_eq!(validate_person_name(Some(" ")).unwrap(), None);
        assert_eq!(
            validate_domains(&[
                "Acme.Example".into(),
                "@acme.example".into(),
                "b.example".into()
            ])
            .unwrap(),
            vec!["acme.example".to_string(), "b.example".to_string()]
        );
        assert!(validate_domains(&["localhost".into()]).is_err());
        assert!(validate_domains(&["bad domain.com".into()]).is_err());
        assert_eq!(Role::parse("Third Party"), Some(Role::ThirdParty));
        assert_eq!(Role::parse("third-party"), Some(Role::ThirdParty));
        assert_eq!(Role::parse("owner"), None);
        for a in [AuditAction::Designate, AuditAction::VerifyMember] {
            assert_eq!(AuditAction::parse(a.as_str()), Some(a));
        }
    }

    #[test]
    fn actors_render_for_the_audit_trail() {
        assert_eq!(Actor::Operator("ops".into()).to_string(), "operator:ops");
        assert_eq!(
            Actor::User(email("Alice@Acme.example")).to_string(),
            "user:alice@acme.example"
        );
    }
}
