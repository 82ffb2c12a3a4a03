//! Lambda entry point of the designated-contacts admin API; the logic is in the library.

use lambda_runtime::Error;
use slamail_aws::cases::CaseStore;
use slamail_aws::directory::Directory;
use slamail_aws::http::serve;
use slamail_contacts::{ContactsConfig, handle_with_reports};

#[tokio::main]
async fn main() -> Result<(), Error> {
    slamail_aws::telemetry::init_lambda();

    // Misconfiguration must stop the cold start, not surface as 500s on every request.
    let config = ContactsConfig::from_env(|name| std::env::var(name).ok())?;
    let policies = config.policies()?;
    let settings = config.settings;
    let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let client = aws_sdk_dynamodb::Client::new(&sdk);
    let directory = Directory::new(client.clone(), config.directory_table);
    let cases = config
        .cases_table
        .map(|table| CaseStore::new(client, table));
    tracing::info!(operators_group = %settings.operators_group, "contacts API ready");

    let (directory, policies, settings, cases) = (&directory, &policies, &settings, cases.as_ref());
    serve(|request| handle_with_reports(directory, cases, policies, settings, request)).await
}
