//! The routes: method and path to a handler of [`Api`], with the path's ids and the JSON body
//! parsed first (a malformed one is a 400 before any handler runs).

use aws_lambda_events::apigw::ApiGatewayV2httpRequest;
use aws_lambda_events::http::Method;
use serde::Deserialize;
use slamail_aws::cases::CaseStore;
use slamail_aws::directory::Directory;
use slamail_aws::http::{ApiError, Reply, body_bytes, segments};
use slamail_core::ids::{EmailAddress, OrgId};
use slamail_core::policy::PolicySet;

use crate::Caller;
use crate::api::Api;

pub(crate) async fn route(
    dir: &Directory,
    cases: Option<&CaseStore>,
    policies: &PolicySet,
    caller: &Caller,
    req: &ApiGatewayV2httpRequest,
) -> Reply {
    let method = req.request_context.http.method.clone();
    let segs = segments(req)?;
    let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
    let api = Api {
        dir,
        cases,
        policies,
        caller,
    };
    match (method, segs.as_slice()) {
        (Method::GET, ["me"]) => api.my_memberships().await,
        (Method::POST, ["orgs"]) => api.create_org(body(req)?).await,
        (Method::GET, ["orgs", org]) => api.show_org(&org_id(org)?).await,
        (Method::PATCH, ["orgs", org]) => api.update_org(&org_id(org)?, body(req)?).await,
        (Method::GET, ["orgs", org, "contacts"]) => api.list_contacts(&org_id(org)?).await,
        (Method::PUT, ["orgs", org, "contacts", email]) => {
            api.designate(&org_id(org)?, &email_id(email)?).await
        }
        (Method::DELETE, ["orgs", org, "contacts", email]) => {
            api.remove_contact(&org_id(org)?, &email_id(email)?).await
        }
        (Method::GET, ["orgs", org, "members"]) => api.list_members(&org_id(org)?).await,
        (Method::POST, ["orgs", org, "members"]) => api.add_member(&org_id(org)?, body(req)?).await,
        (Method::GET, ["orgs", org, "members", "me"]) => api.my_status(&org_id(org)?).await,
        (Method::PATCH, ["orgs", org, "members", email]) => {
            api.update_member(&org_id(org)?, &email_id(email)?, body(req)?)
                .await
        }
        (Method::DELETE, ["orgs", org, "members", email]) => {
            api.remove_member(&org_id(org)?, &email_id(email)?).await
        }
        (Method::GET, ["orgs", org, "audit"]) => api.audit(&org_id(org)?).await,
        (Method::GET, ["orgs", org, "report"]) => {
            let month = req.query_string_parameters.first("month");
            api.report(&org_id(org)?, month).await
        }
        (_, ["me"] | ["orgs", ..]) if known_path(&segs) => Err(ApiError::new(
            405,
            "method-not-allowed",
            "this method is not allowed on this path",
        )),
        _ => Err(ApiError::new(404, "no-route", "no such route")),
    }
}

pub(crate) fn known_path(segs: &[&str]) -> bool {
    matches!(
        segs,
        ["me"]
            | ["orgs"]
            | ["orgs", _]
            | ["orgs", _, "contacts" | "members" | "audit" | "report"]
            | ["orgs", _, "contacts" | "members", _]
    )
}

fn org_id(raw: &str) -> Result<OrgId, ApiError> {
    OrgId::parse(raw).map_err(|e| ApiError::bad_request(e.to_string()))
}

fn email_id(raw: &str) -> Result<EmailAddress, ApiError> {
    EmailAddress::parse(raw).map_err(|e| ApiError::bad_request(e.to_string()))
}

fn body<T: for<'de> Deserialize<'de>>(req: &ApiGatewayV2httpRequest) -> Result<T, ApiError> {
    let bytes = body_bytes(req, None)?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request("a JSON body is required"));
    }
    serde_json::from_slice(&bytes)
        .map_err(|e| ApiError::bad_request(format!("invalid JSON body: {e}")))
}
