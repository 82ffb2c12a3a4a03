//! Who may act on a case: the loaded policy that governs it, and that policy's staff.

use slamail_core::case::CaseRecord;
use slamail_core::ids::{CaseId, EmailAddress, PolicyId};
use slamail_core::intake::ports::{Conversation, ReplySender};
use slamail_core::policy::Policy;

use super::{Desk, DeskError, store};

impl<S: ReplySender + Sync> Desk<S> {
    pub(super) fn policy(&self, case: &CaseRecord) -> Result<&Policy, DeskError> {
        let id = PolicyId::parse(&case.policy).map_err(store)?;
        self.policies.get(&id).ok_or_else(|| {
            DeskError::Invalid(format!(
                "case {} is governed by policy {}, which this deployment does not load",
                case.case_id, case.policy
            ))
        })
    }

    pub(super) fn authorise(policy: &Policy, agent: &EmailAddress) -> Result<(), DeskError> {
        if policy.is_staff(agent) {
            Ok(())
        } else {
            Err(DeskError::Forbidden {
                agent: agent.to_string(),
                policy: policy.id.to_string(),
            })
        }
    }

    /// The case and its ledger, if `agent` may act on it.
    pub(super) async fn load(
        &self,
        agent: &EmailAddress,
        case_id: &CaseId,
    ) -> Result<(&Policy, Conversation), DeskError> {
        let conv = self
            .cases
            .case_with_ledger(case_id)
            .await
            .map_err(store)?
            .ok_or_else(|| DeskError::NotFound(case_id.clone()))?;
        let policy = self.policy(&conv.case)?;
        Self::authorise(policy, agent)?;
        Ok((policy, conv))
    }

    /// A policy this deployment loads, by id.
    pub(crate) fn loaded_policy(&self, id: &PolicyId) -> Result<&Policy, DeskError> {
        self.policies
            .get(id)
            .ok_or_else(|| DeskError::Invalid(format!("no policy {id} is loaded")))
    }
}
