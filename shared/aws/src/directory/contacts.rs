//! Designating contacts and removing designations.

use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem, Update};
use chrono::Utc;
use slamail_core::directory::{
    Action, Actor, AuditAction, DirectoryError, Member, Role, check_designatable, check_free_slot,
    org_limit,
};
use slamail_core::ids::{EmailAddress, OrgId};
use slamail_core::policy::PolicySet;

use super::Directory;
use super::error::{DirectoryStoreError, build_err};
use super::items::{ORG_SK, key, member_sk, n, org_pk, rfc3339, s};
use super::txn::{Step, to_json};

impl Directory {
    /// Designates a verified, named member. Exactly as many designations succeed as the
    /// organisation has slots, however many run at once: the count on the organisation item is
    /// checked and incremented in the same transaction as the member's flag.
    pub async fn designate(
        &self,
        actor: &Actor,
        policies: &PolicySet,
        org: &OrgId,
        email: &EmailAddress,
    ) -> Result<Member, DirectoryStoreError> {
        self.retrying(org, move || async move {
            let o = self.existing_org(org).await?.org();
            let caller = self.caller(actor, org, Action::Designate).await?;
            let limit = org_limit(policies, &o)?;
            let before = self.member(org, email).await?;
            check_designatable(org, email, before.as_ref())?;
            check_free_slot(org, o.designated_count, limit)?;
            let Some(before) = before else {
                return Err(DirectoryError::NotAMember {
                    org: org.clone(),
                    email: email.clone(),
                }
                .into());
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
            let mut cond = String::from(
                "attribute_exists(pk) AND verified = :true AND designated = :false \
                 AND #role <> :third AND attribute_exists(#name)",
            );
            let mut flag = Update::builder()
                .table_name(&self.table)
                .set_key(Some(key(org_pk(org), member_sk(email))))
                .update_expression(
                    "SET designated = :true, designated_at = :now, designated_by = :actor",
                )
                .expression_attribute_names("#role", "role")
                .expression_attribute_names("#name", "name")
                .expression_attribute_values(":true", AttributeValue::Bool(true))
                .expression_attribute_values(":false", AttributeValue::Bool(false))
                .expression_attribute_values(":third", s(Role::ThirdParty.as_str()))
                .expression_attribute_values(":now", s(&rfc3339(now)))
                .expression_attribute_values(":actor", s(&actor.to_string()));
            if caller.is(email) {
                cond.push_str(" AND #role = :cadmin");
                flag = flag.expression_attribute_values(":cadmin", s(Role::Admin.as_str()));
            }
            let flag = flag.condition_expression(cond).build().map_err(build_err)?;
            let mut items = vec![
                TransactWriteItem::builder().update(take).build(),
                TransactWriteItem::builder().update(flag).build(),
            ];
            let change = (to_json(&before), to_json(&after));
            items.extend(self.audited(&caller, AuditAction::Designate, email, change, now)?);
            Ok(Step::Write(items, after))
        })
        .await
    }

    /// Removes a designation and frees its slot.
    pub async fn remove_contact(
        &self,
        actor: &Actor,
        org: &OrgId,
        contact: &EmailAddress,
    ) -> Result<Member, DirectoryStoreError> {
        self.retrying(org, move || async move {
            let caller = self.caller(actor, org, Action::RemoveContact).await?;
            let before = self.existing_member(org, contact).await?;
            if !before.designated {
                return Err(DirectoryError::NotDesignated {
                    org: org.clone(),
                    email: contact.clone(),
                }
                .into());
            }
            let now = Utc::now();
            let mut after = before.clone();
            after.designated = false;
            after.designated_at = None;
            let mut cond = String::from("attribute_exists(pk) AND designated = :true");
            let mut flag = Update::builder()
                .table_name(&self.table)
                .set_key(Some(key(org_pk(org), member_sk(contact))))
                .update_expression("SET designated = :false REMOVE designated_at, designated_by")
                .expression_attribute_values(":true", AttributeValue::Bool(true))
                .expression_attribute_values(":false", AttributeValue::Bool(false));
            if caller.is(contact) {
                cond.push_str(" AND #role = :cadmin");
                flag = flag
                    .expression_attribute_names("#role", "role")
                    .expression_attribute_values(":cadmin", s(Role::Admin.as_str()));
            }
            let flag = flag.condition_expression(cond).build().map_err(build_err)?;
            let mut items = vec![
                TransactWriteItem::builder().update(flag).build(),
                self.release_slot(org, now)?,
            ];
            let change = (to_json(&before), to_json(&after));
            items.extend(self.audited(
                &caller,
                AuditAction::RemoveContact,
                contact,
                change,
                now,
            )?);
            Ok(Step::Write(items, after))
        })
        .await
    }
}
