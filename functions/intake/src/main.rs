//! The intake Lambda: configuration and clients once per container, then every event goes to
//! [`slamail_intake::Intake::handle_event_until`] with the invocation's own deadline, from which
//! the claim lease is derived (so the template's `Timeout` is the one place that sets both).

// The handler's future nests every step and adapter call: its layout needs more than the default depth.
#![recursion_limit = "256"]

use lambda_runtime::{Error, LambdaEvent, service_fn};
use slamail_core::intake::lease::lease_for_timeout;
use slamail_intake::{Intake, IntakeConfig};
use tracing::warn;

#[tokio::main]
async fn main() -> Result<(), Error> {
    let (config, aws) = slamail_aws::runtime::cold_start(IntakeConfig::from_env).await?;
    let policies = slamail_core::policy::PolicySet::from_list(config.policy_files.as_deref())?;
    let intake = Intake::from_aws(&aws, config, policies);
    let intake = &intake;
    lambda_runtime::run(service_fn(
        move |event: LambdaEvent<serde_json::Value>| async move {
            let now = chrono::Utc::now();
            let deadline = i64::try_from(event.context.deadline)
                .ok()
                .and_then(chrono::DateTime::from_timestamp_millis)
                .unwrap_or(now);
            if let Err(e) = lease_for_timeout((deadline - now).num_seconds() + 1) {
                warn!(error = %e, "the function's timeout does not fit the retry schedule");
            }
            let processed = intake.handle_event_until(&event.payload, deadline).await?;
            Ok::<_, Error>(serde_json::json!({ "processed": processed.len() }))
        },
    ))
    .await
}
