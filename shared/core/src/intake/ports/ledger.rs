//! The record of inbound messages: who processes which (message, scope), and how far it got.

use std::future::Future;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::case::{RawLocation, ReplyOutcome};
use crate::ids::{CaseId, PolicyId};

use super::PortError;

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

impl Claim {
    /// What a claim refused by the stored record means: a message still processing is leased to
    /// another invocation; a done or unroutable one has nothing left to do.
    pub fn refused(state: InboundState, case_id: Option<CaseId>) -> Self {
        match state {
            InboundState::Processing => Self::Busy,
            InboundState::Done | InboundState::Unroutable => Self::Done { case_id },
        }
    }
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
