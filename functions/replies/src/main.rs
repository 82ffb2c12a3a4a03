//! The paced reply sender Lambda: the reply queue's event source (partial batch responses).

// The handler's future nests the store's and the mailer's calls: its layout needs more than the default depth.
#![recursion_limit = "256"]

use lambda_runtime::Error;
use slamail_aws::cases::CaseStore;
use slamail_aws::mailer::Mailer;
use slamail_aws::runtime::{cold_start, serve_json};
use slamail_core::intake::ports::SystemClock;
use slamail_replies::{RepliesConfig, Sender};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let (config, aws) = cold_start(RepliesConfig::from_env).await?;
    let sender = Sender {
        rate: config.rate(),
        store: CaseStore::new(aws_sdk_dynamodb::Client::new(&aws), config.cases_table),
        mailer: Mailer::from_sdk(&aws, config.configuration_set),
        clock: SystemClock,
    };
    let sender = &sender;
    serve_json(move |payload| async move { Ok(sender.handle_event(&payload).await?) }).await
}
