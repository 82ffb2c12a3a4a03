//! The designated-contacts admin API: an API Gateway HTTP API (payload 2.0) behind a JWT
//! authorizer. The caller is whoever the authorizer's claims say, and nothing else: no header,
//! body or query parameter can name a different caller. Every call is authorized against the
//! directory itself (the caller's own member record), never against claims about organisations.
//!
//! See `docs/directory.md` for the routes.
//!
//! - `caller` — who is calling, from the authorizer's claims only.
//! - `router` — method and path to a handler; path segments and JSON bodies parsed.
//! - `api` — what every route checks: the caller's standing in the organisation.
//! - `orgs`, `contacts`, `members`, `me`, `audit`, `report` — one file per route group.

use aws_lambda_events::apigw::{ApiGatewayV2httpRequest, ApiGatewayV2httpResponse};
use slamail_aws::cases::CaseStore;
use slamail_aws::directory::Directory;
use slamail_aws::http::respond;
use slamail_core::policy::PolicySet;

mod api;
mod audit;
mod caller;
mod config;
mod contacts;
mod me;
mod members;
mod orgs;
mod report;
mod router;

pub use caller::{Caller, Settings, caller};
pub use config::{ConfigError, ContactsConfig, DEFAULT_OPERATORS_GROUP};
pub use slamail_aws::http::ApiError;

/// Serves one request. Never panics; every failure is a JSON error response. Without a cases
/// table, the report route answers 503.
pub async fn handle(
    dir: &Directory,
    policies: &PolicySet,
    settings: &Settings,
    req: ApiGatewayV2httpRequest,
) -> ApiGatewayV2httpResponse {
    handle_with_reports(dir, None, policies, settings, req).await
}

/// [`handle`], with the cases table the attainment reports are read from.
pub async fn handle_with_reports(
    dir: &Directory,
    cases: Option<&CaseStore>,
    policies: &PolicySet,
    settings: &Settings,
    req: ApiGatewayV2httpRequest,
) -> ApiGatewayV2httpResponse {
    let result = match caller(&req, settings) {
        Ok(c) => router::route(dir, cases, policies, &c, &req).await,
        Err(e) => Err(e),
    };
    respond(result)
}

#[cfg(test)]
mod tests;
