//! Lambda entry point of the designated-contacts admin API; the logic is in the library.

use lambda_runtime::Error;
use slamail_aws::directory::Directory;
use slamail_aws::http::serve;
use slamail_contacts::{ContactsConfig, handle};

#[tokio::main]
async fn main() -> Result<(), Error> {
    slamail_aws::telemetry::init_lambda();

    // Misconfiguration must stop the cold start, not surface as 500s on every request.
    let config = ContactsConfig::from_env(|name| std::env::var(name).ok())?;
    let policies = config.policies()?;
    let settings = config.settings;
    let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let directory = Directory::new(aws_sdk_dynamodb::Client::new(&sdk), config.directory_table);
    tracing::info!(operators_group = %settings.operators_group, "contacts API ready");

    let (directory, policies, settings) = (&directory, &policies, &settings);
    serve(|request| handle(directory, policies, settings, request)).await
}
