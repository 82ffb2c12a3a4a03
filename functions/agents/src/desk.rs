//! The agents' desk: every action an agent takes on a case, for the CLI and the HTTP API alike.
//! Each action reads the case and its ledger, applies the clock rules of
//! [`slamail_core::clock`], and appends in one conditional write (retried when another writer
//! got there first). Only the policy's staff may act on its cases.

use chrono::{DateTime, SecondsFormat, Utc};
use slamail_aws::cases::{CaseStore, message_ids_of};
use slamail_aws::mailer::Mailer;
use slamail_core::case::{CaseRecord, DeadlineEntry, Direction, MessageItem, MessageKind};
use slamail_core::clock::{self, ClockEvent, ClockView, Happening, LedgerEntry, TransitionError};
use slamail_core::deadline::format_local;
use slamail_core::ids::{CaseId, EmailAddress, PolicyId, QueueId, SeverityId};
use slamail_core::intake::ports::{Append, Appended, Conversation, ReplySender, SendError};
use slamail_core::policy::{Policy, PolicySet};
use slamail_core::reply::agent::{AgentMessage, reclassification_notice, render_agent_message};

/// How often an action is retried when the case changed between its read and its write.
const MAX_CONFLICTS: usize = 3;

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

/// A message to the requester: its words, why it is sent (in our Message-ID), and its kind.
struct Outgoing<'a> {
    text: &'a str,
    purpose: &'static str,
    kind: MessageKind,
}

impl<'a> Outgoing<'a> {
    /// An agent's public answer (`reply`: the response the clock waits for), or what the
    /// requester is told when their case changes (`notice`).
    fn new(text: &'a str, kind: MessageKind) -> Self {
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

/// What one append adds besides clock entries.
#[derive(Default)]
struct Extra {
    message: Option<MessageItem>,
    index_ids: Vec<String>,
    reclassified_by: Option<String>,
}

/// The state changes an agent makes with only a reason (`Happening::$variant { reason }`): one
/// method each, all recorded the same way.
macro_rules! state_changes {
    ($($(#[$doc:meta])* $name:ident => $variant:ident;)*) => {$(
        $(#[$doc])*
        pub async fn $name(
            &self,
            agent: &EmailAddress,
            case_id: &CaseId,
            reason: &str,
            now: DateTime<Utc>,
        ) -> Result<Done, DeskError> {
            let h = Happening::$variant {
                reason: reason.to_string(),
            };
            self.record(agent, case_id, now, Some(&h), Extra::default())
                .await
        }
    )*};
}

impl<S: ReplySender + Sync> Desk<S> {
    fn policy(&self, case: &CaseRecord) -> Result<&Policy, DeskError> {
        let id = PolicyId::parse(&case.policy).map_err(store)?;
        self.policies.get(&id).ok_or_else(|| {
            DeskError::Invalid(format!(
                "case {} is governed by policy {}, which this deployment does not load",
                case.case_id, case.policy
            ))
        })
    }

    fn authorise(policy: &Policy, agent: &EmailAddress) -> Result<(), DeskError> {
        if policy.is_staff(agent) {
            Ok(())
        } else {
            Err(DeskError::Forbidden {
                agent: agent.to_string(),
                policy: policy.id.to_string(),
            })
        }
    }

    /// The case and its ledger, if `agent` may act on it.
    async fn load(
        &self,
        agent: &EmailAddress,
        case_id: &CaseId,
    ) -> Result<(&Policy, Conversation), DeskError> {
        let conv = self
            .cases
            .case_with_ledger(case_id)
            .await
            .map_err(store)?
            .ok_or_else(|| DeskError::NotFound(case_id.clone()))?;
        let policy = self.policy(&conv.case)?;
        Self::authorise(policy, agent)?;
        Ok((policy, conv))
    }

    pub async fn show(&self, agent: &EmailAddress, case_id: &CaseId) -> Result<Shown, DeskError> {
        let (policy, conv) = self.load(agent, case_id).await?;
        let messages = self.cases.messages(case_id).await.map_err(store)?;
        let clock = clock::evaluate(&conv.ledger, policy).ok();
        Ok(Shown {
            case: conv.case,
            messages,
            ledger: conv.ledger,
            clock,
        })
    }

    pub async fn explain(
        &self,
        agent: &EmailAddress,
        case_id: &CaseId,
        now: DateTime<Utc>,
    ) -> Result<String, DeskError> {
        let (policy, conv) = self.load(agent, case_id).await?;
        clock::explain(policy, case_id.as_str(), &conv.ledger, now)
            .map_err(|e| DeskError::Invalid(format!("case {case_id}: {e}")))
    }

    /// Reads, applies `happening`, appends; again if the case changed meanwhile.
    async fn record(
        &self,
        agent: &EmailAddress,
        case_id: &CaseId,
        now: DateTime<Utc>,
        happening: Option<&Happening>,
        extra: Extra,
    ) -> Result<Done, DeskError> {
        let by = format!("agent:{agent}");
        for _ in 0..MAX_CONFLICTS {
            let (policy, conv) = self.load(agent, case_id).await?;
            let view = clock::evaluate(&conv.ledger, policy).map_err(|e| {
                DeskError::Invalid(format!("case {case_id} has no usable clock ledger: {e}"))
            })?;
            let events = match happening {
                Some(h) => clock::transition(policy, &view, h, now)?,
                None => Vec::new(),
            };
            let entries = clock::append(&conv.ledger, events, now, &by, &policy.version);
            let mut ledger = conv.ledger.clone();
            ledger.extend(entries.iter().cloned());
            let after = clock::evaluate(&ledger, policy)
                .map_err(|e| DeskError::Invalid(format!("case {case_id}: {e}")))?;
            let live = clock::live(policy, &after);
            let deadline = extra
                .reclassified_by
                .as_ref()
                .and_then(|reason| reclassified_deadline(policy, &conv.case, &after, reason, now));
            let appended = self
                .cases
                .append_to_case(&Append {
                    fence: None,
                    case_id,
                    expected_ledger_len: conv.case.ledger_len,
                    entries: &entries,
                    live: &live,
                    deadline: deadline.as_ref(),
                    message: extra.message.as_ref(),
                    index_ids: &extra.index_ids,
                    now,
                })
                .await
                .map_err(store)?;
            match appended {
                Appended::Written => {
                    let mut case = conv.case;
                    case.apply_live(&live);
                    case.ledger_len += entries.len() as u32;
                    if extra.message.is_some() {
                        case.message_count += 1;
                    }
                    case.deadlines.extend(deadline);
                    return Ok(Done {
                        case,
                        entries,
                        notice: None,
                    });
                }
                Appended::Conflict => continue,
                Appended::Duplicate { .. } => {
                    return Err(DeskError::Store(
                        "one of the message's ids is already recorded".into(),
                    ));
                }
            }
        }
        Err(DeskError::Busy(case_id.clone()))
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
            ses_message_id: format!("note-{}", now.timestamp_millis()),
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

    /// Sends `out` (rendered for the case's requester); what the case records of it: the
    /// message, indexed under its Message-IDs.
    async fn send(
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
        if let slamail_core::case::ReplyOutcome::Sent { message_ids, .. } = &case.reply {
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

    /// Changes the case's priority (with a reason), recomputing the running target from the
    /// cycle's original start, and tells the requester the new target and why.
    pub async fn priority(
        &self,
        agent: &EmailAddress,
        case_id: &CaseId,
        severity: &str,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<Done, DeskError> {
        let (policy, _) = self.load(agent, case_id).await?;
        let to = policy
            .find_severity(severity)
            .map(|s| s.id.clone())
            .or_else(|| SeverityId::parse(severity).ok())
            .ok_or_else(|| DeskError::Invalid(format!("{severity:?} is not a severity")))?;
        let happening = Happening::Reclassify {
            to,
            reason: reason.to_string(),
        };
        let extra = Extra {
            reclassified_by: Some(reason.trim().to_string()),
            ..Extra::default()
        };
        let mut done = self
            .record(agent, case_id, now, Some(&happening), extra)
            .await?;
        done.notice = Some(self.notify(agent, case_id, &done, now).await);
        Ok(done)
    }

    /// Tells the requester about a reclassification; the outcome in words.
    async fn notify(
        &self,
        agent: &EmailAddress,
        case_id: &CaseId,
        done: &Done,
        now: DateTime<Utc>,
    ) -> String {
        let Some(ClockEvent::Reclassify {
            from, to, reason, ..
        }) = done
            .entries
            .iter()
            .map(|e| &e.event)
            .find(|e| matches!(e, ClockEvent::Reclassify { .. }))
        else {
            return "no reclassification to tell".into();
        };
        let result = async {
            let (policy, conv) = self.load(agent, case_id).await?;
            let label = |s: &SeverityId| {
                policy
                    .severity(s)
                    .map_or_else(|| s.to_string(), |x| x.label.clone())
            };
            let view = clock::evaluate(&conv.ledger, policy).ok();
            let due = view.as_ref().and_then(|v| {
                let c = v.running()?;
                let d = c.due?;
                Some((
                    c.target.words(),
                    format_local(d, policy.support_calendar().zone()),
                ))
            });
            let text = reclassification_notice(
                policy,
                case_id,
                &label(from),
                &label(to),
                reason,
                due.as_ref().map(|(w, d)| (w.as_str(), d.as_str())),
            );
            let sent = Outgoing::new(&text, MessageKind::Notice);
            let extra = self.send(policy, &conv, agent, sent, now).await?;
            self.record(agent, case_id, now, None, extra).await
        }
        .await;
        match result {
            Ok(_) => "the requester was told the new priority, target and reason".into(),
            Err(e) => format!("the requester was NOT told: {e}"),
        }
    }

    state_changes! {
        /// Waiting on the customer: the running target pauses until a verified customer message.
        wait => Wait;
        close => Close;
        reopen => Reopen;
    }

    /// A queue's open cases by the next instant due from us, soonest first (one Query).
    pub async fn queue(
        &self,
        agent: &EmailAddress,
        policy: &PolicyId,
        queue: &QueueId,
        until: Option<DateTime<Utc>>,
        limit: i32,
    ) -> Result<Vec<CaseRecord>, DeskError> {
        let p = self
            .policies
            .get(policy)
            .ok_or_else(|| DeskError::Invalid(format!("no policy {policy} is loaded")))?;
        Self::authorise(p, agent)?;
        if !p.routes.iter().any(|r| &r.queue == queue) {
            return Err(DeskError::Invalid(format!(
                "policy {policy} has no queue {queue}"
            )));
        }
        let rows = self.cases.queue(queue, until, limit).await.map_err(store)?;
        // Queue names are per policy; two policies may share one.
        Ok(rows
            .into_iter()
            .filter(|c| c.policy == policy.as_str())
            .collect())
    }
}

/// The deadline history entry a reclassification adds.
fn reclassified_deadline(
    policy: &Policy,
    case: &CaseRecord,
    after: &ClockView,
    reason: &str,
    now: DateTime<Utc>,
) -> Option<DeadlineEntry> {
    let c = after.running()?;
    let zone = policy.support_calendar().zone();
    let local = |t: DateTime<Utc>| {
        t.with_timezone(&zone)
            .to_rfc3339_opts(SecondsFormat::Secs, false)
    };
    Some(DeadlineEntry {
        at: stamp(now),
        tier: case.tier.clone(),
        severity: after.severity.to_string(),
        metric: c.metric.as_str().to_string(),
        target: c.target.words(),
        clock_start: Some(local(c.origin)),
        due: c.due.map(local),
        reason: format!("reclassified: {reason}"),
    })
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn bounded_text(text: &str) -> Result<String, DeskError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(DeskError::Invalid("the text is empty".into()));
    }
    if t.chars().count() > slamail_core::case::MAX_TEXT_CHARS {
        return Err(DeskError::Invalid(format!(
            "the text is longer than {} characters",
            slamail_core::case::MAX_TEXT_CHARS
        )));
    }
    Ok(t.to_string())
}
