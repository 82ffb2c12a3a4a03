//! The directory table as the intake's [`Memberships`] port.

use slamail_core::ids::EmailAddress;
use slamail_core::intake::ports::{Memberships, PortError};
use slamail_core::triage::Membership;

use crate::directory::Directory;

impl Memberships for Directory {
    async fn memberships_of(&self, sender: &EmailAddress) -> Result<Vec<Membership>, PortError> {
        Directory::memberships_of(self, sender)
            .await
            .map_err(|e| PortError::new("directory table", e))
    }

    async fn domain_memberships_of(
        &self,
        sender: &EmailAddress,
    ) -> Result<Vec<Membership>, PortError> {
        Directory::domain_memberships_of(self, sender)
            .await
            .map_err(|e| PortError::new("directory table", e))
    }
}
