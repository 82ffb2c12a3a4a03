//! `slamail case explain`: a case's clock in words, from its ledger alone (and the calendars of
//! the policy the ledger names): every business interval counted, every closed day skipped,
//! every pause, and how the due instant follows.

use std::fmt::Write as _;

use chrono::{DateTime, Datelike, Days, NaiveDate, TimeDelta, Utc};
use chrono_tz::Tz;

use super::evaluate::{ClockError, Cycle, CycleEnd, Pause, evaluate};
use super::ledger::{ClockEvent, LedgerEntry};
use crate::calendar::{BusinessCalendar, resolve_local, weekday_name};
use crate::deadline::format_local;
use crate::policy::{Policy, Target};

/// At most this many days are listed per cycle; a longer span is summarised.
const MAX_DAYS_LISTED: u64 = 62;

fn hm(d: TimeDelta) -> String {
    let m = d.num_minutes();
    format!("{}h{:02}", m / 60, m % 60)
}

fn entry_line(e: &LedgerEntry, zone: Tz) -> String {
    let what = match &e.event {
        ClockEvent::Start {
            metric,
            tier,
            severity,
            target,
            reason,
        } => format!(
            "start {}: {tier} / {severity}, {} ({reason})",
            metric.words(),
            target.words()
        ),
        ClockEvent::Fulfil { metric } => format!("fulfil {}", metric.words()),
        ClockEvent::Pause { reason } => format!("pause: waiting on the customer ({reason})"),
        ClockEvent::Resume { reason } => format!("resume ({reason})"),
        ClockEvent::Reclassify {
            from,
            to,
            target,
            reason,
        } => format!(
            "reclassify {from} -> {to}{} ({reason})",
            target
                .as_ref()
                .map(|t| format!(", running target now {}", t.words()))
                .unwrap_or_default()
        ),
        ClockEvent::Close { reason } => format!("close ({reason})"),
        ClockEvent::Reopen { reason } => format!("reopen ({reason})"),
        ClockEvent::Breach { metric, due } => format!(
            "breach: the {} due {} was missed",
            metric.words(),
            format_local(*due, zone)
        ),
    };
    format!(
        "  #{:<3} {}  {what}  [{}; {}]",
        e.seq,
        format_local(e.at, zone),
        e.by,
        e.policy_version
    )
}

/// `[from, to)` with the pauses taken out.
fn counting_segments(
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    pauses: &[Pause],
) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let mut segments = Vec::new();
    let mut cursor = from;
    for p in pauses {
        let p_to = p.to.unwrap_or(to);
        if p.from > cursor {
            segments.push((cursor, p.from.min(to)));
        }
        cursor = cursor.max(p_to);
        if cursor >= to {
            break;
        }
    }
    if cursor < to {
        segments.push((cursor, to));
    }
    segments.retain(|(a, b)| b > a);
    segments
}

fn closed_name(cal: &BusinessCalendar, d: NaiveDate) -> Option<String> {
    cal.is_closed_date(d).then(|| {
        cal.closed_dates(d.year())
            .into_iter()
            .find(|c| c.date == d)
            .map(|c| c.name)
            .unwrap_or_else(|| "closed".to_string())
    })
}

/// The business intervals of `cal` inside `segments`, day by day, and the days skipped.
fn business_days(
    out: &mut String,
    cal: &BusinessCalendar,
    segments: &[(DateTime<Utc>, DateTime<Utc>)],
) -> TimeDelta {
    let zone = cal.zone();
    let (Some(first), Some(last)) = (segments.first(), segments.last()) else {
        let _ = writeln!(out, "    nothing counted");
        return TimeDelta::zero();
    };
    let start = first.0.with_timezone(&zone).date_naive();
    let end = last.1.with_timezone(&zone).date_naive();
    let mut total = TimeDelta::zero();
    let mut counted = Vec::new();
    let mut skipped = Vec::new();
    let mut day = start;
    let mut listed = 0;
    while day <= end {
        listed += 1;
        if listed > MAX_DAYS_LISTED {
            skipped.push(format!(
                "    … {} more days up to {end} not listed",
                (end - day).num_days() + 1
            ));
            break;
        }
        let label = format!(
            "{} {}",
            &weekday_name(day.weekday())[..3],
            day.format("%-d %b %Y")
        );
        if let Some(name) = closed_name(cal, day) {
            skipped.push(format!("    {label}  {name} (closed)"));
        } else if cal.hours().day(day.weekday()).is_empty() {
            skipped.push(format!("    {label}  no opening hours"));
        } else {
            let mut pieces = Vec::new();
            for iv in cal.hours().day(day.weekday()) {
                let at = |minute: u16| {
                    let local = day.and_hms_opt(0, 0, 0).unwrap_or_default()
                        + TimeDelta::minutes(i64::from(minute));
                    resolve_local(zone, local)
                };
                let (open, close) = (at(iv.start_minute()), at(iv.end_minute()));
                for (a, b) in segments {
                    let (s, e) = ((*a).max(open), (*b).min(close));
                    if e > s {
                        total += e - s;
                        pieces.push(format!(
                            "{}–{} ({})",
                            s.with_timezone(&zone).format("%H:%M"),
                            e.with_timezone(&zone).format("%H:%M"),
                            hm(e - s)
                        ));
                    }
                }
            }
            if !pieces.is_empty() {
                counted.push(format!("    {label}  {}", pieces.join(", ")));
            }
        }
        day = match day.checked_add_days(Days::new(1)) {
            Some(d) => d,
            None => break,
        };
    }
    let _ = writeln!(out, "  counted (business time):");
    for line in &counted {
        let _ = writeln!(out, "{line}");
    }
    if counted.is_empty() {
        let _ = writeln!(out, "    nothing yet");
    }
    if !skipped.is_empty() {
        let _ = writeln!(out, "  skipped:");
        for line in &skipped {
            let _ = writeln!(out, "{line}");
        }
    }
    total
}

fn cycle(
    out: &mut String,
    policy: &Policy,
    n: usize,
    c: &Cycle,
    zone: Tz,
    now: DateTime<Utc>,
) -> Result<(), ClockError> {
    let _ = writeln!(
        out,
        "\nCycle {n}: {}, counted from {} (entry #{})",
        c.metric.words(),
        format_local(c.origin, zone),
        c.started_by
    );
    for (i, (seq, t, why)) in c.targets.iter().enumerate() {
        let _ = writeln!(
            out,
            "  target: {}{} (entry #{seq}: {why})",
            t.words(),
            if i + 1 < c.targets.len() {
                ", replaced"
            } else {
                ""
            }
        );
    }
    for p in &c.pauses {
        let _ = writeln!(
            out,
            "  paused: {} -> {} (waiting on the customer)",
            format_local(p.from, zone),
            p.to.map_or("still waiting".to_string(), |t| format_local(t, zone))
        );
    }
    let cal = c.target.calendar().and_then(|id| policy.calendar(id));
    let limit = c
        .due
        .or_else(|| c.end.as_ref().map(CycleEnd::at))
        .unwrap_or(now)
        .max(c.origin);
    let segments = counting_segments(c.origin, limit, &c.pauses);
    match (&c.target, cal) {
        (Target::None { .. }, _) => {
            let _ = writeln!(
                out,
                "  no commitment: nothing is counted and nothing is due"
            );
        }
        (_, Some(cal)) => {
            let total = business_days(out, cal, &segments);
            if let Some(due) = c.due {
                let how = match &c.target {
                    Target::BusinessDays { days, .. } if c.pauses.is_empty() => format!(
                        "the same local time {days} business day(s) after the clock started, \
                         {} of business time",
                        hm(total)
                    ),
                    Target::BusinessDays { .. } => format!(
                        "business days, with the business time left at each pause counted again \
                         from its end: {} of business time",
                        hm(total)
                    ),
                    _ => format!("{} of business time counted = the target", hm(total)),
                };
                let _ = writeln!(out, "  due: {} ({how})", format_local(due, zone));
            } else {
                let _ = writeln!(
                    out,
                    "  due: none while waiting on the customer ({} counted so far)",
                    hm(total)
                );
            }
        }
        (_, None) => {
            let total = segments
                .iter()
                .fold(TimeDelta::zero(), |t, (a, b)| t + (*b - *a));
            let _ = writeln!(out, "  counted (24x7, every minute):");
            for (a, b) in &segments {
                let _ = writeln!(
                    out,
                    "    {} -> {} ({})",
                    format_local(*a, zone),
                    format_local(*b, zone),
                    hm(*b - *a)
                );
            }
            match c.due {
                Some(due) => {
                    let _ = writeln!(
                        out,
                        "  due: {} ({} of elapsed time = the target)",
                        format_local(due, zone),
                        hm(total)
                    );
                }
                None => {
                    let _ = writeln!(out, "  due: none while waiting on the customer");
                }
            }
        }
    }
    match (&c.end, c.due) {
        (Some(end), due) => {
            let (how, at) = match end {
                CycleEnd::Fulfilled { at } => ("answered", *at),
                CycleEnd::Closed { at } => ("closed without an answer", *at),
            };
            let timing = match due {
                Some(d) if at > d => format!("{} late", hm(at - d)),
                Some(d) => format!("in time, {} before the due instant", hm(d - at)),
                None => "no due instant".to_string(),
            };
            let _ = writeln!(out, "  ended: {how} {} ({timing})", format_local(at, zone));
        }
        (None, Some(d)) if now > d => {
            let _ = writeln!(
                out,
                "  BREACHED: still unanswered, {} past due",
                hm(now - d)
            );
        }
        (None, _) => {
            let _ = writeln!(out, "  running");
        }
    }
    Ok(())
}

/// The whole explanation of a case's clock.
pub fn explain(
    policy: &Policy,
    case_id: &str,
    entries: &[LedgerEntry],
    now: DateTime<Utc>,
) -> Result<String, ClockError> {
    let view = evaluate(entries, policy)?;
    let zone = policy.support_calendar().zone();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Clock of {case_id} ({}; times in {zone})",
        view.status.as_str()
    );
    let _ = writeln!(out, "Ledger ({} entries):", entries.len());
    for e in entries {
        let _ = writeln!(out, "{}", entry_line(e, zone));
    }
    let stale: Vec<&String> = view
        .policy_versions
        .iter()
        .filter(|v| **v != policy.version)
        .collect();
    if !stale.is_empty() {
        let _ = writeln!(
            out,
            "Note: entries were made under policy text {}, and the calendars below are those \
             of {}; if the calendars changed in between, the instants recorded then stand.",
            stale
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            policy.version
        );
    }
    for (i, c) in view.cycles.iter().enumerate() {
        cycle(&mut out, policy, i + 1, c, zone, now)?;
    }
    match view.next_due() {
        Some((m, d)) => {
            let _ = writeln!(
                out,
                "\nNext due from us: {} by {}",
                m.words(),
                format_local(d, zone)
            );
        }
        None => {
            let _ = writeln!(out, "\nNothing is due from us now.");
        }
    }
    Ok(out)
}
