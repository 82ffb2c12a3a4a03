//! The cases as the intake's [`Cases`] port: each multi-item change is one transaction (see
//! `open`, `reply_record`, `bounce` and `conversation`).

use chrono::{DateTime, Utc};
use slamail_core::case::{CaseRecord, ReplyOutcome};
use slamail_core::ids::{CaseId, CasePrefix};
use slamail_core::intake::ports::{
    Append, Appended, Attachment, Cases, Conversation, Fence, NewCase, Opened, PortError,
};

use super::CaseStore;

impl Cases for CaseStore {
    async fn next_case_id(&self, prefix: &CasePrefix, year: i32) -> Result<CaseId, PortError> {
        Ok(self.next_case_number(prefix, year).await?)
    }

    async fn open(&self, new: &NewCase<'_>) -> Result<Opened, PortError> {
        Ok(self.open_case(new).await?)
    }

    async fn resume_reply(&self, fence: &Fence) -> Result<bool, PortError> {
        Ok(self.resume(fence).await?)
    }

    async fn record_reply(
        &self,
        fence: &Fence,
        case_id: &CaseId,
        outcome: &ReplyOutcome,
        now: DateTime<Utc>,
    ) -> Result<(), PortError> {
        Ok(self.record(fence, case_id, outcome, now).await?)
    }

    async fn case_of_message_id(&self, message_id: &str) -> Result<Option<CaseId>, PortError> {
        Ok(self.case_of(message_id).await?)
    }

    async fn case(&self, id: &CaseId) -> Result<Option<CaseRecord>, PortError> {
        Ok(self.get_case(id).await?)
    }

    async fn cases_of_message_ids(
        &self,
        message_ids: &[String],
    ) -> Result<Vec<(String, CaseId)>, PortError> {
        Ok(self.cases_of_ids(message_ids).await?)
    }

    async fn conversation(&self, id: &CaseId) -> Result<Option<Conversation>, PortError> {
        Ok(self.case_with_ledger(id).await?)
    }

    async fn append(&self, a: &Append<'_>) -> Result<Appended, PortError> {
        Ok(self.append_to_case(a).await?)
    }

    async fn attach(&self, a: &Attachment<'_>) -> Result<(), PortError> {
        Ok(self.attach_bounce(a).await?)
    }
}
