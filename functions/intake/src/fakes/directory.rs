//! The directory, in memory.

use std::collections::HashMap;
use std::sync::Mutex;

use slamail_core::directory::{Organisation, domain_membership};
use slamail_core::ids::EmailAddress;
use slamail_core::intake::ports::{Memberships, PortError};
use slamail_core::triage::Membership;

use super::{Calls, lock};

/// The directory: memberships by address, and organisations (for their verified domains).
#[derive(Debug, Default)]
pub struct FakeDirectory {
    members: Mutex<HashMap<EmailAddress, Vec<Membership>>>,
    orgs: Mutex<Vec<Organisation>>,
    calls: Calls,
}

impl FakeDirectory {
    pub fn add(&self, address: EmailAddress, membership: Membership) {
        lock(&self.members)
            .entry(address)
            .or_default()
            .push(membership);
    }

    /// An organisation whose verified domains the domain lookup answers from.
    pub fn add_org(&self, org: Organisation) {
        lock(&self.orgs).push(org);
    }

    pub fn calls(&self) -> Vec<&'static str> {
        lock(&self.calls.made).clone()
    }
}

impl Memberships for FakeDirectory {
    async fn memberships_of(&self, sender: &EmailAddress) -> Result<Vec<Membership>, PortError> {
        self.calls.call("directory", "memberships_of")?;
        Ok(lock(&self.members).get(sender).cloned().unwrap_or_default())
    }

    async fn domain_memberships_of(
        &self,
        sender: &EmailAddress,
    ) -> Result<Vec<Membership>, PortError> {
        self.calls.call("directory", "domain_memberships_of")?;
        Ok(lock(&self.orgs)
            .iter()
            .filter_map(|o| domain_membership(o, sender))
            .collect())
    }
}
