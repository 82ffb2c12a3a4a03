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

use thiserror::Error;

use crate::ids::EmailAddress;
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
    let policy = input.policy;
    let from = input.from();
    for address in [input.to, from] {
        if !address.as_str().is_ascii() {
            return Err(ReplyError::NonAsciiAddress(address.to_string()));
        }
    }
    if policy.is_own_address(input.to) {
        return Err(ReplyError::OwnAddress(input.to.to_string()));
    }
    let domain = message_id_domain(input.message_id_domain)?;

    let subject = reply_subject(input.case_id, input.original_subject);
    let to_name = sanitise(input.to_name.unwrap_or(""), MAX_NAME_CHARS);
    let text = body(input, &to_name);

    let mut h = HeaderWriter::default();
    h.field(
        "From",
        mailbox(&sanitise(&policy.reply_name, MAX_NAME_CHARS), from),
    );
    h.field("To", mailbox(&to_name, input.to));
    h.field("Subject", unstructured(&subject));
    h.field("Date", vec![input.now.to_rfc2822()]);
    let message_id = format!(
        "{}.{}.slamail@{domain}",
        input.case_id,
        input.now.timestamp_millis()
    );
    h.field("Message-ID", vec![format!("<{message_id}>")]);
    let in_reply_to = input.original_message_id.and_then(clean_id);
    if let Some(id) = in_reply_to {
        h.field("In-Reply-To", vec![format!("<{id}>")]);
    }
    let refs = references(input.original_references, in_reply_to);
    if !refs.is_empty() {
        h.field(
            "References",
            refs.iter().map(|id| format!("<{id}>")).collect(),
        );
    }
    h.field("Auto-Submitted", vec!["auto-replied".into()]);
    h.field("X-Auto-Response-Suppress", vec!["All".into()]);
    h.field("Precedence", vec!["bulk".into()]);
    h.field(LOOP_HEADER, vec![policy.id.to_string()]);
    h.field("MIME-Version", vec!["1.0".into()]);
    h.field(
        "Content-Type",
        vec!["text/plain;".into(), "charset=utf-8".into()],
    );
    h.field("Content-Transfer-Encoding", vec!["quoted-printable".into()]);

    let mut raw = h.out;
    raw.reserve(text.len() + text.len() / 8 + 16);
    raw.push_str("\r\n");
    quoted_printable_into(&text, &mut raw);
    Ok(RenderedReply {
        to: input.to.clone(),
        from: from.clone(),
        subject,
        text,
        raw: raw.into_bytes(),
        message_id,
    })
}
