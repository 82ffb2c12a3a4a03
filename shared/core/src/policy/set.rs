//! The policies of one deployment: which policy governs mail to an address, and which addresses
//! are our own (for loop protection).

use super::{Policy, PolicyError, builtin, builtin_ids, load_named};
use crate::ids::{EmailAddress, PolicyId};

/// A set of policies, answering "which policy governs mail sent to these addresses?".
#[derive(Debug, Clone, Default)]
pub struct PolicySet {
    policies: Vec<Policy>,
}

impl PolicySet {
    /// Builds a set, refusing two policies that claim the same id or support address.
    pub fn new(policies: Vec<Policy>) -> Result<Self, PolicyError> {
        for (i, a) in policies.iter().enumerate() {
            for b in &policies[..i] {
                if a.id == b.id {
                    return Err(PolicyError::new(
                        &a.source,
                        None,
                        format!("policy id {} is also used by {}", a.id, b.source),
                    ));
                }
                if let Some(addr) = a.addresses.iter().find(|x| b.addresses.contains(x)) {
                    return Err(PolicyError::new(
                        &a.source,
                        None,
                        format!(
                            "support address {addr} is also claimed by policy {} ({})",
                            b.id, b.source
                        ),
                    ));
                }
            }
        }
        Ok(Self { policies })
    }

    /// Every built-in policy.
    pub fn builtin() -> Result<Self, PolicyError> {
        let policies = builtin_ids()
            .iter()
            .map(|id| builtin(id))
            .collect::<Result<Vec<_>, _>>()?;
        Self::new(policies)
    }

    /// The policies a deployment names, comma-separated built-in ids or paths (the functions'
    /// `POLICY_FILES`); nothing named means every built-in policy.
    pub fn from_list(list: Option<&str>) -> Result<Self, PolicyError> {
        let names: Vec<&str> = list
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .collect();
        if names.is_empty() {
            return Self::builtin();
        }
        Self::new(
            names
                .into_iter()
                .map(load_named)
                .collect::<Result<Vec<_>, _>>()?,
        )
    }

    pub fn policies(&self) -> &[Policy] {
        &self.policies
    }

    pub fn get(&self, id: &PolicyId) -> Option<&Policy> {
        self.policies.iter().find(|p| &p.id == id)
    }

    /// The policy of the first envelope recipient that is a support address, with that address.
    pub fn for_recipients<'a>(
        &self,
        recipients: impl IntoIterator<Item = &'a EmailAddress>,
    ) -> Option<(&Policy, &'a EmailAddress)> {
        recipients.into_iter().find_map(|r| {
            self.policies
                .iter()
                .find(|p| p.addresses.contains(r))
                .map(|p| (p, r))
        })
    }

    /// Every policy whose support address is among the recipients, once each, with the first of
    /// its addresses the message was sent to, in the recipients' order: the message becomes one
    /// case under each.
    pub fn all_for_recipients<'a>(
        &self,
        recipients: impl IntoIterator<Item = &'a EmailAddress>,
    ) -> Vec<(&Policy, &'a EmailAddress)> {
        let mut found: Vec<(&Policy, &'a EmailAddress)> = Vec::new();
        for r in recipients {
            for p in self.policies.iter().filter(|p| p.addresses.contains(r)) {
                if !found.iter().any(|(q, _)| q.id == p.id) {
                    found.push((p, r));
                }
            }
        }
        found
    }

    /// Whether the address belongs to any policy (support or reply-from): mail from it is our own.
    pub fn is_own_address(&self, address: &EmailAddress) -> bool {
        self.policies.iter().any(|p| p.is_own_address(address))
    }
}
