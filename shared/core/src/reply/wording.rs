//! What the auto-reply says: the tier and why, the severity as understood, the promise (or where to
//! go instead), the support hours and how to add to the case. The reply speaks for the vendor and
//! names nobody but its recipient.

use std::fmt::Write as _;

use super::ReplyInput;
use super::hours::support_hours;
use super::sanitise::{MAX_NAME_CHARS, sanitise};
use crate::policy::{NoCommitment, Target};
use crate::triage::TierReason;

/// The plain-English body, `\n` line ends.
pub(super) fn body(input: &ReplyInput, to_name: &str) -> String {
    let policy = input.policy;
    let tier = input.tier;
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

    let tier_label = sanitise(&tier.label, MAX_NAME_CHARS);
    let reason = input.tier_reason.words();
    match input.tier_reason {
        TierReason::DesignatedContact => para(
            &mut text,
            format_args!("Support tier: {tier_label}, because {reason}."),
        ),
        TierReason::NotDesignatedContact => para(
            &mut text,
            format_args!(
                "Support tier: {tier_label}, because {reason}. Only requests from an organisation's \
                 designated contacts receive the organisation's support tier; your organisation's \
                 administrator can tell you who they are."
            ),
        ),
        TierReason::UnknownSender => para(
            &mut text,
            format_args!(
                "Support tier: {tier_label}, because {reason}. If your organisation has a support \
                 agreement, please ask one of its designated contacts to write to us."
            ),
        ),
        // The recipient is the owner of the From address, who may not have sent the message.
        TierReason::SenderNotVerified => para(
            &mut text,
            format_args!(
                "Support tier: {tier_label}. We could not confirm your support tier because {reason}. \
                 If you sent this message, please make sure your mail is sent through your \
                 organisation's own mail servers, which sign it (DKIM) and pass its DMARC check. If \
                 you did not send it, you can ignore this reply."
            ),
        ),
    }

    let severity = sanitise(&input.severity.label, MAX_NAME_CHARS);
    match input.clamped_reason {
        Some(why) => para(
            &mut text,
            format_args!(
                "Severity: {severity}. {}.",
                capitalise(sanitise(why, 300).trim_end_matches('.'))
            ),
        ),
        None => para(
            &mut text,
            format_args!(
                "Severity: {severity}, as we understood your message. If that is not right, \
                 say so in your reply."
            ),
        ),
    }

    para(&mut text, format_args!("{}", response_paragraph(input)));
    para(
        &mut text,
        format_args!(
            "Support hours: {}.",
            support_hours(policy.support_calendar())
        ),
    );
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

/// The promise, or the absence of one with where to go instead.
fn response_paragraph(input: &ReplyInput) -> String {
    let deadline = input.deadline;
    if let Some(due) = deadline.due_in_words() {
        return format!(
            "We will respond within {} — by {due}.",
            sanitise(&deadline.target_words, 200)
        );
    }
    let tier = input.tier;
    let tier_label = sanitise(&tier.label, MAX_NAME_CHARS);
    let mut sentences = Vec::new();
    if matches!(
        deadline.target,
        Target::None {
            wording: NoCommitment::BestEffort
        }
    ) {
        sentences.push("We will handle your request on a best-effort basis.".to_string());
    }
    sentences.push("Your request has no guaranteed response time.".to_string());
    if !tier.email_support {
        sentences.push(format!(
            "Email is not a supported channel for the {tier_label} tier."
        ));
    }
    let channels: Vec<&String> = tier.channels.iter().filter(|c| *c != "email").collect();
    let linked: Vec<String> = channels
        .iter()
        .filter_map(|c| {
            input
                .policy
                .channels
                .get(c.as_str())
                .map(|url| format!("the {c} at {url}"))
        })
        .collect();
    if !linked.is_empty() {
        sentences.push(format!("Please use {}.", linked.join(" or ")));
    } else if !channels.is_empty() {
        let names: Vec<&str> = channels.iter().map(|c| c.as_str()).collect();
        sentences.push(format!(
            "Support channels for the {tier_label} tier: {}.",
            names.join(", ")
        ));
    }
    sentences.join(" ")
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
