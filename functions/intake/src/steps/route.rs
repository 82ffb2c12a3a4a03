//! Step: the policies that govern the message, by the addresses it was sent to.

use slamail_core::case::RawLocation;
use slamail_core::ids::EmailAddress;
use slamail_core::intake::steps as rules;
use slamail_core::message::InboundEmail;
use slamail_core::policy::Policy;

use crate::{Intake, Job, Ports};

/// Where a message arrived, before anything is known about it.
pub(super) struct Destination<'a> {
    pub support: &'a EmailAddress,
    pub raw: &'a RawLocation,
}

/// Each governing policy with the support address of it the message was sent to.
pub(super) fn route<'p, P: Ports>(
    intake: &'p P,
    job: &Job,
    email: &InboundEmail,
) -> Vec<(&'p Policy, EmailAddress)> {
    let Intake { policies, .. } = intake.ports();
    let recipients = rules::recipients(&job.recipients, email);
    policies
        .all_for_recipients(recipients.iter())
        .into_iter()
        .map(|(policy, address)| (policy, address.clone()))
        .collect()
}
