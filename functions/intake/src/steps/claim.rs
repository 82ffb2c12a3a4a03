//! Step: claim the message for a scope (one policy, or "unroutable"), and give the claim up at
//! once when the work under it failed.

use chrono::{DateTime, Utc};
use slamail_core::case::RawLocation;
use slamail_core::intake::lease::lease_until;
use slamail_core::intake::ports::{Claim, Clock, InboundLedger, Owned, Scope};
use tracing::{info, warn};

use super::finish::processed;
use super::port;
use super::reply::Progress;
use crate::{Intake, IntakeError, Job, Outcome, Ports, Processed};

/// Claims the message for a scope, or says why there is nothing to do (`Err`: a processed
/// message delivered again).
pub(super) async fn claim<P: Ports>(
    intake: &P,
    job: &Job,
    scope: &Scope,
    raw: &RawLocation,
    deadline: DateTime<Utc>,
) -> Result<Result<Owned, Processed>, IntakeError> {
    let Intake { cases, clock, .. } = intake.ports();
    let now = clock.now();
    let claim = cases
        .claim(&job.ses_message_id, scope, raw, now, lease_until(deadline))
        .await
        .map_err(port(job))?;
    match claim {
        Claim::Owned(owned) => Ok(Ok(owned)),
        Claim::Done { case_id } => {
            info!(%scope, "duplicate delivery of a processed message: skipped");
            Ok(Err(processed(job, Outcome::Duplicate { case_id }, None)))
        }
        Claim::Busy => Err(IntakeError::Busy(job.ses_message_id.clone())),
    }
}

/// Gives up a claim whose work failed, so that the retry can take over at once.
pub(super) async fn release_after<P: Ports>(
    intake: &P,
    result: &Result<Processed, IntakeError>,
    owned: &Owned,
    progress: &Progress,
) {
    let Intake { cases, clock, .. } = intake.ports();
    if result.is_ok() {
        return;
    }
    // Unless the reply may have reached SES, the retry must be free to send it (even when
    // this attempt's case write committed without an answer and left the reply `sending`).
    let not_sent = !progress.maybe_sent;
    if let Err(e) = cases.release(&owned.fence, not_sent, clock.now()).await {
        // The lease still ends by itself, before Lambda's first retry.
        warn!(error = %e, "could not release the claim after a failure");
    }
}
