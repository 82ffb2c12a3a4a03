//! `POST /orgs`, `GET` and `PATCH /orgs/{org}`: an organisation, created and changed by
//! operators, shown to its members.

use serde::Deserialize;
use serde_json::{Value, json};
use slamail_aws::http::{ApiError, Reply};
use slamail_core::directory::{Action, NewOrg, OrgChanges, Organisation, org_limit};
use slamail_core::ids::{OrgId, PolicyId};
use slamail_core::support_term::SupportTerm;

use crate::api::Api;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CreateOrgBody {
    id: OrgId,
    name: String,
    policy: PolicyId,
    tier: String,
    #[serde(default)]
    extra_contacts: u32,
    #[serde(default)]
    domains: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct UpdateOrgBody {
    name: Option<String>,
    policy: Option<PolicyId>,
    tier: Option<String>,
    extra_contacts: Option<u32>,
    domains: Option<Vec<String>>,
    /// `{"start": "2026-01-01", "end": "2026-12-31"}` sets the support term; `null` removes it.
    #[serde(default, deserialize_with = "present")]
    support_term: Option<Option<SupportTerm>>,
    products: Option<Vec<String>>,
}

/// A field that may be absent (keep), `null` (remove) or a value (set).
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

impl Api<'_> {
    fn org_view(&self, o: &Organisation) -> Value {
        let limit = org_limit(self.policies, o).ok();
        json!({
            "id": o.id,
            "name": o.name,
            "policy": o.policy,
            "tier": o.tier,
            "extra_contacts": o.extra_contacts,
            "domains": o.domains,
            "verified_domains": o.verified_domains,
            "support_term": o.support_term,
            "products": o.products,
            "contacts": { "used": o.designated_count, "limit": limit },
        })
    }

    pub(crate) async fn create_org(&self, b: CreateOrgBody) -> Reply {
        self.operator_only(Action::CreateOrg)?;
        let org = self
            .dir
            .create_org(
                &self.caller.actor(),
                self.policies,
                NewOrg {
                    id: b.id,
                    name: b.name,
                    policy: b.policy,
                    tier: b.tier,
                    extra_contacts: b.extra_contacts,
                    domains: b.domains,
                    // Only operators verify a domain, and outside the API (CLI, import file).
                    verified_domains: Vec::new(),
                },
            )
            .await?;
        Ok((201, self.org_view(&org)))
    }

    pub(crate) async fn show_org(&self, org: &OrgId) -> Reply {
        self.allow(org, Action::ShowOrg).await?;
        let o = self.existing_org(org).await?;
        Ok((200, self.org_view(&o)))
    }

    pub(crate) async fn update_org(&self, org: &OrgId, b: UpdateOrgBody) -> Reply {
        self.operator_only(Action::UpdateOrg)?;
        let changes = OrgChanges {
            name: b.name,
            policy: b.policy,
            tier: b.tier,
            extra_contacts: b.extra_contacts,
            domains: b.domains,
            verified_domains: None,
            support_term: b.support_term,
            products: b.products,
        };
        if changes.is_empty() {
            return Err(ApiError::bad_request("nothing to change"));
        }
        let o = self
            .dir
            .update_org(&self.caller.actor(), self.policies, org, &changes)
            .await?;
        Ok((200, self.org_view(&o)))
    }
}
