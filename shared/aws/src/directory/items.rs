//! The directory's items and keys: one serde mapping per item kind, through `serde_dynamo`.
//!
//! | item   | `pk`        | `sk`                        | notes                                      |
//! |--------|-------------|-----------------------------|--------------------------------------------|
//! | org    | `ORG#<org>` | `ORG`                       | terms, `designated_count`, `version`       |
//! | member | `ORG#<org>` | `MEMBER#<email>`            | copies of the org's name/policy/tier, `org_version`; `email` feeds the `by-email` GSI |
//! | audit  | `ORG#<org>` | `AUDIT#<rfc3339>#<random>`  | who, what, before, after (JSON strings)     |
//! | domain | `DOMAIN#<domain>` | `ORG#<org>`           | one per verified domain: copies of the org's name/policy/tier ([`super::domains`]) |

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use slamail_core::directory::{AuditAction, AuditEntry, Member, Organisation, Role};
use slamail_core::ids::{EmailAddress, OrgId, PolicyId, TierId};
use slamail_core::support_term::SupportTerm;
use slamail_core::triage::Membership;

use super::error::DirectoryStoreError;

pub(super) type Item = HashMap<String, AttributeValue>;

pub(super) const ORG_SK: &str = "ORG";
pub(super) const MEMBER_PREFIX: &str = "MEMBER#";
pub(super) const AUDIT_PREFIX: &str = "AUDIT#";

pub(super) fn org_pk(org: &OrgId) -> String {
    format!("ORG#{org}")
}

pub(super) fn member_sk(email: &EmailAddress) -> String {
    format!("{MEMBER_PREFIX}{email}")
}

pub(super) fn key(pk: String, sk: String) -> Item {
    HashMap::from([
        ("pk".to_string(), AttributeValue::S(pk)),
        ("sk".to_string(), AttributeValue::S(sk)),
    ])
}

pub(super) fn s(v: &str) -> AttributeValue {
    AttributeValue::S(v.to_string())
}

pub(super) fn n(v: impl ToString) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

pub(super) fn list(v: &[String]) -> AttributeValue {
    AttributeValue::L(v.iter().map(|x| s(x)).collect())
}

/// A support term as the item stores it (a map of two dates), for update expressions.
pub(super) fn term_value(term: &SupportTerm) -> Result<AttributeValue, DirectoryStoreError> {
    serde_dynamo::to_attribute_value(term)
        .map_err(|e| DirectoryStoreError::Storage(format!("support term: {e}")))
}

pub(super) fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub(super) fn to_item<T: Serialize>(v: &T) -> Result<Item, DirectoryStoreError> {
    serde_dynamo::to_item(v)
        .map_err(|e| DirectoryStoreError::Storage(format!("cannot serialise an item: {e}")))
}

pub(super) fn from_item<T: DeserializeOwned>(item: &Item) -> Result<T, DirectoryStoreError> {
    serde_dynamo::from_item(item.clone()).map_err(|e| corrupt(item, e.to_string()))
}

fn corrupt(item: &Item, why: String) -> DirectoryStoreError {
    let part = |k: &str| match item.get(k) {
        Some(AttributeValue::S(v)) => v.clone(),
        _ => "?".into(),
    };
    DirectoryStoreError::Corrupt {
        key: format!("{}/{}", part("pk"), part("sk")),
        why,
    }
}

/// The organisation item. `version` counts changes to the organisation's terms; member copies
/// record the version they were copied from, so an older propagation never overwrites a newer one.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct OrgItem {
    pk: String,
    sk: String,
    org: OrgId,
    name: String,
    policy: PolicyId,
    tier: TierId,
    #[serde(default)]
    extra_contacts: u32,
    #[serde(default)]
    domains: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    verified_domains: Vec<String>,
    #[serde(default)]
    designated_count: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    support_term: Option<SupportTerm>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    products: Vec<String>,
    #[serde(default)]
    pub version: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    created_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    updated_at: Option<String>,
}

impl OrgItem {
    pub fn new(o: &Organisation, now: DateTime<Utc>) -> Self {
        Self {
            pk: org_pk(&o.id),
            sk: ORG_SK.into(),
            org: o.id.clone(),
            name: o.name.clone(),
            policy: o.policy.clone(),
            tier: o.tier.clone(),
            extra_contacts: o.extra_contacts,
            domains: o.domains.clone(),
            verified_domains: o.verified_domains.clone(),
            designated_count: o.designated_count,
            support_term: o.support_term,
            products: o.products.clone(),
            version: 0,
            created_at: Some(rfc3339(now)),
            updated_at: Some(rfc3339(now)),
        }
    }

    pub fn org(&self) -> Organisation {
        Organisation {
            id: self.org.clone(),
            name: self.name.clone(),
            policy: self.policy.clone(),
            tier: self.tier.clone(),
            extra_contacts: self.extra_contacts,
            domains: self.domains.clone(),
            verified_domains: self.verified_domains.clone(),
            designated_count: self.designated_count,
            support_term: self.support_term,
            products: self.products.clone(),
        }
    }
}

/// What member and domain items copy of their organisation for the intake's one-query lookup,
/// and the organisation version the copies were taken at.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct OrgCopy {
    org: OrgId,
    org_name: String,
    policy: PolicyId,
    tier: TierId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    support_term: Option<SupportTerm>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    products: Vec<String>,
    #[serde(default)]
    org_version: u64,
}

impl OrgCopy {
    pub fn of(org: &Organisation, org_version: u64) -> Self {
        Self {
            org: org.id.clone(),
            org_name: org.name.clone(),
            policy: org.policy.clone(),
            tier: org.tier.clone(),
            support_term: org.support_term,
            products: org.products.clone(),
            org_version,
        }
    }

    /// The sender's membership these copies describe.
    pub fn membership(self, designated: bool, third_party: bool, by_domain: bool) -> Membership {
        Membership {
            org: self.org,
            org_name: self.org_name,
            policy: self.policy,
            tier: self.tier,
            designated,
            third_party,
            by_domain,
            support_term: self.support_term,
            products: self.products,
        }
    }
}

/// A member item, with the copies of its organisation's fields that the intake's one-query
/// lookup reads.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct MemberItem {
    pk: String,
    sk: String,
    email: EmailAddress,
    #[serde(flatten)]
    copy: OrgCopy,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    role: Role,
    #[serde(default)]
    verified: bool,
    #[serde(default)]
    designated: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    designated_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    added_at: Option<String>,
}

impl MemberItem {
    pub fn new(m: &Member, org: &Organisation, org_version: u64, now: DateTime<Utc>) -> Self {
        Self {
            pk: org_pk(&m.org),
            sk: member_sk(&m.email),
            email: m.email.clone(),
            copy: OrgCopy::of(org, org_version),
            name: m.name.clone(),
            role: m.role,
            verified: m.verified,
            designated: m.designated,
            designated_at: m.designated_at,
            added_at: Some(rfc3339(now)),
        }
    }

    pub fn member(&self) -> Member {
        Member {
            org: self.copy.org.clone(),
            email: self.email.clone(),
            name: self.name.clone(),
            role: self.role,
            verified: self.verified,
            designated: self.designated,
            designated_at: self.designated_at,
        }
    }

    pub fn membership(&self) -> Membership {
        let third_party = self.role == Role::ThirdParty;
        self.copy
            .clone()
            .membership(self.designated, third_party, false)
    }

    /// Whether the copies already say what `org` at `version` says.
    pub fn copies_current(&self, org: &Organisation, version: u64) -> bool {
        self.copy.org_version == version
            && self.copy.org_name == org.name
            && self.copy.policy == org.policy
            && self.copy.tier == org.tier
            && self.copy.support_term == org.support_term
            && self.copy.products == org.products
    }

    pub fn email(&self) -> &EmailAddress {
        &self.email
    }
}

/// An audit item; `before` and `after` are JSON text so that any record shape fits.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct AuditItem {
    pk: String,
    sk: String,
    /// Milliseconds, like the sort key, so that entries read in key order have ordered times.
    at: String,
    actor: String,
    action: AuditAction,
    org: OrgId,
    // Deliberately not `email`: audit items must stay out of the by-email index.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    target: Option<EmailAddress>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    before: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    after: Option<String>,
}

impl AuditItem {
    pub fn new(entry: &AuditEntry, unique: u64) -> Self {
        let at = rfc3339(entry.at);
        Self {
            pk: org_pk(&entry.org),
            sk: format!("{AUDIT_PREFIX}{at}#{unique:016x}"),
            at,
            actor: entry.actor.clone(),
            action: entry.action,
            org: entry.org.clone(),
            target: entry.target.clone(),
            before: entry.before.as_ref().map(ToString::to_string),
            after: entry.after.as_ref().map(ToString::to_string),
        }
    }

    pub fn entry(self, raw: &Item) -> Result<AuditEntry, DirectoryStoreError> {
        let json = |what: &str, v: Option<String>| {
            v.map(|t| serde_json::from_str(&t))
                .transpose()
                .map_err(|e| corrupt(raw, format!("{what}: {e}")))
        };
        Ok(AuditEntry {
            at: DateTime::parse_from_rfc3339(&self.at)
                .map_err(|e| corrupt(raw, format!("at: {e}")))?
                .with_timezone(&Utc),
            actor: self.actor,
            action: self.action,
            org: self.org,
            target: self.target,
            before: json("before", self.before)?,
            after: json("after", self.after)?,
        })
    }
}

/// An organisation with nothing but its names, policy and tier, for tests to build on.
#[cfg(test)]
pub(super) fn sample_org(id: &str, name: &str, policy: &str, tier: &str) -> Organisation {
    Organisation {
        id: OrgId::parse(id).unwrap(),
        name: name.into(),
        policy: PolicyId::parse(policy).unwrap(),
        tier: TierId::parse(tier).unwrap(),
        extra_contacts: 0,
        domains: vec![],
        verified_domains: vec![],
        designated_count: 0,
        support_term: None,
        products: vec![],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_round_trip_and_absent_options_stay_absent() {
        let org = Organisation {
            extra_contacts: 1,
            domains: vec!["acme.example".into()],
            ..sample_org("acme", "Acme", "activestate", "team")
        };
        let item = to_item(&OrgItem::new(&org, Utc::now())).unwrap();
        assert!(!item.contains_key("support_term") && !item.contains_key("products"));
        assert!(matches!(item.get("domains"), Some(AttributeValue::L(_))));
        assert_eq!(from_item::<OrgItem>(&item).unwrap().org(), org);
        let m = Member {
            org: org.id.clone(),
            email: EmailAddress::parse("x@acme.example").unwrap(),
            name: None,
            role: Role::ThirdParty,
            verified: false,
            designated: false,
            designated_at: None,
        };
        let item = to_item(&MemberItem::new(&m, &org, 3, Utc::now())).unwrap();
        // Designation conditions test `attribute_exists(name)`: a NULL would pass them.
        assert!(!item.contains_key("name") && !item.contains_key("designated_at"));
        assert_eq!(item.get("role"), Some(&s("third-party")));
        let back: MemberItem = from_item(&item).unwrap();
        assert_eq!(back.member(), m);
        assert_eq!(back.membership().tier.as_str(), "team");
        assert!(back.membership().third_party);
        // The term and products are copied onto members for the intake's one-query lookup.
        let mut termed = org.clone();
        termed.support_term = Some(SupportTerm::parse("2026-01-01", "2026-12-31").unwrap());
        termed.products = vec!["ActivePython 2.7".into()];
        let org_item = to_item(&OrgItem::new(&termed, Utc::now())).unwrap();
        assert_eq!(from_item::<OrgItem>(&org_item).unwrap().org(), termed);
        let termed_item = to_item(&MemberItem::new(&m, &termed, 4, Utc::now())).unwrap();
        let termed_back: MemberItem = from_item(&termed_item).unwrap();
        assert_eq!(termed_back.membership().support_term, termed.support_term);
        assert_eq!(termed_back.membership().products, termed.products);
        assert!(termed_back.copies_current(&termed, 4) && !termed_back.copies_current(&org, 4));
        assert!(back.copies_current(&org, 3) && !back.copies_current(&org, 4));
        let mut broken = item.clone();
        broken.insert("role".into(), s("owner"));
        let err = from_item::<MemberItem>(&broken).unwrap_err();
        assert_eq!(err.code(), "corrupt");
        assert!(
            err.to_string().contains("ORG#acme/MEMBER#x@acme.example"),
            "{err}"
        );
    }
}
