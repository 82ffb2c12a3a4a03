//! Step: fetch and parse the message (parsing never fails: problems are recorded).

use chrono::{DateTime, Utc};
use slamail_core::case::RawLocation;
use slamail_core::intake::ports::{Clock, RawMail};
use slamail_core::message::InboundEmail;
use slamail_core::triage::Verdicts;
use slamail_core::triage::auth::verdicts_from_ses_headers;

use super::port;
use crate::{Intake, IntakeError, Job, Ports};

/// The message, parsed, with what the event said about it.
pub(super) struct Loaded {
    pub email: InboundEmail,
    pub verdicts: Verdicts,
    pub received: DateTime<Utc>,
}

pub(super) async fn load<P: Ports>(
    intake: &P,
    job: &Job,
    raw: &RawLocation,
) -> Result<Loaded, IntakeError> {
    let Intake {
        clock, raw: mail, ..
    } = intake.ports();
    let bytes = mail.fetch(raw).await.map_err(port(job))?;
    let email = InboundEmail::parse(&bytes);
    let verdicts = job
        .verdicts
        .clone()
        .unwrap_or_else(|| verdicts_from_ses_headers(&email));
    Ok(Loaded {
        received: job.received.unwrap_or_else(|| clock.now()),
        email,
        verdicts,
    })
}
