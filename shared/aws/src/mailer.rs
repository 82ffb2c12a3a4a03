//! Sending auto-replies with SESv2, as raw MIME so that every header is ours.

use aws_sdk_sesv2::Client;
use aws_sdk_sesv2::primitives::Blob;
use aws_sdk_sesv2::types::{EmailContent, RawMessage};

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

    /// Sends a rendered message; returns the SES message id.
    pub async fn send_raw(&self, from: &str, to: &str, raw: Vec<u8>) -> Result<String, MailError> {
        let content = EmailContent::builder()
            .raw(
                RawMessage::builder()
                    .data(Blob::new(raw))
                    .build()
                    .map_err(|e| MailError {
                        to: to.to_string(),
                        message: e.to_string(),
                    })?,
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
            .await
            .map_err(|e| MailError {
                to: to.to_string(),
                message: aws_sdk_sesv2::error::DisplayErrorContext(&e).to_string(),
            })?;
        out.message_id.ok_or_else(|| MailError {
            to: to.to_string(),
            message: "SES returned no message id".to_string(),
        })
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
