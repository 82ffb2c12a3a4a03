//! Step: who sent the message, in which tier, how severe, by when, and may we answer.

use slamail_core::intake::ports::Memberships;
use slamail_core::policy::Policy;
use slamail_core::triage::Membership;
use slamail_core::triage::decide::{Decision, decide, sender_of};
use slamail_core::triage::tier::needs_domain_lookup;
use tracing::info;

use super::load::Loaded;
use super::port;
use crate::{Intake, IntakeError, Job, Ports};

/// Triages the message under one policy. `known` holds the directory's answer for the sender,
/// asked once per message whichever policies govern it.
pub(super) async fn triage<P: Ports>(
    intake: &P,
    job: &Job,
    policy: &Policy,
    loaded: &Loaded,
    known: &mut Option<Vec<Membership>>,
) -> Result<Decision, IntakeError> {
    let Intake {
        policies,
        directory,
        ..
    } = intake.ports();
    if known.is_none() {
        let found = match sender_of(&loaded.email) {
            Some(sender) => directory.memberships_of(sender).await.map_err(port(job))?,
            None => Vec::new(),
        };
        *known = Some(found);
    }
    let memberships = known.get_or_insert_with(Vec::new);
    // The second request only when the domains can decide (organisation-members, and
    // nobody under this policy lists the sender), and once per message.
    if let Some(sender) = sender_of(&loaded.email)
        && needs_domain_lookup(policy, memberships)
        && !memberships.iter().any(|m| m.by_domain)
    {
        let by_domain = directory
            .domain_memberships_of(sender)
            .await
            .map_err(port(job))?;
        memberships.extend(by_domain);
    }
    let memberships: &[Membership] = memberships;
    let decision = decide(
        policy,
        policies,
        &loaded.email,
        &loaded.verdicts,
        memberships,
        loaded.received,
    )
    .map_err(|e| IntakeError::Deadline {
        ses_message_id: job.ses_message_id.clone(),
        message: e.to_string(),
    })?;
    info!(
        policy = %policy.id,
        tier = %decision.tier.tier,
        tier_reason = decision.tier.reason.as_str(),
        severity = %decision.severity.assigned,
        queue = %decision.queue,
        due = ?decision.deadline.due,
        "triaged"
    );
    Ok(decision)
}
