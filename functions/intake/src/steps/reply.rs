//! Step "reply": render the auto-reply, hand it to SES (or to the reply queue when SES throttles
//! it), and, on a retry, settle a reply an earlier attempt left unrecorded.

use chrono::{DateTime, SecondsFormat, Utc};
use slamail_core::case::{CaseRecord, ReplyOutcome};
use slamail_core::ids::{CaseId, EmailAddress};
use slamail_core::intake::ports::{
    Cases, Clock, Owned, PortError, ReplySender, ReplyState, SendError,
};
use slamail_core::intake::reply_queue::{
    QueuedReply, ReplyQueue, first_delay_seconds, queued_note,
};
use slamail_core::intake::steps as rules;
use slamail_core::message::InboundEmail;
use slamail_core::policy::Policy;
use slamail_core::reply::render_reply;
use slamail_core::triage::decide::Decision;
use slamail_core::triage::loops::ReplyDecision;
use tracing::{info, warn};

use super::finish;
use super::load::Loaded;
use super::port;
use crate::{Intake, IntakeError, Job, Ports, Processed};

/// What this invocation did to the reply, so a failure can be released truthfully.
#[derive(Debug, Default)]
pub(super) struct Progress {
    /// The reply was handed to SES without a definite refusal: it may have gone out.
    pub maybe_sent: bool,
}

/// A reply ready to go.
pub(super) struct Rendered {
    pub from: EmailAddress,
    pub to: EmailAddress,
    pub raw: Vec<u8>,
    /// Our own Message-ID: SES may replace it, and answers may reference either.
    pub message_id: String,
    pub at: DateTime<Utc>,
}

/// Renders the auto-reply to the message, sent from the support address it was sent to.
pub(super) fn render<P: Ports>(
    intake: &P,
    policy: &Policy,
    case_id: &CaseId,
    email: &InboundEmail,
    decision: &Decision,
    support: &EmailAddress,
) -> Result<Rendered, String> {
    let Intake { clock, config, .. } = intake.ports();
    let at = clock.now();
    let mut input = decision
        .reply_input(policy, case_id, email, at, &config.message_id_domain)
        .ok_or_else(|| {
            format!(
                "no reply can be rendered: sender {:?}, tier {}, severity {} under policy {}",
                decision.sender, decision.tier.tier, decision.severity.assigned, policy.id
            )
        })?;
    // Mail to enterprise-support@ is answered from enterprise-support@.
    input.support_address = Some(support);
    let rendered = render_reply(&input).map_err(|e| e.to_string())?;
    Ok(Rendered {
        from: rendered.from,
        to: rendered.to,
        raw: rendered.raw,
        message_id: rendered.message_id,
        at,
    })
}

/// Hands the reply to SES. A refusal for now (throttling) is retried a few times after short
/// pauses, then the reply goes to the reply queue for the paced sender (recorded as queued);
/// without a queue it fails the invocation (the claim is released with the reply back at
/// `none`, and Lambda's retry sends it). Anything else is an outcome to record.
pub(super) async fn send<P: Ports>(
    intake: &P,
    job: &Job,
    owned: &Owned,
    case_id: &CaseId,
    rendered: Rendered,
    progress: &mut Progress,
) -> Result<(ReplyOutcome, Option<String>), IntakeError> {
    let Intake {
        clock,
        config,
        mailer,
        reply_queue,
        ..
    } = intake.ports();
    // The rendered message is 7-bit ASCII by construction.
    let text = String::from_utf8_lossy(&rendered.raw).into_owned();
    let mut retries = 0;
    loop {
        progress.maybe_sent = true;
        let result = mailer
            .send(&rendered.from, &rendered.to, rendered.raw.clone())
            .await;
        match result {
            Ok(sent) => {
                info!(reply_ses_message_id = %sent.ses_message_id, "auto-reply sent");
                let mut message_ids = vec![rendered.message_id];
                message_ids.extend(sent.message_ids);
                return Ok((
                    ReplyOutcome::Sent {
                        ses_message_id: sent.ses_message_id,
                        message_ids,
                        at: rendered.at.to_rfc3339_opts(SecondsFormat::Secs, true),
                    },
                    Some(text),
                ));
            }
            Err(SendError::Unavailable(message)) => {
                progress.maybe_sent = false;
                let Some(queue) = reply_queue.as_ref() else {
                    return Err(IntakeError::ReplyDeferred {
                        ses_message_id: job.ses_message_id.clone(),
                        message,
                    });
                };
                if retries < config.send_retries {
                    retries += 1;
                    tokio::time::sleep(config.send_retry_pause * retries).await;
                    continue;
                }
                let queued = QueuedReply {
                    ses_message_id: job.ses_message_id.clone(),
                    scope: owned.fence.scope.clone(),
                    case_id: case_id.clone(),
                    message_id: rendered.message_id.clone(),
                    from: rendered.from.clone(),
                    to: rendered.to.clone(),
                    raw: text,
                };
                let spread = clock.now().timestamp_subsec_nanos();
                queue
                    .enqueue(
                        &queued,
                        first_delay_seconds(u64::from(spread), config.reply_queue_spread),
                    )
                    .await
                    .map_err(port(job))?;
                warn!(%message, "auto-reply throttled: queued for the paced sender");
                return Ok((
                    ReplyOutcome::Queued {
                        note: queued_note(&message),
                    },
                    None,
                ));
            }
            Err(SendError::Rejected(error)) => {
                warn!(%error, "auto-reply refused");
                return Ok((ReplyOutcome::Failed { error }, None));
            }
            Err(SendError::Unknown(error)) => {
                warn!(%error, "auto-reply sent without an answer");
                return Ok((rules::unanswered_send(&error), None));
            }
        }
    }
}

/// On a retry, the case was opened by an earlier attempt. The reply goes out if a definite
/// failure put it back to `none`; otherwise the message is only finished.
#[allow(clippy::too_many_arguments)]
pub(super) async fn resume<P: Ports>(
    intake: &P,
    job: &Job,
    owned: &Owned,
    case_id: &CaseId,
    policy: &Policy,
    loaded: &Loaded,
    decision: &Decision,
    support: &EmailAddress,
    progress: &mut Progress,
) -> Result<Processed, IntakeError> {
    let Intake { cases, .. } = intake.ports();
    let case = stored_case(intake, job, case_id).await?;
    let resumed = decision.reply.is_allowed()
        && owned.reply_state == ReplyState::None
        && cases.resume_reply(&owned.fence).await.map_err(port(job))?;
    let (outcome, text) = if resumed {
        match render(intake, policy, case_id, &loaded.email, decision, support) {
            Ok(rendered) => send(intake, job, owned, case_id, rendered, progress).await?,
            Err(error) => (ReplyOutcome::Failed { error }, None),
        }
    } else if matches!(case.reply, ReplyOutcome::Pending) {
        // Deferred by an earlier attempt and not resumed now: say why, never leave it pending.
        let outcome = match &decision.reply {
            ReplyDecision::Suppressed(reason) => rules::suppressed(reason),
            ReplyDecision::Allowed => rules::unrecorded_reply(),
        };
        (outcome, None)
    } else {
        (case.reply.clone(), None)
    };
    finish::with_reply(intake, job, owned, case, outcome, text).await
}

/// A retry found the reply `sending`: an earlier attempt stopped between SES and the record.
/// It is recorded as unknown, visibly, and the message is finished.
pub(super) async fn settle_unrecorded<P: Ports>(
    intake: &P,
    job: &Job,
    owned: &Owned,
) -> Result<Processed, IntakeError> {
    let Some(case_id) = &owned.case_id else {
        // `sending` is only ever entered together with binding a case.
        return Err(port(job)(PortError::new(
            "inbound ledger",
            "the reply is `sending` without a case",
        )));
    };
    let case = stored_case(intake, job, case_id).await?;
    warn!(%case_id, "an earlier attempt did not record the auto-reply's outcome: recorded as unknown");
    finish::with_reply(intake, job, owned, case, rules::unrecorded_reply(), None).await
}

async fn stored_case<P: Ports>(
    intake: &P,
    job: &Job,
    case_id: &CaseId,
) -> Result<CaseRecord, IntakeError> {
    let Intake { cases, .. } = intake.ports();
    cases
        .case(case_id)
        .await
        .map_err(port(job))?
        .ok_or_else(|| {
            port(job)(PortError::new(
                "cases table",
                format!("the message is bound to case {case_id}, which does not exist"),
            ))
        })
}
