//! The directory in DynamoDB: organisations, members, designated contacts and their audit trail.
//!
//! One table, keys `pk`/`sk` (the items: [`items`]). Member items carry copies of their
//! organisation's name, policy and tier so that the intake answers "who is this sender?" with
//! one GSI query; domain items ([`domains`]) answer "which organisations own this verified
//! domain?" with one query on the table. Every change is one TransactWriteItems whose conditions restate what the rules
//! of [`slamail_core::directory`] decided on, including the calling customer's own standing;
//! when a condition fails the items are read again and the rules name the reason, so a lost race
//! reads exactly like a plain refusal ("limit reached (2 of 2)"). The commands are the core's
//! ([`NewOrg`], [`OrgChanges`], [`NewMember`], [`MemberChanges`]); this adapter decides nothing.

mod contacts;
mod domains;
mod error;
mod items;
mod members;
mod orgs;
mod txn;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use slamail_core::directory::{AuditEntry, DirectoryError, Member, Organisation};
use slamail_core::ids::{EmailAddress, OrgId};
use slamail_core::triage::Membership;

pub use error::DirectoryStoreError;
pub use slamail_core::directory::{MemberChanges, NewMember, NewOrg, OrgChanges, resolve_tier};

use error::storage;
use items::{
    AUDIT_PREFIX, AuditItem, Item, MEMBER_PREFIX, MemberItem, ORG_SK, OrgItem, from_item, key,
    member_sk, org_pk, s,
};

/// The GSI that maps an address to its member items.
pub const BY_EMAIL_INDEX: &str = "by-email";

/// The directory table.
#[derive(Debug, Clone)]
pub struct Directory {
    client: Client,
    table: String,
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

    /// Everything the directory knows about a sender, across organisations: one query on the
    /// `by-email` index.
    pub async fn memberships_of(
        &self,
        email: &EmailAddress,
    ) -> Result<Vec<Membership>, DirectoryStoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(BY_EMAIL_INDEX)
            .key_condition_expression("#email = :email")
            .expression_attribute_names("#email", "email")
            .expression_attribute_values(":email", s(email.as_str()));
        query_all(query)
            .await?
            .iter()
            .map(|item| Ok(from_item::<MemberItem>(item)?.membership()))
            .collect()
    }

    pub async fn org(&self, org: &OrgId) -> Result<Option<Organisation>, DirectoryStoreError> {
        Ok(self.org_item(org).await?.map(|i| i.org()))
    }

    pub async fn member(
        &self,
        org: &OrgId,
        email: &EmailAddress,
    ) -> Result<Option<Member>, DirectoryStoreError> {
        self.get(org_pk(org), member_sk(email))
            .await?
            .map(|item| from_item::<MemberItem>(&item).map(|m| m.member()))
            .transpose()
    }

    /// All organisations (a scan: an operator command, never on a request path).
    pub async fn list_orgs(&self) -> Result<Vec<Organisation>, DirectoryStoreError> {
        let mut out = self
            .client
            .scan()
            .table_name(&self.table)
            .filter_expression("#sk = :org")
            .expression_attribute_names("#sk", "sk")
            .expression_attribute_values(":org", s(ORG_SK))
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(storage)?
            .iter()
            .map(|item| Ok(from_item::<OrgItem>(item)?.org()))
            .collect::<Result<Vec<_>, DirectoryStoreError>>()?;
        out.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(out)
    }

    /// The organisation's members, ordered by address.
    pub async fn members(&self, org: &OrgId) -> Result<Vec<Member>, DirectoryStoreError> {
        Ok(self
            .member_items(org)
            .await?
            .iter()
            .map(MemberItem::member)
            .collect())
    }

    /// The organisation's designated contacts.
    pub async fn contacts(&self, org: &OrgId) -> Result<Vec<Member>, DirectoryStoreError> {
        Ok(self
            .members(org)
            .await?
            .into_iter()
            .filter(|m| m.designated)
            .collect())
    }

    /// The organisation's audit trail, oldest first.
    pub async fn audit(&self, org: &OrgId) -> Result<Vec<AuditEntry>, DirectoryStoreError> {
        self.query_prefix(org, AUDIT_PREFIX)
            .await?
            .iter()
            .map(|item| from_item::<AuditItem>(item)?.entry(item))
            .collect()
    }

    async fn org_item(&self, org: &OrgId) -> Result<Option<OrgItem>, DirectoryStoreError> {
        self.get(org_pk(org), ORG_SK.to_string())
            .await?
            .map(|item| from_item(&item))
            .transpose()
    }

    /// An organisation that must exist: `UnknownOrg` otherwise.
    async fn existing_org(&self, org: &OrgId) -> Result<OrgItem, DirectoryStoreError> {
        Ok(self
            .org_item(org)
            .await?
            .ok_or_else(|| DirectoryError::UnknownOrg(org.clone()))?)
    }

    /// A member who must exist: `NotAMember` otherwise.
    async fn existing_member(
        &self,
        org: &OrgId,
        email: &EmailAddress,
    ) -> Result<Member, DirectoryStoreError> {
        Ok(self
            .member(org, email)
            .await?
            .ok_or_else(|| DirectoryError::NotAMember {
                org: org.clone(),
                email: email.clone(),
            })?)
    }

    async fn member_items(&self, org: &OrgId) -> Result<Vec<MemberItem>, DirectoryStoreError> {
        self.query_prefix(org, MEMBER_PREFIX)
            .await?
            .iter()
            .map(from_item)
            .collect()
    }

    async fn get(&self, pk: String, sk: String) -> Result<Option<Item>, DirectoryStoreError> {
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

    async fn query_prefix(
        &self,
        org: &OrgId,
        prefix: &str,
    ) -> Result<Vec<Item>, DirectoryStoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk AND begins_with(sk, :prefix)")
            .expression_attribute_values(":pk", s(&org_pk(org)))
            .expression_attribute_values(":prefix", s(prefix))
            .consistent_read(true);
        query_all(query).await
    }
}

/// Every item `query` matches, across pages (the SDK's paginator follows `LastEvaluatedKey`).
async fn query_all(query: QueryFluentBuilder) -> Result<Vec<Item>, DirectoryStoreError> {
    query
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(storage)
}
