//! SES sending events (event publishing through a configuration set, or identity notifications)
//! as published to SNS: `eventType` (or `notificationType`) `Bounce` / `Complaint`, `mail.messageId`
//! (the SES id of the message that bounced: our reply), `bounce.bounceType`, `bounce.bouncedRecipients`,
//! `complaint.complainedRecipients`. Format: <https://docs.aws.amazon.com/ses/latest/dg/event-publishing-retrieving-sns-contents.html>.
//!
//! Every text field is bounded before it is kept: the diagnostic codes come from remote mail
//! servers.

use serde::Deserialize;

use crate::ids::EmailAddress;

/// The longest diagnostic text kept from a bounce (remote servers write what they like).
pub const MAX_DETAIL: usize = 300;
/// The most recipients kept from one event (our replies have one).
pub const MAX_RECIPIENTS: usize = 50;
/// The longest identifier kept (SES ids are about 60 characters).
const MAX_ID: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeedbackError {
    #[error("the SNS message is not SES sending-event JSON: {0}")]
    NotJson(String),
    #[error("the SES event has no {0}")]
    Missing(&'static str),
}

/// What SES reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedbackKind {
    /// The recipient's server refused the reply for good (`bounceType` Permanent).
    PermanentBounce { sub_type: String },
    /// A refusal that may pass (Transient), or one SES could not classify (Undetermined).
    TransientBounce {
        bounce_type: String,
        sub_type: String,
    },
    /// The recipient marked the reply as spam.
    Complaint { feedback_type: Option<String> },
    /// Any other event type (Delivery, Send, Reject …): not feedback about a recipient.
    Other(String),
}

/// One sending event, bounded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendingEvent {
    pub kind: FeedbackKind,
    /// The SES message id of the message the event is about.
    pub reply_ses_message_id: String,
    /// SES's id of this bounce or complaint: the same event delivered twice has the same id.
    pub feedback_id: String,
    /// When the bounce or complaint happened, as SES states it.
    pub at: String,
    pub recipients: Vec<EmailAddress>,
    /// Diagnostic codes and statuses, bounded.
    pub detail: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Raw {
    event_type: Option<String>,
    notification_type: Option<String>,
    #[serde(default)]
    mail: RawMail,
    bounce: Option<RawBounce>,
    complaint: Option<RawComplaint>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawMail {
    message_id: Option<String>,
    timestamp: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawBounce {
    #[serde(default)]
    bounce_type: String,
    #[serde(default)]
    bounce_sub_type: String,
    #[serde(default)]
    bounced_recipients: Vec<RawRecipient>,
    timestamp: Option<String>,
    feedback_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawComplaint {
    #[serde(default)]
    complained_recipients: Vec<RawRecipient>,
    timestamp: Option<String>,
    feedback_id: Option<String>,
    complaint_feedback_type: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawRecipient {
    email_address: String,
    status: Option<String>,
    diagnostic_code: Option<String>,
}

/// Printable text only, at most `max` characters.
fn bounded(text: &str, max: usize) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(max)
        .collect::<String>()
        .trim()
        .to_string()
}

/// The addresses an event names, each once (a remote server may list one recipient several
/// times, in any case), at most [`MAX_RECIPIENTS`].
fn recipients(raw: &[RawRecipient]) -> Vec<EmailAddress> {
    let mut out: Vec<EmailAddress> = Vec::new();
    for address in raw
        .iter()
        .filter_map(|r| EmailAddress::parse(&r.email_address).ok())
    {
        if out.len() == MAX_RECIPIENTS {
            break;
        }
        if !out.contains(&address) {
            out.push(address);
        }
    }
    out
}

/// Parses the `Message` of an SNS notification from SES. Unknown event types are `Other`, not an
/// error: the configuration set may publish more types than the consumer acts on.
pub fn parse_sending_event(json: &str) -> Result<SendingEvent, FeedbackError> {
    let raw: Raw = serde_json::from_str(json)
        .map_err(|e| FeedbackError::NotJson(bounded(&e.to_string(), 200)))?;
    let event_type = raw
        .event_type
        .or(raw.notification_type)
        .ok_or(FeedbackError::Missing("eventType"))?;
    let reply = raw
        .mail
        .message_id
        .filter(|m| !m.trim().is_empty())
        .ok_or(FeedbackError::Missing("mail.messageId"))?;
    let mail_at = raw.mail.timestamp.unwrap_or_default();
    let (kind, feedback_id, at, recipients, detail) =
        match (event_type.as_str(), raw.bounce, raw.complaint) {
            ("Bounce", Some(b), _) => {
                let detail = b
                    .bounced_recipients
                    .iter()
                    .take(MAX_RECIPIENTS)
                    .map(|r| {
                        let status = r.status.as_deref().unwrap_or("");
                        let code = r.diagnostic_code.as_deref().unwrap_or("");
                        format!("{} {status} {code}", r.email_address)
                    })
                    .collect::<Vec<_>>()
                    .join("; ");
                let kind = if b.bounce_type == "Permanent" {
                    FeedbackKind::PermanentBounce {
                        sub_type: bounded(&b.bounce_sub_type, 40),
                    }
                } else {
                    FeedbackKind::TransientBounce {
                        bounce_type: bounded(&b.bounce_type, 40),
                        sub_type: bounded(&b.bounce_sub_type, 40),
                    }
                };
                (
                    kind,
                    b.feedback_id,
                    b.timestamp,
                    recipients(&b.bounced_recipients),
                    detail,
                )
            }
            ("Complaint", _, Some(c)) => (
                FeedbackKind::Complaint {
                    feedback_type: c.complaint_feedback_type.map(|t| bounded(&t, 40)),
                },
                c.feedback_id,
                c.timestamp,
                recipients(&c.complained_recipients),
                String::new(),
            ),
            ("Bounce", None, _) => return Err(FeedbackError::Missing("bounce")),
            ("Complaint", _, None) => return Err(FeedbackError::Missing("complaint")),
            (other, _, _) => (
                FeedbackKind::Other(bounded(other, 40)),
                None,
                None,
                Vec::new(),
                String::new(),
            ),
        };
    // Without SES's feedback id, the event itself identifies it (a redelivery repeats it).
    let feedback_id = feedback_id
        .map(|f| bounded(&f, MAX_ID))
        .filter(|f| !f.is_empty())
        .unwrap_or_else(|| format!("{}#{}", bounded(&reply, MAX_ID), bounded(&event_type, 40)));
    Ok(SendingEvent {
        kind,
        reply_ses_message_id: bounded(&reply, MAX_ID),
        feedback_id,
        at: bounded(&at.unwrap_or(mail_at), 40),
        recipients,
        detail: bounded(&detail, MAX_DETAIL),
    })
}
