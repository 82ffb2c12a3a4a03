//! The agents' desk: every action an agent takes on a case, for the CLI and the HTTP API alike.
//! Each action reads the case and its ledger, applies the clock rules of
//! [`slamail_core::clock`], and appends in one conditional write (retried when another writer
//! got there first). Only the policy's staff may act on its cases.
//!
//! - `access` — who may act on a case: the policy that governs it, and its staff.
//! - `read` — `case show` and `case explain`.
//! - `record` — one action's append to the case, retried on a conflicting write.
//! - `mail` — what the desk mails to the requester, threaded and recorded.
//! - `reply_note` — a public reply, or an internal note.
//! - `priority` — reclassification, and telling the requester.
//! - `status` — wait, close, reopen.
//! - `queue` — a queue's open cases.

mod access;
mod mail;
mod priority;
mod queue;
mod read;
mod record;
mod reply_note;
mod status;

use chrono::{DateTime, SecondsFormat, Utc};
use slamail_aws::cases::CaseStore;
use slamail_aws::mailer::Mailer;
use slamail_core::case::{CaseRecord, MessageItem};
use slamail_core::clock::{ClockView, LedgerEntry, TransitionError};
use slamail_core::ids::CaseId;
use slamail_core::policy::PolicySet;

#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    #[error("case {0} does not exist")]
    NotFound(CaseId),
    #[error("{agent} is not staff of policy {policy}: only its agents act on its cases")]
    Forbidden { agent: String, policy: String },
    #[error("{0}")]
    Refused(#[from] TransitionError),
    #[error("{0}")]
    Invalid(String),
    #[error("the cases table: {0}")]
    Store(String),
    #[error("the mail was not sent: {0}")]
    Send(String),
    #[error("case {0} kept changing while this action was recorded; try again")]
    Busy(CaseId),
}

fn store(e: impl std::fmt::Display) -> DeskError {
    DeskError::Store(e.to_string())
}

/// What an action did: the case as it is now, and the clock entries it appended.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Done {
    pub case: CaseRecord,
    pub entries: Vec<LedgerEntry>,
    /// For a reclassification: whether the requester was told, or why not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
}

/// A case as `case show` presents it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Shown {
    pub case: CaseRecord,
    pub messages: Vec<MessageItem>,
    pub ledger: Vec<LedgerEntry>,
    /// `None` for a case opened before conversations (it has no ledger).
    pub clock: Option<ClockView>,
}

/// The agents' desk over the cases table and the mailer.
pub struct Desk<S = Mailer> {
    pub cases: CaseStore,
    pub mailer: S,
    pub policies: PolicySet,
    /// For our Message-IDs (the reply-from domain when deployed).
    pub message_id_domain: String,
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}
