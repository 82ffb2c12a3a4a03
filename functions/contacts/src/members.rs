//! `/orgs/{org}/members`: the organisation's members, listed, added, changed and removed, and
//! how a member is shown.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use slamail_aws::http::{ApiError, Reply};
use slamail_core::directory::{Action, Member, MemberChanges, NewMember, Role, Standing};
use slamail_core::ids::{EmailAddress, OrgId};

use crate::api::Api;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AddMemberBody {
    email: EmailAddress,
    name: Option<String>,
    role: Option<Role>,
    verified: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct UpdateMemberBody {
    name: Option<String>,
    role: Option<Role>,
    verified: Option<bool>,
}

#[derive(Debug, Serialize)]
struct MemberView<'a> {
    email: &'a EmailAddress,
    name: Option<&'a str>,
    role: Role,
    verified: bool,
    designated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    designated_at: Option<String>,
}

pub(crate) fn member_view(m: &Member) -> Value {
    json!(MemberView {
        email: &m.email,
        name: m.name.as_deref(),
        role: m.role,
        verified: m.verified,
        designated: m.designated,
        designated_at: m.designated_at.map(|t| t.to_rfc3339()),
    })
}

impl Api<'_> {
    pub(crate) async fn list_members(&self, org: &OrgId) -> Reply {
        self.allow(org, Action::ListMembers).await?;
        self.existing_org(org).await?;
        let members = self.dir.members(org).await?;
        let views: Vec<Value> = members.iter().map(member_view).collect();
        Ok((200, json!({ "org": org, "members": views })))
    }

    pub(crate) async fn add_member(&self, org: &OrgId, b: AddMemberBody) -> Reply {
        let standing = self.allow(org, Action::AddMember).await?;
        if b.verified.is_some() && standing != Standing::Operator {
            return Err(ApiError::new(
                403,
                "forbidden",
                "only operators may mark an address verified; members are verified when they sign in",
            ));
        }
        let m = self
            .dir
            .add_member(
                &self.caller.actor(),
                NewMember {
                    org: org.clone(),
                    email: b.email,
                    name: b.name,
                    role: b.role.unwrap_or(Role::Member),
                    verified: b.verified.unwrap_or(false),
                },
            )
            .await?;
        Ok((201, member_view(&m)))
    }

    pub(crate) async fn update_member(
        &self,
        org: &OrgId,
        email: &EmailAddress,
        b: UpdateMemberBody,
    ) -> Reply {
        let standing = self.allow(org, Action::UpdateMember).await?;
        if b.verified.is_some() && standing != Standing::Operator {
            return Err(ApiError::new(
                403,
                "forbidden",
                "only operators may change whether an address is verified",
            ));
        }
        let m = self
            .dir
            .update_member(
                &self.caller.actor(),
                org,
                email,
                &MemberChanges {
                    name: b.name,
                    role: b.role,
                    verified: b.verified,
                },
            )
            .await?;
        Ok((200, member_view(&m)))
    }

    pub(crate) async fn remove_member(&self, org: &OrgId, email: &EmailAddress) -> Reply {
        self.allow(org, Action::RemoveMember).await?;
        let m = self
            .dir
            .remove_member(&self.caller.actor(), org, email)
            .await?;
        Ok((200, member_view(&m)))
    }
}
