//! The pure parts of the intake's steps: which addresses a message was sent to, what is recorded
//! about it, what a held or unrecorded reply becomes on the case, and when a bounce holds further
//! replies. The steps themselves (with their I/O) are in `slamail-intake`.

use chrono::{DateTime, SecondsFormat, Utc};

use super::ports::Hold;
use crate::bounded::{MessageIdText, Note, Subject};
use crate::case::{CaseRecord, Direction, MessageItem, MessageKind, RawLocation, ReplyOutcome};
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
        kind: Some(MessageKind::Opening),
        message_ids: Vec::new(),
        by: None,
        text: None,
    }
}

/// What a held reply is recorded as.
pub fn held(hold: Hold) -> ReplyOutcome {
    suppressed(&match hold {
        Hold::Undeliverable(b) => SuppressReason::Undeliverable(b),
        Hold::Complained(b) => SuppressReason::Complained(b),
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
        "delivery report ({why}) about our reply on case {}",
        case.case_id
    ))
}

/// What a delivery report citing `cited` may do to `case`, the case that Message-ID is indexed
/// under. `None`: it may not join the case at all.
///
/// A report is anyone's to write. Only one citing one of *our outbound* Message-IDs on the case
/// joins it: the customer's own Message-ID is known to everyone they copied, so a report citing
/// it proves nothing about us. It then holds replies only to an address the report says failed,
/// and only if that is our reply's recipient. What a forger can still do, and why it is harmless,
/// is in the README ("What never gets an auto-reply").
pub fn delivery_report_link(
    case: &CaseRecord,
    cited: &str,
    email: &InboundEmail,
) -> Option<ReportLink> {
    let ours = matches!(&case.reply, ReplyOutcome::Sent { message_ids, .. }
        if message_ids.iter().any(|m| m.eq_ignore_ascii_case(cited)));
    if !ours {
        return None;
    }
    let recipient = case
        .requester
        .as_deref()
        .and_then(|r| EmailAddress::parse(r).ok());
    let hold = recipient.filter(|r| email.bounce_failed_recipients.contains(r));
    Some(ReportLink { hold })
}

/// A delivery report allowed to join a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportLink {
    /// The address to hold further replies to: our reply's recipient, named as failed.
    pub hold: Option<EmailAddress>,
}

/// The report as a message of the case it joins: a delivery report, not a customer message, and
/// without its subject (the report's author chose it; the note says what it is).
pub fn delivery_report_message(inbound: &MessageItem, note: &str) -> MessageItem {
    let note = match &inbound.note {
        Some(problem) => format!("{note}; {problem}"),
        None => note.to_string(),
    };
    MessageItem {
        direction: Direction::DeliveryReport,
        kind: Some(MessageKind::Bounce),
        subject: None,
        note: Some(Note::new(note)),
        ..inbound.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::triage::loops::{BouncedReply, RateLimitHit, RateScope, RateWindow};

    #[test]
    fn held_replies_carry_their_reason() {
        let r = held(Hold::RateLimited(RateLimitHit {
            scope: RateScope::Address,
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
