//! Sending auto-replies with SESv2, as raw MIME so that every header is ours.

use aws_sdk_sesv2::Client;
use aws_sdk_sesv2::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_sesv2::operation::send_email::SendEmailError;
use aws_sdk_sesv2::primitives::Blob;
use aws_sdk_sesv2::types::{EmailContent, RawMessage};
use slamail_core::ids::EmailAddress;
use slamail_core::intake::ports::{ReplySender, SendError, SentReply};

use crate::sdk_error::{AwsFailure, Resource};

#[derive(Debug, thiserror::Error)]
#[error("SES SendEmail to {to} failed: {message}")]
pub struct MailError {
    pub to: String,
    pub message: String,
}

#[derive(Clone)]
pub struct Mailer {
    client: Client,
    region: String,
    configuration_set: Option<String>,
}

/// What a failed send means for a retry. Only what the SDK itself would retry (throttling, a
/// service fault, both answered by SES) counts as definitely not sent; a timeout or a lost answer
/// may hide a sent message.
fn classify(e: &SdkError<SendEmailError>) -> SendError {
    let text = AwsFailure::of(e, Resource::EmailIdentity).to_string();
    match e {
        SdkError::ConstructionFailure(_) => SendError::Rejected(text),
        SdkError::ServiceError(se) => {
            let status = se.raw().status().as_u16();
            let code = se.err().code().unwrap_or_default();
            let throttled = status == 429
                || code.contains("Throttl")
                || code == "TooManyRequestsException"
                || code == "LimitExceededException";
            if throttled || status >= 500 {
                SendError::Unavailable(text)
            } else {
                SendError::Rejected(text)
            }
        }
        _ => SendError::Unknown(text),
    }
}

impl Mailer {
    pub fn new(
        client: Client,
        region: impl Into<String>,
        configuration_set: Option<String>,
    ) -> Self {
        Self {
            client,
            region: region.into(),
            configuration_set,
        }
    }

    /// A mailer in the region of `sdk` (`us-east-1` when it names none, as the SDK's own
    /// examples do).
    pub fn from_sdk(sdk: &aws_config::SdkConfig, configuration_set: Option<String>) -> Self {
        let region = sdk
            .region()
            .map(|r| r.to_string())
            .unwrap_or_else(|| "us-east-1".to_string());
        Self::new(Client::new(sdk), region, configuration_set)
    }

    async fn send_email(
        &self,
        from: &str,
        to: &str,
        raw: Vec<u8>,
    ) -> Result<Option<String>, SdkError<SendEmailError>> {
        let content = EmailContent::builder()
            .raw(
                RawMessage::builder()
                    .data(Blob::new(raw))
                    .build()
                    .map_err(SdkError::construction_failure)?,
            )
            .build();
        let out = self
            .client
            .send_email()
            .from_email_address(from)
            .destination(
                aws_sdk_sesv2::types::Destination::builder()
                    .to_addresses(to)
                    .build(),
            )
            .content(content)
            .set_configuration_set_name(self.configuration_set.clone())
            .send()
            .await?;
        Ok(out.message_id)
    }

    /// Sends a rendered message; returns the SES message id.
    pub async fn send_raw(&self, from: &str, to: &str, raw: Vec<u8>) -> Result<String, MailError> {
        let err = |message: String| MailError {
            to: to.to_string(),
            message,
        };
        self.send_email(from, to, raw)
            .await
            .map_err(|e| err(AwsFailure::of(&e, Resource::EmailIdentity).to_string()))?
            .ok_or_else(|| err("SES returned no message id".to_string()))
    }

    /// The Message-ID forms under which recipients' replies will reference a message SES sent:
    /// SES replaces our Message-ID with `<id@email.amazonses.com>` (older) or
    /// `<id@<region>.amazonses.com>`.
    pub fn message_id_forms(&self, ses_message_id: &str) -> Vec<String> {
        vec![
            format!("{ses_message_id}@email.amazonses.com"),
            format!("{ses_message_id}@{}.amazonses.com", self.region),
        ]
    }
}

impl ReplySender for Mailer {
    async fn send(
        &self,
        from: &EmailAddress,
        to: &EmailAddress,
        raw: Vec<u8>,
    ) -> Result<SentReply, SendError> {
        let id = self
            .send_email(from.as_str(), to.as_str(), raw)
            .await
            .map_err(|e| classify(&e))?
            // Accepted, but without an id we cannot thread answers to it: sent all the same.
            .ok_or_else(|| {
                SendError::Unknown("SES accepted the reply but returned no message id".into())
            })?;
        Ok(SentReply {
            message_ids: self.message_id_forms(&id),
            ses_message_id: id,
        })
    }
}
