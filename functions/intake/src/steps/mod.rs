//! The intake's steps, in order: `load → route → (per policy) claim → triage → attach or open →
//! reply → finish`. Each is a small function over the [`Ports`], in a file named after it; the
//! rules they apply live in `slamail-core` ([`slamail_core::intake::steps`],
//! [`slamail_core::triage`]). The message is loaded before anything is claimed because the
//! policies it falls under (one case each) are only known from its recipients.
//!
//! Failure handling: any error after a claim releases it at once, so Lambda's retry (about a
//! minute later) takes over instead of finding the message leased. The reply is `sending` only
//! between the case write and the answer from SES; a retry that finds it there records that
//! the reply's fate is unknown (it is never sent twice).

mod attach;
mod claim;
mod finish;
mod load;
mod open;
mod reply;
mod route;
mod thread;
mod triage;

use chrono::{DateTime, Utc};
use slamail_core::case::RawLocation;
use slamail_core::intake::ports::{Owned, PortError, ReplyState, Scope};
use slamail_core::intake::steps as rules;
use slamail_core::policy::Policy;
use slamail_core::triage::Membership;
use tracing::warn;

use crate::{IntakeError, Job, Ports, Processed};
use load::Loaded;
use reply::Progress;
use route::Destination;
use thread::{Incoming, Threading};

/// Processes one message, for an invocation that must end by `deadline`: one case (and at most
/// one auto-reply) under each policy whose support address it was sent to, each exactly once
/// however often the message is delivered. A failure under one policy does not stop the others;
/// the first is returned so that Lambda retries the message, and the retry skips what is done.
pub(crate) async fn process<P: Ports>(
    intake: &P,
    job: &Job,
    deadline: DateTime<Utc>,
) -> Result<Vec<Processed>, IntakeError> {
    let raw = RawLocation {
        bucket: job.bucket.clone(),
        key: job.key.clone(),
    };
    let loaded = load::load(intake, job, &raw).await?;
    let routes = route::route(intake, job, &loaded.email);
    if routes.is_empty() {
        let owned = match claim::claim(intake, job, &Scope::Unroutable, &raw, deadline).await? {
            Ok(owned) => owned,
            Err(skipped) => return Ok(vec![skipped]),
        };
        let result = finish::unroutable(intake, job, &owned.fence, &loaded.email).await;
        claim::release_after(intake, &result, &owned, &Progress::default()).await;
        return result.map(|p| vec![p]);
    }
    // One directory lookup for the sender, whichever policies govern the message.
    let mut memberships = None;
    let mut done = Vec::with_capacity(routes.len());
    let mut first_error = None;
    for (policy, support) in routes {
        let scope = Scope::Policy(policy.id.clone());
        let result = match claim::claim(intake, job, &scope, &raw, deadline).await {
            Ok(Ok(owned)) => {
                let at = Destination {
                    support: &support,
                    raw: &raw,
                };
                let mut progress = Progress::default();
                let result = run(
                    intake,
                    job,
                    &owned,
                    policy,
                    &loaded,
                    at,
                    &mut memberships,
                    &mut progress,
                )
                .await;
                claim::release_after(intake, &result, &owned, &progress).await;
                result
            }
            Ok(Err(skipped)) => Ok(skipped),
            Err(e) => Err(e),
        };
        match result {
            Ok(p) => done.push(p),
            Err(e) => {
                warn!(policy = %policy.id, error = %e, "message not processed under this policy");
                first_error.get_or_insert(e);
            }
        }
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(done),
    }
}

/// The steps after the claim, under one policy.
#[allow(clippy::too_many_arguments)]
async fn run<P: Ports>(
    intake: &P,
    job: &Job,
    owned: &Owned,
    policy: &Policy,
    loaded: &Loaded,
    at: Destination<'_>,
    memberships: &mut Option<Vec<Membership>>,
    progress: &mut Progress,
) -> Result<Processed, IntakeError> {
    if owned.reply_state == ReplyState::Sending {
        return reply::settle_unrecorded(intake, job, owned).await;
    }
    let decision = triage::triage(intake, job, policy, loaded, memberships).await?;
    let memberships: &[Membership] = memberships.as_deref().unwrap_or_default();
    let message = rules::inbound_message(
        &job.ses_message_id,
        &loaded.email,
        &decision,
        at.support,
        at.raw,
        loaded.received,
    );
    if let Some(done) = attach::attach(
        intake,
        job,
        &owned.fence,
        &loaded.email,
        &decision,
        &message,
    )
    .await?
    {
        return Ok(done);
    }
    match &owned.case_id {
        None => {
            let incoming = Incoming {
                email: &loaded.email,
                decision: &decision,
                memberships,
                message: &message,
                received: loaded.received,
            };
            let refers_to =
                match thread::thread(intake, job, &owned.fence, policy, &incoming).await? {
                    Threading::Finished(done) => return Ok(done),
                    Threading::Open { refers_to } => refers_to,
                };
            let arrival = open::Arrival {
                support: at.support,
                raw: at.raw,
                memberships,
                refers_to,
            };
            open::open(
                intake, job, owned, policy, loaded, &decision, arrival, &message, progress,
            )
            .await
        }
        Some(case_id) => {
            reply::resume(
                intake, job, owned, case_id, policy, loaded, &decision, at.support, progress,
            )
            .await
        }
    }
}

/// Turns a port's error into this message's error (`?` after every port call).
fn port(job: &Job) -> impl Fn(PortError) -> IntakeError + '_ {
    move |source| IntakeError::Port {
        ses_message_id: job.ses_message_id.clone(),
        source,
    }
}
