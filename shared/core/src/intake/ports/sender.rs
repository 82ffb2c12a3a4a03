//! Sending rendered auto-replies.

use std::future::Future;

use crate::ids::EmailAddress;

/// A reply SES accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentReply {
    pub ses_message_id: String,
    /// The Message-ID forms under which answers to it will reference it.
    pub message_ids: Vec<String>,
}

/// Why a reply was not sent, by what it means for a retry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Refused for good (a rejected message, an unverified identity): retrying would not help.
    #[error("the reply was refused: {0}")]
    Rejected(String),
    /// Definitely not sent, but might be later (throttling, a service fault): retry.
    #[error("the reply could not be sent now: {0}")]
    Unavailable(String),
    /// No answer (a timeout, a lost response): it may have been sent.
    #[error("the reply's fate is unknown: {0}")]
    Unknown(String),
}

/// Sends rendered auto-replies.
pub trait ReplySender {
    fn send(
        &self,
        from: &EmailAddress,
        to: &EmailAddress,
        raw: Vec<u8>,
    ) -> impl Future<Output = Result<SentReply, SendError>> + Send;
}

impl<T: ReplySender + Sync> ReplySender for &T {
    fn send(
        &self,
        from: &EmailAddress,
        to: &EmailAddress,
        raw: Vec<u8>,
    ) -> impl Future<Output = Result<SentReply, SendError>> + Send {
        (**self).send(from, to, raw)
    }
}
