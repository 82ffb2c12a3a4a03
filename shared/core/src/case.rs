//! The case: what a support engineer opens. Built from a triage [`Decision`] and the message it
//! was made about; stored by the case store adapter as it is here.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use crate::bounded::{DisplayName, Matched, MessageIdKey, MessageIdText, Note, Subject};
use crate::clock::Live;
use crate::conversation::FollowUpKind;
use crate::ids::{CaseId, EmailAddress, OrgId};
use crate::message::InboundEmail;
use crate::policy::{Metric, Policy};
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
    /// SES refused it for now (throttling): it waits in the reply queue for the paced sender.
    Queued {
        note: String,
    },
}

/// Which way a message of a case went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    Inbound,
    Outbound,
    /// A delivery report about one of our outbound messages: a mail system's claim, not words
    /// of the customer's.
    DeliveryReport,
}

/// What a message of a case is, in its conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MessageKind {
    /// The message that opened the case.
    Opening,
    /// A verified participant's follow-up.
    Customer,
    /// Staff mail addressed to the requester.
    AgentPublic,
    /// Staff mail not addressed to the requester, or a note typed with `case note`.
    AgentNote,
    /// A participant's automatic mail (out-of-office …): no effect.
    Automated,
    /// Not from a verified participant: no effect, no mail; shown as unverified.
    Unverified,
    /// A bounce of one of our messages.
    Bounce,
    /// A recipient's complaint about one of our messages (SES feedback).
    Complaint,
    /// An agent's reply sent by slamail (`case reply`).
    AgentReply,
    /// A notice slamail sent the requester (a reclassification).
    Notice,
}

impl MessageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Opening => "opening",
            Self::Customer => "customer",
            Self::AgentPublic => "agent-public",
            Self::AgentNote => "agent-note",
            Self::Automated => "automated",
            Self::Unverified => "unverified",
            Self::Bounce => "bounce",
            Self::Complaint => "complaint",
            Self::AgentReply => "agent-reply",
            Self::Notice => "notice",
        }
    }
}

impl From<FollowUpKind> for MessageKind {
    fn from(k: FollowUpKind) -> Self {
        match k {
            FollowUpKind::Customer => Self::Customer,
            FollowUpKind::AgentPublic => Self::AgentPublic,
            FollowUpKind::AgentNote => Self::AgentNote,
            FollowUpKind::Automated => Self::Automated,
            FollowUpKind::Unverified => Self::Unverified,
        }
    }
}

/// The most text an agent's note or reply keeps on its message item (the whole reply is in the
/// mail itself).
pub const MAX_TEXT_CHARS: usize = 20_000;

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
    /// `None` on items written before conversations were recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<MessageKind>,
    /// For our outbound mail: our Message-ID and the forms SES gives it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub message_ids: Vec<String>,
    /// Who wrote it, for agent actions (`agent:<address>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// The text of a note or reply written through slamail (never an inbound body).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
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
    /// The severity is the sender's request, which the vendor confirms (Alectrona determines
    /// "the Priority Status of that Incident").
    #[serde(default)]
    pub severity_requested: bool,
    /// A request kind the policy places outside the SLA.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_kind: Option<String>,
    /// Why the case runs no SLA clock (`automatic`, `outside-sla`, `email-not-covered`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_clock: Option<String>,
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
    /// Who the opening message was addressed or copied to (our own addresses excluded): they
    /// may write in the conversation.
    #[serde(default)]
    pub participants: Vec<EmailAddress>,
    /// The requester's organisations under this policy: their members may write too.
    #[serde(default)]
    pub requester_orgs: Vec<OrgId>,
    /// The closed case a late reply to which opened this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refers_to: Option<CaseId>,
    /// How many clock ledger entries the case has: every append is conditional on it.
    #[serde(default)]
    pub ledger_len: u32,
    /// Which response `due` is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_metric: Option<Metric>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<String>,
    /// When the SLA watch next looks at the case (UTC), and the warning index partition it is
    /// filed under: both absent when no warning is pending, which keeps the index sparse.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_warning_utc: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub watch_shard: Option<String>,
    /// `<policy>#<YYYY-MM>` of the month the case was opened in (the policy's zone), and
    /// `<organisation or ~>#<case id>`: the attainment report index's keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report_month: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report_org: Option<String>,
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
        let case_id_text = case_id.to_string();
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
            tier_reason_words: decision.tier.reason.words_in(&policy.wording),
            authenticated: decision.authenticity.is_verified(),
            authenticity: decision.authenticity.clone(),
            severity_asked: decision.severity.asked.to_string(),
            severity_asked_from: decision
                .severity_detected
                .as_ref()
                .map(|d| Matched::new(d.matched.as_str())),
            severity: decision.severity.assigned.to_string(),
            severity_clamped: decision.severity.reason.clone(),
            severity_requested: decision.severity_requested,
            request_kind: decision.request_kind.clone(),
            no_clock: decision.no_clock.as_ref().map(|c| c.code().to_string()),
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
            participants: email
                .recipients
                .iter()
                .filter(|a| !policy.is_own_address(a) && decision.sender.as_ref() != Some(*a))
                .take(crate::message::MAX_RECIPIENTS)
                .cloned()
                .collect(),
            requester_orgs: Vec::new(),
            refers_to: None,
            ledger_len: 1,
            due_metric: deadline.due.map(|_| Metric::FirstResponse),
            closed_at: None,
            next_warning_utc: None,
            watch_shard: None,
            report_month: Some(crate::report::month_key(
                &policy.id,
                received.received.with_timezone(&zone).date_naive(),
            )),
            report_org: Some(crate::report::org_key(
                membership.map(|m| m.org.as_str()),
                &case_id_text,
            )),
        }
    }

    /// Mirrors the clock's live fields onto the case.
    pub fn apply_live(&mut self, live: &Live) {
        self.status = live.status.clone();
        self.severity = live.severity.clone();
        self.queue = live.queue.clone();
        self.due = live.due.clone();
        self.due_utc = live.due_utc.clone();
        self.due_metric = live.due_metric;
        if let Some(t) = &live.target {
            self.target = t.clone();
        }
        self.closed_at = live.closed_at.clone();
        self.next_warning_utc = live.next_warning_utc.clone();
        self.watch_shard = live
            .next_warning_utc
            .as_ref()
            .map(|_| crate::watch::shard_of(&self.case_id));
    }
}
