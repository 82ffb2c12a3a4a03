//! What an auto-reply is rendered from, and how a triage decision provides it. It lives with the
//! reply, not with triage, so that triage never depends on how its outcome is worded.

use chrono::{DateTime, Utc};

use crate::deadline::Deadline;
use crate::ids::{CaseId, EmailAddress};
use crate::message::InboundEmail;
use crate::policy::{Policy, RequestKind, Severity, Tier};
use crate::triage::TierReason;
use crate::triage::clock::NoClock;
use crate::triage::decide::Decision;

/// What the auto-reply needs to know about a case.
#[derive(Debug, Clone, Copy)]
pub struct ReplyInput<'a> {
    pub policy: &'a Policy,
    pub case_id: &'a CaseId,
    /// The authenticated From address; never an envelope address.
    pub to: &'a EmailAddress,
    /// The support address the customer wrote to: the reply comes from it when it shares the
    /// policy's reply domain (mail to enterprise-support@ is answered from enterprise-support@).
    pub support_address: Option<&'a EmailAddress>,
    /// The sender's display name; `None` unless the sender is verified.
    pub to_name: Option<&'a str>,
    /// The inbound subject; `None` unless the sender is verified.
    pub original_subject: Option<&'a str>,
    /// The customer's Message-ID, without angle brackets.
    pub original_message_id: Option<&'a str>,
    pub original_references: &'a [String],
    pub tier: &'a Tier,
    pub tier_reason: TierReason,
    /// The severity the case is handled at (after clamping).
    pub severity: &'a Severity,
    /// From [`Policy::clamp`], when the tier does not cover what was asked.
    pub clamped_reason: Option<&'a str>,
    /// The severity is the sender's request, for the vendor to confirm.
    pub severity_requested: bool,
    /// Why the case runs no SLA clock, if it does not.
    pub no_clock: Option<&'a NoClock>,
    pub deadline: &'a Deadline,
    /// The Date header.
    pub now: DateTime<Utc>,
    /// For our own Message-ID; SES replaces it, but a message without one is malformed.
    pub message_id_domain: &'a str,
}

impl Decision {
    /// What the auto-reply about this decision is rendered from. `None` when there is nobody
    /// to answer (no usable sender) or the decision names a tier or severity the policy lacks.
    pub fn reply_input<'a>(
        &'a self,
        policy: &'a Policy,
        case_id: &'a CaseId,
        email: &'a InboundEmail,
        now: DateTime<Utc>,
        message_id_domain: &'a str,
    ) -> Option<ReplyInput<'a>> {
        // An unverified From may name anyone: echoing its display name or subject would let a
        // stranger make us send their text, DKIM-signed by the vendor, to a third party. Only the
        // customer's Message-ID stays, so a genuine sender's client still threads the reply.
        let proven = self.authenticity.is_verified();
        Some(ReplyInput {
            policy,
            case_id,
            to: self.sender.as_ref()?,
            support_address: None,
            to_name: self.sender_name.as_deref().filter(|_| proven),
            original_subject: email.subject.as_deref().filter(|_| proven),
            original_message_id: email.message_id.as_deref(),
            original_references: if proven { &email.references } else { &[] },
            tier: policy.tier(&self.tier.tier)?,
            tier_reason: self.tier.reason,
            severity: policy.severity(&self.severity.assigned)?,
            clamped_reason: self.severity.reason.as_deref(),
            severity_requested: self.severity_requested,
            no_clock: self.no_clock.as_ref(),
            deadline: &self.deadline,
            now,
            message_id_domain,
        })
    }
}

impl ReplyInput<'_> {
    /// The request kind outside the SLA this case is, if any.
    pub fn request_kind(&self) -> Option<&RequestKind> {
        match self.no_clock {
            Some(NoClock::OutsideSla(id)) => self.policy.request_kinds.iter().find(|k| &k.id == id),
            _ => None,
        }
    }

    /// The address the reply is sent from: the support address written to when it is in the
    /// policy's reply domain (the deployment's sending domain), else the policy's reply address.
    pub fn from(&self) -> &EmailAddress {
        let policy = self.policy;
        match self.support_address {
            Some(a) if a.domain() == policy.reply_from.domain() && policy.addresses.contains(a) => {
                a
            }
            _ => &policy.reply_from,
        }
    }
}
