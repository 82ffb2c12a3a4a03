//! Step "open": a message that neither reports on a reply nor follows up a case opens one. One
//! write opens the case, binds it to the message and either starts the reply or finishes the
//! message; a held reply is recorded as suppressed instead.

use chrono::Datelike;
use slamail_core::case::{CaseRecord, MessageItem, RawLocation, Received, ReplyOutcome};
use slamail_core::clock;
use slamail_core::ids::{CaseId, EmailAddress};
use slamail_core::intake::ports::{Cases, Clock, NewCase, Opened, Owned, PortError, ReplyRequest};
use slamail_core::intake::steps as rules;
use slamail_core::policy::Policy;
use slamail_core::triage::Membership;
use slamail_core::triage::decide::Decision;
use slamail_core::triage::loops::reply_rate_keys;
use tracing::{info, warn};

use super::finish::{self, created};
use super::load::Loaded;
use super::port;
use super::reply::{self, Progress, Rendered};
use crate::{Intake, IntakeError, Job, Ports, Processed};

/// How many times a case id found taken is drawn again before the invocation fails.
const MAX_ID_REDRAWS: u32 = 3;

/// Where a message arrived and what is recorded about it.
pub(super) struct Arrival<'a> {
    pub support: &'a EmailAddress,
    pub raw: &'a RawLocation,
    /// What the directory knows about the sender: the requester's organisations.
    pub memberships: &'a [Membership],
    /// The closed case a late reply to which opens this one.
    pub refers_to: Option<CaseId>,
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn open<P: Ports>(
    intake: &P,
    job: &Job,
    owned: &Owned,
    policy: &Policy,
    loaded: &Loaded,
    decision: &Decision,
    at: Arrival<'_>,
    message: &MessageItem,
    progress: &mut Progress,
) -> Result<Processed, IntakeError> {
    let Intake { cases, clock, .. } = intake.ports();
    let year = loaded
        .received
        .with_timezone(&decision.deadline.zone)
        .year();
    let ledger = clock::append(
        &[],
        vec![clock::opening_of(policy, decision)],
        loaded.received,
        "intake",
        &policy.version,
    );
    // The SLA watch's first look at the case, from the same reading of the ledger as every
    // later write.
    let next_warning_utc = clock::evaluate(&ledger, policy)
        .ok()
        .and_then(|view| clock::live(policy, &view).next_warning_utc);
    let mut case = new_case(intake, job, policy, loaded, decision, &at, year).await?;
    watch_first_look(&mut case, &next_warning_utc);
    let mut rendered = render_for(intake, policy, &mut case, loaded, decision, at.support);
    let mut redraws = 0;
    let opened = loop {
        let new = NewCase {
            fence: &owned.fence,
            case: &case,
            message,
            ledger: &ledger,
            reply: rendered
                .as_ref()
                .map(|r| reply_request(intake, job, policy, r)),
            now: clock.now(),
        };
        let opened = cases.open(&new).await.map_err(port(job))?;
        if opened != Opened::CaseIdTaken {
            break opened;
        }
        if redraws == MAX_ID_REDRAWS {
            return Err(port(job)(PortError::new(
                "cases table",
                format!("{} case ids in a row were taken already", redraws + 1),
            )));
        }
        redraws += 1;
        warn!(case_id = %case.case_id, "case id already taken: drawing another");
        case = new_case(intake, job, policy, loaded, decision, &at, year).await?;
        watch_first_look(&mut case, &next_warning_utc);
        rendered = render_for(intake, policy, &mut case, loaded, decision, at.support);
    };
    if let Opened::Duplicate { case_id } = opened {
        return finish::duplicate(intake, job, &owned.fence, case_id).await;
    }
    if let Opened::Held(hold) = opened {
        info!(?hold, "auto-reply held");
        let mut held_case = case.clone();
        held_case.reply = rules::held(hold);
        let new = NewCase {
            fence: &owned.fence,
            case: &held_case,
            message,
            ledger: &ledger,
            reply: None,
            now: clock.now(),
        };
        match cases.open(&new).await.map_err(port(job))? {
            Opened::Written => {}
            Opened::Duplicate { case_id } => {
                return finish::duplicate(intake, job, &owned.fence, case_id).await;
            }
            again => {
                return Err(port(job)(PortError::new(
                    "cases table",
                    format!("a case without a reply was not written ({again:?})"),
                )));
            }
        }
        info!(case_id = %held_case.case_id, "case created");
        return Ok(created(job, held_case, None));
    }
    info!(case_id = %case.case_id, "case created");
    let Some(rendered) = rendered else {
        return Ok(created(job, case, None));
    };
    let (outcome, text) =
        reply::send(intake, job, owned, &case.case_id, rendered, progress).await?;
    finish::with_reply(intake, job, owned, case, outcome, text).await
}

/// The reply for a new case, if one is allowed; a reply that cannot be rendered is recorded on
/// the case as failed.
fn render_for<P: Ports>(
    intake: &P,
    policy: &Policy,
    case: &mut CaseRecord,
    loaded: &Loaded,
    decision: &Decision,
    support: &EmailAddress,
) -> Option<Rendered> {
    if !decision.reply.is_allowed() {
        return None;
    }
    match reply::render(
        intake,
        policy,
        &case.case_id,
        &loaded.email,
        decision,
        support,
    ) {
        Ok(r) => Some(r),
        Err(error) => {
            warn!(%error, "auto-reply not rendered");
            case.reply = ReplyOutcome::Failed { error };
            None
        }
    }
}

/// The reply's recipient and every cap it must pass.
fn reply_request<P: Ports>(
    intake: &P,
    job: &Job,
    policy: &Policy,
    rendered: &Rendered,
) -> ReplyRequest {
    let Intake { config, .. } = intake.ports();
    ReplyRequest {
        to: rendered.to.clone(),
        rates: reply_rate_keys(
            &config.rate_limits.cap(&policy.reply_limits),
            &policy.id,
            &rendered.to,
            &job.ses_message_id,
        ),
    }
}

/// A case record for the message under a freshly drawn id, with what the directory and the
/// threading said about it.
async fn new_case<P: Ports>(
    intake: &P,
    job: &Job,
    policy: &Policy,
    loaded: &Loaded,
    decision: &Decision,
    at: &Arrival<'_>,
    year: i32,
) -> Result<CaseRecord, IntakeError> {
    let Intake { cases, clock, .. } = intake.ports();
    let case_id = cases
        .next_case_id(&policy.case_prefix, year)
        .await
        .map_err(port(job))?;
    let mut case = CaseRecord::open(
        case_id,
        policy,
        &loaded.email,
        decision,
        Received {
            ses_message_id: &job.ses_message_id,
            support_address: at.support.as_str(),
            raw: at.raw.clone(),
            received: loaded.received,
            now: clock.now(),
            verdicts: &loaded.verdicts,
        },
    );
    case.requester_orgs = at
        .memberships
        .iter()
        .filter(|m| m.policy == policy.id)
        .map(|m| m.org.clone())
        .collect();
    case.refers_to = at.refers_to.clone();
    Ok(case)
}

/// Puts a new case under the SLA watch's index when its opening ledger has a warning point.
fn watch_first_look(case: &mut CaseRecord, next_warning_utc: &Option<String>) {
    case.next_warning_utc = next_warning_utc.clone();
    case.watch_shard = next_warning_utc
        .as_ref()
        .map(|_| slamail_core::watch::shard_of(&case.case_id));
}
