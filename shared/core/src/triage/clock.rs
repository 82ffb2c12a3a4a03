//! Whether a case runs an SLA clock at all. Every message is recorded, but some must not start a
//! response clock, or reports would count breaches of promises the vendor never made: automatic
//! mail (an out-of-office, a delivery report), requests the policy places outside its SLA, and,
//! for a vendor whose new requests are opened in a portal, requests sent by email.

use serde::Serialize;

use super::loops::{ReplyDecision, SuppressReason};
use crate::policy::{Policy, RequestKind};

/// Why a case has no SLA clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", content = "detail", rename_all = "kebab-case")]
pub enum NoClock {
    /// Sent by a machine (an out-of-office, a bounce); what showed it.
    Automatic(String),
    /// A request kind the policy places outside the SLA; its id.
    OutsideSla(String),
    /// The policy's new requests are opened in another channel; email is not covered.
    EmailNotCovered,
}

impl NoClock {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Automatic(_) => "automatic",
            Self::OutsideSla(_) => "outside-sla",
            Self::EmailNotCovered => "email-not-covered",
        }
    }

    /// What the case shows instead of a target.
    pub fn words(&self, policy: &Policy) -> String {
        match self {
            Self::Automatic(why) => format!("no SLA clock: automatic message ({why})"),
            Self::OutsideSla(id) => {
                let label = policy
                    .request_kinds
                    .iter()
                    .find(|k| &k.id == id)
                    .map_or(id.as_str(), |k| k.label.as_str());
                format!("no SLA clock: outside the SLA ({label})")
            }
            Self::EmailNotCovered => {
                "no SLA clock: new requests by email are not covered by the policy".to_string()
            }
        }
    }
}

/// Mail that a machine sent: it is recorded, and threads into its case, but asks for nothing.
pub fn automatic(reply: &ReplyDecision) -> Option<String> {
    let ReplyDecision::Suppressed(why) = reply else {
        return None;
    };
    match why {
        SuppressReason::AutoSubmitted(v) => Some(format!("Auto-Submitted: {v}")),
        SuppressReason::AutoReplyHeader(h) => Some(h.clone()),
        SuppressReason::Bounce(_) => Some("delivery report".to_string()),
        SuppressReason::Precedence(v) => {
            let v = v.trim().to_ascii_lowercase();
            (v.starts_with("auto_reply") || v.starts_with("auto-reply") || v.starts_with("junk"))
                .then(|| format!("Precedence: {v}"))
        }
        _ => None,
    }
}

/// Why the case runs no clock, if it does not: automatic mail first (a machine asks for nothing),
/// then a request kind outside the SLA, then email intake the policy does not cover.
pub fn no_clock(
    policy: &Policy,
    reply: &ReplyDecision,
    kind: Option<&RequestKind>,
) -> Option<NoClock> {
    if let Some(why) = automatic(reply) {
        return Some(NoClock::Automatic(why));
    }
    if let Some(k) = kind {
        return Some(NoClock::OutsideSla(k.id.clone()));
    }
    (!policy.email_intake.covered).then_some(NoClock::EmailNotCovered)
}

#[cfg(test)]
#[path = "clock_tests.rs"]
mod tests;
