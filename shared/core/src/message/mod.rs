//! Raw MIME bytes to an [`InboundEmail`]: what the rest of the product needs to know about a
//! message, extracted once, never failing (a message that cannot be parsed is still recorded).
//!
//! Two readers look at the bytes:
//! - our own small scanner of the top-level header block, which keeps every header in order
//!   (mail-parser's accessors return the *last* occurrence of a header, and the rules here need
//!   the *first* — the topmost `Authentication-Results`, the first `From`);
//! - mail-parser, for what needs real MIME work: address lists, RFC 2047 words, charsets, dates,
//!   bodies, attachments and the parts of a delivery report.
//!
//! Bare-CR line breaks: mail-parser reads such a message as one endless header line and returns
//! nothing useful. When bare CRs outnumber LFs we rewrite every line break to CRLF, parse that,
//! and still record `parse_problem`, so the case shows why its message looked odd while keeping
//! the sender and subject that the rewrite recovered.
//!
//! One concept per file: [`headers`] (our scanner of the header block), [`line_breaks`] (bare-CR
//! repair), [`mime`] (what mail-parser extracts), [`rfc2047`] (decoded display text),
//! [`rfc5322`] (comments and Content-Type parameters), [`bounce`] (which message a bounce is
//! about) and [`excerpt`] (the start of the text body).

pub mod bounce;
pub mod excerpt;
pub mod headers;
pub mod line_breaks;
pub mod mime;
pub mod rfc2047;
pub mod rfc5322;

#[cfg(test)]
mod tests;

use std::panic::{AssertUnwindSafe, catch_unwind};

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::ids::EmailAddress;

use bounce::{add_failed, original_message_id_in_raw, x_failed_recipients};
use headers::{into_string_lossy, scan_header_block};
use line_breaks::{bare_cr_dominates, bare_cr_to_crlf};
use mime::{Extracted, mime_parser};
use rfc2047::decode_unstructured;
pub(crate) use rfc5322::{split_content_type, strip_comments};

/// At most this many top-level headers are kept; a hostile message may carry millions.
pub const MAX_HEADERS: usize = 500;
/// At most this many bytes of header names and values are kept in total.
pub const MAX_HEADER_BYTES: usize = 64 * 1024;
/// One header value is cut at this length, so one giant header cannot starve all the others.
pub const MAX_HEADER_VALUE_BYTES: usize = 16 * 1024;
/// More To/Cc addresses than this are not kept: routing needs only the support address.
pub const MAX_RECIPIENTS: usize = 100;
/// The body excerpt is only for spotting a severity in the first lines.
pub const BODY_EXCERPT_LINES: usize = 40;
pub const BODY_EXCERPT_BYTES: usize = 4 * 1024;

/// One mailbox of an address header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mailbox {
    /// The display name, decoded.
    pub name: Option<String>,
    /// The address, when it is one we can use (`<>` and garbage give `None`).
    pub address: Option<EmailAddress>,
    /// The header's raw value, for the record.
    pub raw: String,
}

/// What the product needs to know about one inbound message.
#[derive(Debug, Clone, Default, Serialize)]
pub struct InboundEmail {
    /// Length of the raw message in bytes.
    pub size: usize,
    /// Why the message could not be read normally, when it could not.
    pub parse_problem: Option<String>,
    /// The sender's `Message-ID`, without angle brackets.
    pub message_id: Option<String>,
    pub in_reply_to: Vec<String>,
    pub references: Vec<String>,
    /// The first mailbox of the first `From` header.
    pub from: Option<Mailbox>,
    /// Mailboxes across all `From` headers; more than one makes the sender ambiguous.
    pub from_count: usize,
    /// The addresses of every To and Cc header (capped). Only for routing on the S3 path, where
    /// no envelope is known; the SES event's envelope recipients are preferred.
    pub recipients: Vec<EmailAddress>,
    /// Informational only: identity never comes from `Reply-To`.
    pub reply_to: Option<Mailbox>,
    /// Informational only: identity never comes from `Sender`.
    pub sender: Option<Mailbox>,
    pub subject: Option<String>,
    pub date: Option<DateTime<Utc>>,
    /// The start of the text body, for severity detection only.
    pub body_excerpt: String,
    /// Top-level headers in order: lower-cased name, unfolded and trimmed value.
    pub headers: Vec<(String, String)>,
    /// True when headers beyond [`MAX_HEADERS`] / [`MAX_HEADER_BYTES`] were dropped.
    pub headers_truncated: bool,
    /// The top-level `Content-Type`, raw.
    pub content_type: Option<String>,
    /// The first `Return-Path`, raw (`<>` for a null sender).
    pub return_path: Option<String>,
    /// For a delivery report: the `Message-ID` of the message that bounced.
    pub bounce_original_message_id: Option<String>,
    /// For a delivery report: the recipients it says failed (`Action: failed` in its
    /// `message/delivery-status` part, or `X-Failed-Recipients`), capped at [`MAX_RECIPIENTS`].
    /// A claim by whoever wrote the report, like everything else in it.
    pub bounce_failed_recipients: Vec<EmailAddress>,
    /// Whether some part is a `message/delivery-status` report.
    pub has_delivery_status_part: bool,
    /// The type of the first machine report part anywhere in the message
    /// (`message/feedback-report`, `message/disposition-notification`, `message/delivery-status`
    /// and their `global-` forms), e.g. inside a forwarded or wrapped report.
    pub report_part: Option<String>,
    pub attachment_count: usize,
}

impl InboundEmail {
    /// Never fails and never panics. Empty input, unparseable input, bare-CR line breaks: still an
    /// InboundEmail with `parse_problem: Some(reason)` and whatever could be extracted.
    pub fn parse(raw: &[u8]) -> Self {
        let mut email = InboundEmail {
            size: raw.len(),
            ..Default::default()
        };
        if raw.iter().all(|b| b.is_ascii_whitespace()) {
            email.parse_problem = Some("the message is empty".to_string());
            return email;
        }

        let normalised;
        let bytes: &[u8] = if bare_cr_dominates(raw) {
            email.parse_problem =
                Some("the line breaks are bare CR characters; they were read as CRLF".to_string());
            normalised = bare_cr_to_crlf(raw);
            &normalised
        } else {
            raw
        };

        let (fields, truncated) = scan_header_block(bytes);
        email.headers_truncated = truncated;
        email.subject = fields
            .iter()
            .find(|f| f.name == "subject")
            .map(|f| decode_unstructured(&f.value));
        email.headers = fields
            .into_iter()
            .map(|f| (f.name, into_string_lossy(f.value)))
            .collect();
        email.content_type = email.header("content-type").map(str::to_string);
        email.return_path = email.header("return-path").map(str::to_string);

        // mail-parser is not ours; a panic deep inside it must cost us the MIME details of one
        // message, never the message itself.
        let parsed = catch_unwind(AssertUnwindSafe(|| {
            mime_parser()
                .parse(bytes)
                .map(|msg| Extracted::from_message(&msg))
        }));
        match parsed {
            Ok(Some(x)) => x.apply(&mut email),
            Ok(None) => {
                email.parse_problem.get_or_insert_with(|| {
                    "no header could be read: this does not look like an email".to_string()
                });
            }
            Err(_) => {
                email.parse_problem = Some("the MIME parser failed on this message".to_string());
            }
        }
        if email.bounce_original_message_id.is_none()
            && (email.is_delivery_report() || email.has_delivery_status_part)
        {
            // Broken boundaries leave the parts unsplit; the original's headers are still there.
            email.bounce_original_message_id = original_message_id_in_raw(bytes);
        }
        if let Some(v) = email.header("x-failed-recipients") {
            let listed: Vec<EmailAddress> = x_failed_recipients(v).collect();
            add_failed(&mut email.bounce_failed_recipients, listed);
        }
        if email.headers.is_empty() && email.parse_problem.is_none() {
            email.parse_problem = Some("the message has no header block".to_string());
        }
        email
    }

    /// The first header of that name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every header of that name (case-insensitive), top first.
    pub fn headers_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether any header of that name is present.
    pub fn has_header(&self, name: &str) -> bool {
        self.header(name).is_some()
    }

    /// `multipart/report; report-type=delivery-status` at the top level.
    pub fn is_delivery_report(&self) -> bool {
        let Some(ct) = self.content_type.as_deref() else {
            return false;
        };
        let (mime, params) = split_content_type(ct);
        mime == "multipart/report"
            && params
                .iter()
                .any(|(k, v)| k == "report-type" && v.eq_ignore_ascii_case("delivery-status"))
    }

    /// For a top-level `multipart/report` of any kind (delivery status, abuse feedback (ARF),
    /// read receipts, TLS reports…): its `report-type`, or `"unspecified"`.
    pub fn report_type(&self) -> Option<String> {
        let (mime, params) = split_content_type(self.content_type.as_deref()?);
        if mime != "multipart/report" {
            return None;
        }
        let kind = params
            .into_iter()
            .find(|(k, _)| k == "report-type")
            .map(|(_, v)| v.to_ascii_lowercase())
            .filter(|v| !v.is_empty());
        Some(kind.unwrap_or_else(|| "unspecified".to_string()))
    }

    /// `Return-Path: <>`: the null envelope sender that only bounces and reports use.
    pub fn has_null_return_path(&self) -> bool {
        self.return_path.as_deref().is_some_and(|rp| {
            let inner: String = strip_comments(rp)
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            inner == "<>" || inner.is_empty()
        })
    }

    /// The From address usable as the sender's identity: `None` when From is missing, has no
    /// usable address, or names several mailboxes — with several, which one DMARC checked is
    /// anyone's guess, so none of them is trusted.
    pub fn sender_address(&self) -> Option<&EmailAddress> {
        if self.from_count != 1 {
            return None;
        }
        self.from.as_ref()?.address.as_ref()
    }
}
