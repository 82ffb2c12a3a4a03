//! Lambda entry point of the agents' API; the logic is in the library.

use lambda_runtime::Error;
use slamail_agents::api::handle;
use slamail_agents::{AgentsConfig, Desk};
use slamail_aws::http::serve;
use slamail_core::policy::PolicySet;

#[tokio::main]
async fn main() -> Result<(), Error> {
    slamail_aws::telemetry::init_lambda();

    // Misconfiguration must stop the cold start, not surface as 500s on every request.
    let config = AgentsConfig::from_env(|name| std::env::var(name).ok())?;
    let policies = PolicySet::from_list(config.policy_files.as_deref())?;
    let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let desk = Desk::from_aws(&sdk, &config, policies);

    let group = config.agents_group;
    tracing::info!(agents_group = %group, "agents API ready");

    let (desk, group) = (&desk, group.as_str());
    serve(|request| handle(desk, group, request, chrono::Utc::now())).await
}
