//! What the auto-reply says: the tier and why, the severity as understood, the promise (or where to
//! go instead), the support hours and how to add to the case. The reply speaks for the vendor and
//! names nobody but its recipient.

use std::fmt::Write as _;

use super::ReplyInput;
use super::hours::support_hours;
use super::sanitise::{MAX_NAME_CHARS, sanitise};
use crate::policy::channel::EMAIL;
use crate::policy::{Entitlement, NoCommitment, Target};
use crate::triage::TierReason;
use crate::triage::clock::NoClock;

/// The plain-English body, `\n` line ends.
pub(super) fn body(input: &ReplyInput, to_name: &str) -> String {
    let policy = input.policy;
    let case = input.case_id;
    // Written straight into one buffer: a reply is rendered per message, and building each
    // paragraph as its own string only to join them doubled the allocations.
    let mut text = String::with_capacity(1536);
    let para = |text: &mut String, args: std::fmt::Arguments<'_>| {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        // Writing into a String cannot fail.
        let _ = text.write_fmt(args);
    };

    if to_name.is_empty() {
        para(&mut text, format_args!("Hello,"));
    } else {
        para(&mut text, format_args!("Hello {to_name},"));
    }
    para(
        &mut text,
        format_args!("We have received your message and opened case {case}."),
    );

    para(&mut text, format_args!("{}", tier_paragraph(input)));
    para(&mut text, format_args!("{}", severity_paragraph(input)));
    para(&mut text, format_args!("{}", response_paragraph(input)));
    if let Some(hours) = hours_paragraph(input) {
        para(&mut text, format_args!("{hours}"));
    }
    para(
        &mut text,
        format_args!(
            "To add to this case, reply to this message and keep [{case}] in the subject, so that \
             your reply joins the same case."
        ),
    );
    para(
        &mut text,
        format_args!("This reply was sent automatically."),
    );
    para(
        &mut text,
        format_args!("-- \n{}", sanitise(&policy.reply_name, MAX_NAME_CHARS)),
    );
    text.push('\n');
    text
}

/// The tier and why, in the policy's words for its contacts.
fn tier_paragraph(input: &ReplyInput) -> String {
    let w = &input.policy.wording;
    let tier_label = sanitise(&input.tier.label, MAX_NAME_CHARS);
    let reason = input.tier_reason.words_in(w);
    let contacts = &w.contacts;
    match input.tier_reason {
        TierReason::DesignatedContact | TierReason::OrganisationMember => {
            format!("Support tier: {tier_label}, because {reason}.")
        }
        TierReason::NotDesignatedContact => match input.policy.entitlement {
            Entitlement::DesignatedContacts => format!(
                "Support tier: {tier_label}, because {reason}. Only requests from an \
                 organisation's {contacts} receive the organisation's support tier. {}",
                w.administrator
            ),
            // Under organisation-members only a third party is a member without entitlement.
            Entitlement::OrganisationMembers => format!(
                "Support tier: {tier_label}, because your address is listed as a third party of \
                 the organisation, not as one of its members. {}",
                w.administrator
            ),
        },
        TierReason::UnknownSender => match input.policy.entitlement {
            Entitlement::DesignatedContacts => format!(
                "Support tier: {tier_label}, because {reason}. If your organisation has a support \
                 agreement, please ask one of its {contacts} to write to us."
            ),
            Entitlement::OrganisationMembers => format!(
                "Support tier: {tier_label}, because your address does not belong to a customer \
                 organisation we know. If your organisation has a support agreement, please write \
                 from your organisation's own address."
            ),
        },
        // The recipient is the owner of the From address, who may not have sent the message.
        TierReason::SenderNotVerified => format!(
            "Support tier: {tier_label}. We could not confirm your support tier because {reason}. \
             If you sent this message, please make sure your mail is sent through your \
             organisation's own mail servers, which sign it (DKIM) and pass its DMARC check. If \
             you did not send it, you can ignore this reply."
        ),
        TierReason::SupportTermEnded => format!(
            "Support tier: {tier_label}, because {reason}. Support is provided during your \
             organisation's current support term; if it has been renewed, please say so in your \
             reply."
        ),
    }
}

/// The severity as understood, clamped, or requested for the vendor to confirm; in the policy's
/// word for a severity ("Priority").
fn severity_paragraph(input: &ReplyInput) -> String {
    let w = &input.policy.wording;
    let term = sanitise(&w.severity, MAX_NAME_CHARS);
    let severity = sanitise(&input.severity.label, MAX_NAME_CHARS);
    if let Some(why) = input.clamped_reason {
        return format!(
            "{term}: {severity}. {}.",
            capitalise(sanitise(why, 300).trim_end_matches('.'))
        );
    }
    match (&w.requested, input.severity_requested) {
        (Some(confirm), true) => format!(
            "{term}: {severity}, as requested in your message. {}",
            confirm.fill(&[("severity", &severity)])
        ),
        _ => format!(
            "{term}: {severity}, as we understood your message. If that is not right, say so in \
             your reply."
        ),
    }
}

/// The promise, or why there is none and where to go instead, then any faster channels.
fn response_paragraph(input: &ReplyInput) -> String {
    let policy = input.policy;
    let mut sentences = Vec::new();
    match input.no_clock {
        Some(NoClock::EmailNotCovered) => {
            let url = policy
                .email_intake
                .channel
                .as_deref()
                .and_then(|c| policy.channel(c))
                .map_or("", |c| c.contact.as_str());
            if let Some(text) = &policy.email_intake.text {
                sentences.push(text.fill(&[("channel", url)]));
            }
            // What the policy says for a ticket of this tier and severity, stated as applying to
            // the portal, never to this email.
            let cell = policy.targets(&input.tier.id, &input.severity.id);
            match cell {
                Some(t) if t.first_response.is_commitment() => sentences.push(format!(
                    "For a ticket opened there, the {} response time is {}.",
                    sanitise(&input.severity.label, MAX_NAME_CHARS),
                    t.first_response.words()
                )),
                Some(t) => sentences.extend(t.aim.clone()),
                None => {}
            }
            return sentences.join(" ");
        }
        Some(NoClock::OutsideSla(_)) => {
            if let Some(kind) = input.request_kind() {
                sentences.push(kind.reply.clone());
            }
            return sentences.join(" ");
        }
        Some(NoClock::Automatic(_)) => {
            return "Your message was sent automatically, so it starts no response time."
                .to_string();
        }
        None => {}
    }
    let deadline = input.deadline;
    if let Some(due) = deadline.due_in_words() {
        sentences.push(policy.wording.promise.fill(&[
            ("target", &sanitise(&deadline.target_words, 200)),
            ("due", &due),
        ]));
        if let Some(e) = escalation_sentence(input) {
            sentences.push(e);
        }
        return sentences.join(" ");
    }
    let tier = input.tier;
    let tier_label = sanitise(&tier.label, MAX_NAME_CHARS);
    let aim = policy
        .targets(&tier.id, &input.severity.id)
        .and_then(|t| t.aim.as_deref());
    match (&deadline.target, aim) {
        (_, Some(aim)) => sentences.push(aim.to_string()),
        (
            Target::None {
                wording: NoCommitment::BestEffort,
            },
            None,
        ) => {
            sentences.push("We will handle your request on a best-effort basis.".to_string());
            sentences.push("Your request has no guaranteed response time.".to_string());
        }
        _ => sentences.push("Your request has no guaranteed response time.".to_string()),
    }
    if !tier.email_support {
        sentences.push(format!(
            "Email is not a supported channel for the {tier_label} tier."
        ));
    }
    let reach: Vec<String> = tier
        .channels
        .iter()
        .filter(|c| c.as_str() != EMAIL)
        .filter_map(|c| policy.channel(c))
        .filter(|c| {
            !c.contact
                .as_str()
                .eq_ignore_ascii_case(input.from().as_str())
        })
        .map(ToString::to_string)
        .collect();
    if !reach.is_empty() {
        sentences.push(format!("You can reach us {}.", either(&reach)));
    }
    sentences.join(" ")
}

/// The tier's faster channels for its most severe requests (ActiveState Enterprise: phone and
/// Platform chat for Critical and Severe).
fn escalation_sentence(input: &ReplyInput) -> Option<String> {
    let policy = input.policy;
    let e = input.tier.escalation.as_ref()?;
    if !e.severities.contains(&input.severity.id) {
        return None;
    }
    let labels: Vec<String> = e
        .severities
        .iter()
        .filter_map(|s| policy.severity(s))
        .map(|s| s.label.clone())
        .collect();
    // The address the customer already wrote to (and this reply comes from) is no news.
    let from = input.from().as_str();
    let reach: Vec<String> = e
        .channels
        .iter()
        .filter_map(|c| policy.channel(c))
        .filter(|c| !c.contact.as_str().eq_ignore_ascii_case(from))
        .map(ToString::to_string)
        .collect();
    if reach.is_empty() {
        return None;
    }
    Some(format!(
        "For {} requests you can also reach us {}.",
        both(&labels),
        either(&reach)
    ))
}

/// The hours of the clock the promise runs on: 24x7 for an elapsed target, the published hours of
/// a business target's calendar, the published support hours when nothing is promised. None for a
/// tier without email support (ActiveState Free: "Support Hours N/A"), for a case outside the
/// SLA, and for hours the vendor does not publish.
fn hours_paragraph(input: &ReplyInput) -> Option<String> {
    if !input.tier.email_support
        || matches!(
            input.no_clock,
            Some(NoClock::OutsideSla(_) | NoClock::EmailNotCovered)
        )
    {
        return None;
    }
    let policy = input.policy;
    let calendar = match &input.deadline.target {
        Target::Elapsed { .. } => {
            return Some("Support hours: 24 hours a day, 7 days a week.".to_string());
        }
        t => match t.calendar() {
            Some(id) => policy.published_calendar(id)?,
            None => policy.published_calendar(&policy.default_calendar)?,
        },
    };
    Some(format!("Support hours: {}.", support_hours(calendar)))
}

/// "a, b or c".
fn either(items: &[String]) -> String {
    join_last(items, " or ")
}

/// "a, b and c".
fn both(items: &[String]) -> String {
    join_last(items, " and ")
}

fn join_last(items: &[String], last: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., tail] => format!("{}{last}{tail}", init.join(", ")),
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
