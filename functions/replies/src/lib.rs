//! The paced reply sender: the reply queue (SQS) invokes it with batches of replies SES throttled
//! when the intake sent them. Each reply is taken (`queued → sending`, one sender only), sent,
//! and its outcome recorded on the case and the inbound message; a reply SES refuses for now goes
//! back to `queued` and its queue message is reported failed, so SQS offers it again after the
//! queue's visibility timeout (and, after many refusals, moves it to the reply dead-letter queue).
//!
//! Pacing: sends are spaced by `1 / rate` seconds within an invocation, and the event source
//! runs at most a few invocations at once (`MaximumConcurrency` in the template), so the sender
//! never asks SES for more than its quota; the first throttle ends the batch (the rest is
//! offered again later) instead of hammering SES.

pub mod config;

use std::time::Duration;

use chrono::TimeDelta;
use serde::{Deserialize, Serialize};
use slamail_core::case::ReplyOutcome;
use slamail_core::intake::ports::{Cases, Clock, Fence, PortError, ReplySender, SendError};
use slamail_core::intake::reply_queue::{QueuedReplies, QueuedReply, Take};
use slamail_core::intake::steps as rules;
use tracing::{Instrument, error, info, info_span, warn};

/// How long a taken reply is this sender's: longer than the function's timeout, so that only a
/// sender that died loses it.
pub const LEASE_SECS: i64 = 90;

pub use config::{DEFAULT_SEND_RATE, RepliesConfig};

#[derive(Debug, thiserror::Error)]
pub enum SenderFailure {
    #[error("the event is not an SQS event: {0}")]
    NotSqs(String),
}

/// SQS's partial batch response: the records to offer again.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct BatchResponse {
    #[serde(rename = "batchItemFailures")]
    pub batch_item_failures: Vec<ItemFailure>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemFailure {
    #[serde(rename = "itemIdentifier")]
    pub item_identifier: String,
}

#[derive(Deserialize)]
struct SqsEvent {
    #[serde(rename = "Records")]
    records: Vec<SqsRecord>,
}

#[derive(Deserialize)]
struct SqsRecord {
    #[serde(rename = "messageId")]
    message_id: String,
    body: String,
}

/// What became of one queued reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sent {
    /// Recorded (sent, refused for good, or unknown): the queue entry is spent.
    Done(ReplyOutcome),
    /// Already recorded by someone else: the queue entry is spent.
    AlreadySettled,
    /// Offer it again later (throttled, or held by the intake or another sender).
    Again { throttled: bool },
}

/// The sender over its ports.
pub struct Sender<C, S, K> {
    pub store: C,
    pub mailer: S,
    pub clock: K,
    /// Sends per second in one invocation.
    pub rate: f64,
}

impl<C, S, K> Sender<C, S, K>
where
    C: QueuedReplies + Cases + Sync,
    S: ReplySender + Sync,
    K: Clock,
{
    /// Handles one SQS batch; the response names the records to offer again.
    pub async fn handle_event(
        &self,
        event: &serde_json::Value,
    ) -> Result<BatchResponse, SenderFailure> {
        let event: SqsEvent = serde_json::from_value(event.clone())
            .map_err(|e| SenderFailure::NotSqs(e.to_string()))?;
        let mut response = BatchResponse::default();
        let pause = Duration::from_secs_f64(1.0 / self.rate.max(0.001));
        let mut throttled = false;
        for (i, record) in event.records.iter().enumerate() {
            if throttled {
                // SES said slow down: the rest of the batch waits for the queue to offer it again.
                response.batch_item_failures.push(ItemFailure {
                    item_identifier: record.message_id.clone(),
                });
                continue;
            }
            if i > 0 {
                tokio::time::sleep(pause).await;
            }
            let again = match serde_json::from_str::<QueuedReply>(&record.body) {
                Err(e) => {
                    // Offered again until the queue moves it to its dead-letter queue for a person.
                    error!(sqs_message_id = %record.message_id, error = %e, "not a queued reply");
                    true
                }
                Ok(reply) => {
                    let span = info_span!("reply", ses_message_id = %reply.ses_message_id);
                    match self.send_one(&reply).instrument(span).await {
                        Ok(Sent::Again { throttled: t }) => {
                            throttled = t;
                            true
                        }
                        Ok(_) => false,
                        Err(e) => {
                            error!(ses_message_id = %reply.ses_message_id, error = %e, "queued reply not handled");
                            true
                        }
                    }
                }
            };
            if again {
                response.batch_item_failures.push(ItemFailure {
                    item_identifier: record.message_id.clone(),
                });
            }
        }
        Ok(response)
    }

    /// Takes, sends and records one queued reply.
    pub async fn send_one(&self, reply: &QueuedReply) -> Result<Sent, PortError> {
        let now = self.clock.now();
        let take = self
            .store
            .take(reply, now, now + TimeDelta::seconds(LEASE_SECS))
            .await?;
        let fence = match take {
            Take::Taken(fence) => fence,
            Take::Settled => {
                info!("queued reply already recorded: skipped");
                return Ok(Sent::AlreadySettled);
            }
            Take::Busy => return Ok(Sent::Again { throttled: false }),
            Take::Abandoned(fence) => {
                warn!(case_id = %reply.case_id, "a sender stopped before recording the reply: recorded as unknown");
                return self.record(&fence, reply, rules::unrecorded_reply()).await;
            }
        };
        let outcome = match self
            .mailer
            .send(&reply.from, &reply.to, reply.raw.clone().into_bytes())
            .await
        {
            Ok(sent) => {
                info!(reply_ses_message_id = %sent.ses_message_id, "queued auto-reply sent");
                // Our own Message-ID first, as the intake records it: answers may cite either.
                let mut message_ids = vec![reply.message_id.clone()];
                message_ids.extend(sent.message_ids);
                ReplyOutcome::Sent {
                    ses_message_id: sent.ses_message_id,
                    message_ids,
                    at: self
                        .clock
                        .now()
                        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                }
            }
            Err(SendError::Unavailable(message)) => {
                info!(%message, "SES still throttles: the reply goes back to the queue");
                self.store.requeue(&fence).await?;
                return Ok(Sent::Again { throttled: true });
            }
            Err(SendError::Rejected(error)) => {
                warn!(%error, "queued auto-reply refused");
                ReplyOutcome::Failed { error }
            }
            Err(SendError::Unknown(error)) => {
                warn!(%error, "queued auto-reply sent without an answer");
                rules::unanswered_send(&error)
            }
        };
        self.record(&fence, reply, outcome).await
    }

    async fn record(
        &self,
        fence: &Fence,
        reply: &QueuedReply,
        outcome: ReplyOutcome,
    ) -> Result<Sent, PortError> {
        self.store
            .record_reply(fence, &reply.case_id, &outcome, self.clock.now())
            .await?;
        Ok(Sent::Done(outcome))
    }
}
