//! What an agent writes on a case: a public reply, mailed to the requester (the response the
//! clock waits for), or an internal note, never mailed.

use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Utc};
use slamail_core::case::{Direction, MAX_TEXT_CHARS, MessageItem, MessageKind};
use slamail_core::clock::{self, Happening, TransitionError};
use slamail_core::ids::{CaseId, EmailAddress};
use slamail_core::intake::ports::ReplySender;

use super::mail::Outgoing;
use super::record::Extra;
use super::{Desk, DeskError, Done, stamp};

impl<S: ReplySender + Sync> Desk<S> {
    /// A public answer to the requester, sent with SESv2 from the support address, threaded,
    /// recorded with its Message-IDs: the response the clock waits for.
    pub async fn reply(
        &self,
        agent: &EmailAddress,
        case_id: &CaseId,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<Done, DeskError> {
        let text = bounded_text(text)?;
        let (policy, conv) = self.load(agent, case_id).await?;
        // Checked before anything is mailed: a reply that cannot be recorded is not sent.
        let view = clock::evaluate(&conv.ledger, policy).map_err(|e| {
            DeskError::Invalid(format!("case {case_id} has no usable clock ledger: {e}"))
        })?;
        if view.status == clock::Status::Closed {
            return Err(TransitionError::Closed.into());
        }
        let sent = Outgoing::new(&text, MessageKind::AgentReply);
        let extra = self.send(policy, &conv, agent, sent, now).await?;
        self.record(agent, case_id, now, Some(&Happening::AgentPublic), extra)
            .await
    }

    /// An internal note: recorded, never mailed, no effect on the clock.
    pub async fn note(
        &self,
        agent: &EmailAddress,
        case_id: &CaseId,
        note: &str,
        now: DateTime<Utc>,
    ) -> Result<Done, DeskError> {
        let text = bounded_text(note)?;
        let message = MessageItem {
            direction: Direction::Inbound,
            ses_message_id: note_id(now),
            message_id: None,
            from: Some(agent.clone()),
            to: Vec::new(),
            subject: None,
            at: stamp(now),
            bucket: None,
            key: None,
            note: None,
            kind: Some(MessageKind::AgentNote),
            message_ids: Vec::new(),
            by: Some(format!("agent:{agent}")),
            text: Some(text),
        };
        let extra = Extra {
            message: Some(message),
            ..Extra::default()
        };
        self.record(agent, case_id, now, None, extra).await
    }
}

/// A note's own id, part of its message key: two notes in the same millisecond (two agents, or
/// one clicking twice) must not share a key. Should two containers still draw the same id, the
/// adapter refuses the second write rather than replace the first.
fn note_id(now: DateTime<Utc>) -> String {
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let seq = SEQ.fetch_add(1, Ordering::Relaxed);
    let nanos = now.timestamp_nanos_opt().unwrap_or_default();
    format!("note-{nanos}-{seq}")
}

fn bounded_text(text: &str) -> Result<String, DeskError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(DeskError::Invalid("the text is empty".into()));
    }
    if t.chars().count() > MAX_TEXT_CHARS {
        return Err(DeskError::Invalid(format!(
            "the text is longer than {} characters",
            MAX_TEXT_CHARS
        )));
    }
    Ok(t.to_string())
}
