//! The paced reply sender Lambda: the reply queue's event source (partial batch responses).

// The handler's future nests the store's and the mailer's calls: its layout needs more than the default depth.
#![recursion_limit = "256"]

use lambda_runtime::{Error, LambdaEvent, service_fn};
use slamail_aws::cases::CaseStore;
use slamail_aws::mailer::Mailer;
use slamail_core::intake::ports::SystemClock;
use slamail_replies::{RepliesConfig, Sender};

#[tokio::main]
async fn main() -> Result<(), Error> {
    slamail_aws::telemetry::init_lambda();
    let config = RepliesConfig::from_env(|name| std::env::var(name).ok())?;
    let aws = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let sender = Sender {
        rate: config.rate(),
        store: CaseStore::new(aws_sdk_dynamodb::Client::new(&aws), config.cases_table),
        mailer: Mailer::from_sdk(&aws, config.configuration_set),
        clock: SystemClock,
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
