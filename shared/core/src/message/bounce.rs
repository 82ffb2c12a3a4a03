//! What a bounce is about: the Message-ID of the original, from a `message/rfc822` or
//! `text/rfc822-headers` part (or — when broken boundaries leave the parts unsplit — from the raw
//! bytes after such a part's header), and the recipients it says could not be reached.
//!
//! Both are claims by whoever wrote the report, which may be anyone: the intake decides what they
//! are allowed to prove (`intake::steps::delivery_report_link`).

use mail_parser::{HeaderName, Message, PartType};

use super::MAX_RECIPIENTS;
use super::headers::scan_header_block;
use super::mime::{ids, part_mime};
use crate::ids::EmailAddress;

/// The recipients a delivery report says failed: every per-recipient block of a
/// `message/delivery-status` part with `Action: failed` (RFC 3464), by its `Final-Recipient` and
/// `Original-Recipient`. Capped.
pub(super) fn failed_recipients(msg: &Message<'_>) -> Vec<EmailAddress> {
    let mut out: Vec<EmailAddress> = Vec::new();
    for part in &msg.parts {
        if !matches!(
            part_mime(part).as_str(),
            "message/delivery-status" | "message/global-delivery-status"
        ) {
            continue;
        }
        let bytes: &[u8] = match &part.body {
            PartType::Text(t) => t.as_bytes(),
            PartType::Binary(b) | PartType::InlineBinary(b) => b,
            _ => continue,
        };
        add_failed(&mut out, failed_in_delivery_status(bytes));
    }
    out
}

/// Adds addresses not yet listed, within [`MAX_RECIPIENTS`].
pub(super) fn add_failed(
    list: &mut Vec<EmailAddress>,
    more: impl IntoIterator<Item = EmailAddress>,
) {
    for a in more {
        if list.len() >= MAX_RECIPIENTS {
            return;
        }
        if !list.contains(&a) {
            list.push(a);
        }
    }
}

/// The addresses of an `X-Failed-Recipients` header (Exim's bounces).
pub(super) fn x_failed_recipients(value: &str) -> impl Iterator<Item = EmailAddress> + '_ {
    value.split(',').filter_map(|a| EmailAddress::parse(a).ok())
}

/// The failed recipients of one `message/delivery-status` body: a per-message block, then one
/// block of fields per recipient, separated by empty lines.
fn failed_in_delivery_status(bytes: &[u8]) -> Vec<EmailAddress> {
    let text = String::from_utf8_lossy(bytes).replace("\r\n", "\n");
    let mut failed = Vec::new();
    for block in text.split("\n\n").filter(|b| !b.trim().is_empty()) {
        let (fields, _) = scan_header_block(block.trim_start_matches('\n').as_bytes());
        let value = |name: &str| {
            fields
                .iter()
                .find(|f| f.name == name)
                .map(|f| String::from_utf8_lossy(&f.value).into_owned())
        };
        let is_failed = value("action").is_some_and(|a| {
            a.split_whitespace()
                .next()
                .is_some_and(|w| w.eq_ignore_ascii_case("failed"))
        });
        if !is_failed {
            continue;
        }
        for name in ["final-recipient", "original-recipient"] {
            // `rfc822; jane@example.com`: the address type, then the address.
            let address = value(name)
                .map(|v| v.split_once(';').map_or(v.clone(), |(_, a)| a.to_string()))
                .and_then(|a| EmailAddress::parse(&a).ok());
            if let Some(a) = address.filter(|a| !failed.contains(a)) {
                failed.push(a);
            }
        }
    }
    failed
}

/// The Message-ID of the bounced message: from a `message/rfc822` part, or from the header block
/// of a `text/rfc822-headers` part.
pub(super) fn original_message_id(msg: &Message<'_>) -> Option<String> {
    for part in &msg.parts {
        let mime = part_mime(part);
        let found = match (&part.body, mime.as_str()) {
            (PartType::Message(inner), _) => inner
                .parts
                .first()
                .and_then(|p| p.headers.iter().find(|h| h.name == HeaderName::MessageId))
                .and_then(|h| ids(&h.value).into_iter().next()),
            (PartType::Text(text), "text/rfc822-headers" | "message/rfc822-headers")
            | (PartType::Text(text), "message/rfc822") => {
                message_id_in_header_block(text.as_bytes())
            }
            (PartType::Binary(bytes) | PartType::InlineBinary(bytes), m)
                if m.contains("rfc822") =>
            {
                message_id_in_header_block(bytes)
            }
            _ => None,
        };
        if found.is_some() {
            return found;
        }
    }
    None
}

/// The Message-ID in the header block that follows the first `message/rfc822` or
/// `text/rfc822-headers` part header found anywhere in the raw message.
pub(super) fn original_message_id_in_raw(bytes: &[u8]) -> Option<String> {
    const MARKERS: [&[u8]; 3] = [
        b"message/rfc822",
        b"text/rfc822-headers",
        b"message/rfc822-headers",
    ];
    let at = MARKERS
        .iter()
        .filter_map(|m| find_ignore_case(bytes, m))
        .min()?;
    let rest = bytes.get(at..)?;
    // The part's own header block ends at the first empty line; the original's headers follow.
    let body_start = [&b"\r\n\r\n"[..], b"\n\n"]
        .iter()
        .filter_map(|sep| find_ignore_case(rest, sep).map(|i| i + sep.len()))
        .min()?;
    message_id_in_header_block(rest.get(body_start..)?)
}

fn find_ignore_case(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    haystack
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

fn message_id_in_header_block(bytes: &[u8]) -> Option<String> {
    let (fields, _) = scan_header_block(bytes);
    let field = fields.into_iter().find(|f| f.name == "message-id")?;
    let text = String::from_utf8_lossy(&field.value);
    let text = text.trim();
    let inner = match (text.find('<'), text.rfind('>')) {
        (Some(start), Some(end)) if start < end => text.get(start + 1..end)?,
        _ => text,
    };
    let inner = inner.trim();
    (!inner.is_empty() && !inner.chars().any(|c| c.is_control() || c.is_whitespace()))
        .then(|| inner.to_string())
}
