//! Reclassifying a case: the new severity's target, recomputed from the cycle's original start,
//! recorded in the deadline history, and told to the requester.

use chrono::{DateTime, SecondsFormat, Utc};
use slamail_core::case::{CaseRecord, DeadlineEntry, MessageKind};
use slamail_core::clock::{self, ClockEvent, ClockView, Happening};
use slamail_core::deadline::format_local;
use slamail_core::ids::{CaseId, EmailAddress, SeverityId};
use slamail_core::intake::ports::ReplySender;
use slamail_core::policy::Policy;
use slamail_core::reply::agent::reclassification_notice;

use super::mail::Outgoing;
use super::record::Extra;
use super::{Desk, DeskError, Done, stamp};

impl<S: ReplySender + Sync> Desk<S> {
    /// Changes the case's priority (with a reason), recomputing the running target from the
    /// cycle's original start, and tells the requester the new target and why.
    pub async fn priority(
        &self,
        agent: &EmailAddress,
        case_id: &CaseId,
        severity: &str,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<Done, DeskError> {
        let (policy, _) = self.load(agent, case_id).await?;
        let to = policy
            .find_severity(severity)
            .map(|s| s.id.clone())
            .or_else(|| SeverityId::parse(severity).ok())
            .ok_or_else(|| DeskError::Invalid(format!("{severity:?} is not a severity")))?;
        let happening = Happening::Reclassify {
            to,
            reason: reason.to_string(),
        };
        let extra = Extra {
            reclassified: true,
            ..Extra::default()
        };
        let mut done = self
            .record(agent, case_id, now, Some(&happening), extra)
            .await?;
        done.notice = Some(self.notify(agent, case_id, &done, now).await);
        Ok(done)
    }

    /// Tells the requester about a reclassification; the outcome in words.
    async fn notify(
        &self,
        agent: &EmailAddress,
        case_id: &CaseId,
        done: &Done,
        now: DateTime<Utc>,
    ) -> String {
        let Some(ClockEvent::Reclassify {
            from, to, reason, ..
        }) = done
            .entries
            .iter()
            .map(|e| &e.event)
            .find(|e| matches!(e, ClockEvent::Reclassify { .. }))
        else {
            return "no reclassification to tell".into();
        };
        let result = async {
            let (policy, conv) = self.load(agent, case_id).await?;
            let label = |s: &SeverityId| {
                policy
                    .severity(s)
                    .map_or_else(|| s.to_string(), |x| x.label.clone())
            };
            let view = clock::evaluate(&conv.ledger, policy).ok();
            let due = view.as_ref().and_then(|v| {
                let c = v.running()?;
                let d = c.due?;
                Some((
                    c.target.words(),
                    format_local(d, policy.support_calendar().zone()),
                ))
            });
            let text = reclassification_notice(
                policy,
                case_id,
                &label(from),
                &label(to),
                reason,
                due.as_ref().map(|(w, d)| (w.as_str(), d.as_str())),
            );
            let sent = Outgoing::new(&text, MessageKind::Notice);
            let extra = self.send(policy, &conv, agent, sent, now).await?;
            self.record(agent, case_id, now, None, extra).await
        }
        .await;
        match result {
            Ok(_) => "the requester was told the new priority, target and reason".into(),
            Err(e) => format!("the requester was NOT told: {e}"),
        }
    }
}

/// The deadline history entry a reclassification adds.
pub(super) fn reclassified_deadline(
    policy: &Policy,
    case: &CaseRecord,
    after: &ClockView,
    reason: &str,
    now: DateTime<Utc>,
) -> Option<DeadlineEntry> {
    let c = after.running()?;
    let zone = policy.support_calendar().zone();
    let local = |t: DateTime<Utc>| {
        t.with_timezone(&zone)
            .to_rfc3339_opts(SecondsFormat::Secs, false)
    };
    Some(DeadlineEntry {
        at: stamp(now),
        tier: case.tier.clone(),
        severity: after.severity.to_string(),
        metric: c.metric.as_str().to_string(),
        target: c.target.words(),
        clock_start: Some(local(c.origin)),
        due: c.due.map(local),
        reason: format!("reclassified: {reason}"),
    })
}
