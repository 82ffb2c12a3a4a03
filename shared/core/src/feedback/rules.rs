//! What a bounce or complaint of an auto-reply does: it is always recorded on the reply's case;
//! a permanent bounce holds replies to the address for a while (bounces cost the sending account
//! its reputation); a complaint stops auto-replies to the address for good (an auto-reply is
//! never worth a second complaint). A transient or undetermined bounce is only recorded: the
//! address may work tomorrow.

use chrono::{DateTime, TimeDelta, Utc};

use super::event::{FeedbackKind, SendingEvent};
use crate::bounded::{Note, Subject};
use crate::case::{Direction, MessageItem, MessageKind, ReplyOutcome};
use crate::ids::EmailAddress;

/// Days no auto-reply goes to an address after a reply to it bounced, when none is configured
/// (the feedback consumer holds the address, the intake honours the hold: one number for both).
pub const DEFAULT_UNDELIVERABLE_DAYS: u32 = 7;

/// What to do about one event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedbackAction {
    /// Record it on the case; hold replies to these addresses until then.
    HoldUntil(Vec<EmailAddress>, DateTime<Utc>),
    /// Record it on the case; no auto-reply to these addresses ever again.
    StopReplies(Vec<EmailAddress>),
    /// Record it on the case only.
    Record,
    /// Not about a recipient: nothing to do.
    Ignore,
}

/// The action for `event` about the reply to `requester` (the case's). Only the address our
/// reply went to is held: an event naming anyone else changes nothing for them.
pub fn action(
    event: &SendingEvent,
    requester: Option<&str>,
    now: DateTime<Utc>,
    undeliverable_days: u32,
) -> FeedbackAction {
    let ours: Vec<EmailAddress> = event
        .recipients
        .iter()
        .filter(|r| requester == Some(r.as_str()))
        .cloned()
        .collect();
    match &event.kind {
        FeedbackKind::Other(_) => FeedbackAction::Ignore,
        FeedbackKind::TransientBounce { .. } => FeedbackAction::Record,
        _ if ours.is_empty() => FeedbackAction::Record,
        FeedbackKind::PermanentBounce { .. } => {
            FeedbackAction::HoldUntil(ours, now + TimeDelta::days(i64::from(undeliverable_days)))
        }
        FeedbackKind::Complaint { .. } => FeedbackAction::StopReplies(ours),
    }
}

/// Whether the event is about the auto-reply a case records (and not some other message).
pub fn is_about_reply(event: &SendingEvent, reply: &ReplyOutcome) -> bool {
    matches!(reply, ReplyOutcome::Sent { ses_message_id, .. }
        if *ses_message_id == event.reply_ses_message_id)
}

/// The event as a message of the case, for the support engineer.
pub fn feedback_message(event: &SendingEvent, now: DateTime<Utc>) -> MessageItem {
    let (subject, note) = match &event.kind {
        FeedbackKind::PermanentBounce { sub_type } => (
            "Auto-reply bounced (permanent)".to_string(),
            format!(
                "SES reports a permanent bounce ({sub_type}) of the auto-reply: {}; no auto-reply \
                 goes to the address for a while",
                event.detail
            ),
        ),
        FeedbackKind::TransientBounce {
            bounce_type,
            sub_type,
        } => (
            format!("Auto-reply bounced ({})", bounce_type.to_lowercase()),
            format!(
                "SES reports a {} bounce ({sub_type}) of the auto-reply: {}; the address is not held",
                bounce_type.to_lowercase(),
                event.detail
            ),
        ),
        FeedbackKind::Complaint { feedback_type } => (
            "Auto-reply marked as spam".to_string(),
            format!(
                "the recipient complained about the auto-reply ({}); no auto-reply goes to the \
                 address again",
                feedback_type.as_deref().unwrap_or("no feedback type")
            ),
        ),
        FeedbackKind::Other(t) => (format!("SES event {t}"), String::new()),
    };
    let kind = match &event.kind {
        FeedbackKind::Complaint { .. } => MessageKind::Complaint,
        _ => MessageKind::Bounce,
    };
    // A mail system's report about our reply, not words of the customer's.
    MessageItem {
        direction: Direction::DeliveryReport,
        kind: Some(kind),
        ses_message_id: event.feedback_id.clone(),
        message_id: None,
        from: None,
        to: event.recipients.clone(),
        subject: Some(Subject::new(subject)),
        at: if event.at.is_empty() {
            now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
        } else {
            event.at.clone()
        },
        bucket: None,
        key: None,
        note: Some(Note::new(note)),
        message_ids: Vec::new(),
        by: None,
        text: None,
    }
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
