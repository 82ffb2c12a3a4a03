//! The caller's own view: `GET /me` (their memberships) and `GET /orgs/{org}/members/me`
//! (their status in one organisation).

use serde_json::json;
use slamail_aws::http::Reply;
use slamail_core::directory::{Action, authorize};
use slamail_core::ids::OrgId;

use crate::api::Api;

impl Api<'_> {
    pub(crate) async fn my_memberships(&self) -> Reply {
        let all = self.dir.memberships_of(&self.caller.email).await?;
        Ok((
            200,
            json!({ "email": self.caller.email, "memberships": all }),
        ))
    }

    pub(crate) async fn my_status(&self, org: &OrgId) -> Reply {
        let (standing, own) = self.standing(org).await?;
        authorize(standing, Action::ViewOwnStatus)?;
        // Operators have no record of their own; they are told so rather than refused.
        let Some(own) = own else {
            return Ok((
                200,
                json!({ "org": org, "email": self.caller.email, "member": false, "designated": false }),
            ));
        };
        Ok((
            200,
            json!({
                "org": org,
                "email": own.email,
                "member": true,
                "role": own.role,
                // The record was read before this call verified it.
                "verified": true,
                "designated": own.designated,
            }),
        ))
    }
}
