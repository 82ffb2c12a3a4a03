//! The auto-reply, rendered as a raw MIME message (so every header is ours).
//!
//! SESv2 `SendEmail` with raw content sends these bytes as they are, so this module owns every
//! rule of `intake-rules.md` ("The auto-reply"): the headers that stop mail loops, threading on
//! the customer's Message-ID, a subject carrying the case tag, and a body that states the tier,
//! the severity and the deadline without naming anyone else. The message is 7-bit clean with CRLF
//! line ends: anything taken from the inbound message is sanitised and RFC 2047-encoded, and the
//! body is quoted-printable.
//!
//! One concept per file: [`input`] (what a reply is rendered from), [`subject`] (the reply's
//! subject), [`sanitise`] (inbound text made safe for a header line), [`threading`] (RFC 5322
//! Message-ID, In-Reply-To and References), [`mime`] (header fields and their folding),
//! [`rfc2047`] (encoded-words), [`quoted_printable`] (the body's transfer encoding),
//! [`wording`] (what the reply says) and [`hours`] (support hours in words).

pub mod agent;
pub mod hours;
pub mod input;
pub mod mime;
pub mod quoted_printable;
pub mod rfc2047;
pub mod sanitise;
pub mod subject;
pub mod threading;
pub mod wording;

#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};
use thiserror::Error;

use crate::ids::EmailAddress;
use crate::policy::Policy;
use crate::triage::loops::LOOP_HEADER;

pub use hours::support_hours;
pub use input::ReplyInput;

use mime::{HeaderWriter, mailbox, unstructured};
use quoted_printable::quoted_printable_into;
use sanitise::{MAX_NAME_CHARS, sanitise};
use subject::reply_subject;
use threading::{clean_id, message_id_domain, references};
use wording::body;

/// The rendered auto-reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedReply {
    pub to: EmailAddress,
    pub from: EmailAddress,
    pub subject: String,
    /// The plain body, `\n` line ends, for tests and logs.
    pub text: String,
    /// The full RFC 5322 message: CRLF line ends, 7-bit ASCII.
    pub raw: Vec<u8>,
    /// The Message-ID we gave it, without angle brackets. SES may replace it; answers can
    /// reference either, so both are recorded.
    pub message_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ReplyError {
    #[error(
        "{0} is not an ASCII address; it would need SMTPUTF8, which a 7-bit auto-reply cannot use"
    )]
    NonAsciiAddress(String),
    #[error("{0:?} is not a domain name usable in a Message-ID")]
    MessageIdDomain(String),
    #[error("{0} is one of this policy's own addresses; replying to it would start a mail loop")]
    OwnAddress(String),
}

/// Renders the auto-reply for a case.
pub fn render_reply(input: &ReplyInput) -> Result<RenderedReply, ReplyError> {
    let from = input.from();
    let domain = sendable(input.policy, input.to, from, input.message_id_domain)?;
    let to_name = sanitise(input.to_name.unwrap_or(""), MAX_NAME_CHARS);
    let text = body(input, &to_name);
    let message_id = format!(
        "{}.{}.slamail@{domain}",
        input.case_id,
        input.now.timestamp_millis()
    );
    Ok(Outgoing {
        policy: input.policy,
        from,
        to: input.to,
        to_name,
        subject: reply_subject(input.case_id, input.original_subject),
        now: input.now,
        message_id,
        in_reply_to: input.original_message_id,
        references: input.original_references,
        automatic: true,
        text,
    }
    .render())
}

/// What no message we send may do: carry a non-ASCII address (a 7-bit message cannot), or go
/// to one of the policy's own addresses (a mail loop). The answer is the Message-ID domain.
fn sendable(
    policy: &Policy,
    to: &EmailAddress,
    from: &EmailAddress,
    id_domain: &str,
) -> Result<String, ReplyError> {
    for address in [to, from] {
        if !address.as_str().is_ascii() {
            return Err(ReplyError::NonAsciiAddress(address.to_string()));
        }
    }
    if policy.is_own_address(to) {
        return Err(ReplyError::OwnAddress(to.to_string()));
    }
    message_id_domain(id_domain)
}

/// A message to a requester, auto-reply or written by the support team: one set of headers,
/// threaded on the customer's message, 7-bit, quoted-printable.
struct Outgoing<'a> {
    policy: &'a Policy,
    from: &'a EmailAddress,
    to: &'a EmailAddress,
    /// Already sanitised.
    to_name: String,
    subject: String,
    now: DateTime<Utc>,
    /// Without angle brackets.
    message_id: String,
    /// The customer's Message-ID, as they sent it.
    in_reply_to: Option<&'a str>,
    /// The thread's ids, oldest first.
    references: &'a [String],
    /// An auto-reply says so (RFC 3834) and asks other responders not to answer it.
    automatic: bool,
    text: String,
}

impl Outgoing<'_> {
    fn render(self) -> RenderedReply {
        let policy = self.policy;
        let mut h = HeaderWriter::default();
        h.field(
            "From",
            mailbox(&sanitise(&policy.reply_name, MAX_NAME_CHARS), self.from),
        );
        h.field("To", mailbox(&self.to_name, self.to));
        h.field("Subject", unstructured(&self.subject));
        h.field("Date", vec![self.now.to_rfc2822()]);
        h.field("Message-ID", vec![format!("<{}>", self.message_id)]);
        let in_reply_to = self.in_reply_to.and_then(clean_id);
        if let Some(id) = in_reply_to {
            h.field("In-Reply-To", vec![format!("<{id}>")]);
        }
        let refs = references(self.references, in_reply_to);
        if !refs.is_empty() {
            h.field(
                "References",
                refs.iter().map(|id| format!("<{id}>")).collect(),
            );
        }
        if self.automatic {
            h.field("Auto-Submitted", vec!["auto-replied".into()]);
            h.field("X-Auto-Response-Suppress", vec!["All".into()]);
            h.field("Precedence", vec!["bulk".into()]);
        }
        h.field(LOOP_HEADER, vec![policy.id.to_string()]);
        h.field("MIME-Version", vec!["1.0".into()]);
        h.field(
            "Content-Type",
            vec!["text/plain;".into(), "charset=utf-8".into()],
        );
        h.field("Content-Transfer-Encoding", vec!["quoted-printable".into()]);

        let mut raw = h.out;
        raw.reserve(self.text.len() + self.text.len() / 8 + 16);
        raw.push_str("\r\n");
        quoted_printable_into(&self.text, &mut raw);
        RenderedReply {
            to: self.to.clone(),
            from: self.from.clone(),
            subject: self.subject,
            text: self.text,
            raw: raw.into_bytes(),
            message_id: self.message_id,
        }
    }
}
