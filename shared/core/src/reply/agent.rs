//! Mail an agent sends through slamail (`case reply`), and the notice that tells a requester
//! their case's priority changed. Written by people, so not `Auto-Submitted`; threaded like the
//! auto-reply (our Message-ID, `In-Reply-To` the customer's latest message, `References` every
//! id of the thread we know, ours included), with the `[case id]` tag in the subject.

use chrono::{DateTime, Utc};

use super::sanitise::{MAX_NAME_CHARS, cap_chars, sanitise};
use super::subject::reply_subject;
use super::{Outgoing, RenderedReply, ReplyError, sendable};
use crate::case::MAX_TEXT_CHARS;
use crate::ids::{CaseId, EmailAddress};
use crate::policy::Policy;

/// What a message from the support team to a requester is rendered from.
#[derive(Debug, Clone, Copy)]
pub struct AgentMessage<'a> {
    pub policy: &'a Policy,
    pub case_id: &'a CaseId,
    pub to: &'a EmailAddress,
    pub to_name: Option<&'a str>,
    /// The case's subject (the customer's words).
    pub subject: Option<&'a str>,
    /// The customer's latest Message-ID.
    pub in_reply_to: Option<&'a str>,
    /// The thread's ids, oldest first (the customer's and ours).
    pub references: &'a [String],
    /// What the agent wrote, or the notice.
    pub text: &'a str,
    pub now: DateTime<Utc>,
    pub message_id_domain: &'a str,
    /// Tells a notice from a reply in our Message-ID (`reply` or `notice`).
    pub purpose: &'a str,
}

/// Renders a message from the support team.
pub fn render_agent_message(m: &AgentMessage<'_>) -> Result<RenderedReply, ReplyError> {
    let policy = m.policy;
    let domain = sendable(policy, m.to, &policy.reply_from, m.message_id_domain)?;
    let purpose: String = m
        .purpose
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(16)
        .collect();
    let message_id = format!(
        "{}.{}.{purpose}.slamail@{domain}",
        m.case_id,
        m.now.timestamp_millis()
    );
    let mut text = cap_chars(&m.text.replace("\r\n", "\n"), MAX_TEXT_CHARS);
    text.push_str(&format!(
        "\n\n--\nCase [{case}]. To add to this case, reply to this message and keep [{case}] in \
         the subject, so that your reply joins the same case.\n",
        case = m.case_id
    ));
    Ok(Outgoing {
        policy,
        from: &policy.reply_from,
        to: m.to,
        to_name: sanitise(m.to_name.unwrap_or(""), MAX_NAME_CHARS),
        subject: reply_subject(m.case_id, m.subject),
        now: m.now,
        message_id,
        in_reply_to: m.in_reply_to,
        references: m.references,
        automatic: false,
        text,
    }
    .render())
}

/// What a requester is told when an agent changes their case's priority: the new priority, the
/// reason, and the response target that now applies.
pub fn reclassification_notice(
    policy: &Policy,
    case_id: &CaseId,
    from_label: &str,
    to_label: &str,
    reason: &str,
    target: Option<(&str, &str)>,
) -> String {
    let mut text = format!(
        "The priority of case [{case_id}] has been changed from {from_label} to {to_label}.\n\nReason: {reason}\n\n"
    );
    match target {
        Some((words, due)) => text.push_str(&format!(
            "The response target that now applies is {words}, counted from when the request \
             was received: we will respond by {due}.\n"
        )),
        None => text.push_str(&format!(
            "Further responses on this case follow the {to_label} targets of the {} policy.\n",
            policy.name
        )),
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::builtin;

    #[test]
    fn agent_message_is_threaded_and_human() {
        let p = builtin("activestate").unwrap();
        let id = CaseId::parse("AS-2026-000001").unwrap();
        let to = EmailAddress::parse("alice@acme.example").unwrap();
        let refs = vec![
            "orig@acme.example".to_string(),
            "AS-2026-000001.1.slamail@m.test".to_string(),
            "0100-abc@email.amazonses.com".to_string(),
        ];
        let r = render_agent_message(&AgentMessage {
            policy: &p,
            case_id: &id,
            to: &to,
            to_name: Some("Alice\r\nBcc: x@y"),
            subject: Some("Re: [AS-2026-000001] builds fail"),
            in_reply_to: Some("<followup@acme.example>"),
            references: &refs,
            text: "Pin the catalog timestamp.\nWe are on it.",
            now: DateTime::parse_from_rfc3339("2026-11-30T23:00:00Z")
                .unwrap()
                .with_timezone(&Utc),
            message_id_domain: "m.test",
            purpose: "reply",
        })
        .unwrap();
        let raw = String::from_utf8(r.raw.clone()).unwrap();
        assert!(raw.is_ascii());
        assert!(
            raw.contains("Subject: [AS-2026-000001] Re: builds fail\r\n"),
            "{raw}"
        );
        assert!(raw.contains("In-Reply-To: <followup@acme.example>\r\n"));
        assert!(raw.contains("<AS-2026-000001.1.slamail@m.test>"));
        assert!(raw.contains("<0100-abc@email.amazonses.com>"));
        assert!(!raw.contains("Auto-Submitted"));
        assert!(!raw.contains("\r\nBcc:"));
        assert_eq!(
            r.message_id,
            "AS-2026-000001.1796079600000.reply.slamail@m.test"
        );
        assert!(r.text.contains("keep [AS-2026-000001] in the subject"));
    }
}
