//! The case: what a support engineer opens. Built from a triage [`Decision`] and the message it
//! was made about; stored by the case store adapter as it is here.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use crate::bounded::{DisplayName, Matched, MessageIdKey, MessageIdText, Note, Subject};
use crate::ids::{CaseId, EmailAddress};
use crate::message::InboundEmail;
use crate::policy::Policy;
use crate::triage::decide::Decision;
use crate::triage::loops::ReplyDecision;
use crate::triage::{Authenticity, Verdicts};

/// Where the raw message is kept: the source of truth, never deleted by slamail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawLocation {
    pub bucket: String,
    pub key: String,
}

/// What happened to the auto-reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum ReplyOutcome {
    /// Decided to reply; not sent yet (or the attempt's outcome is unknown after a crash).
    Pending,
    Sent {
        /// The id SESv2 returned.
        ses_message_id: String,
        /// The Message-ID forms under which replies to it will reference our message.
        message_ids: Vec<String>,
        at: String,
    },
    Suppressed {
        code: String,
        reason: String,
    },
    Failed {
        error: String,
    },
    /// An earlier attempt handed the reply to SES and stopped before recording the answer (a
    /// crash, a timeout, a lost response): it may or may not have been sent, and it is never
    /// sent a second time.
    Unknown {
        note: String,
    },
}

/// Which way a message of a case went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    Inbound,
    Outbound,
}

/// A message of a case, inbound or outbound.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageItem {
    pub direction: Direction,
    pub ses_message_id: String,
    pub message_id: Option<MessageIdText>,
    pub from: Option<EmailAddress>,
    pub to: Vec<EmailAddress>,
    pub subject: Option<Subject>,
    pub at: String,
    pub bucket: Option<String>,
    pub key: Option<String>,
    pub note: Option<Note>,
}

/// One deadline the case has had: the first, and any after a reclassification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlineEntry {
    pub at: String,
    pub tier: String,
    pub severity: String,
    pub metric: String,
    pub target: String,
    pub clock_start: Option<String>,
    pub due: Option<String>,
    pub reason: String,
}

/// A support case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseRecord {
    pub case_id: CaseId,
    pub policy: String,
    pub status: String,
    pub support_address: String,
    pub requester: Option<String>,
    pub requester_name: Option<DisplayName>,
    pub organisation: Option<String>,
    pub organisation_name: Option<String>,
    pub tier: String,
    pub tier_reason: String,
    pub tier_reason_words: String,
    pub authenticated: bool,
    pub authenticity: Authenticity,
    pub severity_asked: String,
    pub severity_asked_from: Option<Matched>,
    pub severity: String,
    pub severity_clamped: Option<String>,
    pub received: String,
    pub clock_start: Option<String>,
    /// RFC 3339 in the policy's zone; `None` when the tier promises no response time.
    pub due: Option<String>,
    /// The same instant in UTC: the sort key of the cases table's queue index, which only holds
    /// cases that have one (an absent attribute, never a null one, keeps the index sparse).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_utc: Option<String>,
    pub target: String,
    pub queue: String,
    pub subject: Option<Subject>,
    /// The message's Message-ID, capped (the full id is in the raw message).
    pub message_id: Option<MessageIdText>,
    /// The key of the full Message-ID, under which the cases table indexes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id_key: Option<MessageIdKey>,
    pub ses_message_id: String,
    pub raw: RawLocation,
    pub size: usize,
    pub verdicts: Verdicts,
    pub quarantined: bool,
    pub parse_problem: Option<Note>,
    pub cvss: Option<f64>,
    pub security_band: Option<String>,
    pub reply: ReplyOutcome,
    pub deadlines: Vec<DeadlineEntry>,
    pub message_count: u32,
    pub created_at: String,
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The facts about one inbound message that are not in the decision.
pub struct Received<'a> {
    pub ses_message_id: &'a str,
    pub support_address: &'a str,
    pub raw: RawLocation,
    pub received: DateTime<Utc>,
    pub now: DateTime<Utc>,
    pub verdicts: &'a Verdicts,
}

impl CaseRecord {
    /// A new open case for a message.
    pub fn open(
        case_id: CaseId,
        policy: &Policy,
        email: &InboundEmail,
        decision: &Decision,
        received: Received<'_>,
    ) -> Self {
        let zone = decision.deadline.zone;
        let local = |t: DateTime<Utc>| {
            t.with_timezone(&zone)
                .to_rfc3339_opts(SecondsFormat::Secs, false)
        };
        let membership = decision.tier.org.as_ref();
        let reply = match &decision.reply {
            ReplyDecision::Allowed => ReplyOutcome::Pending,
            ReplyDecision::Suppressed(why) => ReplyOutcome::Suppressed {
                code: why.code().to_string(),
                reason: why.words(),
            },
        };
        let deadline = &decision.deadline;
        CaseRecord {
            case_id,
            policy: policy.id.to_string(),
            status: "open".to_string(),
            support_address: received.support_address.to_string(),
            requester: decision.sender.as_ref().map(|s| s.to_string()),
            requester_name: decision.sender_name.clone(),
            organisation: membership.map(|m| m.org.to_string()),
            organisation_name: membership.map(|m| m.org_name.clone()),
            tier: decision.tier.tier.to_string(),
            tier_reason: decision.tier.reason.as_str().to_string(),
            tier_reason_words: decision.tier.reason.words().to_string(),
            authenticated: decision.authenticity.is_verified(),
            authenticity: decision.authenticity.clone(),
            severity_asked: decision.severity.asked.to_string(),
            severity_asked_from: decision
                .severity_detected
                .as_ref()
                .map(|d| Matched::new(d.matched.as_str())),
            severity: decision.severity.assigned.to_string(),
            severity_clamped: decision.severity.reason.clone(),
            received: local(received.received),
            clock_start: deadline.clock_start.map(local),
            due: deadline.due.map(local),
            due_utc: deadline.due.map(rfc3339),
            target: deadline.target_words.clone(),
            queue: decision.queue.to_string(),
            subject: email.subject.as_deref().map(Subject::new),
            message_id: email.message_id.as_deref().map(MessageIdText::new),
            message_id_key: email.message_id.as_deref().map(MessageIdKey::of),
            ses_message_id: received.ses_message_id.to_string(),
            raw: received.raw,
            size: email.size,
            verdicts: received.verdicts.clone(),
            quarantined: decision.quarantined,
            parse_problem: email.parse_problem.as_deref().map(Note::new),
            cvss: decision.security.as_ref().map(|s| s.cvss),
            security_band: decision.security.as_ref().and_then(|s| s.band.clone()),
            reply,
            deadlines: vec![DeadlineEntry {
                at: rfc3339(received.now),
                tier: decision.tier.tier.to_string(),
                severity: decision.severity.assigned.to_string(),
                metric: "first-response".to_string(),
                target: deadline.target_words.clone(),
                clock_start: deadline.clock_start.map(local),
                due: deadline.due.map(local),
                reason: "case opened".to_string(),
            }],
            message_count: 1,
            created_at: rfc3339(received.now),
        }
    }
}
