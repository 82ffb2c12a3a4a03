//! The feedback Lambda: subscribed to the SES sending-feedback SNS topic.

// The handler's future nests the store's transaction calls: its layout needs more than the default depth.
#![recursion_limit = "256"]

use lambda_runtime::{Error, LambdaEvent, service_fn};
use slamail_aws::cases::CaseStore;
use slamail_core::intake::ports::SystemClock;
use slamail_feedback::{DEFAULT_UNDELIVERABLE_DAYS, Feedback};

#[tokio::main]
async fn main() -> Result<(), Error> {
    slamail_aws::telemetry::init_lambda();
    let table =
        std::env::var("CASES_TABLE").map_err(|_| "environment variable CASES_TABLE must be set")?;
    let undeliverable_days = match std::env::var("UNDELIVERABLE_DAYS") {
        Ok(v) if !v.trim().is_empty() => v
            .trim()
            .parse()
            .map_err(|_| format!("UNDELIVERABLE_DAYS={v:?} is not a whole number"))?,
        _ => DEFAULT_UNDELIVERABLE_DAYS,
    };
    let aws = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let feedback = Feedback {
        store: CaseStore::new(aws_sdk_dynamodb::Client::new(&aws), table),
        clock: SystemClock,
        undeliverable_days,
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
