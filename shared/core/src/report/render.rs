//! A report as a table for people and CSV for spreadsheets (JSON is its serde form).

use std::fmt::Write as _;

use super::compute::{Attainment, Report, Row};

fn org(row_org: &Option<String>) -> &str {
    row_org.as_deref().unwrap_or("(no organisation)")
}

fn opt(v: Option<i64>) -> String {
    v.map_or_else(|| "-".to_string(), |m| m.to_string())
}

fn att(a: &Attainment) -> String {
    let mut s = format!("{}/{}", a.met, a.met + a.missed);
    if a.pending > 0 {
        let _ = write!(s, " +{} pending", a.pending);
    }
    s
}

/// The report for a terminal.
pub fn table(r: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Attainment report: policy {}, {}{} ({} cases; ledgers read as of {})",
        r.policy,
        r.month,
        r.organisation
            .as_deref()
            .map(|o| format!(", organisation {o}"))
            .unwrap_or_default(),
        r.cases,
        r.as_of.format("%Y-%m-%d %H:%M UTC"),
    );
    let _ = writeln!(
        out,
        "{:<20} {:<10} {:>5} {:>16} {:>12} {:>7} {:>7} {:>8} {:>6} {:>8}",
        "organisation",
        "severity",
        "cases",
        "first resp. met",
        "updates met",
        "median",
        "p90",
        "breaches",
        "pauses",
        "paused"
    );
    for row in &r.rows {
        let Row {
            first_response_minutes: m,
            ..
        } = row;
        let _ = writeln!(
            out,
            "{:<20} {:<10} {:>5} {:>16} {:>12} {:>7} {:>7} {:>8} {:>6} {:>8}",
            org(&row.organisation),
            row.severity,
            row.cases,
            att(&row.first_response),
            att(&row.update),
            opt(m.median),
            opt(m.p90),
            row.breaches,
            row.pauses,
            row.paused_minutes,
        );
    }
    let _ = writeln!(
        out,
        "(median and p90: minutes to first response on the target's clock; paused: minutes)"
    );
    if r.breaches.is_empty() {
        let _ = writeln!(out, "Breaches: none");
    } else {
        let _ = writeln!(out, "Breaches:");
        for b in &r.breaches {
            let _ = writeln!(
                out,
                "  {}  {} {} {} due {}: {} min over{}",
                b.case_id,
                org(&b.organisation),
                b.severity,
                b.metric.as_str(),
                b.due.format("%Y-%m-%d %H:%M UTC"),
                b.minutes_over,
                if b.answered.is_some() {
                    ""
                } else {
                    " (still unanswered)"
                },
            );
        }
    }
    if r.holidays.is_empty() {
        let _ = writeln!(out, "Holidays applied: none");
    } else {
        let _ = writeln!(out, "Holidays applied:");
        for h in &r.holidays {
            let _ = writeln!(out, "  {} {} ({})", h.date, h.name, h.calendar);
        }
    }
    for u in &r.unreadable {
        let _ = writeln!(out, "Not counted: {u}");
    }
    out
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// One line per organisation × severity.
pub fn csv(r: &Report) -> String {
    let mut out = String::from(
        "policy,month,organisation,severity,cases,first_response_met,first_response_missed,first_response_pending,update_met,update_missed,update_pending,first_response_median_minutes,first_response_p90_minutes,breaches,pauses,paused_minutes\n",
    );
    for row in &r.rows {
        let m = &row.first_response_minutes;
        let fields = [
            r.policy.clone(),
            r.month.to_string(),
            row.organisation.clone().unwrap_or_default(),
            row.severity.clone(),
            row.cases.to_string(),
            row.first_response.met.to_string(),
            row.first_response.missed.to_string(),
            row.first_response.pending.to_string(),
            row.update.met.to_string(),
            row.update.missed.to_string(),
            row.update.pending.to_string(),
            m.median.map(|v| v.to_string()).unwrap_or_default(),
            m.p90.map(|v| v.to_string()).unwrap_or_default(),
            row.breaches.to_string(),
            row.pauses.to_string(),
            row.paused_minutes.to_string(),
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    out
}
