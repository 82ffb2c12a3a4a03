//! What the desk mails to the requester: rendered for the case, threaded under its messages,
//! sent from the policy's reply-from address, and recorded with its Message-IDs.

use chrono::{DateTime, Utc};
use slamail_aws::cases::message_ids_of;
use slamail_core::case::{Direction, MessageItem, MessageKind, ReplyOutcome};
use slamail_core::ids::EmailAddress;
use slamail_core::intake::ports::{Conversation, ReplySender, SendError};
use slamail_core::policy::Policy;
use slamail_core::reply::agent::{AgentMessage, render_agent_message};

use super::record::Extra;
use super::{Desk, DeskError, stamp, store};

/// A message to the requester: its words, why it is sent (in our Message-ID), and its kind.
pub(super) struct Outgoing<'a> {
    text: &'a str,
    purpose: &'static str,
    kind: MessageKind,
}

impl<'a> Outgoing<'a> {
    /// An agent's public answer (`reply`: the response the clock waits for), or what the
    /// requester is told when their case changes (`notice`).
    pub(super) fn new(text: &'a str, kind: MessageKind) -> Self {
        let purpose = match kind {
            MessageKind::Notice => "notice",
            _ => "reply",
        };
        Self {
            text,
            purpose,
            kind,
        }
    }
}

impl<S: ReplySender + Sync> Desk<S> {
    /// Sends `out` (rendered for the case's requester); what the case records of it: the
    /// message, indexed under its Message-IDs.
    pub(super) async fn send(
        &self,
        policy: &Policy,
        conv: &Conversation,
        agent: &EmailAddress,
        out: Outgoing<'_>,
        now: DateTime<Utc>,
    ) -> Result<Extra, DeskError> {
        let Outgoing {
            text,
            purpose,
            kind,
        } = out;
        let case = &conv.case;
        let to = case
            .requester
            .as_deref()
            .and_then(|r| EmailAddress::parse(r).ok())
            .ok_or_else(|| {
                DeskError::Invalid(format!(
                    "case {} has no requester to write to",
                    case.case_id
                ))
            })?;
        let messages = self.cases.messages(&case.case_id).await.map_err(store)?;
        let mut references: Vec<String> = Vec::new();
        for m in &messages {
            if matches!(
                m.kind,
                Some(MessageKind::Unverified | MessageKind::AgentNote)
            ) {
                continue;
            }
            references.extend(message_ids_of(m));
        }
        if let ReplyOutcome::Sent { message_ids, .. } = &case.reply {
            references.extend(message_ids.iter().cloned());
        }
        let in_reply_to = messages
            .iter()
            .rev()
            .filter(|m| {
                matches!(
                    m.kind,
                    None | Some(MessageKind::Opening | MessageKind::Customer)
                )
            })
            .find_map(|m| m.message_id.clone());
        let rendered = render_agent_message(&AgentMessage {
            policy,
            case_id: &case.case_id,
            to: &to,
            to_name: case.requester_name.as_deref(),
            subject: case.subject.as_deref(),
            in_reply_to: in_reply_to.as_deref(),
            references: &references,
            text,
            now,
            message_id_domain: &self.message_id_domain,
            purpose,
        })
        .map_err(|e| DeskError::Invalid(e.to_string()))?;
        let sent = self
            .mailer
            .send(&rendered.from, &rendered.to, rendered.raw.clone())
            .await
            .map_err(|e| match e {
                SendError::Rejected(m) | SendError::Unavailable(m) | SendError::Unknown(m) => {
                    DeskError::Send(m)
                }
            })?;
        let mut ids = vec![rendered.message_id.clone()];
        ids.extend(sent.message_ids);
        let message = MessageItem {
            direction: Direction::Outbound,
            ses_message_id: sent.ses_message_id,
            message_id: Some(rendered.message_id.into()),
            from: Some(policy.reply_from.clone()),
            to: vec![to],
            subject: Some(rendered.subject.into()),
            at: stamp(now),
            bucket: None,
            key: None,
            note: None,
            kind: Some(kind),
            message_ids: ids,
            by: Some(format!("agent:{agent}")),
            text: Some(rendered.text),
        };
        Ok(Extra {
            index_ids: message.message_ids.clone(),
            message: Some(message),
            ..Extra::default()
        })
    }
}
