//! Lambda entry point of the designated-contacts admin API; the logic is in the library.

use lambda_runtime::Error;
use slamail_aws::cases::CaseStore;
use slamail_aws::directory::Directory;
use slamail_aws::http::serve;
use slamail_aws::runtime::cold_start;
use slamail_contacts::{ContactsConfig, handle_with_reports};

#[tokio::main]
async fn main() -> Result<(), Error> {
    // Misconfiguration must stop the cold start, not surface as 500s on every request.
    let (config, sdk) = cold_start(ContactsConfig::from_env).await?;
    let policies = config.policies()?;
    let settings = config.settings;
    let client = aws_sdk_dynamodb::Client::new(&sdk);
    let directory = Directory::new(client.clone(), config.directory_table);
    let cases = config
        .cases_table
        .map(|table| CaseStore::new(client, table));
    tracing::info!(operators_group = %settings.operators_group, "contacts API ready");

    let (directory, policies, settings, cases) = (&directory, &policies, &settings, cases.as_ref());
    serve(|request| handle_with_reports(directory, cases, policies, settings, request)).await
}
