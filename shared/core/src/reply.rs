//! The auto-reply, rendered as a raw MIME message (so every header is ours).
//!
//! SESv2 `SendEmail` with raw content sends these bytes as they are, so this module owns every
//! rule of `intake-rules.md` ("The auto-reply"): the headers that stop mail loops, threading on
//! the customer's Message-ID, a subject carrying the case tag, and a body that states the tier,
//! the severity and the deadline without naming anyone else. The message is 7-bit clean with CRLF
//! line ends: anything taken from the inbound message is sanitised and RFC 2047-encoded, and the
//! body is quoted-printable.

use std::fmt::Write as _;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::{DateTime, Utc, Weekday};
use thiserror::Error;

use crate::calendar::{BusinessCalendar, Interval};
use crate::deadline::Deadline;
use crate::ids::{CaseId, EmailAddress};
use crate::policy::{NoCommitment, Policy, Severity, Target, Tier};
use crate::triage::TierReason;
use crate::triage::loops::LOOP_HEADER;

/// Caps on what an inbound message may put in our headers; a subject is for reading, and a
/// hostile 900 KB subject must not become a 900 KB reply.
const MAX_SUBJECT_CHARS: usize = 200;
const MAX_NAME_CHARS: usize = 100;
/// Longer ids are not real Message-IDs, and would break the 998-character line limit.
const MAX_ID_LEN: usize = 250;
/// RFC 5322 3.6.4 allows trimming References; a long thread must not grow the header unboundedly.
const MAX_REFERENCES: usize = 20;
/// RFC 5322's recommended line length, which folding keeps to whenever a word allows it.
const FOLD_AT: usize = 78;
/// Quoted-printable lines are at most 76 characters, the soft-break `=` included.
const QP_LINE: usize = 76;
/// An encoded-word may be 75 characters: `=?UTF-8?B?` and `?=` leave 63, i.e. 45 bytes of text.
const ENCODED_WORD_BYTES: usize = 45;

/// What the auto-reply needs to know about a case.
#[derive(Debug, Clone, Copy)]
pub struct ReplyInput<'a> {
    pub policy: &'a Policy,
    pub case_id: &'a CaseId,
    /// The authenticated From address; never an envelope address.
    pub to: &'a EmailAddress,
    pub to_name: Option<&'a str>,
    pub original_subject: Option<&'a str>,
    /// The customer's Message-ID, without angle brackets.
    pub original_message_id: Option<&'a str>,
    pub original_references: &'a [String],
    pub tier: &'a Tier,
    pub tier_reason: TierReason,
    /// The severity the case is handled at (after clamping).
    pub severity: &'a Severity,
    /// From [`Policy::clamp`], when the tier does not cover what was asked.
    pub clamped_reason: Option<&'a str>,
    pub deadline: &'a Deadline,
    /// The Date header.
    pub now: DateTime<Utc>,
    /// For our own Message-ID; SES replaces it, but a message without one is malformed.
    pub message_id_domain: &'a str,
}

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
    for address in [input.to, &policy.reply_from] {
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
        mailbox(
            &sanitise(&policy.reply_name, MAX_NAME_CHARS),
            &policy.reply_from,
        ),
    );
    h.field("To", mailbox(&to_name, input.to));
    h.field("Subject", unstructured(&subject));
    h.field("Date", vec![input.now.to_rfc2822()]);
    h.field(
        "Message-ID",
        vec![format!(
            "<{}.{}.slamail@{domain}>",
            input.case_id,
            input.now.timestamp_millis()
        )],
    );
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
        from: policy.reply_from.clone(),
        subject,
        text,
        raw: raw.into_bytes(),
    })
}

/// `[AS-2026-000123] Re: <subject>`, without stacking "Re:" or our own tag.
fn reply_subject(case_id: &CaseId, original: Option<&str>) -> String {
    let clean = sanitise(original.unwrap_or(""), usize::MAX);
    let tag = format!("[{case_id}]");
    let mut rest = clean.as_str();
    loop {
        rest = rest.trim_start();
        if let Some(head) = rest.get(..tag.len())
            && head.eq_ignore_ascii_case(&tag)
        {
            rest = &rest[tag.len()..];
            continue;
        }
        match reply_marker_len(rest) {
            Some(len) => rest = &rest[len..],
            None => break,
        }
    }
    let rest = cap_chars(rest.trim(), MAX_SUBJECT_CHARS);
    if rest.is_empty() {
        format!("{tag} Your support request")
    } else {
        format!("{tag} Re: {rest}")
    }
}

/// The length of a leading "Re:", "RE :", "Aw:", "Re[2]:" marker, if any.
fn reply_marker_len(s: &str) -> Option<usize> {
    let word_len = s.find(|c: char| !c.is_ascii_alphabetic())?;
    let word = s[..word_len].to_ascii_lowercase();
    if !matches!(word.as_str(), "re" | "aw" | "sv" | "antw") {
        return None;
    }
    let mut rest = &s[word_len..];
    if let Some(counter) = rest.strip_prefix('[').and_then(|r| r.split_once(']')) {
        if !counter.0.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        rest = counter.1;
    }
    let rest = rest.trim_start().strip_prefix(':')?;
    Some(s.len() - rest.len())
}

/// Text from outside made safe for one header line: control characters (CR and LF above all)
/// and invisible direction overrides become spaces or vanish, runs of spaces collapse, and the
/// length is capped.
fn sanitise(text: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max_chars.saturating_mul(4)));
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_control() || c.is_whitespace() {
            pending_space = !out.is_empty();
        } else if is_invisible(c) {
            continue;
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    cap_chars(&out, max_chars)
}

/// Format characters that reorder or hide text: they let a subject display as something else.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

fn cap_chars(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((cut, _)) => format!("{}…", text[..cut].trim_end()),
        None => text.to_string(),
    }
}

fn message_id_domain(domain: &str) -> Result<String, ReplyError> {
    let d = domain.trim().trim_end_matches('.');
    let ok = !d.is_empty()
        && d.len() <= 253
        && d.split('.').all(|label| {
            !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
    if ok {
        Ok(d.to_ascii_lowercase())
    } else {
        Err(ReplyError::MessageIdDomain(domain.to_string()))
    }
}

/// A message id fit for a header, or `None`: anything that could end the header, open a
/// comment or a second id, or is not ASCII, disqualifies it.
fn clean_id(raw: &str) -> Option<&str> {
    let id = raw.trim();
    let id = id
        .strip_prefix('<')
        .and_then(|i| i.strip_suffix('>'))
        .unwrap_or(id);
    let ok = !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id.bytes().all(|b| {
            b.is_ascii_graphic() && !matches!(b, b'<' | b'>' | b'(' | b')' | b',' | b'"' | b'\\')
        });
    ok.then_some(id)
}

/// The customer's references, then their message id: the thread as a client expects it. The
/// first id (the thread's root) is kept when trimming, as RFC 5322 suggests.
fn references<'a>(original: &'a [String], message_id: Option<&'a str>) -> Vec<&'a str> {
    let mut ids: Vec<&str> = Vec::new();
    for id in original
        .iter()
        .filter_map(|r| clean_id(r))
        .chain(message_id)
    {
        ids.retain(|seen| *seen != id);
        ids.push(id);
    }
    if ids.len() > MAX_REFERENCES {
        let tail = ids.split_off(ids.len() - (MAX_REFERENCES - 1));
        ids.truncate(1);
        ids.extend(tail);
    }
    ids
}

/// Writes header fields as words separated by single spaces, folding between words so lines
/// stay within 78 characters whenever the words allow it.
#[derive(Default)]
struct HeaderWriter {
    out: String,
}

impl HeaderWriter {
    fn field(&mut self, name: &str, words: Vec<String>) {
        self.out.push_str(name);
        self.out.push(':');
        let mut line = name.len() + 1;
        for (i, word) in words.iter().enumerate() {
            if i > 0 && line + 1 + word.len() > FOLD_AT {
                self.out.push_str("\r\n");
                line = 0;
            }
            self.out.push(' ');
            self.out.push_str(word);
            line += 1 + word.len();
        }
        self.out.push_str("\r\n");
    }
}

/// `Display Name <address>`, or the bare address when there is no name.
fn mailbox(name: &str, address: &EmailAddress) -> Vec<String> {
    if name.is_empty() {
        return vec![address.to_string()];
    }
    let mut words = phrase(name);
    words.push(format!("<{address}>"));
    words
}

/// A display name as header words: plain atoms when it is simple ASCII, a quoted string when it
/// holds specials such as ',' or '@' (which would otherwise split the address list), and
/// encoded-words when it is not ASCII.
fn phrase(name: &str) -> Vec<String> {
    if !name.is_ascii() || name.contains("=?") {
        return encoded_words(name);
    }
    let atext = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~ ".contains(c);
    if name.chars().all(atext) {
        return name.split(' ').map(str::to_string).collect();
    }
    let mut quoted = String::with_capacity(name.len() + 2);
    quoted.push('"');
    for c in name.chars() {
        if matches!(c, '"' | '\\') {
            quoted.push('\\');
        }
        quoted.push(c);
    }
    quoted.push('"');
    vec![quoted]
}

/// Unstructured text (a subject) as header words. ASCII text that could be mistaken for an
/// encoded-word is encoded too, so that it reads back exactly as written.
fn unstructured(text: &str) -> Vec<String> {
    if text.is_ascii() && !text.contains("=?") {
        return text.split(' ').map(str::to_string).collect();
    }
    // The case tag stays readable; only what follows it needs encoding.
    let (head, tail) = match text.split_once("] ") {
        Some((tag, rest)) if tag.is_ascii() && !tag.contains("=?") => (tag, rest),
        _ => ("", text),
    };
    let mut words: Vec<String> = Vec::new();
    if !head.is_empty() {
        words.push(format!("{head}]"));
    }
    let (marker, body) = match tail.strip_prefix("Re: ") {
        Some(rest) => (Some("Re:"), rest),
        None => (None, tail),
    };
    words.extend(marker.map(str::to_string));
    words.extend(encoded_words(body));
    words
}

/// RFC 2047 B encoded-words, split between characters so each stays within 75 characters.
/// Whitespace between adjacent encoded-words is not part of the text, so folding between them
/// is invisible to the reader.
fn encoded_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut start = 0;
    let mut end = 0;
    for (i, c) in text.char_indices() {
        if i + c.len_utf8() - start > ENCODED_WORD_BYTES {
            words.push(encode_word(&text[start..end]));
            start = i;
        }
        end = i + c.len_utf8();
    }
    if end > start {
        words.push(encode_word(&text[start..end]));
    }
    words
}

fn encode_word(chunk: &str) -> String {
    format!("=?UTF-8?B?{}?=", BASE64.encode(chunk.as_bytes()))
}

#[cfg(test)]
fn quoted_printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8 + 16);
    quoted_printable_into(text, &mut out);
    out
}

/// Quoted-printable with CRLF line ends (RFC 2045 6.7): every line is at most 76 characters and
/// whitespace at a line end is encoded, so no relay can alter the text.
/// Written into `out` so that the body lands after the header block without another copy.
fn quoted_printable_into(text: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    // Every line, the last included, ends in CRLF; a final '\n' is that CRLF, not an empty line.
    for line in text.strip_suffix('\n').unwrap_or(text).split('\n') {
        let bytes = line.as_bytes();
        let literal = |i: usize| {
            let b = bytes[i];
            (b.is_ascii_graphic() && b != b'=') || (b == b' ' && i + 1 != bytes.len())
        };
        // Room is kept on every line for the '=' of a soft break.
        let width = QP_LINE - 1;
        let mut current = 0usize;
        let mut i = 0;
        while i < bytes.len() {
            if literal(i) {
                if current == width {
                    out.push_str("=\r\n");
                    current = 0;
                }
                // Literal text is copied a run at a time: it is nearly all of a reply.
                let mut end = i + 1;
                while end < bytes.len() && current + (end - i) < width && literal(end) {
                    end += 1;
                }
                // Literal bytes are ASCII, so both ends are character boundaries.
                out.push_str(&line[i..end]);
                current += end - i;
                i = end;
            } else {
                if current + 3 > width {
                    out.push_str("=\r\n");
                    current = 0;
                }
                let b = bytes[i];
                out.push('=');
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 0x0F)]));
                current += 3;
                i += 1;
            }
        }
        out.push_str("\r\n");
    }
}

/// The plain-English body, `\n` line ends.
fn body(input: &ReplyInput, to_name: &str) -> String {
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

const WEEK: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

/// "Monday to Friday, 08:00–17:00 (America/Los_Angeles), excluding US federal holidays", or
/// "24 hours a day, 7 days a week". One-off closures are not listed: they are announced, not
/// repeated in every reply.
pub fn support_hours(calendar: &BusinessCalendar) -> String {
    let hours = calendar.hours();
    let zone = calendar.zone();
    let days: Vec<&[Interval]> = WEEK.iter().map(|d| hours.day(*d)).collect();
    let whole_day = |iv: &[Interval]| {
        iv.len() == 1 && iv[0].start_minute() == 0 && iv[0].end_minute() >= 24 * 60
    };
    if days.iter().all(|d| whole_day(d)) {
        return format!("24 hours a day, 7 days a week ({zone})");
    }
    // Consecutive days with the same hours read as one range: "Monday to Friday".
    let mut groups: Vec<(usize, usize)> = Vec::new();
    for (i, day) in days.iter().enumerate() {
        if day.is_empty() {
            continue;
        }
        match groups.last_mut() {
            Some((_, last)) if *last + 1 == i && days[*last] == *day => *last = i,
            _ => groups.push((i, i)),
        }
    }
    if groups.is_empty() {
        return format!("none are set ({zone})");
    }
    let parts: Vec<String> = groups
        .iter()
        .map(|&(first, last)| {
            let range = match last - first {
                0 => day_name(WEEK[first]).to_string(),
                1 => format!("{} and {}", day_name(WEEK[first]), day_name(WEEK[last])),
                _ => format!("{} to {}", day_name(WEEK[first]), day_name(WEEK[last])),
            };
            let spans: Vec<String> = days[first]
                .iter()
                .map(|iv| format!("{}–{}", clock(iv.start_minute()), clock(iv.end_minute())))
                .collect();
            format!("{range}, {}", spans.join(" and "))
        })
        .collect();
    let closed: Vec<&str> = calendar
        .rules()
        .iter()
        .map(|r| match r {
            crate::calendar::HolidayRule::UsFederal => "US federal holidays",
        })
        .collect();
    if closed.is_empty() {
        format!("{} ({zone})", parts.join("; "))
    } else {
        format!(
            "{} ({zone}), excluding {}",
            parts.join("; "),
            closed.join(" and ")
        )
    }
}

fn day_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

fn clock(minute: u16) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use chrono_tz::Tz;
    use mail_parser::MessageParser;

    use super::*;
    use crate::ids::{CalendarId, SeverityId, TierId};
    use crate::policy::builtin;

    struct Case {
        policy: Policy,
        case_id: CaseId,
        to: EmailAddress,
        tier: TierId,
        reason: TierReason,
        severity: SeverityId,
        clamped: Option<String>,
        deadline: Deadline,
        subject: Option<String>,
        name: Option<String>,
        message_id: Option<String>,
        references: Vec<String>,
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 24, 14, 0, 0).unwrap()
    }

    fn business(policy: &Policy, minutes: u32, words: &str, due: DateTime<Utc>) -> Deadline {
        Deadline {
            target: Target::BusinessMinutes {
                minutes,
                calendar: CalendarId::parse("business").unwrap(),
            },
            target_words: words.into(),
            zone: policy.support_calendar().zone(),
            clock_start: Some(now()),
            due: Some(due),
        }
    }

    fn no_deadline(policy: &Policy, wording: NoCommitment) -> Deadline {
        let target = Target::None { wording };
        Deadline {
            target_words: target.words(),
            target,
            zone: policy.support_calendar().zone(),
            clock_start: None,
            due: None,
        }
    }

    fn case(policy: &str, tier: &str, reason: TierReason, severity: &str) -> Case {
        let policy = builtin(policy).unwrap();
        let deadline = no_deadline(&policy, NoCommitment::NotApplicable);
        Case {
            case_id: CaseId::new(&policy.case_prefix, 2026, 123),
            policy,
            to: EmailAddress::parse("jane@customer.example").unwrap(),
            tier: TierId::parse(tier).unwrap(),
            reason,
            severity: SeverityId::parse(severity).unwrap(),
            clamped: None,
            deadline,
            subject: Some("Builds fail on Windows".into()),
            name: Some("Jane Doe".into()),
            message_id: Some("CAF=abc123@mail.customer.example".into()),
            references: vec![],
        }
    }

    fn render(c: &Case) -> RenderedReply {
        try_render(c).unwrap()
    }

    fn try_render(c: &Case) -> Result<RenderedReply, ReplyError> {
        let input = ReplyInput {
            policy: &c.policy,
            case_id: &c.case_id,
            to: &c.to,
            to_name: c.name.as_deref(),
            original_subject: c.subject.as_deref(),
            original_message_id: c.message_id.as_deref(),
            original_references: &c.references,
            tier: c.policy.tier(&c.tier).unwrap(),
            tier_reason: c.reason,
            severity: c.policy.severity(&c.severity).unwrap(),
            clamped_reason: c.clamped.as_deref(),
            deadline: &c.deadline,
            now: now(),
            message_id_domain: "mail.slamail.example",
        };
        render_reply(&input)
    }

    fn raw_str(r: &RenderedReply) -> &str {
        std::str::from_utf8(&r.raw).unwrap()
    }

    /// The unfolded value of the first header with this name.
    fn header(r: &RenderedReply, name: &str) -> Option<String> {
        let raw = raw_str(r);
        let head = raw.split("\r\n\r\n").next().unwrap();
        let unfolded = head.replace("\r\n ", " ");
        unfolded.split("\r\n").find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    }

    fn assert_wire_clean(r: &RenderedReply) {
        assert!(r.raw.is_ascii(), "not 7-bit");
        let raw = raw_str(r);
        for (i, b) in r.raw.iter().enumerate() {
            if *b == b'\n' {
                assert!(i > 0 && r.raw[i - 1] == b'\r', "bare LF at {i}");
            }
            if *b == b'\r' {
                assert_eq!(r.raw.get(i + 1), Some(&b'\n'), "bare CR at {i}");
            }
        }
        for line in raw.split("\r\n") {
            assert!(line.len() <= 998, "line too long: {line}");
        }
        let (head, body) = raw.split_once("\r\n\r\n").unwrap();
        for line in body.split("\r\n") {
            assert!(line.len() <= 76, "body line too long: {line:?}");
        }
        for line in head.split("\r\n") {
            // Only a single unbreakable word may exceed the recommended length.
            assert!(
                line.len() <= 78 || !line.trim().contains(' '),
                "header line not folded: {line:?}"
            );
        }
    }

    fn parse_back(r: &RenderedReply) -> mail_parser::Message<'_> {
        MessageParser::default().parse(&r.raw).unwrap()
    }

    #[test]
    fn enterprise_critical() {
        let mut c = case(
            "activestate",
            "enterprise",
            TierReason::DesignatedContact,
            "critical",
        );
        let due = Utc.with_ymd_and_hms(2026, 11, 24, 18, 0, 0).unwrap();
        c.deadline = business(&c.policy, 120, "2 business hours", due);
        c.references = vec!["root@mail.customer.example".into()];
        let r = render(&c);
        assert_wire_clean(&r);
        assert_eq!(r.subject, "[AS-2026-000123] Re: Builds fail on Windows");
        assert_eq!(r.to.as_str(), "jane@customer.example");
        assert_eq!(r.from.as_str(), "support@activestate.com");
        assert_eq!(
            header(&r, "From").unwrap(),
            "ActiveState Support <support@activestate.com>"
        );
        assert_eq!(
            header(&r, "To").unwrap(),
            "Jane Doe <jane@customer.example>"
        );
        assert_eq!(
            header(&r, "Subject").unwrap(),
            "[AS-2026-000123] Re: Builds fail on Windows"
        );
        assert_eq!(
            header(&r, "Date").unwrap(),
            "Tue, 24 Nov 2026 14:00:00 +0000"
        );
        assert_eq!(
            header(&r, "Message-ID").unwrap(),
            format!(
                "<AS-2026-000123.{}.slamail@mail.slamail.example>",
                now().timestamp_millis()
            )
        );
        assert_eq!(
            header(&r, "In-Reply-To").unwrap(),
            "<CAF=abc123@mail.customer.example>"
        );
        assert_eq!(
            header(&r, "References").unwrap(),
            "<root@mail.customer.example> <CAF=abc123@mail.customer.example>"
        );
        assert_eq!(header(&r, "Auto-Submitted").unwrap(), "auto-replied");
        assert_eq!(header(&r, "X-Auto-Response-Suppress").unwrap(), "All");
        assert_eq!(header(&r, "Precedence").unwrap(), "bulk");
        assert_eq!(header(&r, "X-Slamail-Loop").unwrap(), "activestate");
        assert_eq!(header(&r, "MIME-Version").unwrap(), "1.0");
        assert_eq!(
            header(&r, "Content-Type").unwrap(),
            "text/plain; charset=utf-8"
        );
        assert_eq!(
            header(&r, "Content-Transfer-Encoding").unwrap(),
            "quoted-printable"
        );
        let t = &r.text;
        assert!(t.starts_with("Hello Jane Doe,\n"), "{t}");
        assert!(t.contains("opened case AS-2026-000123."), "{t}");
        assert!(
            t.contains(
                "Support tier: Enterprise, because you are a designated contact of your organisation."
            ),
            "{t}"
        );
        assert!(t.contains("Severity: Critical, as we understood"), "{t}");
        assert!(
            t.contains("We will respond within 2 business hours — by Tue 24 Nov 2026, 10:00 PST."),
            "{t}"
        );
        assert!(
            t.contains("Support hours: Monday to Friday, 08:00–17:00 (America/Los_Angeles), excluding US federal holidays."),
            "{t}"
        );
        assert!(t.contains("keep [AS-2026-000123] in the subject"), "{t}");
        assert!(!t.contains("guaranteed"), "{t}");

        let m = parse_back(&r);
        assert_eq!(m.subject(), Some(r.subject.as_str()));
        assert_eq!(m.body_text(0).unwrap().replace("\r\n", "\n"), r.text);
        let from = m.from().unwrap().first().unwrap();
        assert_eq!(from.name(), Some("ActiveState Support"));
        assert_eq!(from.address(), Some("support@activestate.com"));
        assert_eq!(
            m.to().unwrap().first().unwrap().address(),
            Some("jane@customer.example")
        );
        assert_eq!(
            m.in_reply_to().as_text(),
            Some("CAF=abc123@mail.customer.example")
        );
        let refs: Vec<&str> = m
            .references()
            .as_text_list()
            .unwrap()
            .iter()
            .map(|s| s.as_ref())
            .collect();
        assert_eq!(
            refs,
            [
                "root@mail.customer.example",
                "CAF=abc123@mail.customer.example"
            ]
        );
        assert_eq!(
            m.header_raw("X-Slamail-Loop").map(str::trim),
            Some("activestate")
        );
        assert_eq!(
            m.header_raw("Auto-Submitted").map(str::trim),
            Some("auto-replied")
        );
    }

    #[test]
    fn team_clamped() {
        let mut c = case(
            "activestate",
            "team",
            TierReason::DesignatedContact,
            "minor",
        );
        let team = c.policy.tier(&c.tier).unwrap().clone();
        let clamped = c
            .policy
            .clamp(&team, &SeverityId::parse("critical").unwrap());
        assert_eq!(clamped.assigned.as_str(), "minor");
        c.clamped = clamped.reason;
        c.deadline = Deadline {
            target: Target::BusinessDays {
                days: 2,
                calendar: CalendarId::parse("business").unwrap(),
            },
            target_words: "2 business days".into(),
            zone: Tz::America__Los_Angeles,
            clock_start: Some(now()),
            due: Some(Utc.with_ymd_and_hms(2026, 11, 27, 14, 0, 0).unwrap()),
        };
        let r = render(&c);
        assert_wire_clean(&r);
        let t = &r.text;
        assert!(t.contains("Support tier: Team, because"), "{t}");
        assert!(
            t.contains(
                "Severity: Minor. The Team tier does not cover Critical requests; handled as Minor."
            ),
            "{t}"
        );
        assert!(
            t.contains("We will respond within 2 business days — by Fri 27 Nov 2026, 06:00 PST."),
            "{t}"
        );
        assert_eq!(
            parse_back(&r).body_text(0).unwrap().replace("\r\n", "\n"),
            r.text
        );
    }

    #[test]
    fn activestate_free_goes_to_the_forum() {
        let c = case("activestate", "free", TierReason::UnknownSender, "minor");
        let r = render(&c);
        assert_wire_clean(&r);
        let t = &r.text;
        assert!(
            t.contains("Support tier: Free, because your address is not registered as a designated contact."),
            "{t}"
        );
        assert!(
            t.contains("Your request has no guaranteed response time."),
            "{t}"
        );
        assert!(
            t.contains("Email is not a supported channel for the Free tier."),
            "{t}"
        );
        assert!(
            t.contains("Please use the forum at https://community.activestate.com."),
            "{t}"
        );
        assert!(!t.contains("We will respond within"), "{t}");
        assert!(!t.contains("best-effort"), "{t}");
    }

    #[test]
    fn unverified_sender() {
        let c = case(
            "activestate",
            "free",
            TierReason::SenderNotVerified,
            "critical",
        );
        let r = render(&c);
        assert_wire_clean(&r);
        let t = &r.text;
        assert!(t.contains("Support tier: Free. We could not confirm your support tier because we could not verify that this message comes from your address."), "{t}");
        assert!(
            t.contains("If you did not send it, you can ignore this reply."),
            "{t}"
        );
        assert!(!t.contains("you are a designated contact"), "{t}");
        assert!(t.contains("no guaranteed response time"), "{t}");
    }

    #[test]
    fn not_designated_member() {
        let c = case("alectrona", "none", TierReason::NotDesignatedContact, "low");
        let r = render(&c);
        assert_wire_clean(&r);
        let t = &r.text;
        assert!(t.contains("Support tier: No support agreement, because you are not a designated contact of your organisation."), "{t}");
        assert!(t.contains("administrator can tell you who they are"), "{t}");
        // Alectrona's default tier keeps email support.
        assert!(!t.contains("Email is not a supported channel"), "{t}");
        assert!(
            t.contains("Support hours: Monday to Friday, 09:00–17:30 (America/New_York), excluding US federal holidays."),
            "{t}"
        );
        assert_eq!(header(&r, "X-Slamail-Loop").unwrap(), "alectrona");
    }

    #[test]
    fn scalr_best_effort() {
        let mut c = case("scalr", "free", TierReason::UnknownSender, "p4");
        c.deadline = no_deadline(&c.policy, NoCommitment::BestEffort);
        c.subject = None;
        let r = render(&c);
        assert_wire_clean(&r);
        assert_eq!(r.subject, "[SCALR-2026-000123] Your support request");
        let t = &r.text;
        assert!(
            t.contains("We will handle your request on a best-effort basis. Your request has no guaranteed response time."),
            "{t}"
        );
        assert!(t.contains("Severity: P4 (Trivial)"), "{t}");
        assert!(
            t.contains("Support channels for the Free tier: ticket."),
            "{t}"
        );
        assert!(t.ends_with("-- \nScalr Support\n"), "{t}");
        assert_eq!(parse_back(&r).subject(), Some(r.subject.as_str()));
    }

    #[test]
    fn scalr_business_24x7() {
        let mut c = case("scalr", "business", TierReason::DesignatedContact, "p0");
        c.deadline = Deadline {
            target: Target::Elapsed { minutes: 120 },
            target_words: "2 hours (24x7)".into(),
            zone: Tz::America__New_York,
            clock_start: Some(now()),
            due: Some(Utc.with_ymd_and_hms(2026, 11, 24, 16, 0, 0).unwrap()),
        };
        let r = render(&c);
        assert!(
            r.text
                .contains("We will respond within 2 hours (24x7) — by Tue 24 Nov 2026, 11:00 EST."),
            "{}",
            r.text
        );
    }

    #[test]
    fn header_injection_is_defused() {
        let mut c = case("activestate", "free", TierReason::UnknownSender, "minor");
        c.subject = Some("hi\r\nBcc: victim@x.com\r\n\r\nbody".into());
        c.name = Some("Eve\r\nBcc: victim@x.com".into());
        c.message_id = Some("abc@x\r\nBcc: victim@x.com".into());
        c.references = vec![
            "ok@x".into(),
            "<also-ok@x>".into(),
            "bad id@x".into(),
            "bad>id@x".into(),
            "bad\nid@x".into(),
            "".into(),
            "x".repeat(300),
            "nön-ascii@x".into(),
        ];
        let r = render(&c);
        assert_wire_clean(&r);
        let raw = raw_str(&r);
        let head = raw.split("\r\n\r\n").next().unwrap();
        assert!(
            !head
                .split("\r\n")
                .any(|l| l.to_ascii_lowercase().starts_with("bcc")),
            "{head}"
        );
        assert_eq!(r.subject, "[AS-2026-000123] Re: hi Bcc: victim@x.com body");
        assert_eq!(header(&r, "In-Reply-To"), None);
        assert_eq!(header(&r, "References").unwrap(), "<ok@x> <also-ok@x>");
        let m = parse_back(&r);
        assert_eq!(m.subject(), Some(r.subject.as_str()));
        assert!(m.header("Bcc").is_none());
        let to = m.to().unwrap().first().unwrap();
        assert_eq!(to.address(), Some("jane@customer.example"));
        assert_eq!(m.to().unwrap().iter().count(), 1);
        assert_eq!(to.name(), Some("Eve Bcc: victim@x.com"));
    }

    #[test]
    fn non_ascii_subject_and_name_are_encoded() {
        let mut c = case("activestate", "free", TierReason::UnknownSender, "minor");
        let long = "Привет, сборка не работает — ошибка при установке пакета numpy ".repeat(2);
        c.subject = Some(format!("RE: Re: {long}"));
        c.name = Some("Zoë Ångström, PhD".into());
        let r = render(&c);
        assert_wire_clean(&r);
        let want = format!("[AS-2026-000123] Re: {}", long.trim_end());
        assert_eq!(r.subject, want);
        let subject_raw = header(&r, "Subject").unwrap();
        assert!(subject_raw.starts_with("[AS-2026-000123] Re: =?UTF-8?B?"));
        let m = parse_back(&r);
        assert_eq!(m.subject(), Some(want.as_str()));
        let to = m.to().unwrap().first().unwrap();
        assert_eq!(to.name(), Some("Zoë Ångström, PhD"));
        assert_eq!(to.address(), Some("jane@customer.example"));
        assert!(r.text.starts_with("Hello Zoë Ångström, PhD,\n"));
        assert_eq!(m.body_text(0).unwrap().replace("\r\n", "\n"), r.text);
    }

    #[test]
    fn ascii_specials_and_lookalike_encoded_words_read_back_literally() {
        let mut c = case("activestate", "free", TierReason::UnknownSender, "minor");
        c.subject = Some("=?utf-8?q?not_decoded?= please".into());
        c.name = Some("Doe, Jane \"JD\" <ceo@evil.example>".into());
        let r = render(&c);
        assert_wire_clean(&r);
        let m = parse_back(&r);
        assert_eq!(
            m.subject(),
            Some("[AS-2026-000123] Re: =?utf-8?q?not_decoded?= please")
        );
        assert_eq!(m.to().unwrap().iter().count(), 1);
        let to = m.to().unwrap().first().unwrap();
        assert_eq!(to.address(), Some("jane@customer.example"));
        assert_eq!(to.name(), Some("Doe, Jane \"JD\" <ceo@evil.example>"));
    }

    #[test]
    fn subjects_do_not_stack() {
        let id = CaseId::parse("AS-2026-000123").unwrap();
        let s = |o: &str| reply_subject(&id, Some(o));
        assert_eq!(s("Re: RE: re : hello"), "[AS-2026-000123] Re: hello");
        assert_eq!(
            s("Re: [AS-2026-000123] Re: hello"),
            "[AS-2026-000123] Re: hello"
        );
        assert_eq!(s("AW: Re[2]: hello"), "[AS-2026-000123] Re: hello");
        assert_eq!(s("Fwd: hello"), "[AS-2026-000123] Re: Fwd: hello");
        assert_eq!(s("Regarding: x"), "[AS-2026-000123] Re: Regarding: x");
        assert_eq!(s("Re:"), "[AS-2026-000123] Your support request");
        assert_eq!(s("  \t "), "[AS-2026-000123] Your support request");
        assert_eq!(
            reply_subject(&id, None),
            "[AS-2026-000123] Your support request"
        );
        let long = s(&"a".repeat(5000));
        assert_eq!(long.chars().count(), "[AS-2026-000123] Re: ".len() + 201);
        assert!(s("a\u{202e}b\u{200b}c").ends_with("abc"));
    }

    #[test]
    fn long_reference_chains_are_folded_and_trimmed() {
        let mut c = case("activestate", "free", TierReason::UnknownSender, "minor");
        c.references = (0..40)
            .map(|i| format!("msg{i}@mail.example.com"))
            .collect();
        c.references.push("CAF=abc123@mail.customer.example".into());
        let r = render(&c);
        assert_wire_clean(&r);
        let refs = header(&r, "References").unwrap();
        let ids: Vec<&str> = refs.split(' ').collect();
        assert_eq!(ids.len(), MAX_REFERENCES);
        assert_eq!(ids[0], "<msg0@mail.example.com>");
        assert_eq!(
            ids[MAX_REFERENCES - 1],
            "<CAF=abc123@mail.customer.example>"
        );
        assert_eq!(ids.iter().filter(|i| i.contains("CAF=abc123")).count(), 1);
        let m = parse_back(&r);
        assert_eq!(m.references().as_text_list().unwrap().len(), MAX_REFERENCES);
    }

    #[test]
    fn refuses_what_cannot_be_sent() {
        let mut c = case("activestate", "free", TierReason::UnknownSender, "minor");
        c.to = EmailAddress::parse("support@activestate.com").unwrap();
        assert!(matches!(try_render(&c), Err(ReplyError::OwnAddress(_))));
        c.to = EmailAddress::parse("jöe@example.com").unwrap();
        assert!(matches!(
            try_render(&c),
            Err(ReplyError::NonAsciiAddress(_))
        ));
        let mut c = case("activestate", "free", TierReason::UnknownSender, "minor");
        let input = |domain| ReplyInput {
            policy: &c.policy,
            case_id: &c.case_id,
            to: &c.to,
            to_name: None,
            original_subject: None,
            original_message_id: None,
            original_references: &[],
            tier: c.policy.tier(&c.tier).unwrap(),
            tier_reason: c.reason,
            severity: c.policy.severity(&c.severity).unwrap(),
            clamped_reason: None,
            deadline: &c.deadline,
            now: now(),
            message_id_domain: domain,
        };
        for bad in ["", "a b", "x>@y", "..", "exa\r\nmple.com"] {
            assert!(
                matches!(
                    render_reply(&input(bad)),
                    Err(ReplyError::MessageIdDomain(_))
                ),
                "{bad:?}"
            );
        }
        let r = render_reply(&input("Mail.Example.COM.")).unwrap();
        assert!(
            header(&r, "Message-ID")
                .unwrap()
                .ends_with("@mail.example.com>")
        );
        // Without a name or thread, the reply still stands.
        assert_eq!(header(&r, "To").unwrap(), "jane@customer.example");
        assert_eq!(header(&r, "References"), None);
        assert!(r.text.starts_with("Hello,\n"));
        c.name = None;
    }

    #[test]
    fn quoted_printable_round_trips_edge_lines() {
        let text = format!(
            "trailing space \nequals = sign\n{}\n{}\ttab\n",
            "x".repeat(200),
            "é".repeat(60)
        );
        let qp = quoted_printable(&text);
        assert!(qp.is_ascii());
        for line in qp.split("\r\n") {
            assert!(line.len() <= 76, "{line}");
            assert!(!line.ends_with(' ') && !line.ends_with('\t'), "{line:?}");
        }
        let raw = format!(
            "Subject: t\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n{qp}"
        );
        let m = MessageParser::default().parse(raw.as_bytes()).unwrap();
        assert_eq!(m.body_text(0).unwrap().replace("\r\n", "\n"), text);
    }

    #[test]
    fn support_hours_wording() {
        use crate::calendar::WeeklyHours;
        let iv = |a, b| Interval::new(a, b).unwrap();
        let always = || vec![iv(0, 1440)];
        let cal = BusinessCalendar::new(
            Tz::UTC,
            WeeklyHours::new([
                always(),
                always(),
                always(),
                always(),
                always(),
                always(),
                always(),
            ])
            .unwrap(),
            vec![],
            vec![],
        );
        assert_eq!(support_hours(&cal), "24 hours a day, 7 days a week (UTC)");
        let day = || vec![iv(540, 720), iv(780, 1020)];
        let cal = BusinessCalendar::new(
            Tz::Europe__Berlin,
            WeeklyHours::new([
                day(),
                day(),
                day(),
                vec![],
                day(),
                vec![iv(600, 840)],
                vec![],
            ])
            .unwrap(),
            vec![],
            vec![],
        );
        assert_eq!(
            support_hours(&cal),
            "Monday to Wednesday, 09:00–12:00 and 13:00–17:00; Friday, 09:00–12:00 and \
             13:00–17:00; Saturday, 10:00–14:00 (Europe/Berlin)"
        );
        let cal = BusinessCalendar::new(
            Tz::UTC,
            WeeklyHours::new([vec![], vec![], vec![], vec![], vec![], always(), always()]).unwrap(),
            vec![],
            vec![],
        );
        assert_eq!(
            support_hours(&cal),
            "Saturday and Sunday, 00:00–24:00 (UTC)"
        );
    }

    proptest::proptest! {
        #[test]
        fn any_inbound_text_gives_a_clean_reply(
            subject in proptest::option::of(".{0,300}"),
            name in proptest::option::of(".{0,150}"),
            message_id in proptest::option::of(".{0,60}"),
            references in proptest::collection::vec(".{0,40}", 0..30),
        ) {
            let mut c = case("activestate", "free", TierReason::UnknownSender, "minor");
            c.subject = subject;
            c.name = name;
            c.message_id = message_id;
            c.references = references;
            let r = render(&c);
            assert_wire_clean(&r);
            let m = parse_back(&r);
            proptest::prop_assert_eq!(m.subject(), Some(r.subject.as_str()));
            proptest::prop_assert_eq!(m.to().and_then(|a| a.first()).and_then(|a| a.address()),
                Some("jane@customer.example"));
            proptest::prop_assert_eq!(m.body_text(0).unwrap().replace("\r\n", "\n"), r.text.clone());
        }
    }

    #[test]
    fn never_names_anyone_but_the_recipient() {
        for reason in [
            TierReason::DesignatedContact,
            TierReason::NotDesignatedContact,
            TierReason::UnknownSender,
            TierReason::SenderNotVerified,
        ] {
            let mut c = case("activestate", "free", reason, "minor");
            c.name = None;
            let r = render(&c);
            assert_wire_clean(&r);
            assert!(!r.text.contains('@'), "{reason:?}: {}", r.text);
        }
    }
}
