//! The events the intake accepts (SES receipt, S3 object-created, and SQS redrives of either from
//! the dead-letter queue), deserialised defensively.
//!
//! `aws_lambda_events`' SES types require `commonHeaders.to`, which Bcc-only mail lacks, so these
//! are our own structs where every field has a default: a field SES omits must never turn a real
//! message into a failed invocation.

use serde::Deserialize;
use slamail_core::triage::{Verdict, Verdicts};

/// One message to process, whichever event announced it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// The SES message id: the idempotency key.
    pub ses_message_id: String,
    pub bucket: String,
    pub key: String,
    /// Envelope recipients (`receipt.recipients`), Bcc included; empty on the S3 path, where the
    /// stored message's headers must be used instead.
    pub recipients: Vec<String>,
    /// Verdicts from the SES event; `None` on the S3 path (read from `X-SES-*` headers).
    pub verdicts: Option<Verdicts>,
    /// When SES received the message, if the event says.
    pub received: Option<chrono::DateTime<chrono::Utc>>,
}

/// What an event asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    Jobs(Vec<Job>),
    /// Nothing to do, with the reason (e.g. SES's setup notification object).
    Ignored(String),
}

#[derive(Debug, thiserror::Error)]
pub enum EventError {
    #[error(
        "the event is not an SES receipt event, an S3 object-created event or a dead-letter redrive of one: {0}"
    )]
    Unrecognised(String),
    #[error("the event is malformed: {0}")]
    Malformed(String),
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Envelope {
    #[serde(rename = "Records")]
    records: Vec<serde_json::Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SesRecord {
    ses: SesBody,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SesBody {
    mail: SesMail,
    receipt: SesReceipt,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct SesMail {
    message_id: String,
    timestamp: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct SesReceipt {
    recipients: Vec<String>,
    timestamp: Option<String>,
    spam_verdict: Status,
    virus_verdict: Status,
    spf_verdict: Status,
    dkim_verdict: Status,
    dmarc_verdict: Status,
    dmarc_policy: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Status {
    status: Option<String>,
}

impl Status {
    fn verdict(&self) -> Verdict {
        self.status
            .as_deref()
            .map(Verdict::parse)
            .unwrap_or_default()
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct S3Record {
    #[serde(rename = "eventName")]
    event_name: String,
    #[serde(rename = "eventTime")]
    event_time: Option<String>,
    s3: S3Body,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct S3Body {
    bucket: S3Bucket,
    object: S3Object,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct S3Bucket {
    name: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct S3Object {
    key: String,
}

/// The object SES writes when a receipt rule with an S3 action is created.
pub const SES_SETUP_NOTIFICATION: &str = "AMAZON_SES_SETUP_NOTIFICATION";

fn timestamp(text: Option<&str>) -> Option<chrono::DateTime<chrono::Utc>> {
    text.and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&chrono::Utc))
}

/// S3 event keys are URL-encoded with `+` for spaces.
pub fn decode_s3_key(key: &str) -> String {
    let plus = key.replace('+', " ");
    percent_encoding::percent_decode_str(&plus)
        .decode_utf8_lossy()
        .into_owned()
}

/// The original event inside an SQS record of the intake's dead-letter queue: the body is the
/// record Lambda's on-failure destination writes (the event is its `requestPayload`), or the
/// event itself. A redrive is that queue's messages delivered back to the intake.
fn redriven_event(record: &serde_json::Value) -> Result<serde_json::Value, EventError> {
    let body = record
        .get("body")
        .and_then(|b| b.as_str())
        .ok_or_else(|| EventError::Malformed("SQS record without a body".to_string()))?;
    let body: serde_json::Value = serde_json::from_str(body)
        .map_err(|e| EventError::Malformed(format!("SQS record body is not JSON: {e}")))?;
    let event = match body.get("requestPayload") {
        Some(payload) => payload.clone(),
        None => body,
    };
    // One level only: a queue message holding another queue's record is not ours.
    let nested = event
        .get("Records")
        .and_then(|r| r.as_array())
        .is_some_and(|rs| {
            rs.iter()
                .any(|r| r.get("eventSource").and_then(|v| v.as_str()) == Some("aws:sqs"))
        });
    if nested {
        return Err(EventError::Unrecognised(
            "an SQS record holds another SQS event".to_string(),
        ));
    }
    Ok(event)
}

/// Turns an event into jobs. `bucket` and `prefix` say where the SES S3 action stores messages
/// (the SES Lambda-action event carries neither).
pub fn parse_event(
    event: &serde_json::Value,
    bucket: &str,
    prefix: &str,
) -> Result<Parsed, EventError> {
    let envelope: Envelope =
        serde_json::from_value(event.clone()).map_err(|e| EventError::Malformed(e.to_string()))?;
    if envelope.records.is_empty() {
        return Err(EventError::Unrecognised("it has no Records".to_string()));
    }
    let mut jobs = Vec::new();
    let mut ignored = Vec::new();
    for record in &envelope.records {
        let source = record
            .get("eventSource")
            .or_else(|| record.get("EventSource"))
            .and_then(|v| v.as_str())
            .unwrap_or_default();
        match source {
            "aws:ses" => {
                let r: SesRecord = serde_json::from_value(record.clone())
                    .map_err(|e| EventError::Malformed(format!("SES record: {e}")))?;
                let id = r.ses.mail.message_id.trim().to_string();
                if id.is_empty() || id.contains('/') || id.len() > 256 {
                    return Err(EventError::Malformed(format!(
                        "SES record has an unusable mail.messageId {id:?}"
                    )));
                }
                let receipt = &r.ses.receipt;
                jobs.push(Job {
                    key: format!("{prefix}{id}"),
                    ses_message_id: id,
                    bucket: bucket.to_string(),
                    recipients: receipt.recipients.clone(),
                    verdicts: Some(Verdicts {
                        spam: receipt.spam_verdict.verdict(),
                        virus: receipt.virus_verdict.verdict(),
                        spf: receipt.spf_verdict.verdict(),
                        dkim: receipt.dkim_verdict.verdict(),
                        dmarc: receipt.dmarc_verdict.verdict(),
                        dmarc_policy: receipt.dmarc_policy.clone(),
                    }),
                    received: timestamp(receipt.timestamp.as_deref())
                        .or_else(|| timestamp(r.ses.mail.timestamp.as_deref())),
                });
            }
            "aws:s3" => {
                let r: S3Record = serde_json::from_value(record.clone())
                    .map_err(|e| EventError::Malformed(format!("S3 record: {e}")))?;
                if !r.event_name.starts_with("ObjectCreated") {
                    ignored.push(format!("S3 event {}", r.event_name));
                    continue;
                }
                let key = decode_s3_key(&r.s3.object.key);
                let name = key.rsplit('/').next().unwrap_or(&key).to_string();
                if name == SES_SETUP_NOTIFICATION {
                    ignored.push(format!("{key} is SES's setup notification"));
                    continue;
                }
                if name.is_empty() || r.s3.bucket.name.is_empty() {
                    return Err(EventError::Malformed(format!(
                        "S3 record without bucket or key ({:?}, {key:?})",
                        r.s3.bucket.name
                    )));
                }
                jobs.push(Job {
                    // The SES S3 action names objects by the SES message id.
                    ses_message_id: name,
                    bucket: r.s3.bucket.name.clone(),
                    key,
                    recipients: Vec::new(),
                    verdicts: None,
                    // SES stores the object as it receives the message: the closest to a
                    // receipt time this path has.
                    received: timestamp(r.event_time.as_deref()),
                });
            }
            "aws:sqs" => {
                let inner = redriven_event(record)?;
                match parse_event(&inner, bucket, prefix)? {
                    Parsed::Jobs(more) => jobs.extend(more),
                    Parsed::Ignored(why) => ignored.push(why),
                }
            }
            other => {
                return Err(EventError::Unrecognised(format!(
                    "a record has eventSource {other:?}"
                )));
            }
        }
    }
    if jobs.is_empty() {
        Ok(Parsed::Ignored(ignored.join("; ")))
    } else {
        Ok(Parsed::Jobs(jobs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn corpus(name: &str) -> serde_json::Value {
        let path = format!(
            "{}/../../tests/fixtures/corpus/events/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        serde_json::from_str(&text).unwrap()
    }

    #[test]
    fn ses_lambda_events_from_the_corpus() {
        for name in [
            "aws-lambda-go__ses-lambda-event.json",
            "aws-lambda-rust-runtime__example-ses-lambda-event.json",
        ] {
            let Parsed::Jobs(jobs) = parse_event(&corpus(name), "raw", "inbound/").unwrap() else {
                panic!("{name}: no jobs");
            };
            assert_eq!(jobs.len(), 1);
            let j = &jobs[0];
            assert_eq!(j.key, format!("inbound/{}", j.ses_message_id));
            assert_eq!(j.bucket, "raw");
            assert!(!j.recipients.is_empty());
            assert!(j.verdicts.as_ref().unwrap().spam.is_pass());
        }
    }

    #[test]
    fn s3_events_decode_keys() {
        let Parsed::Jobs(jobs) =
            parse_event(&corpus("aws-lambda-go__s3-event.json"), "x", "y/").unwrap()
        else {
            panic!("no jobs");
        };
        assert_eq!(jobs[0].key, "Happy Face.jpg");
        assert!(jobs[0].received.is_some(), "eventTime is the receipt time");
        assert_eq!(jobs[0].bucket, "sourcebucket");
        assert!(jobs[0].verdicts.is_none());
        assert_eq!(decode_s3_key("inbound/a+b%2Bc"), "inbound/a b+c");
    }

    #[test]
    fn setup_notification_is_ignored() {
        let ev = json!({"Records": [{"eventSource": "aws:s3", "eventName": "ObjectCreated:Put",
            "s3": {"bucket": {"name": "b"}, "object": {"key": "inbound/AMAZON_SES_SETUP_NOTIFICATION"}}}]});
        assert!(matches!(
            parse_event(&ev, "b", "inbound/").unwrap(),
            Parsed::Ignored(_)
        ));
    }

    #[test]
    fn bcc_only_and_unknown_verdicts() {
        // No commonHeaders.to at all, an unknown verdict value, no dmarcVerdict.
        let ev = json!({"Records": [{"eventSource": "aws:ses", "ses": {
            "mail": {"messageId": "abc123", "commonHeaders": {"from": ["a@b.c"]}},
            "receipt": {"recipients": ["support@activestate.com"],
                        "spamVerdict": {"status": "PASS"}, "virusVerdict": {"status": "MAYBE"}}}}]});
        let Parsed::Jobs(jobs) = parse_event(&ev, "b", "p/").unwrap() else {
            panic!()
        };
        let v = jobs[0].verdicts.as_ref().unwrap();
        assert!(!v.virus.is_pass());
        assert!(!v.dmarc.is_pass());
        assert_eq!(jobs[0].recipients, vec!["support@activestate.com"]);
    }

    #[test]
    fn dead_letter_redrives_carry_the_original_event() {
        let original = json!({"Records": [{"eventSource": "aws:ses", "ses": {
            "mail": {"messageId": "m1"}, "receipt": {"recipients": ["support@scalr.com"]}}}]});
        let destination = json!({"version": "1.0", "requestContext": {"condition": "RetriesExhausted"},
            "requestPayload": original});
        for body in [destination, original.clone()] {
            let ev = json!({"Records": [{"eventSource": "aws:sqs", "body": body.to_string()}]});
            let Parsed::Jobs(jobs) = parse_event(&ev, "b", "p/").unwrap() else {
                panic!("no jobs")
            };
            assert_eq!(jobs[0].ses_message_id, "m1");
            assert_eq!(jobs[0].key, "p/m1");
        }
        let nested = json!({"Records": [{"eventSource": "aws:sqs", "body":
            json!({"Records": [{"eventSource": "aws:sqs", "body": "{}"}]}).to_string()}]});
        assert!(parse_event(&nested, "b", "p/").is_err());
        let bad = json!({"Records": [{"eventSource": "aws:sqs", "body": "not json"}]});
        assert!(parse_event(&bad, "b", "p/").is_err());
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(parse_event(&json!({}), "b", "p/").is_err());
        assert!(parse_event(&json!({"Records": [{"eventSource": "aws:sns"}]}), "b", "p/").is_err());
        assert!(parse_event(&json!({"Records": [{"eventSource": "aws:sqs"}]}), "b", "p/").is_err());
        assert!(parse_event(&json!({"Records": "nope"}), "b", "p/").is_err());
        let ev = json!({"Records": [{"eventSource": "aws:ses", "ses": {"mail": {"messageId": "../x"}}}]});
        assert!(parse_event(&ev, "b", "p/").is_err());
    }
}
