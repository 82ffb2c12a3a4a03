//! Mail arriving at the fake intake as SES delivers it: the raw message put where the receipt
//! rule's S3 action writes it, then the SES event for it handled. What every fast test does
//! before it looks at the outcome.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use slamail_core::case::RawLocation;
use slamail_core::policy::PolicySet;

use super::FakeIntake;
use crate::{IntakeConfig, IntakeError, Processed};

/// The resources of every fake intake: SES writes message `id` to `raw` at `inbound/<id>`.
pub fn test_config() -> IntakeConfig {
    IntakeConfig::new("raw", "inbound/", "cases", "directory")
}

/// An instant a test writes in RFC 3339. Panics on a malformed one: that is the test's own typo,
/// never input.
pub fn instant(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap_or_else(|e| panic!("{text:?} is not an RFC 3339 instant: {e}"))
        .with_timezone(&Utc)
}

/// What SES's receipt event says about a message: by default every verdict PASS and no
/// timestamp (the intake then takes its clock's time as the arrival).
#[derive(Debug, Clone, Copy)]
pub struct SesEvent<'a> {
    pub id: &'a str,
    pub recipients: &'a [&'a str],
    pub dmarc: &'a str,
    pub at: Option<&'a str>,
}

impl<'a> SesEvent<'a> {
    pub fn new(id: &'a str, recipients: &'a [&'a str]) -> Self {
        Self {
            id,
            recipients,
            dmarc: "PASS",
            at: None,
        }
    }

    /// The DMARC verdict's status (`PASS`, `FAIL`, `GRAY` …).
    pub fn dmarc(self, status: &'a str) -> Self {
        Self {
            dmarc: status,
            ..self
        }
    }

    /// The receipt's and the mail's timestamp (RFC 3339).
    pub fn at(self, timestamp: &'a str) -> Self {
        Self {
            at: Some(timestamp),
            ..self
        }
    }

    /// The Lambda event SES sends for it.
    pub fn to_json(&self) -> Value {
        let pass = json!({"status": "PASS"});
        let mut mail = json!({"messageId": self.id});
        let mut receipt = json!({"recipients": self.recipients,
            "spamVerdict": pass, "virusVerdict": pass, "spfVerdict": pass,
            "dkimVerdict": pass, "dmarcVerdict": {"status": self.dmarc}});
        if let Some(at) = self.at {
            mail["timestamp"] = json!(at);
            receipt["timestamp"] = json!(at);
        }
        json!({"Records": [{"eventSource": "aws:ses", "ses": {"mail": mail, "receipt": receipt}}]})
    }
}

impl FakeIntake {
    /// An intake over fakes with the test resources, its clock at `now` (RFC 3339).
    pub fn at(policies: PolicySet, now: &str) -> Self {
        Self::fake(test_config(), policies, instant(now))
    }

    /// The same intake with a reply queue for throttled replies (as deployed).
    pub fn with_queue(self) -> Self {
        Self {
            reply_queue: Some(Default::default()),
            ..self
        }
    }

    /// Puts `bytes` where the receipt rule's S3 action writes message `id` for this intake.
    pub fn put_raw(&self, id: &str, bytes: impl Into<Vec<u8>>) {
        let location = RawLocation {
            bucket: self.config.raw_bucket.clone(),
            key: format!("{}{id}", self.config.raw_prefix),
        };
        self.raw.put(&location, bytes.into());
    }

    /// Delivers message `id` to `recipients` as SES would, every verdict PASS, arriving now.
    pub async fn deliver(
        &self,
        id: &str,
        bytes: impl Into<Vec<u8>>,
        recipients: &[&str],
    ) -> Result<Vec<Processed>, IntakeError> {
        self.deliver_as(bytes, SesEvent::new(id, recipients)).await
    }

    /// Delivers a message as SES would, with the event's details as given.
    pub async fn deliver_as(
        &self,
        bytes: impl Into<Vec<u8>>,
        event: SesEvent<'_>,
    ) -> Result<Vec<Processed>, IntakeError> {
        self.put_raw(event.id, bytes);
        self.handle_event(&event.to_json()).await
    }
}
