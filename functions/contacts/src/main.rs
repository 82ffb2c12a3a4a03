//! Lambda entry point of the designated-contacts admin API; the logic is in the library.

use aws_lambda_events::apigw::ApiGatewayV2httpRequest;
use lambda_runtime::{Error, LambdaEvent, service_fn};
use slamail_aws::directory::Directory;
use slamail_contacts::{ContactsConfig, handle};
use tracing::Instrument;

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
    lambda_runtime::run(service_fn(
        move |event: LambdaEvent<ApiGatewayV2httpRequest>| async move {
            let (request, context) = event.into_parts();
            let span = tracing::info_span!(
                "request",
                request_id = %context.request_id,
                method = %request.request_context.http.method,
                path = request.raw_path.as_deref().unwrap_or(""),
            );
            Ok::<_, Error>(
                handle(directory, policies, settings, request)
                    .instrument(span)
                    .await,
            )
        },
    ))
    .await
}
