//! Support channels: where a customer can reach the vendor other than by writing to this
//! address, and whether an emailed new request is covered by the vendor's response times at all.

use std::fmt;

use serde::Serialize;

use super::Template;
use crate::ids::SeverityId;

/// A channel as a reply names it: "the community forum at https://…".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Channel {
    /// A noun phrase in the vendor's words: "the ActiveState community forum".
    pub name: String,
    pub contact: ChannelContact,
}

/// How a channel is reached; a reply cannot name a channel without one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChannelContact {
    Url(String),
    Address(String),
    Phone(String),
}

impl ChannelContact {
    pub fn as_str(&self) -> &str {
        match self {
            Self::Url(s) | Self::Address(s) | Self::Phone(s) => s,
        }
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at {}", self.name, self.contact.as_str())
    }
}

/// The tier channel name that means "this support address": it needs no `[channels]` entry.
pub const EMAIL: &str = "email";

/// Faster channels a tier's reply names for its most severe requests (ActiveState Enterprise:
/// phone and Platform chat for Critical and Severe).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Escalation {
    pub severities: Vec<SeverityId>,
    pub channels: Vec<String>,
}

/// Whether a new request sent by email is covered by the policy's response times.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EmailIntake {
    pub covered: bool,
    /// Where new requests are opened instead (a `[channels]` id), when email is not covered.
    pub channel: Option<String>,
    /// What the reply says instead of a response time, with `{channel}`.
    pub text: Option<Template>,
}

impl Default for EmailIntake {
    fn default() -> Self {
        Self {
            covered: true,
            channel: None,
            text: None,
        }
    }
}

pub const EMAIL_INTAKE_PLACEHOLDERS: &[&str] = &["channel"];
