//! What a message that threads into a case is, and where it goes.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::participants::Standing;
use crate::ids::{CaseId, EmailAddress};
use crate::policy::Policy;
use crate::triage::loops::{ReplyDecision, SuppressReason};

/// What a message of a case is. Only `Customer` and `AgentPublic` move the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FollowUpKind {
    /// A verified participant wrote: it awaits an answer.
    Customer,
    /// Staff answered the requester (the requester is in To or Cc).
    AgentPublic,
    /// Staff wrote without addressing the requester: an internal note.
    AgentNote,
    /// A participant's automatic mail (out-of-office, list copy, bounce): recorded, no effect.
    Automated,
    /// Not from a verified participant (a stranger, or an unauthenticated From): recorded and
    /// shown as unverified; it changes no clock and no mail goes to anyone about it.
    Unverified,
}

impl FollowUpKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Customer => "customer",
            Self::AgentPublic => "agent-public",
            Self::AgentNote => "agent-note",
            Self::Automated => "automated",
            Self::Unverified => "unverified",
        }
    }

    /// What the case timeline says about it.
    pub fn words(self) -> &'static str {
        match self {
            Self::Customer => "customer follow-up",
            Self::AgentPublic => "agent answer (public)",
            Self::AgentNote => "internal note",
            Self::Automated => "automatic mail from a participant (no effect on the clock)",
            Self::Unverified => {
                "UNVERIFIED: not from an authenticated participant (no effect on the clock)"
            }
        }
    }
}

/// Where a threaded message goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    /// Appended to the case; `reopen` when it reopens a closed case.
    Join { kind: FollowUpKind, reopen: bool },
    /// A customer's reply to a case closed too long ago: a new case, referring to the old one.
    NewCase { refers_to: CaseId },
}

/// Whether the loop rules call a message automatic (it is not a person writing).
fn automatic(reply: &ReplyDecision) -> bool {
    matches!(
        reply,
        ReplyDecision::Suppressed(
            SuppressReason::AutoSubmitted(_)
                | SuppressReason::Precedence(_)
                | SuppressReason::MailingList(_)
                | SuppressReason::AutoResponseSuppress
                | SuppressReason::AutoReplyHeader(_)
                | SuppressReason::Bounce(_)
                | SuppressReason::OwnMail
                | SuppressReason::LoopHeader
                | SuppressReason::NoReplySender(_)
        )
    )
}

/// Whether SES judged the message spam or a virus: never trusted as a participant's word.
fn suspicious(reply: &ReplyDecision) -> bool {
    matches!(
        reply,
        ReplyDecision::Suppressed(SuppressReason::Spam | SuppressReason::Virus)
    )
}

/// The facts about a threaded message and its case that placing it needs.
#[derive(Debug, Clone, Copy)]
pub struct Threaded<'a> {
    pub case_id: &'a CaseId,
    pub standing: Standing,
    /// The message's To and Cc addresses.
    pub recipients: &'a [EmailAddress],
    pub requester: Option<&'a EmailAddress>,
    /// The loop rules' verdict on the message.
    pub reply: &'a ReplyDecision,
    /// When the case was closed, if it is closed.
    pub closed_at: Option<DateTime<Utc>>,
    pub received: DateTime<Utc>,
}

/// Places a message that threads into a case.
pub fn place(policy: &Policy, t: &Threaded<'_>) -> Placement {
    let kind = if suspicious(t.reply) {
        FollowUpKind::Unverified
    } else {
        match t.standing {
            Standing::Staff => {
                let public = t.requester.is_some_and(|r| t.recipients.contains(r));
                if public {
                    FollowUpKind::AgentPublic
                } else {
                    FollowUpKind::AgentNote
                }
            }
            s if s.is_customer() && automatic(t.reply) => FollowUpKind::Automated,
            s if s.is_customer() => FollowUpKind::Customer,
            _ => FollowUpKind::Unverified,
        }
    };
    let Some(closed_at) = t.closed_at else {
        return Placement::Join {
            kind,
            reopen: false,
        };
    };
    if kind != FollowUpKind::Customer {
        return Placement::Join {
            kind,
            reopen: false,
        };
    }
    let window = TimeDelta::days(i64::from(policy.conversation.reopen_days));
    if t.received - closed_at <= window {
        Placement::Join { kind, reopen: true }
    } else {
        Placement::NewCase {
            refers_to: t.case_id.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::builtin;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn kinds_and_reopening() {
        let p = builtin("activestate").unwrap();
        let id = CaseId::parse("AS-2026-000001").unwrap();
        let alice = EmailAddress::parse("alice@acme.example").unwrap();
        let support = EmailAddress::parse("support@activestate.com").unwrap();
        let allowed = ReplyDecision::Allowed;
        let ooo = ReplyDecision::Suppressed(SuppressReason::AutoSubmitted("auto-replied".into()));
        let to_alice = [alice.clone(), support.clone()];
        let to_support = [support.clone()];
        let base = Threaded {
            case_id: &id,
            standing: Standing::Requester,
            recipients: &to_support,
            requester: Some(&alice),
            reply: &allowed,
            closed_at: None,
            received: at("2026-12-10T10:00:00Z"),
        };
        let kind = |t: Threaded<'_>| match place(&p, &t) {
            Placement::Join { kind, .. } => kind,
            other => panic!("{other:?}"),
        };
        assert_eq!(kind(base), FollowUpKind::Customer);
        assert_eq!(
            kind(Threaded {
                reply: &ooo,
                ..base
            }),
            FollowUpKind::Automated
        );
        assert_eq!(
            kind(Threaded {
                standing: Standing::Stranger,
                ..base
            }),
            FollowUpKind::Unverified
        );
        let staff = Threaded {
            standing: Standing::Staff,
            ..base
        };
        assert_eq!(kind(staff), FollowUpKind::AgentNote);
        assert_eq!(
            kind(Threaded {
                recipients: &to_alice,
                ..staff
            }),
            FollowUpKind::AgentPublic
        );
        // 14 days after closing reopens; a day later it is a new case.
        let closed = Threaded {
            closed_at: Some(at("2026-11-26T10:00:00Z")),
            ..base
        };
        assert_eq!(
            place(&p, &closed),
            Placement::Join {
                kind: FollowUpKind::Customer,
                reopen: true
            }
        );
        assert_eq!(
            place(
                &p,
                &Threaded {
                    received: at("2026-12-10T10:00:01Z"),
                    ..closed
                }
            ),
            Placement::NewCase {
                refers_to: id.clone()
            }
        );
        // A stranger never reopens anything.
        assert_eq!(
            place(
                &p,
                &Threaded {
                    standing: Standing::Stranger,
                    ..closed
                }
            ),
            Placement::Join {
                kind: FollowUpKind::Unverified,
                reopen: false
            }
        );
    }
}
