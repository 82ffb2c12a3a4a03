//! Requests outside the SLA: kinds of request a vendor routes elsewhere (an account manager, a
//! commercial agreement) or excludes from support, recognised by the phrases its policy lists.
//! Such a case is recorded and queued but runs no response clock.

use serde::Serialize;

use crate::ids::QueueId;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestKind {
    pub id: String,
    pub label: String,
    /// Lower-case phrases, matched on word boundaries in the subject and the first body lines.
    pub keywords: Vec<String>,
    pub queue: QueueId,
    /// What the reply says instead of a response time.
    pub reply: String,
}
