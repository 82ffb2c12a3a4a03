//! Who speaks for the vendor in a conversation (its staff), and how long a closed case can be
//! reopened by a customer's reply.

use serde::Serialize;

use super::Policy;
use crate::ids::EmailAddress;

/// A policy's conversation settings (`[conversation]` in the file).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Conversation {
    /// Staff named one by one.
    pub staff_addresses: Vec<EmailAddress>,
    /// Every address at these domains is staff (lower case, no `@`).
    pub staff_domains: Vec<String>,
    /// A verified customer reply to a closed case within this many days reopens it; a later
    /// one opens a new case that refers to the old one. 0: never reopened by mail.
    pub reopen_days: u32,
}

impl Policy {
    /// Whether `address` belongs to the vendor's staff. The policy's own support and reply
    /// addresses are not staff: mail from them is our own, and must never count as an answer.
    pub fn is_staff(&self, address: &EmailAddress) -> bool {
        if self.is_own_address(address) {
            return false;
        }
        let c = &self.conversation;
        c.staff_addresses.contains(address)
            || c.staff_domains
                .iter()
                .any(|d| address.domain().eq_ignore_ascii_case(d))
    }
}
