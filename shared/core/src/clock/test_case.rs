//! A test case's clock: its ledger grown one happening at a time as the intake and the agents
//! would, read as the live view. Shared by the clock's and the watch's tests.

use chrono::{DateTime, Utc};

use super::{
    ClockEvent, ClockView, Happening, LedgerEntry, TransitionError, append, evaluate, opening,
    transition,
};
use crate::ids::{SeverityId, TierId};
use crate::policy::{Policy, builtin};

/// An RFC 3339 instant of a test.
pub(crate) fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("instant")
        .with_timezone(&Utc)
}

/// A case's ledger, grown one happening at a time as the intake and the agents would.
pub(crate) struct Case {
    pub(crate) policy: Policy,
    pub(crate) ledger: Vec<LedgerEntry>,
}

impl Case {
    /// A case under a built-in policy, received at `received`.
    pub(crate) fn open(policy: &str, tier: &str, severity: &str, received: &str) -> Self {
        Self::open_with(builtin(policy).expect("policy"), tier, severity, received)
    }

    pub(crate) fn open_with(policy: Policy, tier: &str, severity: &str, received: &str) -> Self {
        let start = opening(
            &policy,
            &TierId::parse(tier).unwrap(),
            &SeverityId::parse(severity).unwrap(),
        );
        let ledger = append(&[], vec![start], at(received), "intake", &policy.version);
        Self { policy, ledger }
    }

    pub(crate) fn view(&self) -> ClockView {
        evaluate(&self.ledger, &self.policy).expect("ledger reads")
    }

    pub(crate) fn try_on(
        &mut self,
        h: Happening,
        when: &str,
    ) -> Result<Vec<ClockEvent>, TransitionError> {
        let events = transition(&self.policy, &self.view(), &h, at(when))?;
        let new = append(
            &self.ledger,
            events.clone(),
            at(when),
            "test",
            &self.policy.version,
        );
        self.ledger.extend(new);
        Ok(events)
    }

    pub(crate) fn on(&mut self, h: Happening, when: &str) -> Vec<ClockEvent> {
        self.try_on(h, when).expect("transition")
    }

    pub(crate) fn due(&self) -> Option<DateTime<Utc>> {
        self.view().next_due().map(|(_, d)| d)
    }
}
