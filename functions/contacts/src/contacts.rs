//! `/orgs/{org}/contacts`: the organisation's designated contacts, listed, designated and
//! removed within its contact limit.

use serde_json::{Value, json};
use slamail_aws::http::Reply;
use slamail_core::directory::{Action, org_limit};
use slamail_core::ids::{EmailAddress, OrgId};

use crate::api::Api;
use crate::members::member_view;

impl Api<'_> {
    pub(crate) async fn list_contacts(&self, org: &OrgId) -> Reply {
        self.allow(org, Action::ListContacts).await?;
        let o = self.existing_org(org).await?;
        let contacts = self.dir.contacts(org).await?;
        let views: Vec<Value> = contacts.iter().map(member_view).collect();
        Ok((
            200,
            json!({
                "org": org,
                "used": o.designated_count,
                "limit": org_limit(self.policies, &o).ok(),
                "contacts": views,
            }),
        ))
    }

    pub(crate) async fn designate(&self, org: &OrgId, email: &EmailAddress) -> Reply {
        self.allow(org, Action::Designate).await?;
        let m = self
            .dir
            .designate(&self.caller.actor(), self.policies, org, email)
            .await?;
        Ok((200, member_view(&m)))
    }

    pub(crate) async fn remove_contact(&self, org: &OrgId, email: &EmailAddress) -> Reply {
        self.allow(org, Action::RemoveContact).await?;
        let m = self
            .dir
            .remove_contact(&self.caller.actor(), org, email)
            .await?;
        Ok((200, member_view(&m)))
    }
}
