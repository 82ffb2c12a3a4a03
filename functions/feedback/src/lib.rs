//! The feedback consumer: SES publishes bounce and complaint events of the auto-replies (the reply
//! configuration set's event destination) to an SNS topic, which invokes this function. Each
//! event is recorded on the case whose reply it is about, once; a permanent bounce holds further
//! replies to the address, a complaint stops them for good ([`slamail_core::feedback::rules`]).
//!
//! Failures (the store, an unreadable notification) fail the invocation, so Lambda retries the
//! event and then hands it to the dead-letter queue; recording is idempotent per SES feedback id.

pub mod config;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use slamail_core::feedback::ports::{FeedbackRecord, FeedbackStore, Recorded};
use slamail_core::feedback::rules::{feedback_message, is_about_reply};
use slamail_core::feedback::{FeedbackAction, FeedbackError, action, parse_sending_event};
use slamail_core::ids::CaseId;
use slamail_core::intake::ports::{Clock, PortError};
use tracing::{Instrument, info, info_span, warn};

pub use config::FeedbackConfig;
pub use slamail_core::feedback::DEFAULT_UNDELIVERABLE_DAYS;

#[derive(Debug, thiserror::Error)]
pub enum FeedbackFailure {
    #[error("the event is not an SNS notification: {0}")]
    NotSns(String),
    #[error("SNS message {sns_message_id}: {source}")]
    Event {
        sns_message_id: String,
        #[source]
        source: FeedbackError,
    },
    #[error("feedback {feedback_id}: {source}")]
    Store {
        feedback_id: String,
        #[source]
        source: PortError,
    },
}

/// What became of one notification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum Handled {
    /// Recorded on its case (and the holds set).
    Recorded { case_id: CaseId, action: String },
    /// Recorded before: nothing changed.
    Duplicate { case_id: CaseId },
    /// About no auto-reply we know (another sender's mail, or a case since removed).
    NotOurs { reply_ses_message_id: String },
    /// Not a bounce or a complaint.
    Ignored { event_type: String },
}

#[derive(Deserialize)]
struct SnsEvent {
    #[serde(rename = "Records")]
    records: Vec<SnsRecord>,
}

#[derive(Deserialize)]
struct SnsRecord {
    #[serde(rename = "Sns")]
    sns: SnsMessage,
}

#[derive(Deserialize)]
struct SnsMessage {
    #[serde(rename = "MessageId", default)]
    message_id: String,
    #[serde(rename = "Message")]
    message: String,
}

/// The handler over its ports: the case store and a clock.
pub struct Feedback<S, K> {
    pub store: S,
    pub clock: K,
    pub undeliverable_days: u32,
}

impl<S: FeedbackStore + Sync, K: Clock> Feedback<S, K> {
    /// Handles one SNS event (one record per notification, in practice one).
    pub async fn handle_event(
        &self,
        event: &serde_json::Value,
    ) -> Result<Vec<Handled>, FeedbackFailure> {
        let event: SnsEvent = serde_json::from_value(event.clone())
            .map_err(|e| FeedbackFailure::NotSns(e.to_string()))?;
        let mut done = Vec::new();
        for record in event.records {
            let span = info_span!("feedback", sns_message_id = %record.sns.message_id);
            done.push(self.handle(&record.sns).instrument(span).await?);
        }
        Ok(done)
    }

    async fn handle(&self, sns: &SnsMessage) -> Result<Handled, FeedbackFailure> {
        let event = parse_sending_event(&sns.message).map_err(|source| FeedbackFailure::Event {
            sns_message_id: sns.message_id.clone(),
            source,
        })?;
        let store_err = |source| FeedbackFailure::Store {
            feedback_id: event.feedback_id.clone(),
            source,
        };
        if let slamail_core::feedback::FeedbackKind::Other(t) = &event.kind {
            info!(event_type = %t, "not a bounce or complaint: ignored");
            return Ok(Handled::Ignored {
                event_type: t.clone(),
            });
        }
        let case = self
            .store
            .case_of_reply(&event.reply_ses_message_id)
            .await
            .map_err(store_err)?;
        let Some(case) = case.filter(|c| is_about_reply(&event, &c.reply)) else {
            warn!(reply_ses_message_id = %event.reply_ses_message_id, "feedback about no known auto-reply");
            return Ok(Handled::NotOurs {
                reply_ses_message_id: event.reply_ses_message_id.clone(),
            });
        };
        let now: DateTime<Utc> = self.clock.now();
        let act = action(
            &event,
            case.requester.as_deref(),
            now,
            self.undeliverable_days,
        );
        let message = feedback_message(&event, now);
        let recorded = self
            .store
            .record_feedback(&FeedbackRecord {
                case_id: &case.case_id,
                feedback_id: &event.feedback_id,
                message: &message,
                action: &act,
                now,
            })
            .await
            .map_err(store_err)?;
        let case_id = case.case_id;
        Ok(match recorded {
            Recorded::Duplicate => {
                info!(%case_id, "feedback recorded before: skipped");
                Handled::Duplicate { case_id }
            }
            Recorded::Written => {
                let words = match &act {
                    FeedbackAction::HoldUntil(_, until) => format!("held until {until}"),
                    FeedbackAction::StopReplies(_) => "auto-replies stopped".to_string(),
                    FeedbackAction::Record | FeedbackAction::Ignore => "recorded".to_string(),
                };
                if !matches!(act, FeedbackAction::Record) {
                    warn!(%case_id, action = %words, "an auto-reply bounced or was complained about");
                } else {
                    info!(%case_id, "feedback recorded");
                }
                Handled::Recorded {
                    case_id,
                    action: words,
                }
            }
        })
    }
}
