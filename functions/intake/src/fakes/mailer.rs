//! SES's sending side, in memory: what was sent, and failures on demand.

use std::sync::Mutex;

use slamail_core::ids::EmailAddress;
use slamail_core::intake::ports::{ReplySender, SendError, SentReply};

use super::lock;

/// One reply the fake mailer accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentMail {
    pub ses_message_id: String,
    pub from: EmailAddress,
    pub to: EmailAddress,
    pub raw: String,
}

/// SES: accepts every reply (numbering them), unless told to fail the next one.
#[derive(Debug, Default)]
pub struct FakeMailer {
    sent: Mutex<Vec<SentMail>>,
    failures: Mutex<Vec<SendError>>,
}

impl FakeMailer {
    pub fn sent(&self) -> Vec<SentMail> {
        lock(&self.sent).clone()
    }

    /// The next send fails with `error`. A [`SendError::Unknown`] still "sends" the message (the
    /// answer was lost, not the message).
    pub fn fail_next(&self, error: SendError) {
        lock(&self.failures).push(error);
    }
}

impl ReplySender for FakeMailer {
    async fn send(
        &self,
        from: &EmailAddress,
        to: &EmailAddress,
        raw: Vec<u8>,
    ) -> Result<SentReply, SendError> {
        let failure = {
            let mut f = lock(&self.failures);
            (!f.is_empty()).then(|| f.remove(0))
        };
        let mut sent = lock(&self.sent);
        let id = format!("fake-{:06}", sent.len() + 1);
        if matches!(failure, None | Some(SendError::Unknown(_))) {
            sent.push(SentMail {
                ses_message_id: id.clone(),
                from: from.clone(),
                to: to.clone(),
                raw: String::from_utf8_lossy(&raw).into_owned(),
            });
        }
        match failure {
            Some(e) => Err(e),
            None => Ok(SentReply {
                message_ids: vec![format!("{id}@email.amazonses.com")],
                ses_message_id: id,
            }),
        }
    }
}
