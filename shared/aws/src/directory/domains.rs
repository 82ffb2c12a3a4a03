//! Which organisations own a mail domain: one item per (verified domain, organisation), written
//! in the organisation's own create/update transaction, so the intake finds a sender's
//! organisations by domain with one `Query` per candidate domain, never a Scan.

use aws_sdk_dynamodb::types::{Delete, Put, TransactWriteItem};
use futures::future::try_join_all;
use serde::{Deserialize, Serialize};
use slamail_core::directory::{Organisation, domain_lookup_keys};
use slamail_core::ids::EmailAddress;
use slamail_core::triage::Membership;

use super::error::{DirectoryStoreError, build_err};
use super::items::{OrgCopy, from_item, key, org_pk, s, to_item};
use super::{Directory, query_all};

pub(super) const DOMAIN_PREFIX: &str = "DOMAIN#";

fn domain_pk(domain: &str) -> String {
    format!("{DOMAIN_PREFIX}{domain}")
}

/// An organisation under one of its verified domains, with copies of what the intake needs
/// (like a member item's). No `email` attribute: it stays out of the `by-email` index.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct DomainItem {
    pk: String,
    sk: String,
    mail_domain: String,
    #[serde(flatten)]
    copy: OrgCopy,
}

impl DomainItem {
    fn new(org: &Organisation, domain: &str, org_version: u64) -> Self {
        Self {
            pk: domain_pk(domain),
            sk: org_pk(&org.id),
            mail_domain: domain.to_string(),
            copy: OrgCopy::of(org, org_version),
        }
    }

    fn membership(self) -> Membership {
        self.copy.membership(false, false, true)
    }
}

impl Directory {
    /// The writes that make the domain items say what `after` (at `version`) says: a put per
    /// verified domain (each a full copy, so an update also refreshes the copies) and a delete
    /// per domain `dropped`. They join the organisation's transaction, whose version condition
    /// orders overlapping updates, so the items never disagree with the organisation.
    pub(super) fn domain_writes(
        &self,
        after: &Organisation,
        version: u64,
        dropped: &[&str],
    ) -> Result<Vec<TransactWriteItem>, DirectoryStoreError> {
        let mut out = Vec::new();
        for d in &after.verified_domains {
            let put = Put::builder()
                .table_name(&self.table)
                .set_item(Some(to_item(&DomainItem::new(after, d, version))?))
                .build()
                .map_err(build_err)?;
            out.push(TransactWriteItem::builder().put(put).build());
        }
        for d in dropped {
            let delete = Delete::builder()
                .table_name(&self.table)
                .set_key(Some(key(domain_pk(d), org_pk(&after.id))))
                .build()
                .map_err(build_err)?;
            out.push(TransactWriteItem::builder().delete(delete).build());
        }
        Ok(out)
    }

    /// The organisations whose verified domains hold `email`'s domain (or a parent of it), as
    /// memberships marked `by_domain`: one query per candidate domain
    /// ([`domain_lookup_keys`]: one for `a@acme.example`), run concurrently.
    pub async fn domain_memberships_of(
        &self,
        email: &EmailAddress,
    ) -> Result<Vec<Membership>, DirectoryStoreError> {
        let keys = domain_lookup_keys(email);
        let found = try_join_all(keys.iter().map(|d| self.query_domain(d))).await?;
        Ok(found.into_iter().flatten().collect())
    }

    async fn query_domain(&self, domain: &str) -> Result<Vec<Membership>, DirectoryStoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", s(&domain_pk(domain)));
        query_all(query)
            .await?
            .iter()
            .map(|item| Ok(from_item::<DomainItem>(item)?.membership()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use slamail_core::support_term::SupportTerm;

    use super::super::items::sample_org;
    use super::*;

    #[test]
    fn domain_items_round_trip_and_stay_out_of_the_email_index() {
        let org = Organisation {
            domains: vec!["initech.example".into()],
            verified_domains: vec!["initech.example".into()],
            support_term: Some(SupportTerm::parse("2026-01-01", "2026-12-31").unwrap()),
            ..sample_org("initech", "Initech", "alectrona", "standard")
        };
        let item = to_item(&DomainItem::new(&org, "initech.example", 7)).unwrap();
        assert_eq!(item.get("pk"), Some(&s("DOMAIN#initech.example")));
        assert_eq!(item.get("sk"), Some(&s("ORG#initech")));
        assert!(!item.contains_key("email"));
        let m = from_item::<DomainItem>(&item).unwrap().membership();
        assert!(m.by_domain && !m.designated && !m.third_party);
        assert_eq!((m.org.as_str(), m.tier.as_str()), ("initech", "standard"));
        assert_eq!(m.support_term, org.support_term);
    }
}
