//! The pure parts of the intake's steps: which addresses a message was sent to, what is recorded
//! about it, what a held or unrecorded reply becomes on the case, and when a bounce holds further
//! replies. The steps themselves (with their I/O) are in `slamail-intake`.

use chrono::{DateTime, SecondsFormat, Utc};

use super::ports::Hold;
use crate::bounded::{MessageIdText, Note, Subject};
use crate::case::{CaseRecord, Direction, MessageItem, RawLocation, ReplyOutcome};
use crate::ids::EmailAddress;
use crate::message::InboundEmail;
use crate::triage::decide::Decision;
use crate::triage::loops::SuppressReason;

/// The addresses a message was delivered to: the envelope recipients when the event gives them
/// (Bcc included), otherwise (the S3-triggered path) the message's own To and Cc.
pub fn recipients(envelope: &[String], email: &InboundEmail) -> Vec<EmailAddress> {
    if envelope.is_empty() {
        return email.recipients.clone();
    }
    envelope
        .iter()
        .filter_map(|r| EmailAddress::parse(r).ok())
        .collect()
}

/// Why a message is governed by no policy, for its inbound record and the log (capped: the
/// S3-triggered path takes the recipients from the message's own headers).
pub fn unroutable_note(recipients: &[EmailAddress]) -> Note {
    Note::new(format!(
        "no policy governs the recipients [{}]",
        recipients
            .iter()
            .map(EmailAddress::as_str)
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

/// The inbound message as a message of its case.
pub fn inbound_message(
    ses_message_id: &str,
    email: &InboundEmail,
    decision: &Decision,
    support_address: &EmailAddress,
    raw: &RawLocation,
    received: DateTime<Utc>,
) -> MessageItem {
    MessageItem {
        direction: Direction::Inbound,
        ses_message_id: ses_message_id.to_string(),
        message_id: email.message_id.as_deref().map(MessageIdText::new),
        from: decision.sender.clone(),
        to: vec![support_address.clone()],
        subject: email.subject.as_deref().map(Subject::new),
        at: received.to_rfc3339_opts(SecondsFormat::Millis, true),
        bucket: Some(raw.bucket.clone()),
        key: Some(raw.key.clone()),
        note: email.parse_problem.as_deref().map(Note::new),
    }
}

/// What a held reply is recorded as.
pub fn held(hold: Hold) -> ReplyOutcome {
    suppressed(&match hold {
        Hold::Undeliverable(b) => SuppressReason::Undeliverable(b),
        Hold::RateLimited(hit) => SuppressReason::RateLimited(hit),
    })
}

pub fn suppressed(reason: &SuppressReason) -> ReplyOutcome {
    ReplyOutcome::Suppressed {
        code: reason.code().to_string(),
        reason: reason.words(),
    }
}

/// What a reply found `sending` by a later attempt is recorded as: it is never sent again.
pub fn unrecorded_reply() -> ReplyOutcome {
    ReplyOutcome::Unknown {
        note: "an earlier attempt handed the auto-reply to SES and stopped before recording the \
               answer; it may have been sent (see the SES sending events), and it is not sent again"
            .to_string(),
    }
}

/// What a send whose answer was lost is recorded as.
pub fn unanswered_send(error: &str) -> ReplyOutcome {
    ReplyOutcome::Unknown {
        note: format!(
            "SES gave no answer to the auto-reply ({error}); it may have been sent, and it is not sent again"
        ),
    }
}

/// The note on a bounce attached to its case.
pub fn bounce_note(why: &str, case: &CaseRecord) -> Note {
    Note::new(format!(
        "bounce ({why}) of a message of case {}",
        case.case_id
    ))
}

/// Whose replies a bounce of `bounced_message_id` holds: the case's requester, when the bounced
/// message is one of our auto-replies on that case (bounces cost SES reputation).
pub fn replies_held_by_bounce<'a>(
    case: &'a CaseRecord,
    bounced_message_id: &str,
) -> Option<&'a str> {
    let ours = matches!(&case.reply, ReplyOutcome::Sent { message_ids, .. }
        if message_ids.iter().any(|m| m.eq_ignore_ascii_case(bounced_message_id)));
    if ours {
        case.requester.as_deref()
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::triage::loops::{BouncedReply, RateLimitHit, RateWindow};

    #[test]
    fn held_replies_carry_their_reason() {
        let r = held(Hold::RateLimited(RateLimitHit {
            window: RateWindow::Hour,
            limit: 5,
        }));
        assert!(
            matches!(&r, ReplyOutcome::Suppressed { code, reason }
                if code == "rate-limited" && reason.contains("at most 5 per hour")),
            "{r:?}"
        );
        let r = held(Hold::Undeliverable(BouncedReply {
            case_id: crate::ids::CaseId::parse("AS-2026-000001").ok(),
            at: Some("2026-11-30T22:00:00.000Z".into()),
        }));
        assert!(
            matches!(&r, ReplyOutcome::Suppressed { code, reason }
                if code == "undeliverable" && reason.contains("AS-2026-000001")),
            "{r:?}"
        );
    }

    #[test]
    fn envelope_recipients_win_over_headers() {
        let email = InboundEmail::parse(b"From: a@b.example\r\nTo: x@y.example\r\n\r\nhi\r\n");
        let env = recipients(&["support@activestate.com".into(), "bad".into()], &email);
        assert_eq!(env.len(), 1);
        assert_eq!(env[0].as_str(), "support@activestate.com");
        let hdr = recipients(&[], &email);
        assert_eq!(hdr[0].as_str(), "x@y.example");
        assert!(unroutable_note(&hdr).contains("x@y.example"));
    }
}
