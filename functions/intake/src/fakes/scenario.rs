//! `samplemail/scenarios.toml`: each sample message and what its case must record. The fast
//! tests (over the fakes) and the moto tests check every scenario the same way; the file's
//! format is parsed by the caller (`toml` is a test dependency, not the Lambda's).

use serde::Deserialize;
use slamail_core::case::CaseRecord;

/// The whole file: `[[scenario]]` tables.
#[derive(Debug, Deserialize)]
pub struct Scenarios {
    pub scenario: Vec<Scenario>,
}

/// One sample message, its SES event, and the case it must make.
#[derive(Debug, Deserialize)]
pub struct Scenario {
    pub name: String,
    pub eml: String,
    pub event: String,
    pub tier: String,
    pub tier_reason: String,
    pub severity_asked: Option<String>,
    pub severity: String,
    pub clamped: bool,
    pub deadline: Option<String>,
    #[serde(default)]
    pub no_clock: Option<String>,
    pub queue: String,
    /// `sent`, or the code of the reason the reply was suppressed, or `bounce` (the message
    /// joins an earlier case instead of opening one).
    pub reply: String,
    /// The support address the message was sent to (the reply comes from it).
    pub address: String,
    pub policy: String,
}

impl Scenario {
    /// Every field of the stored case that differs from the scenario, one line each naming the
    /// scenario, the field, what was stored and what was expected.
    pub fn case_mismatches(&self, stored: &CaseRecord) -> Vec<String> {
        let none = |v: Option<&str>| v.unwrap_or("none").to_string();
        let mut checks = vec![
            ("tier", stored.tier.to_string(), self.tier.clone()),
            (
                "tier reason",
                stored.tier_reason.to_string(),
                self.tier_reason.clone(),
            ),
            (
                "severity",
                stored.severity.to_string(),
                self.severity.clone(),
            ),
            (
                "clamped",
                stored.severity_clamped.is_some().to_string(),
                self.clamped.to_string(),
            ),
            (
                "deadline",
                none(stored.due.as_deref()),
                none(self.deadline.as_deref()),
            ),
            ("queue", stored.queue.to_string(), self.queue.clone()),
            (
                "no SLA clock",
                none(stored.no_clock.as_deref()),
                none(self.no_clock.as_deref()),
            ),
        ];
        if let Some(asked) = &self.severity_asked {
            checks.push((
                "severity asked",
                stored.severity_asked.to_string(),
                asked.clone(),
            ));
        }
        checks
            .into_iter()
            .filter(|(_, got, want)| got != want)
            .map(|(what, got, want)| format!("{}: {what} is {got:?}, expected {want:?}", self.name))
            .collect()
    }
}
