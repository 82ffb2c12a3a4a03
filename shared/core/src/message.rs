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

use std::borrow::Cow;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::LazyLock;

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};
use mail_parser::decoders::charsets::map::charset_decoder;
use mail_parser::decoders::html::html_to_text;
use mail_parser::parsers::MessageStream;
use mail_parser::{
    Address, HeaderName, HeaderValue, Message, MessageParser, MessagePart, PartType,
};
use serde::Serialize;

use crate::ids::EmailAddress;

/// At most this many top-level headers are kept; a hostile message may carry millions.
pub const MAX_HEADERS: usize = 500;
/// At most this many bytes of header names and values are kept in total.
pub const MAX_HEADER_BYTES: usize = 64 * 1024;
/// One header value is cut at this length, so one giant header cannot starve all the others.
pub const MAX_HEADER_VALUE_BYTES: usize = 16 * 1024;
/// The body excerpt is only for spotting a severity in the first lines.
/// More To/Cc addresses than this are not kept: routing needs only the support address.
pub const MAX_RECIPIENTS: usize = 100;
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
    /// Whether some part is a `message/delivery-status` report.
    pub has_delivery_status_part: bool,
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

/// mail-parser's default reads every header it knows in full (`Received` is tokenised, list
/// headers are parsed as addresses), although [`Extracted`] only looks at the few below; every
/// other header is skipped here, since our own scanner already keeps them all. The MIME headers must stay:
/// mail-parser splits and decodes the body by them. Built once: the map costs allocations.
fn mime_parser() -> &'static MessageParser {
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

/// What mail-parser gave us, owned so it can leave the `catch_unwind`.
struct Extracted {
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
    has_delivery_status_part: bool,
    attachment_count: usize,
}

impl Extracted {
    fn from_message(msg: &Message<'_>) -> Self {
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
            has_delivery_status_part,
            attachment_count: msg.attachments.len(),
        }
    }

    fn apply(self, email: &mut InboundEmail) {
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
        email.has_delivery_status_part = self.has_delivery_status_part;
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

fn ids(value: &HeaderValue<'_>) -> Vec<String> {
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

fn part_mime(part: &MessagePart<'_>) -> String {
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

/// The Message-ID of the bounced message: from a `message/rfc822` part, or from the header block
/// of a `text/rfc822-headers` part.
fn original_message_id(msg: &Message<'_>) -> Option<String> {
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
fn original_message_id_in_raw(bytes: &[u8]) -> Option<String> {
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

fn body_excerpt(msg: &Message<'_>) -> String {
    let text_part = msg
        .text_body
        .iter()
        .filter_map(|id| msg.parts.get(*id as usize))
        .find_map(|p| match &p.body {
            PartType::Text(t) => Some(Cow::Borrowed(t.as_ref())),
            _ => None,
        });
    let text = text_part.or_else(|| {
        msg.html_body
            .iter()
            .filter_map(|id| msg.parts.get(*id as usize))
            .find_map(|p| match &p.body {
                // Only the head of a huge HTML body is worth converting.
                PartType::Html(h) => Some(Cow::Owned(html_to_text(truncate_str(h, 64 * 1024)))),
                _ => None,
            })
    });
    let Some(text) = text else {
        return String::new();
    };
    let mut out = String::new();
    for line in text.lines().take(BODY_EXCERPT_LINES) {
        // Nearly every line is printable ASCII already; only the others need rebuilding.
        let line: Cow<'_, str> = if line.bytes().all(|b| (b' '..0x7f).contains(&b)) {
            Cow::Borrowed(line)
        } else {
            Cow::Owned(
                line.chars()
                    .map(|c| if c == '\t' { ' ' } else { c })
                    .filter(|c| !c.is_control())
                    .collect(),
            )
        };
        if out.len() + line.len() + 1 > BODY_EXCERPT_BYTES {
            out.push_str(truncate_str(
                &line,
                BODY_EXCERPT_BYTES.saturating_sub(out.len()),
            ));
            break;
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
fn truncate_str(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while end > 0 && !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or_default()
}

/// Decoded display text: RFC 2047 words decoded, raw 8-bit that is not UTF-8 read as
/// Windows-1252 (what such senders nearly always mean), control characters dropped.
fn decode_unstructured(raw: &[u8]) -> String {
    let decoded = if std::str::from_utf8(raw).is_err() && !contains(raw, b"=?") {
        charset_decoder(b"windows-1252")
            .map(|decode| decode(raw))
            .unwrap_or_else(|| String::from_utf8_lossy(raw).into_owned())
    } else {
        let mut line = raw.to_vec();
        line.extend_from_slice(b"\r\n");
        let value = catch_unwind(AssertUnwindSafe(|| {
            match MessageStream::new(&line).parse_unstructured() {
                HeaderValue::Text(t) => Some(t.into_owned()),
                _ => None,
            }
        }));
        match value {
            Ok(Some(t)) => t,
            Ok(None) => String::new(),
            Err(_) => String::from_utf8_lossy(raw).into_owned(),
        }
    };
    clean_text(&decoded)
}

/// Control characters out (a CR or LF here would become header injection in a reply), runs of
/// whitespace collapsed.
fn clean_text(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// `type/subtype` lower-cased, and the parameters with lower-cased names and unquoted values.
pub(crate) fn split_content_type(ct: &str) -> (String, Vec<(String, String)>) {
    let ct = strip_comments(ct);
    let mut pieces = ct.split(';');
    let mime = pieces
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let params = pieces
        .filter_map(|p| {
            let (k, v) = p.split_once('=')?;
            Some((
                k.trim().to_ascii_lowercase(),
                v.trim().trim_matches('"').trim().to_string(),
            ))
        })
        .collect();
    (mime, params)
}

/// Removes RFC 5322 comments `( … )`, nested ones too, outside quoted strings.
pub(crate) fn strip_comments(s: &str) -> Cow<'_, str> {
    // Without a '(' no comment can open, and every character would be copied as it is.
    if !s.contains('(') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut depth = 0usize;
    let mut quoted = false;
    let mut escaped = false;
    for c in s.chars() {
        if escaped {
            escaped = false;
            if depth == 0 {
                out.push(c);
            }
            continue;
        }
        match c {
            '\\' if quoted || depth > 0 => {
                escaped = true;
                if depth == 0 {
                    out.push(c);
                }
            }
            '"' if depth == 0 => {
                quoted = !quoted;
                out.push(c);
            }
            '(' if !quoted => depth += 1,
            ')' if !quoted && depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    Cow::Owned(out)
}

fn unfold_lossy(bytes: &[u8]) -> String {
    let unfolded: Vec<u8> = bytes
        .iter()
        .copied()
        .filter(|b| *b != b'\r' && *b != b'\n')
        .collect();
    String::from_utf8_lossy(&unfolded).trim().to_string()
}

/// More bare CRs than LFs: a classic-Mac or mangled message mail-parser cannot split into lines.
fn bare_cr_dominates(raw: &[u8]) -> bool {
    // This runs on every message, so the common case (no more CRs than LFs, hence not more bare
    // ones) is decided by two counts that vectorise; only the rest pairs each CR with its next byte.
    let lf = count_byte(raw, b'\n');
    let cr = count_byte(raw, b'\r');
    if cr <= lf {
        return false;
    }
    let bare_cr = raw
        .windows(2)
        .filter(|w| w[0] == b'\r' && w[1] != b'\n')
        .count()
        + usize::from(raw.last() == Some(&b'\r'));
    bare_cr > lf
}

/// Byte counts in chunks small enough for `u8` tallies, which the compiler turns into wide
/// compares; a `usize` tally per byte does not vectorise.
fn count_byte(bytes: &[u8], needle: u8) -> usize {
    bytes
        .chunks(255)
        .map(|chunk| {
            usize::from(
                chunk
                    .iter()
                    .fold(0u8, |n, b| n.wrapping_add(u8::from(*b == needle))),
            )
        })
        .sum()
}

fn bare_cr_to_crlf(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len() + raw.len() / 32);
    for (i, b) in raw.iter().enumerate() {
        out.push(*b);
        if *b == b'\r' && raw.get(i + 1) != Some(&b'\n') {
            out.push(b'\n');
        }
    }
    out
}

struct RawField {
    name: String,
    value: Vec<u8>,
}

/// The header block up to the first empty line, unfolded, within the caps. Lines that are not
/// `name: value` are skipped, as mail-parser does, so both readers see the same headers.
fn scan_header_block(bytes: &[u8]) -> (Vec<RawField>, bool) {
    let mut fields: Vec<RawField> = Vec::new();
    let mut total = 0usize;
    let mut truncated = false;
    let mut current: Option<RawField> = None;

    let mut push = |field: RawField, fields: &mut Vec<RawField>, truncated: &mut bool| {
        let cost = field.name.len() + field.value.len();
        if fields.len() >= MAX_HEADERS || total + cost > MAX_HEADER_BYTES {
            *truncated = true;
            return;
        }
        total += cost;
        fields.push(field);
    };

    for line in bytes.split(|b| *b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.iter().all(|b| *b == b' ' || *b == b'\t') {
            if line.is_empty() {
                break;
            }
            // A whitespace-only line inside the block is a broken fold; the block goes on.
            continue;
        }
        if line.first().is_some_and(|b| *b == b' ' || *b == b'\t') {
            if let Some(field) = current.as_mut()
                && field.value.len() < MAX_HEADER_VALUE_BYTES
            {
                let room = MAX_HEADER_VALUE_BYTES - field.value.len();
                field.value.extend_from_slice(&line[..line.len().min(room)]);
            }
            continue;
        }
        let Some(colon) = line.iter().position(|b| *b == b':') else {
            continue;
        };
        let (name, rest) = line.split_at(colon);
        let name = trim_bytes(name);
        let valid_name =
            !name.is_empty() && name.iter().all(|b| b.is_ascii_graphic() && *b != b':');
        if !valid_name {
            continue;
        }
        if let Some(done) = current.take() {
            push(finish(done), &mut fields, &mut truncated);
        }
        let value = rest.get(1..).unwrap_or_default();
        current = Some(RawField {
            // A valid name is ASCII, so this never takes the lossy path.
            name: into_string_lossy(name.to_ascii_lowercase()),
            value: value[..value.len().min(MAX_HEADER_VALUE_BYTES)].to_vec(),
        });
        if truncated {
            break;
        }
    }
    if let Some(done) = current.take() {
        push(finish(done), &mut fields, &mut truncated);
    }
    (fields, truncated)
}

fn finish(mut field: RawField) -> RawField {
    let end = field
        .value
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(0, |e| e + 1);
    field.value.truncate(end);
    let start = field
        .value
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(field.value.len());
    field.value.drain(..start);
    field
}

/// The bytes as a `String`, without a copy when they are UTF-8 already.
fn into_string_lossy(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

fn trim_bytes(b: &[u8]) -> &[u8] {
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    b.get(start..end).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_keep_order_and_case_insensitive_lookup() {
        let e = InboundEmail::parse(
            b"Received: one\r\nReceived: two\r\nX-Thing: a\r\n  folded\r\nSUBJECT : hi\r\n\r\nbody",
        );
        let received: Vec<&str> = e.headers_named("RECEIVED").collect();
        assert_eq!(received, vec!["one", "two"]);
        assert_eq!(e.header("x-thing"), Some("a  folded"));
        assert_eq!(e.header("Subject"), Some("hi"));
        assert!(e.has_header("x-THING"));
        assert!(!e.has_header("x-other"));
    }

    #[test]
    fn mbox_separator_and_junk_lines_are_skipped() {
        let e = InboundEmail::parse(
            b"From MAILER-DAEMON Fri Apr 06 16:46:09 2001\nFrom: a@example.com\nnot a header\nSubject: s\n\nbody",
        );
        let names: Vec<&str> = e.headers.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, vec!["from", "subject"]);
    }

    #[test]
    fn delivery_report_detection() {
        let report = |ct: &str| {
            InboundEmail::parse(format!("Content-Type: {ct}\r\n\r\nx").as_bytes())
                .is_delivery_report()
        };
        assert!(report(
            "multipart/report; report-type=delivery-status; boundary=x"
        ));
        assert!(report(
            "Multipart/Report (dsn); boundary=\"x\";\r\n report-type=\"delivery-status\""
        ));
        assert!(!report(
            "multipart/report; report-type=disposition-notification"
        ));
        assert!(!report("multipart/mixed; report-type=delivery-status"));
        assert!(!report("text/plain"));
    }

    #[test]
    fn null_return_path() {
        let rp = |v: &str| {
            InboundEmail::parse(format!("Return-Path: {v}\r\n\r\nx").as_bytes())
                .has_null_return_path()
        };
        assert!(rp("<>"));
        assert!(rp("< >"));
        assert!(rp("<> (bounce)"));
        assert!(!rp("<a@example.com>"));
        assert!(!InboundEmail::parse(b"From: a@b.example\r\n\r\nx").has_null_return_path());
    }

    #[test]
    fn body_excerpt_is_bounded() {
        let mut raw = b"From: a@example.com\r\n\r\n".to_vec();
        for i in 0..200 {
            raw.extend_from_slice(format!("line {i}\r\n").as_bytes());
        }
        let e = InboundEmail::parse(&raw);
        assert_eq!(e.body_excerpt.lines().count(), BODY_EXCERPT_LINES);
        let mut raw =
            b"From: a@example.com\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n".to_vec();
        raw.extend_from_slice("é".repeat(10_000).as_bytes());
        let e = InboundEmail::parse(&raw);
        assert!(e.body_excerpt.len() <= BODY_EXCERPT_BYTES);
        assert!(!e.body_excerpt.is_empty());
    }

    #[test]
    fn text_plain_is_preferred_to_html() {
        let e = InboundEmail::parse(
            b"From: a@example.com\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n\
              --b\r\nContent-Type: text/html\r\n\r\n<p>html version</p>\r\n\
              --b\r\nContent-Type: text/plain\r\n\r\nplain version\r\n--b--\r\n",
        );
        assert!(
            e.body_excerpt.contains("plain version"),
            "{:?}",
            e.body_excerpt
        );
    }

    #[test]
    fn attachments_are_counted() {
        let e = InboundEmail::parse(
            b"From: a@example.com\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n\
              --b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n\
              --b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=a.pdf\r\n\
              Content-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n--b--\r\n",
        );
        assert_eq!(e.attachment_count, 1);
    }

    #[test]
    fn header_recipients_for_routing() {
        let e = InboundEmail::parse(
            b"From: a@b.example\r\nTo: \"Support, ActiveState\" <Support@ActiveState.com>, x@y.example\r\nCc: z@y.example\r\nSubject: s\r\n\r\nbody\r\n",
        );
        let got: Vec<&str> = e.recipients.iter().map(EmailAddress::as_str).collect();
        assert_eq!(
            got,
            ["support@activestate.com", "x@y.example", "z@y.example"]
        );
        let bcc_only =
            InboundEmail::parse(b"From: a@b.example\r\nTo: undisclosed-recipients:;\r\n\r\nx\r\n");
        assert!(bcc_only.recipients.is_empty());
    }

    #[test]
    fn mailbox_name_and_raw() {
        let e = InboundEmail::parse(
            b"From: =?utf-8?Q?Jos=C3=A9_P=C3=A9rez?= <Jose@Example.COM>\r\n\r\nx",
        );
        let from = e.from.as_ref().expect("from");
        assert_eq!(from.name.as_deref(), Some("José Pérez"));
        assert_eq!(
            from.address.as_ref().map(EmailAddress::as_str),
            Some("jose@example.com")
        );
        assert_eq!(
            from.raw,
            "=?utf-8?Q?Jos=C3=A9_P=C3=A9rez?= <Jose@Example.COM>"
        );
        assert_eq!(e.from_count, 1);
    }

    #[test]
    fn bad_dates_are_none() {
        for d in [
            "Mon, 32 Jan 2026 10:00:00 +0000",
            "yesterday",
            "",
            "Tue, 24 Nov 2026 25:61:00 +9999",
        ] {
            let e =
                InboundEmail::parse(format!("From: a@b.example\r\nDate: {d}\r\n\r\nx").as_bytes());
            assert!(e.date.is_none(), "{d}");
        }
    }

    #[test]
    fn comments_are_stripped() {
        assert_eq!(strip_comments("a (b (c) d) e"), "a  e");
        assert_eq!(strip_comments("\"(kept)\" x"), "\"(kept)\" x");
        assert_eq!(strip_comments("unclosed (comment"), "unclosed ");
    }
}
