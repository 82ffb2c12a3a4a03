//! What became of processed messages, in words: a paragraph per message for `slamail process`,
//! a table row per sample message for `slamail demo`.

use std::fmt::Write as _;

use slamail_core::case::{CaseRecord, ReplyOutcome};
use slamail_intake::{Outcome, Processed};

pub(super) fn reply_words(reply: &ReplyOutcome) -> String {
    match reply {
        ReplyOutcome::Pending => "pending (outcome unknown)".to_string(),
        ReplyOutcome::Sent { ses_message_id, .. } => format!("sent ({ses_message_id})"),
        ReplyOutcome::Suppressed { code, .. } => format!("not sent: {code}"),
        ReplyOutcome::Failed { error } => format!("FAILED: {error}"),
        ReplyOutcome::Unknown { note } => format!("UNKNOWN: {note}"),
        ReplyOutcome::Queued { .. } => {
            "queued (SES throttled; the paced sender sends it)".to_string()
        }
    }
}

pub(super) fn describe(p: &Processed) -> String {
    match &p.outcome {
        Outcome::Created { case } => {
            let c: &CaseRecord = case;
            let mut out = String::new();
            let _ = writeln!(out, "{}  (SES message {})", c.case_id, p.ses_message_id);
            let _ = writeln!(
                out,
                "  from:     {}",
                c.requester.as_deref().unwrap_or("(no sender address)")
            );
            let _ = writeln!(
                out,
                "  subject:  {}",
                c.subject.as_deref().unwrap_or("(none)")
            );
            let _ = writeln!(out, "  tier:     {} ({})", c.tier, c.tier_reason_words);
            let _ = writeln!(
                out,
                "  severity: {}{}",
                c.severity,
                c.severity_clamped
                    .as_deref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default()
            );
            let _ = writeln!(
                out,
                "  deadline: {}{}",
                c.target,
                c.due
                    .as_deref()
                    .map(|d| format!(", due {d}"))
                    .unwrap_or_default()
            );
            let _ = writeln!(out, "  queue:    {}", c.queue);
            let _ = write!(out, "  reply:    {}", reply_words(&c.reply));
            out
        }
        Outcome::Appended { case_id, note } => {
            format!("{} appended to {case_id}: {note}", p.ses_message_id)
        }
        Outcome::Threaded {
            case_id,
            kind,
            reopened,
            clock,
        } => format!(
            "{} joined {case_id}: {}{}{}",
            p.ses_message_id,
            kind.words(),
            if *reopened { ", reopened the case" } else { "" },
            if clock.is_empty() {
                String::new()
            } else {
                format!(" (clock: {})", clock.join(", "))
            }
        ),
        Outcome::Duplicate { case_id } => format!(
            "{}: already processed{}",
            p.ses_message_id,
            case_id
                .as_ref()
                .map(|c| format!(" (case {c})"))
                .unwrap_or_default()
        ),
        Outcome::Unroutable { note } => format!("{}: not a case: {note}", p.ses_message_id),
    }
}

/// The demo's table: one row per processed sample message (named by its scenario), then the
/// note its `*` refers to.
pub(super) fn outcomes_table(out: &mut String, rows: &[(String, Processed)]) {
    let _ = writeln!(
        out,
        "{:<30} {:<17} {:<11} {:<24} {:<9} {:<27} {:<18} auto-reply",
        "message", "case", "tier", "reason", "severity", "deadline", "queue"
    );
    for (name, p) in rows {
        match &p.outcome {
            Outcome::Created { case: c } => {
                let _ = writeln!(
                    out,
                    "{:<30} {:<17} {:<11} {:<24} {:<9} {:<27} {:<18} {}",
                    truncate(name, 30),
                    c.case_id.as_str(),
                    c.tier,
                    c.tier_reason,
                    format!(
                        "{}{}",
                        c.severity,
                        if c.severity_clamped.is_some() {
                            "*"
                        } else {
                            ""
                        }
                    ),
                    c.due.as_deref().unwrap_or("none"),
                    c.queue,
                    match &c.reply {
                        // The SES id is in the case; the table stays readable.
                        ReplyOutcome::Sent { .. } => "sent".to_string(),
                        other => reply_words(other),
                    }
                );
            }
            other => {
                let _ = writeln!(
                    out,
                    "{:<30} {}",
                    truncate(name, 30),
                    describe(&Processed {
                        ses_message_id: p.ses_message_id.clone(),
                        outcome: other.clone(),
                        reply_raw: None,
                    })
                );
            }
        }
    }
    let _ = writeln!(out, "\n* severity clamped to what the tier covers");
}

/// `s` cut to `n` characters, the last one an ellipsis when cut.
pub(super) fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n - 1).chain(std::iter::once('…')).collect()
    }
}
