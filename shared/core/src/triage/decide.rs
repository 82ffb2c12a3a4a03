//! The whole triage of one message, as one pure function: given the parsed message, the SES
//! verdicts, which support address it was sent to and what the directory knows about the sender,
//! decide everything the case and the auto-reply need. What the reply is rendered from is
//! derived by the reply itself (`reply/input.rs`), so triage never depends on the reply.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::auth::{authenticate, topmost_ses_authentication_results};
use super::clock::{NoClock, no_clock};
use super::loops::{ReplyDecision, reply_decision};
use super::phrases::MessageWords;
use super::severity::{DetectedSeverity, detect_cvss, detect_severity};
use super::tier::{TierAssignment, assign_tier};
use super::{Authenticity, Membership, Verdict, Verdicts};
use crate::bounded::DisplayName;
use crate::deadline::{self, Deadline, DeadlineError};
use crate::ids::{EmailAddress, QueueId};
use crate::message::InboundEmail;
use crate::policy::{Clamped, Metric, NoCommitment, Policy, PolicySet, RequestKind, Target};

/// Everything decided about one message.
#[derive(Debug, Clone, Serialize)]
pub struct Decision {
    /// The authenticated-or-not From address; `None` when the message has no usable From.
    pub sender: Option<EmailAddress>,
    /// Capped: it is stored on the case and quoted in the reply's `To`.
    pub sender_name: Option<DisplayName>,
    pub authenticity: Authenticity,
    pub tier: TierAssignment,
    /// What the message asked for, if anything.
    pub severity_detected: Option<DetectedSeverity>,
    /// The asked (or default) severity, and what the tier turned it into.
    pub severity: Clamped,
    /// The severity is the sender's request, for the vendor to confirm (the policy's wording
    /// says so): the case records it as requested.
    pub severity_requested: bool,
    /// A request kind the policy places outside the SLA, by id.
    pub request_kind: Option<String>,
    /// Why the case runs no SLA clock, when it does not.
    pub no_clock: Option<NoClock>,
    pub deadline: Deadline,
    pub queue: QueueId,
    pub reply: ReplyDecision,
    /// A virus verdict of FAIL: keep the case but flag it so nobody opens the attachments.
    pub quarantined: bool,
    /// A CVSS score named in the message, and its security band under the policy.
    pub security: Option<SecurityMatch>,
}

/// A CVSS score found in a message. The fix dates count from the date of public disclosure, which
/// a message does not prove, so only the band is decided here; `slamail security` computes dates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SecurityMatch {
    pub cvss: f64,
    /// The policy's band for the score, if it has one.
    pub band: Option<String>,
}

/// The sender address the directory should be asked about, if the message has one.
pub fn sender_of(email: &InboundEmail) -> Option<&EmailAddress> {
    email.sender_address()
}

/// Triage of a message governed by `policy`.
///
/// `memberships` is the directory's answer for [`sender_of`] (empty when there is no sender or
/// the directory does not know it); `own` says whether an address is one of ours (every policy's
/// support and reply addresses), for loop protection.
pub fn decide(
    policy: &Policy,
    policies: &PolicySet,
    email: &InboundEmail,
    verdicts: &Verdicts,
    memberships: &[Membership],
    received: DateTime<Utc>,
) -> Result<Decision, DeadlineError> {
    let sender = sender_of(email).cloned();
    let authenticity = authenticate(
        sender.as_ref(),
        verdicts,
        topmost_ses_authentication_results(email),
    );
    let day = received
        .with_timezone(&policy.support_calendar().zone())
        .date_naive();
    let tier = assign_tier(policy, memberships, &authenticity, day);
    let severity_detected = detect_severity(policy, email.subject.as_deref(), &email.body_excerpt);
    let asked = severity_detected
        .as_ref()
        .map(|d| d.severity.clone())
        .unwrap_or_else(|| policy.default_severity.clone());
    let severity = match policy.tier(&tier.tier) {
        Some(t) => policy.clamp(t, &asked),
        None => Clamped {
            asked: asked.clone(),
            assigned: asked,
            reason: None,
        },
    };
    let own = |a: &EmailAddress| policies.is_own_address(a);
    let reply = reply_decision(email, verdicts, &authenticity, &own);
    // Normalised once: every phrase list of the policy is searched in the same words.
    let message_words = MessageWords::of(email.subject.as_deref(), &email.body_excerpt);
    let kind = request_kind(policy, &message_words);
    let no_clock = no_clock(policy, &reply, kind);
    let deadline = match &no_clock {
        None => deadline::compute(
            policy,
            &tier.tier,
            &severity.assigned,
            Metric::FirstResponse,
            received,
        )?,
        Some(why) => {
            let none = Target::None {
                wording: NoCommitment::NotApplicable,
            };
            let mut d = deadline::apply(policy, &none, received)?;
            d.target_words = why.words(policy);
            d
        }
    };
    let queue = match kind {
        Some(k) => k.queue.clone(),
        None => policy.route(&tier.tier, &severity.assigned).clone(),
    };
    let security = detect_cvss(email.subject.as_deref().unwrap_or(""))
        .or_else(|| detect_cvss(&email.body_excerpt))
        .map(|cvss| SecurityMatch {
            cvss,
            band: security_in_scope(policy, &message_words, &tier)
                .then(|| policy.security_band(cvss).map(|b| b.id.clone()))
                .flatten(),
        });
    let severity_requested = policy.wording.requested.is_some() && severity_detected.is_some();
    Ok(Decision {
        sender_name: email
            .from
            .as_ref()
            .and_then(|m| m.name.as_deref())
            .map(DisplayName::new),
        sender,
        authenticity,
        tier,
        severity_requested,
        severity_detected,
        severity,
        request_kind: kind.map(|k| k.id.clone()),
        no_clock,
        deadline,
        queue,
        reply,
        quarantined: verdicts.virus == Verdict::Fail,
        security,
    })
}

/// The first request kind outside the SLA whose phrases the message uses.
fn request_kind<'p>(policy: &'p Policy, words: &MessageWords) -> Option<&'p RequestKind> {
    policy
        .request_kinds
        .iter()
        .find(|k| words.find(&k.keywords).is_some())
}

/// Whether the policy's security-fix commitments apply to this message: always when the policy
/// does not limit them; otherwise when the sender's organisation has a product they cover, or the
/// message names one of the policy's product phrases.
fn security_in_scope(policy: &Policy, words: &MessageWords, tier: &TierAssignment) -> bool {
    let scope = &policy.security_scope;
    if !scope.is_limited() {
        return true;
    }
    tier.org
        .as_ref()
        .is_some_and(|m| scope.covers_product(&m.products))
        || words.find(&scope.keywords).is_some()
}
