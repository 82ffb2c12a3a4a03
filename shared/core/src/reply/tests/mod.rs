//! The rendered reply end to end: its headers on the wire, and what it says. Both halves parse the
//! raw bytes back with mail-parser, as a mail client would.

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Tz;
use mail_parser::MessageParser;

use super::*;
use crate::deadline::Deadline;
use crate::ids::{CalendarId, CaseId, SeverityId, TierId};
use crate::policy::{NoCommitment, Policy, Target, builtin};
use crate::triage::TierReason;
use crate::triage::clock::NoClock;

mod echo;
mod headers;
mod vendors;
mod wording;

struct Case {
    policy: Policy,
    case_id: CaseId,
    to: EmailAddress,
    tier: TierId,
    reason: TierReason,
    severity: SeverityId,
    clamped: Option<String>,
    requested: bool,
    no_clock: Option<NoClock>,
    support_address: Option<EmailAddress>,
    deadline: Deadline,
    subject: Option<String>,
    name: Option<String>,
    message_id: Option<String>,
    references: Vec<String>,
}

fn now() -> DateTime<Utc> {
    utc(2026, 11, 24, 14, 0)
}

/// A UTC instant to the minute.
fn utc(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, day, hour, minute, 0)
        .unwrap()
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
        requested: false,
        no_clock: None,
        support_address: None,
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
        support_address: c.support_address.as_ref(),
        to_name: c.name.as_deref(),
        original_subject: c.subject.as_deref(),
        original_message_id: c.message_id.as_deref(),
        original_references: &c.references,
        tier: c.policy.tier(&c.tier).unwrap(),
        tier_reason: c.reason,
        severity: c.policy.severity(&c.severity).unwrap(),
        clamped_reason: c.clamped.as_deref(),
        severity_requested: c.requested,
        no_clock: c.no_clock.as_ref(),
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
