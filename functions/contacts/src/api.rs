//! What every route shares: the directory, the cases table for reports, the loaded policies,
//! the caller, and the caller's standing in an organisation, which authorizes each call.

use slamail_aws::cases::CaseStore;
use slamail_aws::directory::Directory;
use slamail_aws::http::ApiError;
use slamail_core::directory::{Action, DirectoryError, Member, Organisation, Standing, authorize};
use slamail_core::ids::OrgId;
use slamail_core::policy::PolicySet;

use crate::Caller;

pub(crate) struct Api<'a> {
    pub(crate) dir: &'a Directory,
    pub(crate) cases: Option<&'a CaseStore>,
    pub(crate) policies: &'a PolicySet,
    pub(crate) caller: &'a Caller,
}

impl Api<'_> {
    /// The caller's standing in `org`, and their own record. Signing in with a verified address
    /// is what verifies a member, so the first call of a member records it.
    pub(crate) async fn standing(
        &self,
        org: &OrgId,
    ) -> Result<(Standing, Option<Member>), ApiError> {
        if self.caller.operator {
            return Ok((Standing::Operator, None));
        }
        let own = self.dir.member(org, &self.caller.email).await?;
        if let Some(m) = &own
            && !m.verified
        {
            self.dir.mark_verified(org, &self.caller.email).await?;
        }
        Ok((Standing::of(false, own.as_ref()), own))
    }

    pub(crate) async fn allow(&self, org: &OrgId, action: Action) -> Result<Standing, ApiError> {
        let (standing, _) = self.standing(org).await?;
        authorize(standing, action)?;
        Ok(standing)
    }

    pub(crate) fn operator_only(&self, action: Action) -> Result<(), ApiError> {
        let standing = if self.caller.operator {
            Standing::Operator
        } else {
            Standing::Outsider
        };
        authorize(standing, action)?;
        Ok(())
    }

    pub(crate) async fn existing_org(&self, org: &OrgId) -> Result<Organisation, ApiError> {
        Ok(self
            .dir
            .org(org)
            .await?
            .ok_or_else(|| DirectoryError::UnknownOrg(org.clone()))?)
    }
}
