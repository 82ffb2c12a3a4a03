//! The paced reply sender Lambda: the reply queue's event source (partial batch responses).

// The handler's future nests the store's and the mailer's calls: its layout needs more than the default depth.
#![recursion_limit = "256"]

use lambda_runtime::{Error, LambdaEvent, service_fn};
use slamail_aws::cases::CaseStore;
use slamail_aws::mailer::Mailer;
use slamail_core::intake::ports::SystemClock;
use slamail_replies::{DEFAULT_SEND_RATE, Sender};

#[tokio::main]
async fn main() -> Result<(), Error> {
    slamail_aws::telemetry::init_lambda();
    let table =
        std::env::var("CASES_TABLE").map_err(|_| "environment variable CASES_TABLE must be set")?;
    let positive = |name: &str, default: f64| -> Result<f64, String> {
        match std::env::var(name) {
            Ok(v) if !v.trim().is_empty() => v
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|r| *r > 0.0)
                .ok_or_else(|| format!("{name}={v:?} is not a positive number")),
            _ => Ok(default),
        }
    };
    // The account's SES rate is shared by the invocations the event source runs at once.
    let rate =
        positive("SEND_RATE_PER_SECOND", DEFAULT_SEND_RATE)? / positive("SENDER_INSTANCES", 1.0)?;
    let configuration_set = std::env::var("SES_CONFIGURATION_SET")
        .ok()
        .filter(|v| !v.trim().is_empty());
    let aws = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let region = aws
        .region()
        .map(|r| r.to_string())
        .unwrap_or_else(|| "us-east-1".to_string());
    let sender = Sender {
        store: CaseStore::new(aws_sdk_dynamodb::Client::new(&aws), table),
        mailer: Mailer::new(aws_sdk_sesv2::Client::new(&aws), region, configuration_set),
        clock: SystemClock,
        rate,
    };
    let sender = &sender;
    lambda_runtime::run(service_fn(
        move |event: LambdaEvent<serde_json::Value>| async move {
            let response = sender.handle_event(&event.payload).await?;
            Ok::<_, Error>(serde_json::to_value(response)?)
        },
    ))
    .await
}
