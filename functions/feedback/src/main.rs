//! The feedback Lambda: subscribed to the SES sending-feedback SNS topic.

// The handler's future nests the store's transaction calls: its layout needs more than the default depth.
#![recursion_limit = "256"]

use lambda_runtime::Error;
use slamail_aws::cases::CaseStore;
use slamail_aws::runtime::{cold_start, serve_json};
use slamail_core::intake::ports::SystemClock;
use slamail_feedback::{Feedback, FeedbackConfig};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let (config, aws) = cold_start(FeedbackConfig::from_env).await?;
    let feedback = Feedback {
        store: CaseStore::new(aws_sdk_dynamodb::Client::new(&aws), config.cases_table),
        clock: SystemClock,
        undeliverable_days: config.undeliverable_days,
    };
    let feedback = &feedback;
    serve_json(move |payload| async move {
        let handled = feedback.handle_event(&payload).await?;
        Ok(serde_json::json!({ "handled": handled }))
    })
    .await
}
