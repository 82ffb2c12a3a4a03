//! Step "attach": a delivery report citing one of our replies joins that reply's case as a
//! report (and, when it names the reply's recipient as failed, holds further replies to them).
//! A report citing any other Message-ID opens its own case like any message.

use chrono::TimeDelta;
use slamail_core::case::MessageItem;
use slamail_core::intake::ports::{Attachment, Cases, Clock, Fence};
use slamail_core::intake::steps as rules;
use slamail_core::message::InboundEmail;
use slamail_core::triage::decide::Decision;
use slamail_core::triage::loops::{ReplyDecision, SuppressReason};
use tracing::{info, warn};

use super::finish::processed;
use super::port;
use crate::{Intake, IntakeError, Job, Outcome, Ports, Processed};

/// `None`: the message is not a report on one of our replies; it goes on to open or join a case.
pub(super) async fn attach<P: Ports>(
    intake: &P,
    job: &Job,
    fence: &Fence,
    email: &InboundEmail,
    decision: &Decision,
    message: &MessageItem,
) -> Result<Option<Processed>, IntakeError> {
    let Intake {
        cases,
        clock,
        config,
        ..
    } = intake.ports();
    let (ReplyDecision::Suppressed(SuppressReason::Bounce(why)), Some(original)) =
        (&decision.reply, &email.bounce_original_message_id)
    else {
        return Ok(None);
    };
    let Some(case_id) = cases
        .case_of_message_id(original)
        .await
        .map_err(port(job))?
    else {
        return Ok(None);
    };
    let Some(case) = cases.case(&case_id).await.map_err(port(job))? else {
        return Ok(None);
    };
    let Some(link) = rules::delivery_report_link(&case, original, email) else {
        // It cites a Message-ID that is not one of ours: it opens its own case instead.
        info!(%case_id, "a report citing a message that is not ours: not attached");
        return Ok(None);
    };
    let now = clock.now();
    let until = now + TimeDelta::days(i64::from(config.undeliverable_days));
    let note = rules::bounce_note(why, &case);
    let report = rules::delivery_report_message(message, &note);
    cases
        .attach(&Attachment {
            fence,
            case_id: &case_id,
            message: &report,
            hold: link.hold.as_ref().map(|a| (a, until)),
            note: &note,
            now,
        })
        .await
        .map_err(port(job))?;
    if link.hold.is_some() {
        warn!(%case_id, "an auto-reply bounced: replies to its requester are held");
    }
    info!(%case_id, "bounce attached to its case");
    Ok(Some(processed(
        job,
        Outcome::Appended {
            case_id,
            note: note.into_string(),
        },
        None,
    )))
}
