//! The directory in DynamoDB: organisations, members, designated contacts and their audit trail.
//!
//! One table, keys `pk`/`sk`:
//!
//! | item   | `pk`        | `sk`                        | notes                                   |
//! |--------|-------------|-----------------------------|-----------------------------------------|
//! | org    | `ORG#<org>` | `ORG`                       | tier, extras, domains, `designated_count` |
//! | member | `ORG#<org>` | `MEMBER#<email>`            | `email` feeds the `by-email` GSI        |
//! | audit  | `ORG#<org>` | `AUDIT#<rfc3339>#<random>`  | who, what, before, after (JSON)          |
//!
//! Member items carry copies of their organisation's name, policy and tier so that the intake
//! answers "who is this sender?" with one GSI query. Every change is one TransactWriteItems whose
//! conditions restate the rules of [`slamail_core::directory`]; when a condition fails the item is
//! read again and the pure rules name the reason, so a lost race reads exactly like a plain
//! refusal ("limit reached (2 of 2)").

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::{DisplayErrorContext, SdkError};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    AttributeValue, ConditionCheck, Delete, Put, TransactWriteItem, Update,
};
use chrono::{DateTime, SecondsFormat, Utc};
use slamail_core::directory::{
    Actor, AuditAction, AuditEntry, DirectoryError, Member, Organisation, Role, Standing,
    check_designatable, check_free_slot, check_limit_change, check_member_change, check_new_member,
    contact_limit, org_limit, tier_of, validate_domains, validate_name, validate_person_name,
};
use slamail_core::ids::{EmailAddress, OrgId, PolicyId, TierId};
use slamail_core::policy::PolicySet;
use slamail_core::triage::Membership;

/// The GSI that maps an address to its member items.
pub const BY_EMAIL_INDEX: &str = "by-email";

/// How often a change is re-read and retried after losing a race before giving up with
/// [`DirectoryError::Conflict`]. A lost race usually resolves on the first re-read (the pure
/// rules then explain the refusal); more attempts only help against transient conflicts.
const ATTEMPTS: u32 = 4;

type Item = HashMap<String, AttributeValue>;

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
}

/// Changes to an organisation; `None` keeps the current value.
#[derive(Debug, Clone, Default)]
pub struct OrgChanges {
    pub name: Option<String>,
    pub policy: Option<PolicyId>,
    pub tier: Option<String>,
    pub extra_contacts: Option<u32>,
    pub domains: Option<Vec<String>>,
}

impl OrgChanges {
    pub fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.policy.is_none()
            && self.tier.is_none()
            && self.extra_contacts.is_none()
            && self.domains.is_none()
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

/// The directory table.
#[derive(Debug, Clone)]
pub struct Directory {
    client: Client,
    table: String,
}

enum Outcome {
    Done,
    /// A condition failed or another transaction got in the way: re-read and decide again.
    Retry,
}

impl Directory {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    // ----- reads -------------------------------------------------------------------------

    /// Everything the directory knows about a sender, across organisations: one query on the
    /// `by-email` index.
    pub async fn memberships_of(
        &self,
        email: &EmailAddress,
    ) -> Result<Vec<Membership>, DirectoryError> {
        let mut out = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let page = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(BY_EMAIL_INDEX)
                .key_condition_expression("#email = :email")
                .expression_attribute_names("#email", "email")
                .expression_attribute_values(":email", s(email.as_str()))
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(storage)?;
            for item in page.items() {
                out.push(membership_from_item(item)?);
            }
            match page.last_evaluated_key() {
                Some(k) if !k.is_empty() => start = Some(k.clone()),
                _ => break,
            }
        }
        Ok(out)
    }

    pub async fn org(&self, org: &OrgId) -> Result<Option<Organisation>, DirectoryError> {
        self.get(org_pk(org), ORG_SK.to_string())
            .await?
            .map(|item| org_from_item(&item))
            .transpose()
    }

    pub async fn member(
        &self,
        org: &OrgId,
        email: &EmailAddress,
    ) -> Result<Option<Member>, DirectoryError> {
        self.get(org_pk(org), member_sk(email))
            .await?
            .map(|item| member_from_item(&item))
            .transpose()
    }

    /// A member who must exist: `NotAMember` otherwise.
    async fn existing_member(
        &self,
        org: &OrgId,
        email: &EmailAddress,
    ) -> Result<Member, DirectoryError> {
        self.member(org, email)
            .await?
            .ok_or_else(|| DirectoryError::NotAMember {
                org: org.clone(),
                email: email.clone(),
            })
    }

    /// All organisations (a scan: an operator command, never on a request path).
    pub async fn list_orgs(&self) -> Result<Vec<Organisation>, DirectoryError> {
        let mut out = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let page = self
                .client
                .scan()
                .table_name(&self.table)
                .filter_expression("#sk = :org")
                .expression_attribute_names("#sk", "sk")
                .expression_attribute_values(":org", s(ORG_SK))
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(storage)?;
            for item in page.items() {
                out.push(org_from_item(item)?);
            }
            match page.last_evaluated_key() {
                Some(k) if !k.is_empty() => start = Some(k.clone()),
                _ => break,
            }
        }
        out.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(out)
    }

    /// The organisation's members, ordered by address.
    pub async fn members(&self, org: &OrgId) -> Result<Vec<Member>, DirectoryError> {
        self.query_prefix(org, MEMBER_PREFIX)
            .await?
            .iter()
            .map(member_from_item)
            .collect()
    }

    /// The organisation's designated contacts.
    pub async fn contacts(&self, org: &OrgId) -> Result<Vec<Member>, DirectoryError> {
        Ok(self
            .members(org)
            .await?
            .into_iter()
            .filter(|m| m.designated)
            .collect())
    }

    /// The organisation's audit trail, oldest first.
    pub async fn audit(&self, org: &OrgId) -> Result<Vec<AuditEntry>, DirectoryError> {
        self.query_prefix(org, AUDIT_PREFIX)
            .await?
            .iter()
            .map(audit_from_item)
            .collect()
    }

    // ----- organisations -----------------------------------------------------------------

    pub async fn create_org(
        &self,
        actor: &Actor,
        policies: &PolicySet,
        new: NewOrg,
    ) -> Result<Organisation, DirectoryError> {
        let tier = resolve_tier(policies, &new.policy, &new.tier)?;
        let org = Organisation {
            name: validate_name("the organisation name", &new.name)?,
            domains: validate_domains(&new.domains)?,
            id: new.id,
            policy: new.policy,
            tier,
            extra_contacts: new.extra_contacts,
            designated_count: 0,
        };
        let now = Utc::now();
        let mut item = org_to_item(&org);
        item.insert("created_at".into(), s(&rfc3339(now)));
        item.insert("updated_at".into(), s(&rfc3339(now)));
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .map_err(build_err)?;
        let audit = self.audit_put(
            actor,
            AuditAction::CreateOrg,
            &org.id,
            None,
            None,
            Some(to_json(&org)),
            now,
        )?;
        match self
            .transact(vec![TransactWriteItem::builder().put(put).build(), audit])
            .await?
        {
            Outcome::Done => Ok(org),
            // A cancelled create is almost always an existing id; a transient conflict is not.
            Outcome::Retry => match self.org(&org.id).await? {
                Some(_) => Err(DirectoryError::OrgExists(org.id)),
                None => Err(conflict(&org.id)),
            },
        }
    }

    /// Changes an organisation's name, policy, tier, extra contacts or domains. A change that
    /// leaves fewer slots than current designations is refused ([`DirectoryError::OverLimit`]).
    pub async fn update_org(
        &self,
        actor: &Actor,
        policies: &PolicySet,
        id: &OrgId,
        changes: &OrgChanges,
    ) -> Result<Organisation, DirectoryError> {
        for _ in 0..ATTEMPTS {
            let before = self
                .org(id)
                .await?
                .ok_or_else(|| DirectoryError::UnknownOrg(id.clone()))?;
            let mut after = before.clone();
            if let Some(name) = &changes.name {
                after.name = validate_name("the organisation name", name)?;
            }
            if let Some(domains) = &changes.domains {
                after.domains = validate_domains(domains)?;
            }
            if let Some(extra) = changes.extra_contacts {
                after.extra_contacts = extra;
            }
            if let Some(policy) = &changes.policy {
                after.policy = policy.clone();
            }
            match &changes.tier {
                Some(tier) => after.tier = resolve_tier(policies, &after.policy, tier)?,
                None => {
                    // Keeps the tier id; a new policy must know it too.
                    tier_of(policies, &after.policy, &after.tier)?;
                }
            }
            if after == before {
                return Ok(after);
            }
            let limit = contact_limit(
                tier_of(policies, &after.policy, &after.tier)?,
                after.extra_contacts,
            );
            check_limit_change(&before, &after.tier, after.extra_contacts, limit)?;

            let now = Utc::now();
            let update = Update::builder()
                .table_name(&self.table)
                .set_key(Some(key(org_pk(id), ORG_SK.into())))
                .update_expression(
                    "SET #name = :name, #policy = :policy, #tier = :tier, \
                     #extra = :extra, #domains = :domains, #updated = :now",
                )
                // The old values in the condition make the audit's "before" exact.
                .condition_expression(
                    "attribute_exists(pk) AND #count <= :limit AND #name = :oname \
                     AND #policy = :opolicy AND #tier = :otier AND #extra = :oextra",
                )
                .expression_attribute_names("#name", "name")
                .expression_attribute_names("#policy", "policy")
                .expression_attribute_names("#tier", "tier")
                .expression_attribute_names("#extra", "extra_contacts")
                .expression_attribute_names("#domains", "domains")
                .expression_attribute_names("#updated", "updated_at")
                .expression_attribute_names("#count", "designated_count")
                .expression_attribute_values(":name", s(&after.name))
                .expression_attribute_values(":policy", s(after.policy.as_str()))
                .expression_attribute_values(":tier", s(after.tier.as_str()))
                .expression_attribute_values(":extra", n(after.extra_contacts))
                .expression_attribute_values(":domains", list(&after.domains))
                .expression_attribute_values(":now", s(&rfc3339(now)))
                .expression_attribute_values(":limit", n(limit))
                .expression_attribute_values(":oname", s(&before.name))
                .expression_attribute_values(":opolicy", s(before.policy.as_str()))
                .expression_attribute_values(":otier", s(before.tier.as_str()))
                .expression_attribute_values(":oextra", n(before.extra_contacts))
                .build()
                .map_err(build_err)?;
            let audit = self.audit_put(
                actor,
                AuditAction::UpdateOrg,
                id,
                None,
                Some(to_json(&before)),
                Some(to_json(&after)),
                now,
            )?;
            match self
                .transact(vec![
                    TransactWriteItem::builder().update(update).build(),
                    audit,
                ])
                .await?
            {
                Outcome::Retry => continue,
                Outcome::Done => {
                    if after.name != before.name
                        || after.policy != before.policy
                        || after.tier != before.tier
                    {
                        self.propagate(&after).await?;
                    }
                    return Ok(after);
                }
            }
        }
        Err(conflict(id))
    }

    /// Copies the organisation's name, policy and tier onto its member items (the copies the
    /// intake's one-query lookup reads). Idempotent: re-running an update repairs a propagation
    /// that was interrupted.
    async fn propagate(&self, org: &Organisation) -> Result<(), DirectoryError> {
        for m in self.members(&org.id).await? {
            let result = self
                .client
                .update_item()
                .table_name(&self.table)
                .set_key(Some(key(org_pk(&org.id), member_sk(&m.email))))
                .update_expression("SET org_name = :name, #policy = :policy, #tier = :tier")
                .condition_expression("attribute_exists(pk)")
                .expression_attribute_names("#policy", "policy")
                .expression_attribute_names("#tier", "tier")
                .expression_attribute_values(":name", s(&org.name))
                .expression_attribute_values(":policy", s(org.policy.as_str()))
                .expression_attribute_values(":tier", s(org.tier.as_str()))
                .send()
                .await;
            match result {
                Ok(_) => {}
                // Removed meanwhile: nothing to copy onto.
                Err(e)
                    if e.as_service_error()
                        .is_some_and(|se| se.is_conditional_check_failed_exception()) => {}
                Err(e) => return Err(storage(e)),
            }
        }
        Ok(())
    }

    // ----- members -----------------------------------------------------------------------

    /// Adds a member. `standing` is the caller's (administrators may add only their own domains
    /// as admins or members).
    pub async fn add_member(
        &self,
        actor: &Actor,
        standing: Standing,
        new: NewMember,
    ) -> Result<Member, DirectoryError> {
        let name = validate_person_name(new.name.as_deref())?;
        for _ in 0..ATTEMPTS {
            let org = self
                .org(&new.org)
                .await?
                .ok_or_else(|| DirectoryError::UnknownOrg(new.org.clone()))?;
            check_new_member(standing, &org, &new.email, new.role)?;
            if self.member(&new.org, &new.email).await?.is_some() {
                return Err(DirectoryError::MemberExists {
                    org: new.org.clone(),
                    email: new.email.clone(),
                });
            }
            let member = Member {
                org: new.org.clone(),
                email: new.email.clone(),
                name: name.clone(),
                role: new.role,
                verified: new.verified,
                designated: false,
                designated_at: None,
            };
            let now = Utc::now();
            let mut item = member_to_item(&member, &org);
            item.insert("added_at".into(), s(&rfc3339(now)));
            // The copies of the organisation's fields must be current when the put lands.
            let check = ConditionCheck::builder()
                .table_name(&self.table)
                .set_key(Some(key(org_pk(&org.id), ORG_SK.into())))
                .condition_expression("#name = :name AND #policy = :policy AND #tier = :tier")
                .expression_attribute_names("#name", "name")
                .expression_attribute_names("#policy", "policy")
                .expression_attribute_names("#tier", "tier")
                .expression_attribute_values(":name", s(&org.name))
                .expression_attribute_values(":policy", s(org.policy.as_str()))
                .expression_attribute_values(":tier", s(org.tier.as_str()))
                .build()
                .map_err(build_err)?;
            let put = Put::builder()
                .table_name(&self.table)
                .set_item(Some(item))
                .condition_expression("attribute_not_exists(pk)")
                .build()
                .map_err(build_err)?;
            let audit = self.audit_put(
                actor,
                AuditAction::AddMember,
                &org.id,
                Some(&member.email),
                None,
                Some(to_json(&member)),
                now,
            )?;
            match self
                .transact(vec![
                    TransactWriteItem::builder().condition_check(check).build(),
                    TransactWriteItem::builder().put(put).build(),
                    audit,
                ])
                .await?
            {
                Outcome::Done => return Ok(member),
                Outcome::Retry => continue,
            }
        }
        Err(conflict(&new.org))
    }

    /// Changes a member's name, role or verification; a designated contact must stay eligible.
    pub async fn update_member(
        &self,
        actor: &Actor,
        org: &OrgId,
        email: &EmailAddress,
        changes: &MemberChanges,
    ) -> Result<Member, DirectoryError> {
        let name = match &changes.name {
            Some(n) => Some(validate_person_name(Some(n))?),
            None => None,
        };
        for _ in 0..ATTEMPTS {
            let before = self.existing_member(org, email).await?;
            let mut after = before.clone();
            if let Some(n) = &name {
                after.name = n.clone();
            }
            if let Some(role) = changes.role {
                after.role = role;
            }
            if let Some(v) = changes.verified {
                after.verified = v;
            }
            if after == before {
                return Ok(after);
            }
            check_member_change(&before, after.role, after.name.as_deref(), after.verified)?;
            let now = Utc::now();
            let mut update = Update::builder()
                .table_name(&self.table)
                .set_key(Some(key(org_pk(org), member_sk(email))))
                .condition_expression(
                    "attribute_exists(pk) AND designated = :designated AND #role = :orole \
                     AND verified = :overified",
                )
                .expression_attribute_names("#role", "role")
                .expression_attribute_values(":role", s(after.role.as_str()))
                .expression_attribute_values(":verified", AttributeValue::Bool(after.verified))
                .expression_attribute_values(":designated", AttributeValue::Bool(before.designated))
                .expression_attribute_values(":orole", s(before.role.as_str()))
                .expression_attribute_values(":overified", AttributeValue::Bool(before.verified));
            update = match &after.name {
                Some(n) => update
                    .update_expression("SET #role = :role, verified = :verified, #name = :name")
                    .expression_attribute_names("#name", "name")
                    .expression_attribute_values(":name", s(n)),
                None => update
                    .update_expression("SET #role = :role, verified = :verified REMOVE #name")
                    .expression_attribute_names("#name", "name"),
            };
            let audit = self.audit_put(
                actor,
                AuditAction::UpdateMember,
                org,
                Some(email),
                Some(to_json(&before)),
                Some(to_json(&after)),
                now,
            )?;
            match self
                .transact(vec![
                    TransactWriteItem::builder()
                        .update(update.build().map_err(build_err)?)
                        .build(),
                    audit,
                ])
                .await?
            {
                Outcome::Done => return Ok(after),
                Outcome::Retry => continue,
            }
        }
        Err(conflict(org))
    }

    /// Records that the member signed in with a verified address. Returns whether anything
    /// changed (an already verified or unknown member is left alone).
    pub async fn mark_verified(
        &self,
        org: &OrgId,
        email: &EmailAddress,
    ) -> Result<bool, DirectoryError> {
        let Some(before) = self.member(org, email).await? else {
            return Ok(false);
        };
        if before.verified {
            return Ok(false);
        }
        let mut after = before.clone();
        after.verified = true;
        let now = Utc::now();
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(org_pk(org), member_sk(email))))
            .update_expression("SET verified = :true")
            .condition_expression("attribute_exists(pk) AND verified = :false")
            .expression_attribute_values(":true", AttributeValue::Bool(true))
            .expression_attribute_values(":false", AttributeValue::Bool(false))
            .build()
            .map_err(build_err)?;
        let audit = self.audit_put(
            &Actor::User(email.clone()),
            AuditAction::VerifyMember,
            org,
            Some(email),
            Some(to_json(&before)),
            Some(to_json(&after)),
            now,
        )?;
        Ok(matches!(
            self.transact(vec![
                TransactWriteItem::builder().update(update).build(),
                audit
            ])
            .await?,
            Outcome::Done
        ))
    }

    /// Removes a member; a designated contact's slot is freed in the same transaction.
    pub async fn remove_member(
        &self,
        actor: &Actor,
        org: &OrgId,
        email: &EmailAddress,
    ) -> Result<Member, DirectoryError> {
        for _ in 0..ATTEMPTS {
            let before = self.existing_member(org, email).await?;
            let now = Utc::now();
            let delete = Delete::builder()
                .table_name(&self.table)
                .set_key(Some(key(org_pk(org), member_sk(email))))
                .condition_expression("attribute_exists(pk) AND designated = :designated")
                .expression_attribute_values(":designated", AttributeValue::Bool(before.designated))
                .build()
                .map_err(build_err)?;
            let mut items = vec![TransactWriteItem::builder().delete(delete).build()];
            if before.designated {
                items.push(self.release_slot(org, now)?);
            }
            items.push(self.audit_put(
                actor,
                AuditAction::RemoveMember,
                org,
                Some(email),
                Some(to_json(&before)),
                None,
                now,
            )?);
            match self.transact(items).await? {
                Outcome::Done => return Ok(before),
                Outcome::Retry => continue,
            }
        }
        Err(conflict(org))
    }

    // ----- designated contacts -----------------------------------------------------------

    /// Designates a verified, named member. Exactly as many designations succeed as the
    /// organisation has slots, however many run at once: the count on the organisation item is
    /// checked and incremented in the same transaction as the member's flag.
    pub async fn designate(
        &self,
        actor: &Actor,
        policies: &PolicySet,
        org: &OrgId,
        email: &EmailAddress,
    ) -> Result<Member, DirectoryError> {
        for attempt in 0..ATTEMPTS {
            let o = self
                .org(org)
                .await?
                .ok_or_else(|| DirectoryError::UnknownOrg(org.clone()))?;
            let limit = org_limit(policies, &o)?;
            let before = self.member(org, email).await?;
            check_designatable(org, email, before.as_ref())?;
            check_free_slot(org, o.designated_count, limit)?;
            let Some(before) = before else {
                return Err(DirectoryError::NotAMember {
                    org: org.clone(),
                    email: email.clone(),
                });
            };
            let now = Utc::now();
            let mut after = before.clone();
            after.designated = true;
            after.designated_at = Some(now);

            // The limit is computed here from the policy, so the condition also pins the
            // tier and extras it was computed from.
            let take = Update::builder()
                .table_name(&self.table)
                .set_key(Some(key(org_pk(org), ORG_SK.into())))
                .update_expression("SET #count = #count + :one, #updated = :now")
                .condition_expression(
                    "attribute_exists(pk) AND #count < :limit AND #policy = :policy \
                     AND #tier = :tier AND #extra = :extra",
                )
                .expression_attribute_names("#count", "designated_count")
                .expression_attribute_names("#updated", "updated_at")
                .expression_attribute_names("#policy", "policy")
                .expression_attribute_names("#tier", "tier")
                .expression_attribute_names("#extra", "extra_contacts")
                .expression_attribute_values(":one", n(1))
                .expression_attribute_values(":now", s(&rfc3339(now)))
                .expression_attribute_values(":limit", n(limit))
                .expression_attribute_values(":policy", s(o.policy.as_str()))
                .expression_attribute_values(":tier", s(o.tier.as_str()))
                .expression_attribute_values(":extra", n(o.extra_contacts))
                .build()
                .map_err(build_err)?;
            let flag = Update::builder()
                .table_name(&self.table)
                .set_key(Some(key(org_pk(org), member_sk(email))))
                .update_expression(
                    "SET designated = :true, designated_at = :now, designated_by = :actor",
                )
                .condition_expression(
                    "attribute_exists(pk) AND verified = :true AND designated = :false \
                     AND #role <> :third AND attribute_exists(#name)",
                )
                .expression_attribute_names("#role", "role")
                .expression_attribute_names("#name", "name")
                .expression_attribute_values(":true", AttributeValue::Bool(true))
                .expression_attribute_values(":false", AttributeValue::Bool(false))
                .expression_attribute_values(":third", s(Role::ThirdParty.as_str()))
                .expression_attribute_values(":now", s(&rfc3339(now)))
                .expression_attribute_values(":actor", s(&actor.to_string()))
                .build()
                .map_err(build_err)?;
            let audit = self.audit_put(
                actor,
                AuditAction::Designate,
                org,
                Some(email),
                Some(to_json(&before)),
                Some(to_json(&after)),
                now,
            )?;
            match self
                .transact(vec![
                    TransactWriteItem::builder().update(take).build(),
                    TransactWriteItem::builder().update(flag).build(),
                    audit,
                ])
                .await?
            {
                Outcome::Done => return Ok(after),
                Outcome::Retry => backoff(attempt).await,
            }
        }
        Err(conflict(org))
    }

    /// Removes a designation and frees its slot.
    pub async fn remove_contact(
        &self,
        actor: &Actor,
        org: &OrgId,
        email: &EmailAddress,
    ) -> Result<Member, DirectoryError> {
        for attempt in 0..ATTEMPTS {
            let before = self.existing_member(org, email).await?;
            if !before.designated {
                return Err(DirectoryError::NotDesignated {
                    org: org.clone(),
                    email: email.clone(),
                });
            }
            let now = Utc::now();
            let mut after = before.clone();
            after.designated = false;
            after.designated_at = None;
            let flag = Update::builder()
                .table_name(&self.table)
                .set_key(Some(key(org_pk(org), member_sk(email))))
                .update_expression("SET designated = :false REMOVE designated_at, designated_by")
                .condition_expression("attribute_exists(pk) AND designated = :true")
                .expression_attribute_values(":true", AttributeValue::Bool(true))
                .expression_attribute_values(":false", AttributeValue::Bool(false))
                .build()
                .map_err(build_err)?;
            let items = vec![
                TransactWriteItem::builder().update(flag).build(),
                self.release_slot(org, now)?,
                self.audit_put(
                    actor,
                    AuditAction::RemoveContact,
                    org,
                    Some(email),
                    Some(to_json(&before)),
                    Some(to_json(&after)),
                    now,
                )?,
            ];
            match self.transact(items).await? {
                Outcome::Done => return Ok(after),
                Outcome::Retry => backoff(attempt).await,
            }
        }
        Err(conflict(org))
    }

    // ----- plumbing ----------------------------------------------------------------------

    fn release_slot(
        &self,
        org: &OrgId,
        now: DateTime<Utc>,
    ) -> Result<TransactWriteItem, DirectoryError> {
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(org_pk(org), ORG_SK.into())))
            .update_expression("SET #count = #count - :one, #updated = :now")
            .condition_expression("attribute_exists(pk) AND #count > :zero")
            .expression_attribute_names("#count", "designated_count")
            .expression_attribute_names("#updated", "updated_at")
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":zero", n(0))
            .expression_attribute_values(":now", s(&rfc3339(now)))
            .build()
            .map_err(build_err)?;
        Ok(TransactWriteItem::builder().update(update).build())
    }

    #[allow(clippy::too_many_arguments)]
    fn audit_put(
        &self,
        actor: &Actor,
        action: AuditAction,
        org: &OrgId,
        target: Option<&EmailAddress>,
        before: Option<serde_json::Value>,
        after: Option<serde_json::Value>,
        at: DateTime<Utc>,
    ) -> Result<TransactWriteItem, DirectoryError> {
        let stamp = rfc3339(at);
        let mut item = key(
            org_pk(org),
            format!("{AUDIT_PREFIX}{stamp}#{:016x}", unique()),
        );
        item.insert("at".into(), s(&stamp));
        item.insert("actor".into(), s(&actor.to_string()));
        item.insert("action".into(), s(action.as_str()));
        item.insert("org".into(), s(org.as_str()));
        // Deliberately not `email`: audit items must stay out of the by-email index.
        if let Some(t) = target {
            item.insert("target".into(), s(t.as_str()));
        }
        if let Some(b) = before {
            item.insert("before".into(), s(&b.to_string()));
        }
        if let Some(a) = after {
            item.insert("after".into(), s(&a.to_string()));
        }
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .build()
            .map_err(build_err)?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    async fn transact(&self, items: Vec<TransactWriteItem>) -> Result<Outcome, DirectoryError> {
        match self
            .client
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await
        {
            Ok(_) => Ok(Outcome::Done),
            Err(e) => match e.as_service_error() {
                Some(TransactWriteItemsError::TransactionCanceledException(c)) => {
                    let reasons: Vec<&str> = c
                        .cancellation_reasons()
                        .iter()
                        .filter_map(|r| r.code())
                        .collect();
                    tracing::debug!(?reasons, "directory transaction cancelled");
                    // Conditions restate the rules; ValidationError and the like do not.
                    let benign = |code: &str| {
                        matches!(
                            code,
                            "None" | "ConditionalCheckFailed" | "TransactionConflict"
                        )
                    };
                    if reasons.iter().all(|r| benign(r)) {
                        Ok(Outcome::Retry)
                    } else {
                        Err(DirectoryError::Storage(format!(
                            "transaction cancelled: {}",
                            reasons.join(", ")
                        )))
                    }
                }
                Some(TransactWriteItemsError::TransactionInProgressException(_)) => {
                    Ok(Outcome::Retry)
                }
                _ => Err(storage(e)),
            },
        }
    }

    async fn get(&self, pk: String, sk: String) -> Result<Option<Item>, DirectoryError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(pk, sk)))
            .consistent_read(true)
            .send()
            .await
            .map_err(storage)?;
        Ok(out.item)
    }

    async fn query_prefix(&self, org: &OrgId, prefix: &str) -> Result<Vec<Item>, DirectoryError> {
        let mut out = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let page = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("pk = :pk AND begins_with(sk, :prefix)")
                .expression_attribute_values(":pk", s(&org_pk(org)))
                .expression_attribute_values(":prefix", s(prefix))
                .consistent_read(true)
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(storage)?;
            out.extend(page.items().iter().cloned());
            match page.last_evaluated_key() {
                Some(k) if !k.is_empty() => start = Some(k.clone()),
                _ => break,
            }
        }
        Ok(out)
    }
}

async fn backoff(attempt: u32) {
    // Spreads retrying racers apart; jitter avoids them colliding again in lockstep.
    let ms = 10u64 * (1 << attempt.min(4)) + unique() % 20;
    tokio::time::sleep(Duration::from_millis(ms)).await;
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

// ----- item mapping ------------------------------------------------------------------------

const ORG_SK: &str = "ORG";
const MEMBER_PREFIX: &str = "MEMBER#";
const AUDIT_PREFIX: &str = "AUDIT#";

fn org_pk(org: &OrgId) -> String {
    format!("ORG#{org}")
}

fn member_sk(email: &EmailAddress) -> String {
    format!("{MEMBER_PREFIX}{email}")
}

fn key(pk: String, sk: String) -> Item {
    HashMap::from([
        ("pk".to_string(), AttributeValue::S(pk)),
        ("sk".to_string(), AttributeValue::S(sk)),
    ])
}

fn s(v: &str) -> AttributeValue {
    AttributeValue::S(v.to_string())
}

fn n(v: u32) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

fn list(v: &[String]) -> AttributeValue {
    AttributeValue::L(v.iter().map(|x| s(x)).collect())
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn to_json<T: serde::Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}

/// A process-unique, unpredictable-enough 64-bit value for audit sort keys and jitter.
fn unique() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    h.write_i64(Utc::now().timestamp_nanos_opt().unwrap_or_default());
    h.finish()
}

fn org_to_item(o: &Organisation) -> Item {
    let mut item = key(org_pk(&o.id), ORG_SK.into());
    item.insert("org".into(), s(o.id.as_str()));
    item.insert("name".into(), s(&o.name));
    item.insert("policy".into(), s(o.policy.as_str()));
    item.insert("tier".into(), s(o.tier.as_str()));
    item.insert("extra_contacts".into(), n(o.extra_contacts));
    item.insert("domains".into(), list(&o.domains));
    item.insert("designated_count".into(), n(o.designated_count));
    item
}

fn member_to_item(m: &Member, org: &Organisation) -> Item {
    let mut item = key(org_pk(&m.org), member_sk(&m.email));
    item.insert("email".into(), s(m.email.as_str()));
    item.insert("org".into(), s(m.org.as_str()));
    item.insert("org_name".into(), s(&org.name));
    item.insert("policy".into(), s(org.policy.as_str()));
    item.insert("tier".into(), s(org.tier.as_str()));
    if let Some(name) = &m.name {
        item.insert("name".into(), s(name));
    }
    item.insert("role".into(), s(m.role.as_str()));
    item.insert("verified".into(), AttributeValue::Bool(m.verified));
    item.insert("designated".into(), AttributeValue::Bool(m.designated));
    if let Some(at) = m.designated_at {
        item.insert("designated_at".into(), s(&rfc3339(at)));
    }
    item
}

struct Reader<'a> {
    item: &'a Item,
}

impl<'a> Reader<'a> {
    fn key(&self) -> String {
        let part = |k: &str| match self.item.get(k) {
            Some(AttributeValue::S(v)) => v.as_str(),
            _ => "?",
        };
        format!("{}/{}", part("pk"), part("sk"))
    }

    fn corrupt(&self, why: String) -> DirectoryError {
        DirectoryError::Corrupt {
            key: self.key(),
            why,
        }
    }

    fn opt_s(&self, attr: &str) -> Result<Option<&'a str>, DirectoryError> {
        match self.item.get(attr) {
            None | Some(AttributeValue::Null(_)) => Ok(None),
            Some(AttributeValue::S(v)) => Ok(Some(v.as_str())),
            Some(_) => Err(self.corrupt(format!("{attr} is not a string"))),
        }
    }

    fn s(&self, attr: &str) -> Result<&'a str, DirectoryError> {
        self.opt_s(attr)?
            .ok_or_else(|| self.corrupt(format!("{attr} is missing")))
    }

    fn parsed<T, E: std::fmt::Display>(
        &self,
        attr: &str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<T, DirectoryError> {
        parse(self.s(attr)?).map_err(|e| self.corrupt(format!("{attr}: {e}")))
    }

    fn u32(&self, attr: &str) -> Result<u32, DirectoryError> {
        match self.item.get(attr) {
            None => Ok(0),
            Some(AttributeValue::N(v)) => v
                .parse()
                .map_err(|_| self.corrupt(format!("{attr} is not a count: {v}"))),
            Some(_) => Err(self.corrupt(format!("{attr} is not a number"))),
        }
    }

    fn bool(&self, attr: &str) -> Result<bool, DirectoryError> {
        match self.item.get(attr) {
            None => Ok(false),
            Some(AttributeValue::Bool(b)) => Ok(*b),
            Some(_) => Err(self.corrupt(format!("{attr} is not a boolean"))),
        }
    }

    fn time(&self, attr: &str) -> Result<Option<DateTime<Utc>>, DirectoryError> {
        self.opt_s(attr)?
            .map(|t| {
                DateTime::parse_from_rfc3339(t)
                    .map(|t| t.with_timezone(&Utc))
                    .map_err(|e| self.corrupt(format!("{attr}: {e}")))
            })
            .transpose()
    }

    fn json(&self, attr: &str) -> Result<Option<serde_json::Value>, DirectoryError> {
        self.opt_s(attr)?
            .map(|t| serde_json::from_str(t).map_err(|e| self.corrupt(format!("{attr}: {e}"))))
            .transpose()
    }

    fn strings(&self, attr: &str) -> Result<Vec<String>, DirectoryError> {
        match self.item.get(attr) {
            None => Ok(Vec::new()),
            Some(AttributeValue::L(items)) => items
                .iter()
                .map(|v| match v {
                    AttributeValue::S(x) => Ok(x.clone()),
                    _ => Err(self.corrupt(format!("{attr} holds a non-string"))),
                })
                .collect(),
            Some(AttributeValue::Ss(items)) => Ok(items.clone()),
            Some(_) => Err(self.corrupt(format!("{attr} is not a list"))),
        }
    }
}

fn org_from_item(item: &Item) -> Result<Organisation, DirectoryError> {
    let r = Reader { item };
    Ok(Organisation {
        id: r.parsed("org", OrgId::parse)?,
        name: r.s("name")?.to_string(),
        policy: r.parsed("policy", PolicyId::parse)?,
        tier: r.parsed("tier", TierId::parse)?,
        extra_contacts: r.u32("extra_contacts")?,
        domains: r.strings("domains")?,
        designated_count: r.u32("designated_count")?,
    })
}

fn member_from_item(item: &Item) -> Result<Member, DirectoryError> {
    let r = Reader { item };
    Ok(Member {
        org: r.parsed("org", OrgId::parse)?,
        email: r.parsed("email", EmailAddress::parse)?,
        name: r.opt_s("name")?.map(str::to_string),
        role: r.parsed("role", |t| Role::parse(t).ok_or("unknown role"))?,
        verified: r.bool("verified")?,
        designated: r.bool("designated")?,
        designated_at: r.time("designated_at")?,
    })
}

fn membership_from_item(item: &Item) -> Result<Membership, DirectoryError> {
    let r = Reader { item };
    Ok(Membership {
        org: r.parsed("org", OrgId::parse)?,
        org_name: r.s("org_name")?.to_string(),
        policy: r.parsed("policy", PolicyId::parse)?,
        tier: r.parsed("tier", TierId::parse)?,
        designated: r.bool("designated")?,
    })
}

fn audit_from_item(item: &Item) -> Result<AuditEntry, DirectoryError> {
    let r = Reader { item };
    Ok(AuditEntry {
        at: r
            .time("at")?
            .ok_or_else(|| r.corrupt("at is missing".into()))?,
        actor: r.s("actor")?.to_string(),
        action: r.parsed("action", |t| AuditAction::parse(t).ok_or("unknown action"))?,
        org: r.parsed("org", OrgId::parse)?,
        target: r
            .opt_s("target")?
            .map(|t| EmailAddress::parse(t).map_err(|e| r.corrupt(format!("target: {e}"))))
            .transpose()?,
        before: r.json("before")?,
        after: r.json("after")?,
    })
}

fn storage<E, R>(e: SdkError<E, R>) -> DirectoryError
where
    E: std::error::Error + 'static,
    R: std::fmt::Debug,
{
    DirectoryError::Storage(DisplayErrorContext(&e).to_string())
}

fn build_err(e: aws_sdk_dynamodb::error::BuildError) -> DirectoryError {
    DirectoryError::Storage(format!("request could not be built: {e}"))
}

fn conflict(org: &OrgId) -> DirectoryError {
    DirectoryError::Conflict(format!("organisation {org}"))
}
