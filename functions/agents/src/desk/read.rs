//! Reading a case: `case show` (the case, its messages, ledger and clock) and `case explain`
//! (the clock in words).

use chrono::{DateTime, Utc};
use slamail_core::clock;
use slamail_core::ids::{CaseId, EmailAddress};
use slamail_core::intake::ports::ReplySender;

use super::{Desk, DeskError, Shown, store};

impl<S: ReplySender + Sync> Desk<S> {
    pub async fn show(&self, agent: &EmailAddress, case_id: &CaseId) -> Result<Shown, DeskError> {
        let (policy, conv) = self.load(agent, case_id).await?;
        let messages = self.cases.messages(case_id).await.map_err(store)?;
        let clock = clock::evaluate(&conv.ledger, policy).ok();
        Ok(Shown {
            case: conv.case,
            messages,
            ledger: conv.ledger,
            clock,
        })
    }

    pub async fn explain(
        &self,
        agent: &EmailAddress,
        case_id: &CaseId,
        now: DateTime<Utc>,
    ) -> Result<String, DeskError> {
        let (policy, conv) = self.load(agent, case_id).await?;
        clock::explain(policy, case_id.as_str(), &conv.ledger, now)
            .map_err(|e| DeskError::Invalid(format!("case {case_id}: {e}")))
    }
}
