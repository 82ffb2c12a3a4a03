//! Sending SLA warnings to staff: SESv2 mail to each address and one SNS publish per topic.
//! What is sent, and to whom, is decided in `slamail_core::watch`; this only delivers it.

use aws_sdk_sesv2::types::{Body, Content, Destination, EmailContent, Message};
use slamail_core::watch::Warning;

use crate::sdk_error::{AwsFailure, Resource};

#[derive(Debug, thiserror::Error)]
#[error("sending warning {key} of case {case_id} to {target} failed: {message}")]
pub struct NotifyError {
    pub case_id: String,
    pub key: String,
    pub target: String,
    pub message: String,
}

#[derive(Clone)]
pub struct Notifier {
    ses: aws_sdk_sesv2::Client,
    sns: aws_sdk_sns::Client,
    configuration_set: Option<String>,
}

impl Notifier {
    pub fn new(
        ses: aws_sdk_sesv2::Client,
        sns: aws_sdk_sns::Client,
        configuration_set: Option<String>,
    ) -> Self {
        Self {
            ses,
            sns,
            configuration_set,
        }
    }

    /// Sends `w` from `from` to every target; returns the message ids. Stops at the first
    /// failure (the caller forgets the claim, and the next pass sends the warning again: a
    /// target that got it twice is better than a target that never did).
    pub async fn send(&self, from: &str, w: &Warning) -> Result<Vec<String>, NotifyError> {
        let err = |target: String, message: String| NotifyError {
            case_id: w.case_id.to_string(),
            key: w.key.clone(),
            target,
            message,
        };
        let mut ids = Vec::new();
        if !w.targets.email.is_empty() {
            let to: Vec<String> = w.targets.email.iter().map(|a| a.to_string()).collect();
            let text = |t: String| Content::builder().data(t).charset("UTF-8").build();
            let subject = text(w.subject()).map_err(|e| err(to.join(", "), e.to_string()))?;
            let body = text(w.body()).map_err(|e| err(to.join(", "), e.to_string()))?;
            let out = self
                .ses
                .send_email()
                .from_email_address(from)
                .destination(
                    Destination::builder()
                        .set_to_addresses(Some(to.clone()))
                        .build(),
                )
                .content(
                    EmailContent::builder()
                        .simple(
                            Message::builder()
                                .subject(subject)
                                .body(Body::builder().text(body).build())
                                .build(),
                        )
                        .build(),
                )
                .set_configuration_set_name(self.configuration_set.clone())
                .send()
                .await
                .map_err(|e| {
                    err(
                        to.join(", "),
                        AwsFailure::of(&e, Resource::EmailIdentity).to_string(),
                    )
                })?;
            ids.extend(out.message_id.map(|id| format!("ses:{id}")));
        }
        if let Some(topic) = &w.targets.sns {
            let out = self
                .sns
                .publish()
                .topic_arn(topic.as_str())
                .subject(w.subject())
                .message(w.sns_message())
                .send()
                .await
                .map_err(|e| {
                    err(
                        topic.to_string(),
                        aws_sdk_sns::error::DisplayErrorContext(&e).to_string(),
                    )
                })?;
            ids.extend(out.message_id.map(|id| format!("sns:{id}")));
        }
        Ok(ids)
    }
}
