//! Adding, changing, verifying and removing members.

use aws_sdk_dynamodb::types::{
    AttributeValue, ConditionCheck, Delete, Put, TransactWriteItem, Update,
};
use chrono::Utc;
use slamail_core::directory::{
    Action, Actor, AuditAction, DirectoryError, Member, MemberChanges, NewMember, Role,
    loses_an_admin, other_admin, plan_member_update, plan_new_member,
};
use slamail_core::ids::{EmailAddress, OrgId};

use super::Directory;
use super::error::{DirectoryStoreError, build_err};
use super::items::{MemberItem, ORG_SK, key, member_sk, n, org_pk, s, to_item};
use super::txn::{Caller, Step, to_json};

impl Directory {
    /// Adds a member. Whoever `actor` is decides which roles they may give (administrators may
    /// add only their own domains as admins or members).
    pub async fn add_member(
        &self,
        actor: &Actor,
        new: NewMember,
    ) -> Result<Member, DirectoryStoreError> {
        let new = &new;
        self.retrying(&new.org, move || async move {
            let org = self.existing_org(&new.org).await?;
            let caller = self.caller(actor, &new.org, Action::AddMember).await?;
            let member = plan_new_member(caller.standing, &org.org(), new)?;
            if self.member(&new.org, &new.email).await?.is_some() {
                return Err(DirectoryError::MemberExists {
                    org: new.org.clone(),
                    email: new.email.clone(),
                }
                .into());
            }
            let now = Utc::now();
            let item = MemberItem::new(&member, &org.org(), org.version, now);
            // The copies of the organisation's fields must be current when the put lands.
            let check = ConditionCheck::builder()
                .table_name(&self.table)
                .set_key(Some(key(org_pk(&new.org), ORG_SK.into())))
                .condition_expression(
                    "attribute_exists(pk) AND \
                     (attribute_not_exists(#version) OR #version = :version)",
                )
                .expression_attribute_names("#version", "version")
                .expression_attribute_values(":version", n(org.version))
                .build()
                .map_err(build_err)?;
            let put = Put::builder()
                .table_name(&self.table)
                .set_item(Some(to_item(&item)?))
                .condition_expression("attribute_not_exists(pk)")
                .build()
                .map_err(build_err)?;
            let mut items = vec![
                TransactWriteItem::builder().condition_check(check).build(),
                TransactWriteItem::builder().put(put).build(),
            ];
            let change = (None, to_json(&member));
            items.extend(self.audited(&caller, AuditAction::AddMember, &new.email, change, now)?);
            Ok(Step::Write(items, member))
        })
        .await
    }

    /// Changes a member's name, role or verification. A new role passes the rules of adding a
    /// member with it; a designated contact must stay eligible; a customer keeps an admin.
    pub async fn update_member(
        &self,
        actor: &Actor,
        org: &OrgId,
        email: &EmailAddress,
        changes: &MemberChanges,
    ) -> Result<Member, DirectoryStoreError> {
        self.retrying(org, move || async move {
            let o = self.existing_org(org).await?.org();
            let caller = self.caller(actor, org, Action::UpdateMember).await?;
            let before = self.existing_member(org, email).await?;
            let after = plan_member_update(caller.standing, &o, &before, changes)?;
            if after == before {
                return Ok(Step::Finished(after));
            }
            let mut items = self
                .admin_remains(&caller, &before, Some(after.role))
                .await?;
            let mut cond = String::from(
                "attribute_exists(pk) AND designated = :designated AND #role = :orole \
                 AND verified = :overified",
            );
            let mut update = Update::builder()
                .table_name(&self.table)
                .set_key(Some(key(org_pk(org), member_sk(email))))
                .expression_attribute_names("#role", "role")
                .expression_attribute_names("#name", "name")
                .expression_attribute_values(":role", s(after.role.as_str()))
                .expression_attribute_values(":verified", AttributeValue::Bool(after.verified))
                .expression_attribute_values(":designated", AttributeValue::Bool(before.designated))
                .expression_attribute_values(":orole", s(before.role.as_str()))
                .expression_attribute_values(":overified", AttributeValue::Bool(before.verified));
            if caller.is(email) {
                cond.push_str(" AND #role = :cadmin");
                update = update.expression_attribute_values(":cadmin", s(Role::Admin.as_str()));
            }
            update = match &after.name {
                Some(name) => update
                    .update_expression("SET #role = :role, verified = :verified, #name = :name")
                    .expression_attribute_values(":name", s(name)),
                None => {
                    update.update_expression("SET #role = :role, verified = :verified REMOVE #name")
                }
            };
            let update = update
                .condition_expression(cond)
                .build()
                .map_err(build_err)?;
            items.push(TransactWriteItem::builder().update(update).build());
            let change = (to_json(&before), to_json(&after));
            items.extend(self.audited(
                &caller,
                AuditAction::UpdateMember,
                email,
                change,
                Utc::now(),
            )?);
            Ok(Step::Write(items, after))
        })
        .await
    }

    /// Records that the member signed in with a verified address. Returns whether anything
    /// changed (an already verified or unknown member is left alone).
    pub async fn mark_verified(
        &self,
        org: &OrgId,
        email: &EmailAddress,
    ) -> Result<bool, DirectoryStoreError> {
        self.retrying(org, move || async move {
            let Some(before) = self.member(org, email).await? else {
                return Ok(Step::Finished(false));
            };
            if before.verified {
                return Ok(Step::Finished(false));
            }
            let mut after = before.clone();
            after.verified = true;
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
                (to_json(&before), to_json(&after)),
                Utc::now(),
            )?;
            let items = vec![TransactWriteItem::builder().update(update).build(), audit];
            Ok(Step::Write(items, true))
        })
        .await
    }

    /// Removes a member; a designated contact's slot is freed in the same transaction.
    pub async fn remove_member(
        &self,
        actor: &Actor,
        org: &OrgId,
        email: &EmailAddress,
    ) -> Result<Member, DirectoryStoreError> {
        self.retrying(org, move || async move {
            let caller = self.caller(actor, org, Action::RemoveMember).await?;
            let before = self.existing_member(org, email).await?;
            let mut items = self.admin_remains(&caller, &before, None).await?;
            let now = Utc::now();
            let mut cond = String::from(
                "attribute_exists(pk) AND designated = :designated AND #role = :orole",
            );
            let mut delete = Delete::builder()
                .table_name(&self.table)
                .set_key(Some(key(org_pk(org), member_sk(email))))
                .expression_attribute_names("#role", "role")
                .expression_attribute_values(":designated", AttributeValue::Bool(before.designated))
                .expression_attribute_values(":orole", s(before.role.as_str()));
            if caller.is(email) {
                cond.push_str(" AND #role = :cadmin");
                delete = delete.expression_attribute_values(":cadmin", s(Role::Admin.as_str()));
            }
            let delete = delete
                .condition_expression(cond)
                .build()
                .map_err(build_err)?;
            items.push(TransactWriteItem::builder().delete(delete).build());
            if before.designated {
                items.push(self.release_slot(org, now)?);
            }
            let change = (to_json(&before), None);
            items.extend(self.audited(&caller, AuditAction::RemoveMember, email, change, now)?);
            Ok(Step::Write(items, before))
        })
        .await
    }

    /// When the change takes an administrator away, the condition that another one remains (or
    /// the last-administrator refusal). Nothing when the caller is that other administrator:
    /// the caller's own check covers it.
    async fn admin_remains(
        &self,
        caller: &Caller,
        before: &Member,
        role_after: Option<Role>,
    ) -> Result<Vec<TransactWriteItem>, DirectoryStoreError> {
        if !loses_an_admin(caller.standing, before, role_after) {
            return Ok(Vec::new());
        }
        let members = self.members(&before.org).await?;
        let other = other_admin(before, &members, caller.email())?;
        if caller.is(&other.email) {
            return Ok(Vec::new());
        }
        Ok(vec![self.admin_check(&before.org, &other.email)?])
    }
}
