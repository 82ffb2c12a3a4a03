//! The agents' HTTP API (behind the HTTP API's JWT authorizer). The caller is whoever the
//! authorizer's claims say: a verified email, in the agents group; and on every call, staff of
//! the policy of the case or queue asked about (checked by the desk).
//!
//! | method | path | does |
//! |---|---|---|
//! | GET | `/cases/{id}` | the case, its messages, ledger and clock (`case show`), its cycles in short and its `countdown` at `as_of` |
//! | GET | `/cases/{id}/explain` | the clock in words, from the ledger (`case explain`) |
//! | POST | `/cases/{id}/reply` | `{"text"}`: a public answer, mailed to the requester |
//! | POST | `/cases/{id}/notes` | `{"text"}`: an internal note |
//! | POST | `/cases/{id}/priority` | `{"severity","reason"}`: reclassify; the requester is told |
//! | POST | `/cases/{id}/wait` | `{"reason"}`: waiting on the customer (the clock pauses) |
//! | POST | `/cases/{id}/close` | `{"reason"}` |
//! | POST | `/cases/{id}/reopen` | `{"reason"}`: a new response cycle |
//! | GET | `/queues` | the queues the caller works (route queues of policies they are staff of) |
//! | GET | `/queues/{policy}/{queue}?until=&limit=&after=` | open cases by next due instant, each with its `countdown` at `as_of`; `limit` 1–1000 (default 100); `next` is the `after` of the following page, `null` on the last |
//!
//! A `countdown` ([`slamail_core::clock::Countdown`]) is what a page needs to count the running
//! target down live without business-time arithmetic of its own: the counted seconds left at
//! `as_of`, whether the clock runs then, and the next instant it stops or starts.

use aws_lambda_events::apigw::{ApiGatewayV2httpRequest, ApiGatewayV2httpResponse};
use aws_lambda_events::http::Method;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Value, json};
use slamail_aws::cases::{MAX_QUEUE_PAGE, QueueCursor};
use slamail_aws::http::{Claims, Reply, body_bytes, respond, segments};
use slamail_core::ids::{CaseId, EmailAddress, PolicyId, QueueId};
use slamail_core::intake::ports::ReplySender;

use crate::board::{self, QueueRequest};
use crate::desk::{Desk, DeskError};

pub use slamail_aws::http::ApiError;

pub use crate::config::DEFAULT_AGENTS_GROUP;

impl From<DeskError> for ApiError {
    fn from(e: DeskError) -> Self {
        match &e {
            DeskError::NotFound(_) => Self::new(404, "not-found", e.to_string()),
            DeskError::Forbidden { .. } => Self::new(403, "forbidden", e.to_string()),
            DeskError::Refused(_) => Self::new(409, "refused", e.to_string()),
            DeskError::Invalid(_) => Self::new(400, "invalid", e.to_string()),
            DeskError::Busy(_) => Self::new(409, "busy", e.to_string()),
            DeskError::Send(_) => {
                tracing::error!(error = %e, "mail not sent");
                Self::new(502, "mail-not-sent", e.to_string())
            }
            DeskError::Store(_) => {
                tracing::error!(error = %e, "cases table failure");
                Self::new(500, "internal", "internal error; try again later")
            }
        }
    }
}

/// The calling agent, from the JWT authorizer's claims only: a verified email in the group.
pub fn agent(req: &ApiGatewayV2httpRequest, group: &str) -> Result<EmailAddress, ApiError> {
    let claims = Claims::of(req)?;
    let email = claims
        .email()
        .map_err(|_| ApiError::new(401, "no-identity", "the token has no valid email claim"))?;
    claims.require_verified_email()?;
    if !claims.in_group(group) {
        return Err(ApiError::new(
            403,
            "not-an-agent",
            format!("only members of the {group} group use the agents API"),
        ));
    }
    Ok(email)
}

/// Request bodies are small JSON objects; anything larger is refused before parsing.
const MAX_BODY_BYTES: usize = 64 * 1024;
/// Cases per queue page unless the caller asks for another `limit`.
pub const DEFAULT_QUEUE_PAGE: usize = 100;

fn body<T: for<'de> Deserialize<'de>>(req: &ApiGatewayV2httpRequest) -> Result<T, ApiError> {
    serde_json::from_slice(&body_bytes(req, Some(MAX_BODY_BYTES))?)
        .map_err(|e| ApiError::bad_request(format!("the body is not the expected JSON: {e}")))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TextBody {
    text: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReasonBody {
    reason: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PriorityBody {
    severity: String,
    reason: String,
}

fn case_id(raw: &str) -> Result<CaseId, ApiError> {
    CaseId::parse(raw).map_err(|e| ApiError::bad_request(e.to_string()))
}

fn query<'a>(req: &'a ApiGatewayV2httpRequest, name: &str) -> Option<&'a str> {
    req.query_string_parameters.first(name)
}

fn json_of<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

async fn route<S: ReplySender + Sync>(
    desk: &Desk<S>,
    agent: &EmailAddress,
    req: &ApiGatewayV2httpRequest,
    now: DateTime<Utc>,
) -> Reply {
    let method = req.request_context.http.method.clone();
    let segs = segments(req)?;
    let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
    match (method, segs.as_slice()) {
        (Method::GET, ["cases", id]) => {
            let shown = desk.show(agent, &case_id(id)?).await?;
            let mut out = json_of(&shown);
            out["as_of"] = json_of(&now);
            out["countdown"] = json_of(&desk.countdown(&shown, now));
            out["cycles"] = json_of(&shown.clock.as_ref().map(|v| board::cycles(v, now)));
            Ok((200, out))
        }
        (Method::GET, ["cases", id, "explain"]) => {
            let text = desk.explain(agent, &case_id(id)?, now).await?;
            Ok((200, json!({ "explain": text })))
        }
        (Method::POST, ["cases", id, "reply"]) => {
            let b: TextBody = body(req)?;
            Ok((
                200,
                json_of(&desk.reply(agent, &case_id(id)?, &b.text, now).await?),
            ))
        }
        (Method::POST, ["cases", id, "notes"]) => {
            let b: TextBody = body(req)?;
            Ok((
                200,
                json_of(&desk.note(agent, &case_id(id)?, &b.text, now).await?),
            ))
        }
        (Method::POST, ["cases", id, "priority"]) => {
            let b: PriorityBody = body(req)?;
            let done = desk
                .priority(agent, &case_id(id)?, &b.severity, &b.reason, now)
                .await?;
            Ok((200, json_of(&done)))
        }
        (Method::POST, ["cases", id, action @ ("wait" | "close" | "reopen")]) => {
            let b: ReasonBody = body(req)?;
            let id = case_id(id)?;
            let done = match *action {
                "wait" => desk.wait(agent, &id, &b.reason, now).await?,
                "close" => desk.close(agent, &id, &b.reason, now).await?,
                _ => desk.reopen(agent, &id, &b.reason, now).await?,
            };
            Ok((200, json_of(&done)))
        }
        (Method::GET, ["queues"]) => Ok((200, json!({ "queues": json_of(&desk.queues(agent)) }))),
        (Method::GET, ["queues", policy, queue]) => {
            let policy =
                PolicyId::parse(policy).map_err(|e| ApiError::bad_request(e.to_string()))?;
            let queue = QueueId::parse(queue).map_err(|e| ApiError::bad_request(e.to_string()))?;
            let until = match query(req, "until") {
                Some(t) => Some(
                    DateTime::parse_from_rfc3339(t)
                        .map_err(|_| ApiError::bad_request("until must be an RFC 3339 instant"))?
                        .with_timezone(&Utc),
                ),
                None => None,
            };
            let limit = match query(req, "limit") {
                Some(l) => l
                    .parse::<usize>()
                    .ok()
                    .filter(|l| (1..=MAX_QUEUE_PAGE).contains(l))
                    .ok_or_else(|| {
                        ApiError::bad_request(format!(
                            "limit must be a number from 1 to {MAX_QUEUE_PAGE}"
                        ))
                    })?,
                None => DEFAULT_QUEUE_PAGE,
            };
            let after = query(req, "after")
                .map(QueueCursor::parse)
                .transpose()
                .map_err(|e| ApiError::bad_request(e.to_string()))?;
            let request = QueueRequest {
                policy: &policy,
                queue: &queue,
                until,
                limit,
                after: after.as_ref(),
            };
            let page = desk.queue_with_countdowns(agent, &request, now).await?;
            Ok((
                200,
                json!({ "queue": queue, "as_of": json_of(&now), "cases": json_of(&page.cases),
                        "next": page.next }),
            ))
        }
        (_, ["cases", _, ..] | ["queues", ..]) => Err(ApiError::new(
            405,
            "method-not-allowed",
            "this method is not allowed on this path, or the path is unknown",
        )),
        _ => Err(ApiError::new(404, "no-route", "no such route")),
    }
}

/// Serves one request. Never panics; every failure is a JSON error response.
pub async fn handle<S: ReplySender + Sync>(
    desk: &Desk<S>,
    group: &str,
    req: ApiGatewayV2httpRequest,
    now: DateTime<Utc>,
) -> ApiGatewayV2httpResponse {
    let result = match agent(&req, group) {
        Ok(a) => route(desk, &a, &req, now).await,
        Err(e) => Err(e),
    };
    respond(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(claims: Value) -> ApiGatewayV2httpRequest {
        let mut ctx = json!({"http": {"method": "GET", "path": "/cases/AS-2026-000001"}});
        ctx["authorizer"] = json!({ "jwt": { "claims": claims, "scopes": null } });
        serde_json::from_value(json!({
            "rawPath": "/cases/AS-2026-000001",
            "requestContext": ctx,
            "isBase64Encoded": false,
        }))
        .expect("request")
    }

    #[test]
    fn only_verified_members_of_the_agents_group_are_agents() {
        let ok = request(
            json!({"email": "sam@activestate.com", "email_verified": "true",
            "cognito:groups": "[slamail-agents readers]"}),
        );
        assert_eq!(
            agent(&ok, DEFAULT_AGENTS_GROUP).unwrap().as_str(),
            "sam@activestate.com"
        );
        let not_member = request(
            json!({"email": "sam@activestate.com", "email_verified": "true",
            "cognito:groups": "[slamail-agents-old]"}),
        );
        assert_eq!(
            agent(&not_member, DEFAULT_AGENTS_GROUP).unwrap_err().status,
            403
        );
        let unverified = request(json!({"email": "sam@activestate.com",
            "cognito:groups": "[slamail-agents]"}));
        assert_eq!(
            agent(&unverified, DEFAULT_AGENTS_GROUP).unwrap_err().status,
            403
        );
        let anonymous = request(json!({}));
        assert_eq!(
            agent(&anonymous, DEFAULT_AGENTS_GROUP).unwrap_err().status,
            401
        );
    }
}
