//! `slamail policy …`, `slamail deadline`, `slamail holidays`, `slamail security`: questions an
//! operator asks the policy engine. Everything here is pure: no AWS.

use std::fmt::Write as _;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use clap::{Args, Subcommand};
use serde_json::json;
use slamail_core::deadline;
use slamail_core::policy::{self, Metric, Policy};
use slamail_core::reply::support_hours;

use crate::CliError;

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Validate a policy file; exits non-zero with the file, line and reason when it is invalid.
    Check {
        /// Path to a policy TOML file (or a built-in id).
        file: String,
    },
    /// A readable summary: tiers, contact limits, the target table, hours.
    Show {
        /// A built-in policy id (activestate, alectrona, scalr) or a path.
        policy: String,
        #[arg(long)]
        json: bool,
    },
    /// List the built-in policies.
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct DeadlineArgs {
    /// A built-in policy id or a path.
    #[arg(long)]
    pub policy: String,
    /// Tier id, label or alias (`enterprise`, `Enterprise`, `business standard`).
    #[arg(long)]
    pub tier: String,
    /// Severity id, label or alias (`critical`, `Level 1`, `P1`, `urgent`).
    #[arg(long)]
    pub severity: String,
    /// When the message was received, RFC 3339 (`2026-11-23T16:00:00-08:00`).
    #[arg(long)]
    pub received: String,
    /// `first-response` (default) or `update`.
    #[arg(long, default_value = "first-response")]
    pub metric: String,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct HolidaysArgs {
    #[arg(long)]
    pub policy: String,
    #[arg(long)]
    pub year: i32,
    /// Which calendar of the policy (default: the policy's support calendar).
    #[arg(long)]
    pub calendar: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SecurityArgs {
    #[arg(long)]
    pub policy: String,
    /// CVSS base score, 0.0–10.0.
    #[arg(long)]
    pub cvss: f64,
    /// Date of public disclosure, YYYY-MM-DD.
    #[arg(long)]
    pub disclosed: String,
    #[arg(long)]
    pub json: bool,
}

fn load(policy: &str) -> Result<Policy, CliError> {
    policy::load_named(policy).map_err(|e| CliError::Input(e.to_string()))
}

fn to_json(value: &serde_json::Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

pub fn run_policy(cmd: PolicyCommand) -> Result<String, CliError> {
    match cmd {
        PolicyCommand::Check { file } => {
            let p = load(&file)?;
            Ok(format!(
                "{}: valid policy {} ({}): {} tiers, {} severities, {} targets, {} calendars",
                p.source,
                p.id,
                p.name,
                p.tiers.len(),
                p.severities.len(),
                p.target_table()
                    .iter()
                    .filter(|(_, _, t)| t.is_some())
                    .count(),
                p.calendars.len()
            ))
        }
        PolicyCommand::List { json } => {
            let ids = policy::builtin_ids();
            if json {
                Ok(to_json(&json!(ids)))
            } else {
                Ok(ids.join("\n"))
            }
        }
        PolicyCommand::Show { policy, json } => {
            let p = load(&policy)?;
            if json {
                Ok(to_json(&policy_json(&p)))
            } else {
                Ok(policy_text(&p))
            }
        }
    }
}

fn policy_json(p: &Policy) -> serde_json::Value {
    let targets: Vec<_> = p
        .target_table()
        .into_iter()
        .filter_map(|(t, s, cell)| {
            cell.map(|c| {
                json!({
                    "tier": t.id, "severity": s.id,
                    "first_response": c.first_response.words(),
                    "update": c.update.as_ref().map(|u| u.words()),
                })
            })
        })
        .collect();
    let calendars: serde_json::Map<String, serde_json::Value> = p
        .calendars
        .iter()
        .map(|(id, cal)| {
            (
                id.to_string(),
                json!({"zone": cal.zone().name(), "hours": support_hours(cal)}),
            )
        })
        .collect();
    json!({
        "id": p.id, "name": p.name, "source": p.source, "case_prefix": p.case_prefix.as_str(),
        "addresses": p.addresses, "reply_from": p.reply_from,
        "default_tier": p.default_tier, "default_severity": p.default_severity,
        "tiers": p.tiers, "severities": p.severities, "targets": targets,
        "calendars": calendars, "routes": p.routes, "security_bands": p.security_bands,
        "channels": p.channels,
    })
}

fn policy_text(p: &Policy) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} ({})  [{}]", p.name, p.id, p.source);
    let _ = writeln!(
        out,
        "Support addresses: {}",
        p.addresses
            .iter()
            .map(|a| a.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = writeln!(
        out,
        "Replies from: {} <{}>; case ids {}-YYYY-NNNNNN",
        p.reply_name, p.reply_from, p.case_prefix
    );
    let _ = writeln!(
        out,
        "Default tier: {}; default severity: {}\n",
        p.default_tier, p.default_severity
    );
    let _ = writeln!(out, "Tiers:");
    for t in &p.tiers {
        let _ = writeln!(
            out,
            "  {:<12} {:<24} designated contacts: {:<3} email support: {:<3} channels: {}",
            t.id,
            t.label,
            t.designated_contacts,
            if t.email_support { "yes" } else { "no" },
            t.channels.join(", ")
        );
    }
    let _ = writeln!(out, "\nSeverities (most severe first):");
    for s in &p.severities {
        let _ = writeln!(
            out,
            "  {:<10} {:<16} {}",
            s.id,
            s.label,
            s.aliases.join(", ")
        );
    }
    let _ = writeln!(out, "\nFirst response (update) targets:");
    let _ = write!(out, "{}", target_table(p));
    let _ = writeln!(out, "\nCalendars:");
    for (id, cal) in &p.calendars {
        let _ = writeln!(out, "  {id}: {}", support_hours(cal));
    }
    let _ = writeln!(out, "\nRouting (first match wins):");
    for r in &p.routes {
        let list = |v: Vec<String>| {
            if v.is_empty() {
                "any".to_string()
            } else {
                v.join(",")
            }
        };
        let _ = writeln!(
            out,
            "  tier {} / severity {} -> {}",
            list(r.tiers.iter().map(|t| t.to_string()).collect()),
            list(r.severities.iter().map(|t| t.to_string()).collect()),
            r.queue
        );
    }
    if !p.security_bands.is_empty() {
        let scope = &p.security_scope;
        let _ = writeln!(
            out,
            "\nSecurity fixes (calendar months from public disclosure{}):",
            if scope.guideline {
                "; guidelines, not commitments"
            } else {
                ""
            }
        );
        if scope.is_limited() {
            let _ = writeln!(
                out,
                "  scope: products {}; messages naming {}",
                if scope.products.is_empty() {
                    "-".to_string()
                } else {
                    scope.products.join(", ")
                },
                if scope.keywords.is_empty() {
                    "-".to_string()
                } else {
                    scope.keywords.join(", ")
                }
            );
        }
        if let Some(d) = &scope.disclosure {
            let _ = writeln!(out, "  disclosure date: {d}");
        }
        for b in &p.security_bands {
            let _ = writeln!(
                out,
                "  {:<9} CVSS {:.1}-{:.1}: {}",
                b.label,
                b.min_tenths as f64 / 10.0,
                b.max_tenths as f64 / 10.0,
                band_words(b, scope.guideline)
            );
        }
    }
    if !p.request_kinds.is_empty() {
        let _ = writeln!(out, "\nRequests outside the SLA (no clock):");
        for k in &p.request_kinds {
            let _ = writeln!(
                out,
                "  {} -> {}: {}",
                k.label,
                k.queue,
                k.keywords.join(", ")
            );
        }
    }
    if !p.email_intake.covered {
        let _ = writeln!(
            out,
            "\nEmail intake: not covered; new requests are opened via channel {}",
            p.email_intake.channel.as_deref().unwrap_or("-")
        );
    }
    out.trim_end().to_string()
}

/// The target table with each column as wide as its widest cell plus two spaces, so that no two
/// cells run together ("…response time2 business days").
fn target_table(p: &Policy) -> String {
    let cell = |t: &slamail_core::policy::Tier, s: &slamail_core::policy::Severity| match p
        .targets(&t.id, &s.id)
    {
        None => "-".to_string(),
        Some(c) => match &c.update {
            Some(u) => format!("{} ({})", c.first_response.words(), u.words()),
            None => c.first_response.words(),
        },
    };
    let first = p
        .severities
        .iter()
        .map(|s| s.id.as_str().chars().count())
        .max()
        .unwrap_or(0)
        + 2;
    let widths: Vec<usize> = p
        .tiers
        .iter()
        .map(|t| {
            p.severities
                .iter()
                .map(|s| cell(t, s).chars().count())
                .chain(std::iter::once(t.id.as_str().chars().count()))
                .max()
                .unwrap_or(0)
                + 2
        })
        .collect();
    let mut out = String::new();
    let mut row = |head: &str, cells: Vec<String>| {
        let mut line = format!("  {head:<first$}");
        for (c, w) in cells.iter().zip(&widths) {
            let _ = write!(line, "{c:<w$}");
        }
        let _ = writeln!(out, "{}", line.trim_end());
    };
    row("", p.tiers.iter().map(|t| t.id.to_string()).collect());
    for s in &p.severities {
        row(s.id.as_str(), p.tiers.iter().map(|t| cell(t, s)).collect());
    }
    out
}

/// A band's times: "3-6 months" when the vendor wrote a range, and never "breach" for a guideline.
fn band_words(b: &slamail_core::policy::SecurityBand, guideline: bool) -> String {
    let m = |v: u32| format!("{v} month{}", if v == 1 { "" } else { "s" });
    match (b.warn_months, b.breach_months, guideline) {
        (_, None, _) => "no target resolution time".to_string(),
        (Some(w), Some(br), true) if w < br => format!("target {w}-{br} months (guideline)"),
        (_, Some(br), true) => format!("target {} (guideline)", m(br)),
        (Some(w), Some(br), false) => format!("warn {}, breach {}", m(w), m(br)),
        (None, Some(br), false) => format!("breach {}", m(br)),
    }
}

pub fn run_deadline(a: DeadlineArgs) -> Result<String, CliError> {
    let p = load(&a.policy)?;
    let tier = p.find_tier(&a.tier).ok_or_else(|| {
        CliError::Input(format!(
            "policy {} has no tier {:?}; tiers: {}",
            p.id,
            a.tier,
            p.tiers
                .iter()
                .map(|t| t.id.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })?;
    let asked = p.find_severity(&a.severity).ok_or_else(|| {
        CliError::Input(format!(
            "policy {} has no severity {:?}; severities: {}",
            p.id,
            a.severity,
            p.severities
                .iter()
                .map(|s| s.id.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })?;
    let metric = Metric::parse(&a.metric).ok_or_else(|| {
        CliError::Input(format!(
            "--metric {:?}: use first-response or update",
            a.metric
        ))
    })?;
    let received: DateTime<Utc> = DateTime::parse_from_rfc3339(&a.received)
        .map_err(|e| {
            CliError::Input(format!(
                "--received {:?} is not an RFC 3339 time like 2026-11-23T16:00:00-08:00: {e}",
                a.received
            ))
        })?
        .with_timezone(&Utc);
    let clamped = p.clamp(tier, &asked.id);
    let d = deadline::compute(&p, &tier.id, &clamped.assigned, metric, received)
        .map_err(|e| CliError::Input(e.to_string()))?;
    let zone = d.zone;
    if a.json {
        return Ok(to_json(&json!({
            "policy": p.id,
            "tier": tier.id,
            "severity_asked": clamped.asked,
            "severity": clamped.assigned,
            "clamped": clamped.reason,
            "metric": metric.as_str(),
            "received": received.with_timezone(&zone).to_rfc3339(),
            "clock_start": d.clock_start_local_rfc3339(),
            "due": d.due_local_rfc3339(),
            "target": d.target_words,
            "zone": zone.name(),
        })));
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {} / {} ({}): {}",
        p.id,
        tier.label,
        p.severity(&clamped.assigned)
            .map(|s| s.label.as_str())
            .unwrap_or(clamped.assigned.as_str()),
        metric,
        d.target_words
    );
    if let Some(reason) = &clamped.reason {
        let _ = writeln!(out, "Note: {reason}");
    }
    let _ = writeln!(
        out,
        "Received:    {}",
        deadline::format_local(received, zone)
    );
    match (d.clock_start, d.due) {
        (Some(start), Some(due)) => {
            let _ = writeln!(out, "Clock start: {}", deadline::format_local(start, zone));
            let _ = write!(out, "Due:         {}", deadline::format_local(due, zone));
        }
        _ => {
            let _ = write!(out, "Due:         none — {}", d.target_words);
        }
    }
    Ok(out)
}

pub fn run_holidays(a: HolidaysArgs) -> Result<String, CliError> {
    let p = load(&a.policy)?;
    if !(1..=9999).contains(&a.year) {
        return Err(CliError::Input(format!(
            "--year {} is out of range (1 to 9999)",
            a.year
        )));
    }
    let cal = match &a.calendar {
        None => p.support_calendar(),
        Some(name) => slamail_core::ids::CalendarId::parse(name)
            .ok()
            .and_then(|id| p.calendar(&id))
            .ok_or_else(|| CliError::Input(format!("policy {} has no calendar {name:?}", p.id)))?,
    };
    let dates = cal.closed_dates(a.year);
    if a.json {
        let list: Vec<String> = dates
            .iter()
            .map(|d| d.date.format("%Y-%m-%d").to_string())
            .collect();
        return Ok(to_json(&json!(list)));
    }
    if dates.is_empty() {
        return Ok(format!("{}: no closed dates in {}", p.id, a.year));
    }
    Ok(dates
        .iter()
        .map(|d| {
            format!(
                "{} {}  {}",
                d.date.format("%Y-%m-%d"),
                d.date.weekday(),
                d.name
            )
        })
        .collect::<Vec<_>>()
        .join("\n"))
}

pub fn run_security(a: SecurityArgs) -> Result<String, CliError> {
    let p = load(&a.policy)?;
    let disclosed = NaiveDate::parse_from_str(&a.disclosed, "%Y-%m-%d").map_err(|_| {
        CliError::Input(format!(
            "--disclosed {:?} is not a date like 2026-11-30",
            a.disclosed
        ))
    })?;
    if !(0.0..=10.0).contains(&a.cvss) {
        return Err(CliError::Input(format!(
            "--cvss {} must be between 0.0 and 10.0",
            a.cvss
        )));
    }
    let s = deadline::security_deadline(&p, a.cvss, disclosed).ok_or_else(|| {
        CliError::Input(format!(
            "policy {} has no security band for CVSS {:.1}",
            p.id, a.cvss
        ))
    })?;
    let scope = &p.security_scope;
    if a.json {
        let mut v = json!({
            "policy": p.id, "cvss": a.cvss, "band": s.band, "disclosed": s.disclosed,
            "guideline": scope.guideline,
            "disclosure_definition": scope.disclosure,
            "scope": { "products": scope.products, "keywords": scope.keywords },
        });
        // A guideline has a target window, never a breach.
        if scope.guideline {
            v["target_earliest"] = json!(s.warn.or(s.breach));
            v["target_latest"] = json!(s.breach);
        } else {
            v["warn"] = json!(s.warn);
            v["breach"] = json!(s.breach);
        }
        return Ok(to_json(&v));
    }
    let d = |v: Option<NaiveDate>| v.map_or("no target".to_string(), |d| d.to_string());
    let mut out = if scope.guideline {
        let target = match (s.warn, s.breach) {
            (_, None) => "no target resolution time".to_string(),
            (Some(w), Some(b)) if w < b => format!("target time to resolve {w} to {b}"),
            (_, Some(b)) => format!("target time to resolve {b}"),
        };
        format!(
            "{} CVSS {:.1}: {} band; disclosed {}; {} (a guideline, not a commitment)",
            p.id, a.cvss, s.band_label, s.disclosed, target
        )
    } else {
        format!(
            "{} CVSS {:.1}: {} band; disclosed {}; fix expected by {}; breached after {}",
            p.id,
            a.cvss,
            s.band_label,
            s.disclosed,
            d(s.warn),
            d(s.breach)
        )
    };
    if !scope.products.is_empty() {
        let _ = write!(out, "\napplies to: {}", scope.products.join(", "));
    }
    if let Some(def) = &scope.disclosure {
        let _ = write!(out, "\ndisclosure date: {def}");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 11, point 12: every column of `slamail policy show` is separated from the next,
    /// however long its cells ("…response time2 business days" ran together).
    #[test]
    fn target_table_columns_never_touch() {
        for id in policy::builtin_ids() {
            let p = policy::builtin(id).unwrap();
            let table = target_table(&p);
            assert!(!table.contains("time2"), "{id}:\n{table}");
            let header = table.lines().next().unwrap();
            let starts: Vec<usize> = p
                .tiers
                .iter()
                .map(|t| header.find(t.id.as_str()).unwrap())
                .collect();
            for line in table.lines().skip(1) {
                for &start in starts.iter().skip(1) {
                    let before = &line[..start.min(line.len())];
                    assert!(
                        before.ends_with("  ") || line.len() <= start,
                        "{id}: {line:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn guideline_bands_are_never_breached() {
        let p = policy::builtin("activestate").unwrap();
        let high = p.security_band(7.5).unwrap();
        assert_eq!(band_words(high, true), "target 3-6 months (guideline)");
        let shown = policy_text(&p);
        assert!(!shown.contains("breach"), "{shown}");
        assert!(shown.contains("Mitre Corporation"), "{shown}");
        let out = run_security(SecurityArgs {
            policy: "activestate".into(),
            cvss: 7.5,
            disclosed: "2026-11-30".into(),
            json: false,
        })
        .unwrap();
        assert!(!out.contains("breach"), "{out}");
        assert!(
            out.contains("target time to resolve 2027-02-28 to 2027-05-30"),
            "{out}"
        );
        assert!(out.contains("\"Date of Public Disclosure\" means the date the Mitre Corporation completes the vulnerability analysis"), "{out}");
    }
}
