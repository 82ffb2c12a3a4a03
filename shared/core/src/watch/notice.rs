//! A warning as staff receive it, and who receives it.
//!
//! A warning carries only what slamail itself decided about the case (id, policy, queue, tier,
//! severity, organisation id, the point and the due instant). Nothing taken from the customer's
//! mail (subject, body, addresses) is in it: an SNS topic may feed a third-party pager or chat
//! service, and an email field must never reach a third party. Targets come only from the
//! policy file: the watch never writes to a customer.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use super::schedule::ScheduledPoint;
use crate::deadline::format_local;
use crate::ids::{CaseId, SeverityId, TierId};
use crate::policy::{Audience, Metric, NotifyTargets, Policy};

/// Who a point is for, as the policy's routing rules and audiences say.
pub fn targets_for(
    policy: &Policy,
    tier: &TierId,
    severity: &SeverityId,
    audience: &Audience,
) -> NotifyTargets {
    let rule = policy.route_rule(tier, severity);
    match audience {
        Audience::Queue => rule.map(|r| r.notify.clone()).unwrap_or_default(),
        Audience::Lead => rule
            .map(|r| r.lead.clone().unwrap_or_else(|| r.notify.clone()))
            .unwrap_or_default(),
        Audience::Named(name) => policy
            .warnings
            .audiences
            .get(name)
            .cloned()
            .unwrap_or_default(),
    }
}

/// One warning to send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub case_id: CaseId,
    pub policy: String,
    pub queue: String,
    pub tier: String,
    pub severity: String,
    pub organisation: Option<String>,
    pub metric: Metric,
    /// `50%`, `breach`, `breach + 1 business hour`.
    pub point: String,
    pub audience: String,
    /// The record key: `<cycle>#<point>`.
    pub key: String,
    pub at: DateTime<Utc>,
    pub send_at: DateTime<Utc>,
    pub due: DateTime<Utc>,
    #[serde(skip)]
    pub zone: Tz,
    pub targets: NotifyTargets,
}

/// What a case is, for its warnings.
pub struct CaseFacts<'a> {
    pub case_id: &'a CaseId,
    pub queue: &'a str,
    pub organisation: Option<&'a str>,
}

impl Warning {
    pub fn new(
        policy: &Policy,
        view: &crate::clock::ClockView,
        case: &CaseFacts<'_>,
        p: &ScheduledPoint,
    ) -> Self {
        Self {
            case_id: case.case_id.clone(),
            policy: policy.id.to_string(),
            queue: case.queue.to_string(),
            tier: view.tier.to_string(),
            severity: view.severity.to_string(),
            organisation: case.organisation.map(str::to_string),
            metric: p.metric,
            point: p.point.label.clone(),
            audience: p.point.audience.to_string(),
            key: p.key(),
            at: p.at,
            send_at: p.send_at,
            due: p.due,
            zone: policy.support_calendar().zone(),
            targets: targets_for(policy, &view.tier, &view.severity, &p.point.audience),
        }
    }

    /// What happened, in a few words: "80% of the first response time used".
    pub fn headline(&self) -> String {
        if self.point == "breach" {
            format!("{} due now (breach)", self.metric.words())
        } else if let Some(after) = self.point.strip_prefix("breach + ") {
            format!("{} overdue by {after} (escalation)", self.metric.words())
        } else {
            format!("{} of the {} time used", self.point, self.metric.words())
        }
    }

    /// The mail subject (and the SNS subject: ASCII, one line, under 100 characters).
    pub fn subject(&self) -> String {
        let s = format!("[{}] {}: {}", self.queue, self.case_id, self.headline());
        s.chars()
            .map(|c| {
                if c.is_ascii() && !c.is_ascii_control() {
                    c
                } else {
                    ' '
                }
            })
            .take(99)
            .collect()
    }

    /// The plain-text body.
    pub fn body(&self) -> String {
        let org = self.organisation.as_deref().unwrap_or("(none)");
        format!(
            "Case {case} ({policy}): {headline}.\n\n\
             Queue:        {queue}\n\
             Tier:         {tier}\n\
             Severity:     {severity}\n\
             Organisation: {org}\n\
             Response due: {due}\n\
             Point:        {point}, at {at}\n\n\
             Open the case with: slamail case show {case}\n\n\
             This warning goes to staff only ({audience} of queue {queue}); slamail never sends \
             warnings to customers.\n",
            case = self.case_id,
            policy = self.policy,
            headline = self.headline(),
            queue = self.queue,
            tier = self.tier,
            severity = self.severity,
            due = format_local(self.due, self.zone),
            point = self.point,
            at = format_local(self.at, self.zone),
            audience = self.audience,
        )
    }

    /// The SNS message: JSON, for pager and chat integrations (field names are stable).
    pub fn sns_message(&self) -> String {
        serde_json::json!({
            "kind": "slamail-sla-warning",
            "case_id": self.case_id,
            "policy": self.policy,
            "queue": self.queue,
            "tier": self.tier,
            "severity": self.severity,
            "organisation": self.organisation,
            "metric": self.metric,
            "point": self.point,
            "headline": self.headline(),
            "point_at": self.at.to_rfc3339(),
            "due": self.due.to_rfc3339(),
        })
        .to_string()
    }

    /// One line for `slamail watch`.
    pub fn line(&self) -> String {
        let mut to: Vec<String> = self.targets.email.iter().map(|e| e.to_string()).collect();
        to.extend(self.targets.sns.iter().map(|s| format!("sns:{s}")));
        let to = if to.is_empty() {
            "(no targets configured)".to_string()
        } else {
            to.join(", ")
        };
        let held = if self.send_at != self.at {
            format!(
                " (held from {} until opening)",
                format_local(self.at, self.zone)
            )
        } else {
            String::new()
        };
        format!(
            "{case}  {sev:<9} {headline}{held}; due {due} -> {to}",
            case = self.case_id,
            sev = self.severity,
            headline = self.headline(),
            due = format_local(self.due, self.zone),
        )
    }
}
