//! `case show` in words: the case's standing, what is due from us, and its timeline (messages,
//! the auto-reply and clock entries, in order), unverified messages marked as such.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use slamail_core::case::{CaseRecord, MessageKind, ReplyOutcome};
use slamail_core::clock::{ClockEvent, Status};
use slamail_core::deadline::format_local;
use slamail_core::policy::Policy;

use crate::desk::Shown;

fn parse(at: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(at)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

fn one_line(s: &str, max: usize) -> String {
    let flat: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let flat = flat.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > max {
        format!("{}…", flat.chars().take(max).collect::<String>())
    } else {
        flat
    }
}

/// The header lines of a case.
pub fn summary(case: &CaseRecord) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}  {} — {} / {} — queue {}",
        case.case_id, case.status, case.tier, case.severity, case.queue
    );
    let _ = writeln!(
        out,
        "  requester: {}{}",
        case.requester.as_deref().unwrap_or("(none)"),
        case.organisation_name
            .as_deref()
            .map(|o| format!(" ({o})"))
            .unwrap_or_default()
    );
    let _ = writeln!(
        out,
        "  subject:   {}",
        one_line(case.subject.as_deref().unwrap_or("(none)"), 100)
    );
    match (&case.due, case.due_metric) {
        (Some(due), Some(m)) => {
            let _ = writeln!(out, "  next due:  {} by {due} ({})", m.words(), case.target);
        }
        (Some(due), None) => {
            let _ = writeln!(out, "  next due:  {due} ({})", case.target);
        }
        _ => {
            let _ = writeln!(out, "  next due:  nothing is due from us");
        }
    }
    if let Some(old) = &case.refers_to {
        let _ = writeln!(
            out,
            "  refers to: {old} (a reply to it after it was closed)"
        );
    }
    out
}

/// The whole `case show` text.
pub fn render(policy: &Policy, shown: &Shown, now: DateTime<Utc>) -> String {
    let zone = policy.support_calendar().zone();
    let case = &shown.case;
    let mut out = summary(case);
    if let Some(v) = &shown.clock {
        let state = match v.status {
            Status::Open => "open, waiting on us",
            Status::Waiting => "waiting on the customer",
            Status::Closed => "closed",
        };
        let breached = v.cycles.iter().filter(|c| c.breached(now)).count();
        let _ = writeln!(
            out,
            "  clock:     {state}; {} response cycle(s){}",
            v.cycles.len(),
            if breached > 0 {
                format!(", {breached} BREACHED")
            } else {
                String::new()
            }
        );
    }
    let mut rows: Vec<(DateTime<Utc>, u8, String)> = Vec::new();
    for m in &shown.messages {
        let Some(at) = parse(&m.at) else { continue };
        let kind = m.kind.map_or("message", MessageKind::as_str);
        let from = m
            .from
            .as_ref()
            .map_or("(no sender)".to_string(), |f| f.to_string());
        let label = match m.kind {
            Some(MessageKind::Unverified) => "UNVERIFIED".to_string(),
            _ => kind.to_string(),
        };
        let mut line = format!("{label:<13} {from}");
        if let Some(s) = &m.subject {
            line.push_str(&format!("  \"{}\"", one_line(s, 60)));
        }
        if let Some(t) = &m.text {
            line.push_str(&format!("  — {}", one_line(t, 60)));
        }
        if let Some(n) = &m.note {
            line.push_str(&format!("  [{}]", one_line(n, 80)));
        }
        rows.push((at, 0, line));
    }
    // The auto-reply answers the opening message: it is listed right after it, even when the
    // message's receipt time is later than the send (mail replayed with its original times).
    if let ReplyOutcome::Sent { at, .. } = &case.reply
        && let Some(t) = parse(at)
    {
        let opened = parse(&case.received).unwrap_or(t);
        rows.push((
            t.max(opened),
            1,
            "auto-reply    sent to the requester".to_string(),
        ));
    }
    for e in &shown.ledger {
        let what = match &e.event {
            ClockEvent::Start {
                metric: m,
                target,
                reason,
                ..
            } => format!("start {} ({}): {reason}", m.words(), target.words()),
            ClockEvent::Fulfil { metric: m } => format!("{} fulfilled", m.words()),
            ClockEvent::Pause { reason } => format!("paused, waiting on the customer: {reason}"),
            ClockEvent::Resume { reason } => format!("resumed: {reason}"),
            ClockEvent::Reclassify {
                from, to, reason, ..
            } => format!("reclassified {from} -> {to}: {reason}"),
            ClockEvent::Close { reason } => format!("closed: {reason}"),
            ClockEvent::Reopen { reason } => format!("reopened: {reason}"),
            ClockEvent::Breach { metric: m, due } => format!(
                "BREACH: the {} due {} was missed",
                m.words(),
                format_local(*due, zone)
            ),
        };
        rows.push((e.at, 2, format!("clock #{:<4} {what}  [{}]", e.seq, e.by)));
    }
    rows.sort_by_key(|(at, order, _)| (*at, *order));
    let _ = writeln!(out, "Timeline ({zone}):");
    for (at, _, line) in rows {
        let _ = writeln!(out, "  {}  {line}", format_local(at, zone));
    }
    out
}
