//! Step "thread" (between attach and open): a message that threads into a case (by
//! `In-Reply-To` / `References`, then by its `[case id]` tag) joins it, as the conversation
//! rules of [`slamail_core::conversation`] place it, with the clock entries of
//! [`slamail_core::clock`]; anything else opens a case. Follow-ups never get an auto-reply.

use chrono::{DateTime, Utc};
use slamail_core::case::{Direction, MessageItem, MessageKind};
use slamail_core::clock::{self, Happening};
use slamail_core::conversation::{
    FollowUpKind, Participants, Placement, follow_up::Threaded, place, standing, subject_tag,
    thread_ids,
};
use slamail_core::ids::CaseId;
use slamail_core::intake::ports::{Append, Appended, Cases, Clock, Conversation, Fence, PortError};
use slamail_core::message::InboundEmail;
use slamail_core::policy::Policy;
use slamail_core::triage::Membership;
use slamail_core::triage::decide::Decision;
use tracing::{info, warn};

use super::finish::{self, processed};
use super::port;
use crate::{Intake, IntakeError, Job, Outcome, Ports, Processed};

/// How often an append is retried when another writer changed the case's ledger first.
const MAX_CONFLICTS: usize = 3;

/// What the threading step decided.
pub(super) enum Threading {
    /// The message joined a case (or was a duplicate): done.
    Finished(Processed),
    /// Open a new case, referring to an old one when a late reply to a closed case asks for it.
    Open { refers_to: Option<CaseId> },
}

/// What the threading step needs about the message.
pub(super) struct Incoming<'a> {
    pub email: &'a InboundEmail,
    pub decision: &'a Decision,
    pub memberships: &'a [Membership],
    pub message: &'a MessageItem,
    pub received: DateTime<Utc>,
}

/// The case a message points at: its thread's Message-IDs first, then its subject tag.
async fn pointed_case<P: Ports>(
    intake: &P,
    job: &Job,
    policy: &Policy,
    email: &InboundEmail,
) -> Result<Option<CaseId>, IntakeError> {
    let Intake { cases, .. } = intake.ports();
    let ids = thread_ids(email);
    if !ids.is_empty() {
        let found = cases.cases_of_message_ids(&ids).await.map_err(port(job))?;
        let hit = ids
            .iter()
            .find_map(|id| found.iter().find(|(m, _)| m == id).map(|(_, c)| c.clone()));
        if hit.is_some() {
            return Ok(hit);
        }
    }
    Ok(email
        .subject
        .as_deref()
        .and_then(|s| subject_tag(s, &policy.case_prefix)))
}

pub(super) async fn thread<P: Ports>(
    intake: &P,
    job: &Job,
    fence: &Fence,
    policy: &Policy,
    m: &Incoming<'_>,
) -> Result<Threading, IntakeError> {
    let Intake { cases, .. } = intake.ports();
    let Some(case_id) = pointed_case(intake, job, policy, m.email).await? else {
        return Ok(Threading::Open { refers_to: None });
    };
    for _ in 0..MAX_CONFLICTS {
        let Some(conv) = cases.conversation(&case_id).await.map_err(port(job))? else {
            info!(%case_id, "the message names a case that does not exist: a new case");
            return Ok(Threading::Open { refers_to: None });
        };
        if conv.case.policy != policy.id.as_str() {
            info!(%case_id, "the message names another policy's case: a new case");
            return Ok(Threading::Open { refers_to: None });
        }
        match join(intake, job, fence, policy, m, &conv).await? {
            Some(done) => return Ok(done),
            None => continue,
        }
    }
    Err(port(job)(PortError::new(
        "cases table",
        format!("case {case_id} kept changing while a follow-up was appended; retry"),
    )))
}

/// Appends the message to the case. `None`: the ledger changed meanwhile; read it again.
async fn join<P: Ports>(
    intake: &P,
    job: &Job,
    fence: &Fence,
    policy: &Policy,
    m: &Incoming<'_>,
    conv: &Conversation,
) -> Result<Option<Threading>, IntakeError> {
    let Intake { cases, clock, .. } = intake.ports();
    let case = &conv.case;
    let requester = case
        .requester
        .as_deref()
        .and_then(|r| slamail_core::ids::EmailAddress::parse(r).ok());
    let sender = m.decision.sender.as_ref();
    let authenticated = m.decision.authenticity.is_verified();
    let who = standing(
        policy,
        &Participants {
            requester: requester.as_ref(),
            addressed: &case.participants,
            organisations: &case.requester_orgs,
        },
        sender,
        authenticated,
        m.memberships,
    );
    // A case from before conversations has no ledger: its messages are still recorded.
    let view = clock::evaluate(&conv.ledger, policy).ok();
    let placement = place(
        policy,
        &Threaded {
            case_id: &case.case_id,
            standing: who,
            recipients: &m.email.recipients,
            requester: requester.as_ref(),
            reply: &m.decision.reply,
            closed_at: view.as_ref().and_then(|v| v.closed_at),
            received: m.received,
        },
    );
    let (kind, reopen) = match placement {
        Placement::NewCase { refers_to } => {
            info!(case_id = %refers_to, "a reply to a case closed too long ago: a new case");
            return Ok(Some(Threading::Open {
                refers_to: Some(refers_to),
            }));
        }
        Placement::Join { kind, reopen } => (kind, reopen),
    };
    let happenings: Vec<Happening> = match (kind, reopen) {
        (FollowUpKind::Customer, true) => vec![Happening::Reopen {
            reason: "the customer replied".into(),
        }],
        (FollowUpKind::Customer, false) => vec![Happening::Customer],
        (FollowUpKind::AgentPublic, _) => vec![Happening::AgentPublic],
        _ => Vec::new(),
    };
    let by = match (kind, sender) {
        (FollowUpKind::AgentPublic | FollowUpKind::AgentNote, Some(s)) => format!("agent:{s}"),
        (_, Some(s)) => format!("customer:{s}"),
        (_, None) => "intake".to_string(),
    };
    let mut entries = Vec::new();
    let mut live = None;
    if let Some(view) = &view {
        let mut ledger = conv.ledger.clone();
        let mut current = view.clone();
        for h in &happenings {
            let events = match clock::transition(policy, &current, h, m.received) {
                Ok(events) => events,
                Err(e) => {
                    warn!(error = %e, "a follow-up's clock change does not apply; recorded without it");
                    Vec::new()
                }
            };
            let new = clock::append(&ledger, events, m.received, &by, &policy.version);
            ledger.extend(new.iter().cloned());
            entries.extend(new);
            current = clock::evaluate(&ledger, policy).map_err(|e| IntakeError::Deadline {
                ses_message_id: job.ses_message_id.clone(),
                message: e.to_string(),
            })?;
        }
        live = Some(clock::live(policy, &current));
    }
    let live = live.unwrap_or_else(|| legacy_live(case));
    let mut message = m.message.clone();
    message.kind = Some(MessageKind::from(kind));
    message.direction = Direction::Inbound;
    message.to = m.email.recipients.clone();
    if kind == FollowUpKind::Unverified {
        let note = match (sender, authenticated) {
            (None, _) => "unverified: the message has no usable From".to_string(),
            (Some(_), false) => {
                "unverified: the From address is not authenticated (SPF/DKIM/DMARC)".to_string()
            }
            (Some(s), true) => format!("unverified: {s} is not a participant of this case"),
        };
        message.note = Some(note.into());
    }
    let index: Vec<String> = m.email.message_id.iter().cloned().collect();
    let now = clock.now();
    let appended = cases
        .append(&Append {
            fence: Some(fence),
            case_id: &case.case_id,
            expected_ledger_len: case.ledger_len,
            entries: &entries,
            live: &live,
            deadline: None,
            message: Some(&message),
            index_ids: &index,
            now,
        })
        .await
        .map_err(port(job))?;
    match appended {
        Appended::Conflict => Ok(None),
        Appended::Duplicate { case_id } => Ok(Some(Threading::Finished(
            finish::duplicate(intake, job, fence, case_id).await?,
        ))),
        Appended::Written => {
            info!(
                case_id = %case.case_id,
                kind = kind.as_str(),
                reopened = reopen,
                clock = ?entries.iter().map(|e| e.event.name()).collect::<Vec<_>>(),
                "follow-up appended to its case"
            );
            Ok(Some(Threading::Finished(processed(
                job,
                Outcome::Threaded {
                    case_id: case.case_id.clone(),
                    kind,
                    reopened: reopen,
                    clock: entries.iter().map(|e| e.event.name()).collect(),
                },
                None,
            ))))
        }
    }
}

/// The live fields of a case that has no ledger (opened before conversations): unchanged.
fn legacy_live(case: &slamail_core::case::CaseRecord) -> clock::Live {
    clock::Live {
        status: case.status.clone(),
        severity: case.severity.clone(),
        queue: case.queue.clone(),
        due: case.due.clone(),
        due_utc: case.due_utc.clone(),
        due_metric: case.due_metric,
        target: Some(case.target.clone()),
        closed_at: case.closed_at.clone(),
        next_warning_utc: case.next_warning_utc.clone(),
    }
}
