//! What every Lambda `main` shares: the cold start (telemetry, the function's configuration from
//! its variables, the SDK's configuration) and, for the functions whose events and answers are
//! JSON (SNS, SQS, the scheduler), the event loop. HTTP APIs serve through [`crate::http::serve`].

use std::future::Future;

use lambda_runtime::{Error, LambdaEvent, service_fn};
use serde::Serialize;
use serde_json::Value;

use crate::config::ConfigError;

fn process_var(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// Starts a Lambda: JSON telemetry, then its configuration (`read` is the configuration's
/// `from_env`) and the SDK's. Misconfiguration is returned, to stop the cold start rather than
/// fail every event.
pub async fn cold_start<C>(
    read: impl FnOnce(fn(&str) -> Option<String>) -> Result<C, ConfigError>,
) -> Result<(C, aws_config::SdkConfig), ConfigError> {
    crate::telemetry::init_lambda();
    let config = read(process_var)?;
    let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    Ok((config, sdk))
}

/// Serves events of any JSON shape with `handle`, answering with what it returns as JSON; an
/// error fails the invocation (so the event source retries it or counts it).
pub async fn serve_json<F, Fut, T>(handle: F) -> Result<(), Error>
where
    F: Fn(Value) -> Fut,
    Fut: Future<Output = Result<T, Error>>,
    T: Serialize,
{
    let handle = &handle;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
        let answer = handle(event.payload).await?;
        Ok::<_, Error>(serde_json::to_value(answer)?)
    }))
    .await
}
