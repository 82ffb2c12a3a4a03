//! Creating and changing organisations, and keeping the members' copies of them current.

use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem, Update};
use chrono::Utc;
use slamail_core::directory::{
    Action, Actor, AuditAction, DirectoryError, NewOrg, OrgChanges, Organisation, Standing,
    authorize, plan_new_org, plan_org_update,
};
use slamail_core::ids::OrgId;
use slamail_core::policy::PolicySet;

use super::Directory;
use super::error::{DirectoryStoreError, build_err, storage};
use super::items::{
    ORG_SK, OrgItem, key, list, member_sk, n, org_pk, rfc3339, s, term_value, to_item,
};
use super::txn::{Step, to_json};

/// The organisation item's version as read: absent on items written before versions existed.
const VERSION_AS_READ: &str = "(attribute_not_exists(#version) OR #version = :version)";

impl Directory {
    pub async fn create_org(
        &self,
        actor: &Actor,
        policies: &PolicySet,
        new: NewOrg,
    ) -> Result<Organisation, DirectoryStoreError> {
        authorize(Standing::of_actor(actor, None), Action::CreateOrg)?;
        let org = &plan_new_org(policies, new)?;
        self.retrying(&org.id, move || async move {
            if self.org_item(&org.id).await?.is_some() {
                return Err(DirectoryError::OrgExists(org.id.clone()).into());
            }
            let now = Utc::now();
            let put = Put::builder()
                .table_name(&self.table)
                .set_item(Some(to_item(&OrgItem::new(org, now))?))
                .condition_expression("attribute_not_exists(pk)")
                .build()
                .map_err(build_err)?;
            let audit = self.audit_put(
                actor,
                AuditAction::CreateOrg,
                &org.id,
                None,
                (None, to_json(org)),
                now,
            )?;
            let mut items = vec![TransactWriteItem::builder().put(put).build(), audit];
            items.extend(self.domain_writes(org, 0, &[])?);
            Ok(Step::Write(items, org.clone()))
        })
        .await
    }

    /// Changes an organisation's name, policy, tier, extra contacts or domains. A change that
    /// leaves fewer slots than current designations is refused ([`DirectoryError::OverLimit`]).
    /// The verified domains' lookup items are rewritten (and a dropped domain's deleted) in the
    /// same transaction.
    /// Then copies the organisation onto its members, also when nothing changed: re-running an
    /// update repairs copies that an interrupted propagation left stale.
    pub async fn update_org(
        &self,
        actor: &Actor,
        policies: &PolicySet,
        id: &OrgId,
        changes: &OrgChanges,
    ) -> Result<Organisation, DirectoryStoreError> {
        authorize(Standing::of_actor(actor, None), Action::UpdateOrg)?;
        let (after, version) = self
            .retrying(id, move || async move {
                let item = self.existing_org(id).await?;
                let before = item.org();
                let plan = plan_org_update(policies, &before, changes)?;
                if plan.after == before {
                    return Ok(Step::Finished((before, item.version)));
                }
                let dropped = plan.dropped_verified_domains(&before);
                let after = plan.after;
                let now = Utc::now();
                // The version in the condition makes the audit's "before" exact and orders
                // overlapping updates; the count keeps a racing designation from slipping in.
                let term = term_update(&after)?;
                let update = Update::builder()
                    .table_name(&self.table)
                    .set_key(Some(key(org_pk(id), ORG_SK.into())))
                    .update_expression(format!(
                        "SET #name = :name, #policy = :policy, #tier = :tier, \
                         #extra = :extra, #domains = :domains, #verified = :verified, \
                         #updated = :now, \
                         #version = :next, #products = :products{}",
                        term.expression
                    ))
                    .expression_attribute_names("#products", "products")
                    .expression_attribute_names("#term", "support_term")
                    .expression_attribute_values(":products", list(&after.products))
                    .condition_expression(format!(
                        "attribute_exists(pk) AND #count <= :limit AND {VERSION_AS_READ}"
                    ))
                    .expression_attribute_names("#name", "name")
                    .expression_attribute_names("#policy", "policy")
                    .expression_attribute_names("#tier", "tier")
                    .expression_attribute_names("#extra", "extra_contacts")
                    .expression_attribute_names("#domains", "domains")
                    .expression_attribute_names("#updated", "updated_at")
                    .expression_attribute_names("#count", "designated_count")
                    .expression_attribute_names("#version", "version")
                    .expression_attribute_values(":name", s(&after.name))
                    .expression_attribute_values(":policy", s(after.policy.as_str()))
                    .expression_attribute_values(":tier", s(after.tier.as_str()))
                    .expression_attribute_values(":extra", n(after.extra_contacts))
                    .expression_attribute_values(":domains", list(&after.domains))
                    .expression_attribute_names("#verified", "verified_domains")
                    .expression_attribute_values(":verified", list(&after.verified_domains))
                    .expression_attribute_values(":now", s(&rfc3339(now)))
                    .expression_attribute_values(":limit", n(plan.limit))
                    .expression_attribute_values(":version", n(item.version))
                    .expression_attribute_values(":next", n(item.version + 1));
                let update = match term.value.clone() {
                    Some(v) => update.expression_attribute_values(":term", v),
                    None => update,
                }
                .build()
                .map_err(build_err)?;
                let audit = self.audit_put(
                    actor,
                    AuditAction::UpdateOrg,
                    id,
                    None,
                    (to_json(&before), to_json(&after)),
                    now,
                )?;
                let mut items = vec![TransactWriteItem::builder().update(update).build(), audit];
                items.extend(self.domain_writes(&after, item.version + 1, &dropped)?);
                Ok(Step::Write(items, (after, item.version + 1)))
            })
            .await?;
        self.propagate(&after, version).await?;
        Ok(after)
    }

    /// Copies the organisation's name, policy and tier at `version` onto its member items (the
    /// copies the intake's one-query lookup reads), skipping those already current. Each copy
    /// is conditioned on not being from a newer version, so when two updates overlap the older
    /// propagation never overwrites the newer one's copies.
    async fn propagate(&self, org: &Organisation, version: u64) -> Result<(), DirectoryStoreError> {
        let term = term_update(org)?;
        for m in self.member_items(&org.id).await? {
            if m.copies_current(org, version) {
                continue;
            }
            let result = self
                .client
                .update_item()
                .table_name(&self.table)
                .set_key(Some(key(org_pk(&org.id), member_sk(m.email()))))
                .update_expression(format!(
                    "SET org_name = :name, #policy = :policy, #tier = :tier, \
                     org_version = :version, #products = :products{}",
                    term.expression
                ))
                .expression_attribute_names("#products", "products")
                .expression_attribute_names("#term", "support_term")
                .expression_attribute_values(":products", list(&org.products))
                .condition_expression(
                    "attribute_exists(pk) AND \
                     (attribute_not_exists(org_version) OR org_version <= :version)",
                )
                .expression_attribute_names("#policy", "policy")
                .expression_attribute_names("#tier", "tier")
                .expression_attribute_values(":name", s(&org.name))
                .expression_attribute_values(":policy", s(org.policy.as_str()))
                .expression_attribute_values(":tier", s(org.tier.as_str()))
                .expression_attribute_values(":version", n(version));
            let result = match term.value.clone() {
                Some(v) => result.expression_attribute_values(":term", v),
                None => result,
            }
            .send()
            .await;
            match result {
                Ok(_) => {}
                // Removed meanwhile, or a newer update's copy is already there.
                Err(e)
                    if e.as_service_error()
                        .is_some_and(|se| se.is_conditional_check_failed_exception()) => {}
                Err(e) => return Err(storage(e)),
            }
        }
        Ok(())
    }
}

/// The part of an update expression that sets or removes the support term: `#term` is set when
/// the organisation has one and removed when it has none (an absent attribute, never a null).
struct TermUpdate {
    expression: &'static str,
    value: Option<AttributeValue>,
}

fn term_update(org: &Organisation) -> Result<TermUpdate, DirectoryStoreError> {
    Ok(match &org.support_term {
        Some(t) => TermUpdate {
            expression: ", #term = :term",
            value: Some(term_value(t)?),
        },
        None => TermUpdate {
            expression: " REMOVE #term",
            value: None,
        },
    })
}
