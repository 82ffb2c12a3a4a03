//! `GET /orgs/{org}/audit`: the organisation's audit trail.

use serde_json::json;
use slamail_aws::http::Reply;
use slamail_core::directory::Action;
use slamail_core::ids::OrgId;

use crate::api::Api;

impl Api<'_> {
    pub(crate) async fn audit(&self, org: &OrgId) -> Reply {
        self.allow(org, Action::ViewAudit).await?;
        self.existing_org(org).await?;
        let entries = self.dir.audit(org).await?;
        Ok((200, json!({ "org": org, "entries": entries })))
    }
}
