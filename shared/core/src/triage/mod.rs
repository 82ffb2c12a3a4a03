//! Triage: from a parsed message, the SES verdicts and the directory's answer about the sender to
//! a decision — is the sender who they say they are, may we auto-reply, which tier, which
//! severity, which deadline, which queue.
//!
//! - [`auth`] — whether the visible From is proven (DMARC, or DKIM aligned with the From domain).
//! - [`loops`] — whether an auto-reply is allowed at all (auto-submitted, lists, bounces, our own mail…).
//! - [`severity`] — the severity asked for in the subject or the first lines of the body; CVSS scores.
//! - [`decide`] — all of the above for one message, as one pure function.
//! - [`tier`] — the tier: the organisation's for an authenticated entitled sender in its support
//!   term, else the default.
//! - [`clock`] — whether the case runs an SLA clock (not for automatic mail, requests outside the
//!   SLA, or email a portal-only policy does not cover).
//! - [`phrases`] — a policy's phrases (request kinds, security scope) found in a message.

pub mod auth;
pub mod clock;
pub mod decide;
pub mod loops;
pub mod phrases;
pub mod severity;
pub mod tier;

use serde::{Deserialize, Serialize};

use crate::ids::{OrgId, PolicyId, TierId};
use crate::policy::Wording;
use crate::support_term::SupportTerm;

/// One SES verdict. Anything SES may add later, or a value we do not know, is not a pass.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum Verdict {
    Pass,
    Fail,
    Gray,
    ProcessingFailed,
    /// Missing or unrecognised; treated as not-PASS everywhere.
    Unknown(String),
}

impl Verdict {
    pub fn parse(text: &str) -> Self {
        match text.trim().to_ascii_uppercase().as_str() {
            "PASS" => Self::Pass,
            "FAIL" => Self::Fail,
            "GRAY" | "GREY" => Self::Gray,
            "PROCESSING_FAILED" => Self::ProcessingFailed,
            _ => Self::Unknown(text.trim().to_string()),
        }
    }

    pub fn is_pass(&self) -> bool {
        matches!(self, Self::Pass)
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::Pass => "PASS",
            Self::Fail => "FAIL",
            Self::Gray => "GRAY",
            Self::ProcessingFailed => "PROCESSING_FAILED",
            Self::Unknown(s) => s,
        }
    }
}

impl From<String> for Verdict {
    fn from(s: String) -> Self {
        Self::parse(&s)
    }
}

impl From<Verdict> for String {
    fn from(v: Verdict) -> Self {
        v.as_str().to_string()
    }
}

impl Default for Verdict {
    fn default() -> Self {
        Self::Unknown(String::new())
    }
}

/// SES's receipt verdicts for one message (from the Lambda event, or from the stored message's
/// `X-SES-*` headers on the S3 path).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdicts {
    pub spam: Verdict,
    pub virus: Verdict,
    pub spf: Verdict,
    pub dkim: Verdict,
    pub dmarc: Verdict,
    /// `none | quarantine | reject`; SES only sets it when DMARC fails.
    pub dmarc_policy: Option<String>,
}

impl Verdicts {
    /// Every check passed: what a clean message from a domain with DMARC gets.
    pub fn all_pass() -> Self {
        Self {
            spam: Verdict::Pass,
            virus: Verdict::Pass,
            spf: Verdict::Pass,
            dkim: Verdict::Pass,
            dmarc: Verdict::Pass,
            dmarc_policy: None,
        }
    }
}

/// Whether the visible From address is proven to belong to its sender.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum Authenticity {
    /// DMARC PASS, or DMARC GRAY with a DKIM pass for the From domain itself.
    Verified { how: String },
    /// Not proven. `failed` is true when a check actively failed (forgery is likely), false when
    /// the evidence is merely missing (e.g. GRAY without aligned DKIM).
    Unverified { why: String, failed: bool },
}

impl Authenticity {
    pub fn is_verified(&self) -> bool {
        matches!(self, Self::Verified { .. })
    }
}

/// What the directory knows about a sender in one organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    pub org: OrgId,
    pub org_name: String,
    pub policy: PolicyId,
    /// The organisation's tier under its policy.
    pub tier: TierId,
    /// Whether the sender is an active designated contact of the organisation.
    pub designated: bool,
    /// Listed as a third party (a consultant, a reseller): never entitled as a member.
    #[serde(default)]
    pub third_party: bool,
    /// Not a listed member: the sender's address is in one of the organisation's domains.
    #[serde(default)]
    pub by_domain: bool,
    /// The organisation's support term, when it has one; outside it nobody gets its tier.
    #[serde(default)]
    pub support_term: Option<SupportTerm>,
    /// The organisation's products, as the directory lists them (security-fix scope).
    #[serde(default)]
    pub products: Vec<String>,
}

/// Why a case got its tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TierReason {
    /// An authenticated designated contact: the organisation's tier.
    DesignatedContact,
    /// A known member of a customer organisation, but not a designated contact.
    NotDesignatedContact,
    /// The directory does not know the sender under this policy.
    UnknownSender,
    /// A designated contact's address, but the message is not proven to come from them.
    SenderNotVerified,
    /// An authenticated member of a customer organisation (or an address in its domains), under
    /// a policy whose entitlement is `organisation-members`: the organisation's tier.
    OrganisationMember,
    /// The organisation's support term does not cover the day the message arrived.
    SupportTermEnded,
}

impl TierReason {
    /// The sentence a support engineer reads, in the default words.
    pub fn words(self) -> String {
        self.words_in(&Wording::default())
    }

    /// The sentence an auto-reply says, in the policy's words for its contacts.
    pub fn words_in(self, wording: &Wording) -> String {
        let contact = &wording.contact;
        match self {
            Self::DesignatedContact => format!("you are a {contact} of your organisation"),
            Self::NotDesignatedContact => format!("you are not a {contact} of your organisation"),
            Self::UnknownSender => format!("your address is not registered as a {contact}"),
            Self::SenderNotVerified => {
                "we could not verify that this message comes from your address".to_string()
            }
            Self::OrganisationMember => {
                "your address belongs to a customer organisation".to_string()
            }
            Self::SupportTermEnded => {
                "your organisation's support term does not cover this date".to_string()
            }
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::DesignatedContact => "designated-contact",
            Self::NotDesignatedContact => "not-designated-contact",
            Self::UnknownSender => "unknown-sender",
            Self::SenderNotVerified => "sender-not-verified",
            Self::OrganisationMember => "organisation-member",
            Self::SupportTermEnded => "support-term-ended",
        }
    }
}
