//! Step "finish": the message's inbound item is closed with what became of it (a recorded
//! reply, a duplicate, or no policy at all), and the outcome is reported.

use slamail_core::case::{CaseRecord, ReplyOutcome};
use slamail_core::ids::CaseId;
use slamail_core::intake::ports::{Cases, Clock, Fence, InboundLedger, InboundState, Owned};
use slamail_core::intake::steps as rules;
use slamail_core::message::InboundEmail;
use tracing::{info, warn};

use super::port;
use crate::{Intake, IntakeError, Job, Outcome, Ports, Processed};

/// Records the reply's outcome on its case (which finishes the message) and reports the case.
pub(super) async fn with_reply<P: Ports>(
    intake: &P,
    job: &Job,
    owned: &Owned,
    mut case: CaseRecord,
    outcome: ReplyOutcome,
    reply_raw: Option<String>,
) -> Result<Processed, IntakeError> {
    let Intake { cases, clock, .. } = intake.ports();
    cases
        .record_reply(&owned.fence, &case.case_id, &outcome, clock.now())
        .await
        .map_err(port(job))?;
    case.reply = outcome;
    Ok(created(job, case, reply_raw))
}

/// Sent to no address any policy governs: recorded on its inbound item, no case.
pub(super) async fn unroutable<P: Ports>(
    intake: &P,
    job: &Job,
    fence: &Fence,
    email: &InboundEmail,
) -> Result<Processed, IntakeError> {
    let note = rules::unroutable_note(&rules::recipients(&job.recipients, email));
    let Intake { cases, clock, .. } = intake.ports();
    warn!(%note, "unroutable message");
    cases
        .finish(
            fence,
            InboundState::Unroutable,
            Some(note.as_str()),
            clock.now(),
        )
        .await
        .map_err(port(job))?;
    Ok(processed(
        job,
        Outcome::Unroutable {
            note: note.into_string(),
        },
        None,
    ))
}

/// The same message delivered again under another SES id: recorded on its inbound item only.
pub(super) async fn duplicate<P: Ports>(
    intake: &P,
    job: &Job,
    fence: &Fence,
    case_id: Option<CaseId>,
) -> Result<Processed, IntakeError> {
    let Intake { cases, clock, .. } = intake.ports();
    let note = format!(
        "duplicate: this Message-ID from the same sender is already recorded{}",
        case_id
            .as_ref()
            .map(|c| format!(" on case {c}"))
            .unwrap_or_default()
    );
    info!(%note, "duplicate Message-ID");
    cases
        .finish(fence, InboundState::Done, Some(&note), clock.now())
        .await
        .map_err(port(job))?;
    Ok(processed(job, Outcome::Duplicate { case_id }, None))
}

pub(super) fn processed(job: &Job, outcome: Outcome, reply_raw: Option<String>) -> Processed {
    Processed {
        ses_message_id: job.ses_message_id.clone(),
        outcome,
        reply_raw,
    }
}

pub(super) fn created(job: &Job, case: CaseRecord, reply_raw: Option<String>) -> Processed {
    processed(
        job,
        Outcome::Created {
            case: Box::new(case),
        },
        reply_raw,
    )
}
