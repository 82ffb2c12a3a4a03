//! The reply queue (SQS) as the intake's [`ReplyQueue`]: one message per throttled reply, its body
//! the [`QueuedReply`] as JSON, delayed so that a throttled burst comes back spread out.

use aws_sdk_sqs::Client;
use slamail_core::intake::ports::PortError;
use slamail_core::intake::reply_queue::{QueuedReply, ReplyQueue};

#[derive(Clone)]
pub struct SqsReplyQueue {
    client: Client,
    url: String,
}

impl SqsReplyQueue {
    pub fn new(client: Client, url: impl Into<String>) -> Self {
        Self {
            client,
            url: url.into(),
        }
    }

    pub fn url(&self) -> &str {
        &self.url
    }
}

impl ReplyQueue for SqsReplyQueue {
    async fn enqueue(&self, reply: &QueuedReply, delay_seconds: u32) -> Result<(), PortError> {
        let body = serde_json::to_string(reply)
            .map_err(|e| PortError::new("reply queue", format!("serialise: {e}")))?;
        self.client
            .send_message()
            .queue_url(&self.url)
            .message_body(body)
            // SQS allows at most 15 minutes.
            .delay_seconds(delay_seconds.min(900) as i32)
            .send()
            .await
            .map_err(|e| {
                PortError::new(
                    "reply queue",
                    format!(
                        "SQS SendMessage to {}: {}",
                        self.url,
                        aws_sdk_sqs::error::DisplayErrorContext(&e)
                    ),
                )
            })?;
        Ok(())
    }
}
