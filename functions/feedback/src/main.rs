//! The feedback Lambda: subscribed to the SES sending-feedback SNS topic.

// The handler's future nests the store's transaction calls: its layout needs more than the default depth.
#![recursion_limit = "256"]

use lambda_runtime::{Error, LambdaEvent, service_fn};
use slamail_aws::cases::CaseStore;
use slamail_core::intake::ports::SystemClock;
use slamail_feedback::{Feedback, FeedbackConfig};

#[tokio::main]
async fn main() -> Result<(), Error> {
    slamail_aws::telemetry::init_lambda();
    let config = FeedbackConfig::from_env(|name| std::env::var(name).ok())?;
    let aws = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let feedback = Feedback {
        store: CaseStore::new(aws_sdk_dynamodb::Client::new(&aws), config.cases_table),
        clock: SystemClock,
        undeliverable_days: config.undeliverable_days,
    };
    let feedback = &feedback;
    lambda_runtime::run(service_fn(
        move |event: LambdaEvent<serde_json::Value>| async move {
            let handled = feedback.handle_event(&event.payload).await?;
            Ok::<_, Error>(serde_json::json!({ "handled": handled }))
        },
    ))
    .await
}
