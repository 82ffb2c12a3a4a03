//! `slamail policy show`: a policy as a person reads it, and as JSON.

use std::fmt::Write as _;

use serde_json::json;
use slamail_core::policy::Policy;
use slamail_core::reply::support_hours;

pub(super) fn policy_json(p: &Policy) -> serde_json::Value {
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

pub(super) fn policy_text(p: &Policy) -> String {
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
pub(super) fn target_table(p: &Policy) -> String {
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
pub(super) fn band_words(b: &slamail_core::policy::SecurityBand, guideline: bool) -> String {
    let m = |v: u32| format!("{v} month{}", if v == 1 { "" } else { "s" });
    match (b.warn_months, b.breach_months, guideline) {
        (_, None, _) => "no target resolution time".to_string(),
        (Some(w), Some(br), true) if w < br => format!("target {w}-{br} months (guideline)"),
        (_, Some(br), true) => format!("target {} (guideline)", m(br)),
        (Some(w), Some(br), false) => format!("warn {}, breach {}", m(w), m(br)),
        (None, Some(br), false) => format!("breach {}", m(br)),
    }
}
