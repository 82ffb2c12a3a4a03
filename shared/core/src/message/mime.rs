//! What mail-parser extracts for us: address lists, message ids, the date, the text body and the
//! parts of a delivery report. Only the headers read here are parsed at all; everything mail-parser
//! returns is copied into owned values so that it can leave the `catch_unwind` around the parser.

use std::sync::LazyLock;

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};
use mail_parser::{Address, HeaderName, HeaderValue, Message, MessageParser, MessagePart};

use super::bounce::{failed_recipients, original_message_id};
use super::excerpt::body_excerpt;
use super::headers::unfold_lossy;
use super::rfc2047::clean_text;
use super::{InboundEmail, MAX_RECIPIENTS, Mailbox};
use crate::ids::EmailAddress;

/// mail-parser's default reads every header it knows in full (`Received` is tokenised, list
/// headers are parsed as addresses), although [`Extracted`] only looks at the few below; every
/// other header is skipped here, since our own scanner already keeps them all. The MIME headers must stay:
/// mail-parser splits and decodes the body by them. Built once: the map costs allocations.
pub(super) fn mime_parser() -> &'static MessageParser {
    static PARSER: LazyLock<MessageParser> = LazyLock::new(|| {
        MessageParser::new()
            .header_content_type(HeaderName::ContentType)
            .header_content_type(HeaderName::ContentDisposition)
            .header_text(HeaderName::ContentTransferEncoding)
            .header_address(HeaderName::From)
            .header_address(HeaderName::Sender)
            .header_address(HeaderName::ReplyTo)
            .header_address(HeaderName::To)
            .header_address(HeaderName::Cc)
            .header_date(HeaderName::Date)
            .header_id(HeaderName::MessageId)
            .header_id(HeaderName::InReplyTo)
            .header_id(HeaderName::References)
            .default_header_ignore()
    });
    &PARSER
}

/// The parts only mail systems write: reports about delivery, abuse and reading (RFC 3464, 5965,
/// 8098, 6533).
const REPORT_PARTS: [&str; 5] = [
    "message/delivery-status",
    "message/global-delivery-status",
    "message/feedback-report",
    "message/disposition-notification",
    "message/global-disposition-notification",
];

/// What mail-parser gave us, owned so it can leave the `catch_unwind`.
pub(super) struct Extracted {
    message_id: Option<String>,
    in_reply_to: Vec<String>,
    references: Vec<String>,
    from: Option<Mailbox>,
    from_count: usize,
    recipients: Vec<EmailAddress>,
    reply_to: Option<Mailbox>,
    sender: Option<Mailbox>,
    date: Option<DateTime<Utc>>,
    body_excerpt: String,
    bounce_original_message_id: Option<String>,
    bounce_failed_recipients: Vec<EmailAddress>,
    has_delivery_status_part: bool,
    report_part: Option<String>,
    attachment_count: usize,
}

impl Extracted {
    pub(super) fn from_message(msg: &Message<'_>) -> Self {
        let root: &[mail_parser::Header<'_>] = msg
            .parts
            .first()
            .map(|p| p.headers.as_slice())
            .unwrap_or(&[]);
        let first = |name: HeaderName<'static>| root.iter().find(|h| h.name == name);
        let raw_value = |h: &mail_parser::Header<'_>| {
            let bytes = msg
                .raw_message
                .get(h.offset_start as usize..h.offset_end as usize)
                .unwrap_or_default();
            unfold_lossy(bytes)
        };
        let mailbox = |name: HeaderName<'static>| {
            first(name).map(|h| mailbox_from(h.value.as_address(), raw_value(h)))
        };

        let from_count = root
            .iter()
            .filter(|h| h.name == HeaderName::From)
            .map(|h| match h.value.as_address() {
                Some(addr) => addr.iter().count().max(1),
                None => 1,
            })
            .sum();

        let has_delivery_status_part = msg
            .parts
            .iter()
            .any(|p| part_is(p, "message", "delivery-status"));
        let report_part = msg
            .parts
            .iter()
            .map(part_mime)
            .find(|m| REPORT_PARTS.contains(&m.as_str()));
        let is_report = root
            .iter()
            .find(|h| h.name == HeaderName::ContentType)
            .and_then(|h| h.value.as_content_type())
            .is_some_and(|ct| {
                ct.c_type.eq_ignore_ascii_case("multipart")
                    && ct
                        .c_subtype
                        .as_deref()
                        .is_some_and(|s| s.eq_ignore_ascii_case("report"))
            });

        Extracted {
            message_id: first(HeaderName::MessageId).and_then(|h| ids(&h.value).into_iter().next()),
            in_reply_to: first(HeaderName::InReplyTo)
                .map(|h| ids(&h.value))
                .unwrap_or_default(),
            references: first(HeaderName::References)
                .map(|h| ids(&h.value))
                .unwrap_or_default(),
            from: mailbox(HeaderName::From),
            from_count,
            recipients: root
                .iter()
                .filter(|h| h.name == HeaderName::To || h.name == HeaderName::Cc)
                .filter_map(|h| h.value.as_address())
                .flat_map(|a| a.iter())
                .filter_map(|a| a.address.as_deref())
                .filter_map(|a| EmailAddress::parse(a).ok())
                .take(MAX_RECIPIENTS)
                .collect(),
            reply_to: mailbox(HeaderName::ReplyTo),
            sender: mailbox(HeaderName::Sender),
            date: first(HeaderName::Date)
                .and_then(|h| h.value.as_datetime())
                .and_then(to_chrono),
            body_excerpt: body_excerpt(msg),
            bounce_original_message_id: if is_report || has_delivery_status_part {
                original_message_id(msg)
            } else {
                None
            },
            bounce_failed_recipients: if is_report || has_delivery_status_part {
                failed_recipients(msg)
            } else {
                Vec::new()
            },
            has_delivery_status_part,
            report_part,
            attachment_count: msg.attachments.len(),
        }
    }

    pub(super) fn apply(self, email: &mut InboundEmail) {
        email.message_id = self.message_id;
        email.in_reply_to = self.in_reply_to;
        email.references = self.references;
        email.from = self.from;
        email.from_count = self.from_count;
        email.recipients = self.recipients;
        email.reply_to = self.reply_to;
        email.sender = self.sender;
        email.date = self.date;
        email.body_excerpt = self.body_excerpt;
        email.bounce_original_message_id = self.bounce_original_message_id;
        email.bounce_failed_recipients = self.bounce_failed_recipients;
        email.has_delivery_status_part = self.has_delivery_status_part;
        email.report_part = self.report_part;
        email.attachment_count = self.attachment_count;
    }
}

fn mailbox_from(address: Option<&Address<'_>>, raw: String) -> Mailbox {
    let first = address.and_then(|a| a.first());
    let name = first
        .and_then(|a| a.name.as_deref())
        .map(clean_text)
        .filter(|n| !n.is_empty());
    let address = first
        .and_then(|a| a.address.as_deref())
        .and_then(|a| EmailAddress::parse(a).ok());
    Mailbox { name, address, raw }
}

pub(super) fn ids(value: &HeaderValue<'_>) -> Vec<String> {
    let clean = |s: &str| {
        let s = s
            .trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .trim();
        (!s.is_empty() && !s.chars().any(|c| c.is_control() || c.is_whitespace()))
            .then(|| s.to_string())
    };
    match value {
        HeaderValue::Text(t) => clean(t).into_iter().collect(),
        HeaderValue::TextList(list) => list.iter().filter_map(|t| clean(t)).collect(),
        _ => Vec::new(),
    }
}

fn to_chrono(dt: &mail_parser::DateTime) -> Option<DateTime<Utc>> {
    let offset_secs = i32::from(dt.tz_hour) * 3600 + i32::from(dt.tz_minute) * 60;
    let offset = if dt.tz_before_gmt {
        FixedOffset::west_opt(offset_secs)
    } else {
        FixedOffset::east_opt(offset_secs)
    }?;
    let naive =
        NaiveDate::from_ymd_opt(i32::from(dt.year), u32::from(dt.month), u32::from(dt.day))?
            .and_hms_opt(
                u32::from(dt.hour),
                u32::from(dt.minute),
                u32::from(dt.second),
            )?;
    offset
        .from_local_datetime(&naive)
        .single()
        .map(|d| d.with_timezone(&Utc))
}

/// Whether the part's `Content-Type` is `c_type/c_subtype`, in any case.
fn part_is(part: &MessagePart<'_>, c_type: &str, c_subtype: &str) -> bool {
    part.headers
        .iter()
        .find(|h| h.name == HeaderName::ContentType)
        .and_then(|h| h.value.as_content_type())
        .is_some_and(|ct| {
            ct.c_type.eq_ignore_ascii_case(c_type)
                && ct
                    .c_subtype
                    .as_deref()
                    .is_some_and(|s| s.eq_ignore_ascii_case(c_subtype))
        })
}

pub(super) fn part_mime(part: &MessagePart<'_>) -> String {
    part.headers
        .iter()
        .find(|h| h.name == HeaderName::ContentType)
        .and_then(|h| h.value.as_content_type())
        .map(|ct| match ct.c_subtype.as_deref() {
            Some(sub) => format!("{}/{}", ct.c_type, sub).to_ascii_lowercase(),
            None => ct.c_type.to_ascii_lowercase(),
        })
        .unwrap_or_default()
}
