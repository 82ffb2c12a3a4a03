//! `slamail security`: the vendor's remediation times for a vulnerability.

use std::fmt::Write as _;

use chrono::NaiveDate;
use clap::Args;
use serde_json::json;
use slamail_core::deadline;

use crate::CliError;

use super::*;

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
