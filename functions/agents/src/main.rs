//! Lambda entry point of the agents' API; the logic is in the library.

use lambda_runtime::Error;
use slamail_agents::Desk;
use slamail_agents::api::{DEFAULT_AGENTS_GROUP, handle};
use slamail_aws::cases::CaseStore;
use slamail_aws::http::serve;
use slamail_aws::mailer::Mailer;
use slamail_core::policy::PolicySet;

#[tokio::main]
async fn main() -> Result<(), Error> {
    slamail_aws::telemetry::init_lambda();

    // Misconfiguration must stop the cold start, not surface as 500s on every request.
    let table = std::env::var("CASES_TABLE")
        .map_err(|_| "CASES_TABLE is not set: the cases table's name is required")?;
    let domain = std::env::var("MESSAGE_ID_DOMAIN")
        .map_err(|_| "MESSAGE_ID_DOMAIN is not set: the reply-from domain is required")?;
    let group = std::env::var("AGENTS_GROUP")
        .ok()
        .filter(|g| !g.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_AGENTS_GROUP.to_string());
    let policies = PolicySet::from_list(std::env::var("POLICY_FILES").ok().as_deref())?;
    let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let region = sdk
        .region()
        .map(|r| r.to_string())
        .unwrap_or_else(|| "us-east-1".to_string());
    let desk = Desk {
        cases: CaseStore::new(aws_sdk_dynamodb::Client::new(&sdk), table),
        mailer: Mailer::new(
            aws_sdk_sesv2::Client::new(&sdk),
            region,
            std::env::var("SES_CONFIGURATION_SET").ok(),
        ),
        policies,
        message_id_domain: domain,
    };
    tracing::info!(agents_group = %group, "agents API ready");

    let (desk, group) = (&desk, group.as_str());
    serve(|request| handle(desk, group, request, chrono::Utc::now())).await
}
