//! The intake Lambda: configuration and clients once per container, then every event goes to
//! [`slamail_intake::Intake::handle_event`].

use std::env;

use lambda_runtime::{Error, LambdaEvent, service_fn};
use slamail_intake::{Intake, IntakeConfig};

fn required(name: &str) -> Result<String, Error> {
    env::var(name)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| format!("environment variable {name} must be set").into())
}

fn optional_u32(name: &str, default: u32) -> Result<u32, Error> {
    match env::var(name) {
        Ok(v) if !v.trim().is_empty() => v
            .trim()
            .parse()
            .map_err(|_| format!("{name}={v:?} is not a whole number").into()),
        _ => Ok(default),
    }
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    slamail_aws::telemetry::init_lambda();

    let defaults = slamail_core::triage::loops::RateLimits::default();
    let config = IntakeConfig {
        raw_bucket: required("RAW_MAIL_BUCKET")?,
        raw_prefix: env::var("RAW_MAIL_PREFIX").unwrap_or_default(),
        message_id_domain: env::var("MESSAGE_ID_DOMAIN")
            .unwrap_or_else(|_| "slamail.invalid".into()),
        rate_limits: slamail_core::triage::loops::RateLimits {
            per_hour: optional_u32("REPLY_LIMIT_PER_HOUR", defaults.per_hour)?,
            per_day: optional_u32("REPLY_LIMIT_PER_DAY", defaults.per_day)?,
        },
        lease_secs: optional_u32("CLAIM_LEASE_SECONDS", 900)? as i64,
        undeliverable_days: optional_u32("UNDELIVERABLE_DAYS", 7)? as i64,
    };
    let policies =
        slamail_core::policy::PolicySet::from_list(env::var("POLICY_FILES").ok().as_deref())?;
    let aws = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let intake = Intake::from_aws(
        &aws,
        config,
        policies,
        &required("CASES_TABLE")?,
        &required("DIRECTORY_TABLE")?,
        env::var("SES_CONFIGURATION_SET")
            .ok()
            .filter(|s| !s.is_empty()),
    );
    let intake = &intake;
    lambda_runtime::run(service_fn(
        move |event: LambdaEvent<serde_json::Value>| async move {
            let processed = intake.handle_event(&event.payload).await?;
            Ok::<_, Error>(serde_json::json!({ "processed": processed.len() }))
        },
    ))
    .await
}
