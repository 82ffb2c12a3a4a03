//! What the intake needs from the world, as small traits. Each call is one round trip to a
//! store or service in the AWS adapters, so the number of calls a step makes is its latency.
//!
//! The methods return `impl Future + Send` (rather than being `async fn`) so that a handler
//! generic over the ports can still be spawned on a multi-threaded runtime.

use std::future::Future;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::case::{CaseRecord, DeadlineEntry, MessageItem, RawLocation, ReplyOutcome};
use crate::clock::{LedgerEntry, Live};
use crate::ids::{CaseId, CasePrefix, EmailAddress, PolicyId};
use crate::triage::Membership;
use crate::triage::loops::{BouncedReply, RateKey, RateLimitHit};

/// A port could not do what was asked. `port` names the store or service, `message` says what
/// failed (an adapter's own error, rendered once).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{port}: {message}")]
pub struct PortError {
    pub port: &'static str,
    pub message: String,
}

impl PortError {
    pub fn new(port: &'static str, message: impl ToString) -> Self {
        Self {
            port,
            message: message.to_string(),
        }
    }
}

/// How far a message got. Stored on its inbound record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InboundState {
    Processing,
    /// Recorded, but governed by no policy (sent to an address no policy claims).
    Unroutable,
    Done,
}

impl InboundState {
    /// The stored value (the serde name), for update and condition expressions.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Processing => "processing",
            Self::Unroutable => "unroutable",
            Self::Done => "done",
        }
    }
}

/// Where a message's auto-reply is: `none → sending → sent | failed | unknown | queued`, or
/// `suppressed`; a queued reply goes `queued → sending → …` again in the paced sender.
/// `sending` is entered only together with everything that must precede a send (the case, the
/// quotas), and only one invocation can enter it, so a reply is never sent twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReplyState {
    None,
    Sending,
    Sent,
    Suppressed,
    Failed,
    /// An attempt stopped between handing the reply to SES and recording the answer.
    Unknown,
    /// Waiting in the reply queue ([`crate::intake::reply_queue`]).
    Queued,
}

impl ReplyState {
    /// The stored value (the serde name), for update and condition expressions.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Sending => "sending",
            Self::Sent => "sent",
            Self::Suppressed => "suppressed",
            Self::Failed => "failed",
            Self::Unknown => "unknown",
            Self::Queued => "queued",
        }
    }

    /// The state an outcome leaves a message's reply in.
    pub fn of(outcome: &ReplyOutcome) -> Self {
        match outcome {
            ReplyOutcome::Sent { .. } => Self::Sent,
            ReplyOutcome::Suppressed { .. } => Self::Suppressed,
            ReplyOutcome::Failed { .. } => Self::Failed,
            ReplyOutcome::Unknown { .. } => Self::Unknown,
            ReplyOutcome::Queued { .. } => Self::Queued,
            ReplyOutcome::Pending => Self::Sending,
        }
    }
}

/// What one claim covers. A message sent to the support addresses of two policies is two cases,
/// one per policy, so each (message, policy) is claimed, opened and answered exactly once on its
/// own; a message no policy governs is recorded once as unroutable.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    Policy(PolicyId),
    Unroutable,
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Policy(p) => write!(f, "policy {p}"),
            Self::Unroutable => f.write_str("no policy"),
        }
    }
}

/// This invocation's hold on a message for one scope: the message, the scope and the claim's
/// attempt number. Every write after the claim is conditional on the attempt number, so an
/// invocation that lost its claim (its lease ran out and another took over) can change nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fence {
    pub ses_message_id: String,
    pub scope: Scope,
    pub attempt: u32,
}

/// What an owned claim found from earlier attempts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owned {
    pub fence: Fence,
    /// The case an earlier attempt opened for this message (it is opened in one write with
    /// binding it here, so a bound case exists).
    pub case_id: Option<CaseId>,
    pub reply_state: ReplyState,
}

/// What claiming a message found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// This invocation owns the message.
    Owned(Owned),
    /// Already fully processed: nothing to do.
    Done { case_id: Option<CaseId> },
    /// Another invocation holds a live lease: retry later.
    Busy,
}

/// The record of inbound messages: who is processing which (message, scope), and how far it got.
pub trait InboundLedger {
    /// Claims a message for a scope until `lease_until`, unless that is done or leased to
    /// someone else.
    fn claim(
        &self,
        ses_message_id: &str,
        scope: &Scope,
        raw: &RawLocation,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> impl Future<Output = Result<Claim, PortError>> + Send;

    /// Gives up a claim after a failure so that a retry can take over at once. `reply_not_sent`
    /// says the reply was definitely not handed to SES: a `sending` state goes back to `none`, so
    /// the retry sends it. A claim whose message is already finished (a write that committed but
    /// whose answer was lost) is left as it is.
    fn release(
        &self,
        fence: &Fence,
        reply_not_sent: bool,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<(), PortError>> + Send;

    /// Marks a message finished in `state`, with an optional note, ending the claim.
    fn finish(
        &self,
        fence: &Fence,
        state: InboundState,
        note: Option<&str>,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<(), PortError>> + Send;
}

/// The reply a new case asks for: to whom, and every counter it must pass
/// ([`crate::triage::loops::reply_rate_keys`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyRequest {
    pub to: EmailAddress,
    pub rates: Vec<RateKey>,
}

/// A new case for a message, written in one step with everything that goes with it.
#[derive(Debug, Clone)]
pub struct NewCase<'a> {
    pub fence: &'a Fence,
    pub case: &'a CaseRecord,
    pub message: &'a MessageItem,
    /// The case's first clock ledger entries.
    pub ledger: &'a [LedgerEntry],
    /// `Some`: the reply may go out unless the address is held or over a cap; the write then
    /// takes one of each cap and enters `sending`. `None`: the case's reply outcome is final and
    /// the message is finished with the write.
    pub reply: Option<ReplyRequest>,
    pub now: DateTime<Utc>,
}

/// Why a new case's reply must not go out; nothing was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hold {
    Undeliverable(BouncedReply),
    /// The address complained about an earlier reply (SES feedback): never again.
    Complained(BouncedReply),
    RateLimited(RateLimitHit),
}

/// What opening a case did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opened {
    /// The case is written and bound to the message; the reply is `sending` if one was asked.
    Written,
    /// Nothing was written: the reply is held. Open again with the reply recorded as suppressed.
    Held(Hold),
    /// Nothing was written: the message's Message-ID is already recorded (the same message
    /// delivered again under another SES id), on this case when known.
    Duplicate { case_id: Option<CaseId> },
    /// Nothing was written: a case with this id exists already (a counter that restarted, e.g.
    /// after the numbering changed). Draw another id and open again.
    CaseIdTaken,
}

/// A case with its clock ledger, read together.
#[derive(Debug, Clone)]
pub struct Conversation {
    pub case: CaseRecord,
    pub ledger: Vec<LedgerEntry>,
}

/// Something appended to a case: a message, clock entries, or both, with the case's live fields
/// recomputed from the ledger. All or nothing, and only if the ledger is still as long as when
/// it was read (`expected_ledger_len`), so two writers never interleave their clock changes.
#[derive(Debug, Clone)]
pub struct Append<'a> {
    /// The intake's claim on the message being appended (finished by the same write); `None` for
    /// agents' actions.
    pub fence: Option<&'a Fence>,
    pub case_id: &'a CaseId,
    pub expected_ledger_len: u32,
    pub entries: &'a [LedgerEntry],
    pub live: &'a Live,
    /// A new deadline for the case's history (a reclassification).
    pub deadline: Option<&'a DeadlineEntry>,
    pub message: Option<&'a MessageItem>,
    /// Message-IDs to index to the case. An inbound message's own id must not be indexed yet
    /// (else it is a duplicate); our outbound ids are unique.
    pub index_ids: &'a [String],
    pub now: DateTime<Utc>,
}

/// What an append did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Appended {
    Written,
    /// Another writer changed the case's ledger first: read it again and recompute.
    Conflict,
    /// The message's Message-ID is already recorded: a duplicate delivery. Nothing was written.
    Duplicate {
        case_id: Option<CaseId>,
    },
}

/// A bounce of one of our messages, attached to that message's case.
#[derive(Debug, Clone)]
pub struct Attachment<'a> {
    pub fence: &'a Fence,
    pub case_id: &'a CaseId,
    pub message: &'a MessageItem,
    /// The address to hold replies to, and until when (when the bounced message was our reply).
    pub hold: Option<(&'a EmailAddress, DateTime<Utc>)>,
    pub note: &'a str,
    pub now: DateTime<Utc>,
}

/// The cases, their messages, and the per-address reply bookkeeping.
pub trait Cases {
    /// Reserves a case number of a prefix and year, unique but not necessarily the next in
    /// order ([`crate::intake::case_numbers`]).
    fn next_case_id(
        &self,
        prefix: &CasePrefix,
        year: i32,
    ) -> impl Future<Output = Result<CaseId, PortError>> + Send;

    /// Writes a new case, its first message and its Message-ID, binds it to the message, and
    /// either starts the reply (`sending`, caps taken) or finishes the message: all or nothing.
    fn open(&self, new: &NewCase<'_>) -> impl Future<Output = Result<Opened, PortError>> + Send;

    /// Moves a bound case's reply from `none` back to `sending` (a retry after a definite send
    /// failure; the caps were taken when the case was opened). `false`: another state holds.
    fn resume_reply(&self, fence: &Fence) -> impl Future<Output = Result<bool, PortError>> + Send;

    /// Records the reply's outcome on the case and the message, indexes a sent reply's
    /// Message-IDs, and finishes the message.
    fn record_reply(
        &self,
        fence: &Fence,
        case_id: &CaseId,
        outcome: &ReplyOutcome,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<(), PortError>> + Send;

    /// The case a Message-ID belongs to, if any.
    fn case_of_message_id(
        &self,
        message_id: &str,
    ) -> impl Future<Output = Result<Option<CaseId>, PortError>> + Send;

    fn case(
        &self,
        id: &CaseId,
    ) -> impl Future<Output = Result<Option<CaseRecord>, PortError>> + Send;

    /// The cases any of `message_ids` belong to, as (id, case) pairs: one round trip.
    fn cases_of_message_ids(
        &self,
        message_ids: &[String],
    ) -> impl Future<Output = Result<Vec<(String, CaseId)>, PortError>> + Send;

    /// A case and its clock ledger: one round trip.
    fn conversation(
        &self,
        id: &CaseId,
    ) -> impl Future<Output = Result<Option<Conversation>, PortError>> + Send;

    /// Appends to a case (and, with a fence, finishes the message): all or nothing.
    fn append(&self, a: &Append<'_>) -> impl Future<Output = Result<Appended, PortError>> + Send;

    /// Appends a bounce to its case, holds replies to the address if asked, and finishes the
    /// message: all or nothing.
    fn attach(&self, a: &Attachment<'_>) -> impl Future<Output = Result<(), PortError>> + Send;
}

/// A shared store (the fakes' tables, one client) serves as well as an owned one.
impl<T: Cases + Sync> Cases for &T {
    fn next_case_id(
        &self,
        prefix: &CasePrefix,
        year: i32,
    ) -> impl Future<Output = Result<CaseId, PortError>> + Send {
        (**self).next_case_id(prefix, year)
    }

    fn open(&self, new: &NewCase<'_>) -> impl Future<Output = Result<Opened, PortError>> + Send {
        (**self).open(new)
    }

    fn resume_reply(&self, fence: &Fence) -> impl Future<Output = Result<bool, PortError>> + Send {
        (**self).resume_reply(fence)
    }

    fn record_reply(
        &self,
        fence: &Fence,
        case_id: &CaseId,
        outcome: &ReplyOutcome,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<(), PortError>> + Send {
        (**self).record_reply(fence, case_id, outcome, now)
    }

    fn case_of_message_id(
        &self,
        message_id: &str,
    ) -> impl Future<Output = Result<Option<CaseId>, PortError>> + Send {
        (**self).case_of_message_id(message_id)
    }

    fn case(
        &self,
        id: &CaseId,
    ) -> impl Future<Output = Result<Option<CaseRecord>, PortError>> + Send {
        (**self).case(id)
    }

    fn cases_of_message_ids(
        &self,
        message_ids: &[String],
    ) -> impl Future<Output = Result<Vec<(String, CaseId)>, PortError>> + Send {
        (**self).cases_of_message_ids(message_ids)
    }

    fn conversation(
        &self,
        id: &CaseId,
    ) -> impl Future<Output = Result<Option<Conversation>, PortError>> + Send {
        (**self).conversation(id)
    }

    fn append(&self, a: &Append<'_>) -> impl Future<Output = Result<Appended, PortError>> + Send {
        (**self).append(a)
    }

    fn attach(&self, a: &Attachment<'_>) -> impl Future<Output = Result<(), PortError>> + Send {
        (**self).attach(a)
    }
}

/// Which organisations know a sender.
pub trait Memberships {
    /// The organisations that list the sender's address.
    fn memberships_of(
        &self,
        sender: &EmailAddress,
    ) -> impl Future<Output = Result<Vec<Membership>, PortError>> + Send;

    /// The organisations whose verified domains hold the sender's address (marked `by_domain`).
    /// A separate call: the intake asks only when it can decide the tier
    /// ([`crate::triage::tier::needs_domain_lookup`]).
    fn domain_memberships_of(
        &self,
        sender: &EmailAddress,
    ) -> impl Future<Output = Result<Vec<Membership>, PortError>> + Send;
}

/// The raw-mail store SES writes to.
pub trait RawMail {
    fn fetch(&self, raw: &RawLocation) -> impl Future<Output = Result<Vec<u8>, PortError>> + Send;
}

/// A reply SES accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentReply {
    pub ses_message_id: String,
    /// The Message-ID forms under which answers to it will reference it.
    pub message_ids: Vec<String>,
}

/// Why a reply was not sent, by what it means for a retry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Refused for good (a rejected message, an unverified identity): retrying would not help.
    #[error("the reply was refused: {0}")]
    Rejected(String),
    /// Definitely not sent, but might be later (throttling, a service fault): retry.
    #[error("the reply could not be sent now: {0}")]
    Unavailable(String),
    /// No answer (a timeout, a lost response): it may have been sent.
    #[error("the reply's fate is unknown: {0}")]
    Unknown(String),
}

/// Sends rendered auto-replies.
pub trait ReplySender {
    fn send(
        &self,
        from: &EmailAddress,
        to: &EmailAddress,
        raw: Vec<u8>,
    ) -> impl Future<Output = Result<SentReply, SendError>> + Send;
}

impl<T: ReplySender + Sync> ReplySender for &T {
    fn send(
        &self,
        from: &EmailAddress,
        to: &EmailAddress,
        raw: Vec<u8>,
    ) -> impl Future<Output = Result<SentReply, SendError>> + Send {
        (**self).send(from, to, raw)
    }
}

/// What time it is.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

impl<T: Clock> Clock for &T {
    fn now(&self) -> DateTime<Utc> {
        (**self).now()
    }
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}
