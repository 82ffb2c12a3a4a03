//! What the feedback function needs from the case store.

use std::future::Future;

use chrono::{DateTime, Utc};

use super::rules::FeedbackAction;
use crate::case::{CaseRecord, MessageItem};
use crate::ids::CaseId;
use crate::intake::ports::PortError;

/// One event to record: the case it joins, the message it becomes, and the holds it sets.
#[derive(Debug, Clone)]
pub struct FeedbackRecord<'a> {
    pub case_id: &'a CaseId,
    pub feedback_id: &'a str,
    pub message: &'a MessageItem,
    pub action: &'a FeedbackAction,
    pub now: DateTime<Utc>,
}

/// Whether recording wrote anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    Written,
    /// The same event was recorded before (SNS delivers at least once): nothing changed.
    Duplicate,
}

pub trait FeedbackStore {
    /// The case whose auto-reply SES sent with this id, if any.
    fn case_of_reply(
        &self,
        reply_ses_message_id: &str,
    ) -> impl Future<Output = Result<Option<CaseRecord>, PortError>> + Send;

    /// Records the event on its case and sets its holds, once per feedback id: all or nothing.
    fn record_feedback(
        &self,
        record: &FeedbackRecord<'_>,
    ) -> impl Future<Output = Result<Recorded, PortError>> + Send;
}

/// A shared store (the fakes' tables, one client) serves as well as an owned one.
impl<T: FeedbackStore + Sync> FeedbackStore for &T {
    fn case_of_reply(
        &self,
        reply_ses_message_id: &str,
    ) -> impl Future<Output = Result<Option<CaseRecord>, PortError>> + Send {
        (**self).case_of_reply(reply_ses_message_id)
    }

    fn record_feedback(
        &self,
        record: &FeedbackRecord<'_>,
    ) -> impl Future<Output = Result<Recorded, PortError>> + Send {
        (**self).record_feedback(record)
    }
}
