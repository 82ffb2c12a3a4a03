//! `slamail deadline`: when a message received at an instant is due, and why.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use clap::Args;
use serde_json::json;
use slamail_core::deadline;
use slamail_core::policy::Metric;

use crate::CliError;

use super::*;

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
