//! The cases store as the intake sees it: opening a case, appending to it, recording replies.

use std::future::Future;

use chrono::{DateTime, Utc};

use crate::case::{CaseRecord, DeadlineEntry, MessageItem, ReplyOutcome};
use crate::clock::{LedgerEntry, Live};
use crate::ids::{CaseId, CasePrefix, EmailAddress};
use crate::triage::loops::{BouncedReply, RateKey, RateLimitHit};

use super::PortError;
use super::ledger::Fence;

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
