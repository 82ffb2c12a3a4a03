//! Lambda entry point of the agents' API; the logic is in the library.

use lambda_runtime::Error;
use slamail_agents::api::handle;
use slamail_agents::{AgentsConfig, Desk};
use slamail_aws::http::serve;
use slamail_aws::runtime::cold_start;
use slamail_core::policy::PolicySet;

#[tokio::main]
async fn main() -> Result<(), Error> {
    // Misconfiguration must stop the cold start, not surface as 500s on every request.
    let (config, sdk) = cold_start(AgentsConfig::from_env).await?;
    let policies = PolicySet::from_list(config.policy_files.as_deref())?;
    let desk = Desk::from_aws(&sdk, &config, policies);

    let group = config.agents_group;
    tracing::info!(agents_group = %group, "agents API ready");

    let (desk, group) = (&desk, group.as_str());
    serve(|request| handle(desk, group, request, chrono::Utc::now())).await
}
