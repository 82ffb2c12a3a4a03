//! Lambda entry point of the SLA watch, run every minute by EventBridge Scheduler; the logic is
//! in the library.

use lambda_runtime::Error;
use slamail_aws::cases::CaseStore;
use slamail_aws::notifier::Notifier;
use slamail_aws::runtime::{cold_start, serve_json};
use slamail_core::policy::PolicySet;
use slamail_watch::{Mode, WatchConfig, metrics_line, pass};

#[tokio::main]
async fn main() -> Result<(), Error> {
    // Misconfiguration must stop the cold start, not surface on every run.
    let (config, sdk) = cold_start(WatchConfig::from_env).await?;
    let policies = PolicySet::from_list(config.policy_files.as_deref())?;
    let store = CaseStore::new(aws_sdk_dynamodb::Client::new(&sdk), config.cases_table);
    let notifier = Notifier::new(
        aws_sdk_sesv2::Client::new(&sdk),
        aws_sdk_sns::Client::new(&sdk),
        config.configuration_set,
    );
    let (store, policies, notifier) = (&store, &policies, &notifier);
    serve_json(move |_event| async move {
        // The schedule's own time is not trusted over the clock: a late delivery still sends
        // everything due by now.
        let outcome = pass(store, policies, notifier, chrono::Utc::now(), Mode::Send).await?;
        println!("{}", metrics_line(&outcome));
        tracing::info!(
            sent = outcome.sent.len(),
            failed = outcome.failed.len(),
            cases = outcome.index_items,
            requests = outcome.table_requests,
            lag_seconds = outcome.lag_seconds,
            "watch pass done"
        );
        if outcome.failed.is_empty() && outcome.errors.is_empty() {
            Ok::<_, Error>(())
        } else {
            // Failing the invocation is what raises the errors alarm; the claims are already
            // released, so the next pass retries.
            Err(format!(
                "{} warnings not sent, {} cases not processed; retried next minute",
                outcome.failed.len(),
                outcome.errors.len()
            )
            .into())
        }
    })
    .await
}
