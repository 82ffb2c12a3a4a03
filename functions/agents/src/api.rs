//! The agents' HTTP API (behind the HTTP API's JWT authorizer). The caller is whoever the
//! authorizer's claims say: a verified email, in the agents group; and on every call, staff of
//! the policy of the case or queue asked about (checked by the desk).
//!
//! | method | path | does |
//! |---|---|---|
//! | GET | `/cases/{id}` | the case, its messages, ledger and clock (`case show`) |
//! | GET | `/cases/{id}/explain` | the clock in words, from the ledger (`case explain`) |
//! | POST | `/cases/{id}/reply` | `{"text"}`: a public answer, mailed to the requester |
//! | POST | `/cases/{id}/notes` | `{"text"}`: an internal note |
//! | POST | `/cases/{id}/priority` | `{"severity","reason"}`: reclassify; the requester is told |
//! | POST | `/cases/{id}/wait` | `{"reason"}`: waiting on the customer (the clock pauses) |
//! | POST | `/cases/{id}/close` | `{"reason"}` |
//! | POST | `/cases/{id}/reopen` | `{"reason"}`: a new response cycle |
//! | GET | `/queues/{policy}/{queue}?until=&limit=` | open cases by next due instant |

use aws_lambda_events::apigw::{ApiGatewayV2httpRequest, ApiGatewayV2httpResponse};
use aws_lambda_events::encodings::Body;
use aws_lambda_events::http::{HeaderMap, HeaderValue, Method};
use base64::Engine as _;
use chrono::{DateTime, Utc};
use percent_encoding::percent_decode_str;
use serde::Deserialize;
use serde_json::{Value, json};
use slamail_core::ids::{CaseId, EmailAddress, PolicyId, QueueId};
use slamail_core::intake::ports::ReplySender;

use crate::desk::{Desk, DeskError};

/// The agents' group when `AGENTS_GROUP` is not set.
pub const DEFAULT_AGENTS_GROUP: &str = "slamail-agents";

#[derive(Debug)]
pub struct ApiError {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, "bad-request", message)
    }
}

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

/// API Gateway flattens array claims to `[a b]`; other issuers send JSON arrays or commas.
fn groups(raw: &str) -> impl Iterator<Item = &str> {
    raw.trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .split(|c: char| c.is_whitespace() || c == ',')
        .map(|g| g.trim_matches('"'))
        .filter(|g| !g.is_empty())
}

/// The calling agent, from the JWT authorizer's claims only: a verified email in the group.
pub fn agent(req: &ApiGatewayV2httpRequest, group: &str) -> Result<EmailAddress, ApiError> {
    let claims = req
        .request_context
        .authorizer
        .as_ref()
        .and_then(|a| a.jwt.as_ref())
        .map(|j| &j.claims)
        .ok_or_else(|| ApiError::new(401, "no-identity", "no authenticated identity"))?;
    let email = claims
        .get("email")
        .and_then(|e| EmailAddress::parse(e).ok())
        .ok_or_else(|| ApiError::new(401, "no-identity", "the token has no valid email claim"))?;
    let verified = claims
        .get("email_verified")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
    if !verified {
        return Err(ApiError::new(
            403,
            "email-not-verified",
            "verify your email address with the identity provider first",
        ));
    }
    let member = claims
        .get("cognito:groups")
        .or_else(|| claims.get("groups"))
        .is_some_and(|g| groups(g).any(|g| g == group));
    if !member {
        return Err(ApiError::new(
            403,
            "not-an-agent",
            format!("only members of the {group} group use the agents API"),
        ));
    }
    Ok(email)
}

fn segments(req: &ApiGatewayV2httpRequest) -> Result<Vec<String>, ApiError> {
    let path = req
        .raw_path
        .as_deref()
        .or(req.request_context.http.path.as_deref())
        .unwrap_or("/");
    let mut segs = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            percent_decode_str(s)
                .decode_utf8()
                .map(|d| d.into_owned())
                .map_err(|_| ApiError::bad_request("the path is not valid UTF-8"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(stage) = req.request_context.stage.as_deref()
        && stage != "$default"
        && segs.first().is_some_and(|s| s == stage)
    {
        segs.remove(0);
    }
    Ok(segs)
}

/// Request bodies are small JSON objects; anything larger is refused before parsing.
const MAX_BODY_BYTES: usize = 64 * 1024;

fn body<T: for<'de> Deserialize<'de>>(req: &ApiGatewayV2httpRequest) -> Result<T, ApiError> {
    let raw = req.body.as_deref().unwrap_or("");
    if raw.len() > MAX_BODY_BYTES * 2 {
        return Err(ApiError::bad_request("the body is too large"));
    }
    let bytes = if req.is_base64_encoded {
        base64::engine::general_purpose::STANDARD
            .decode(raw)
            .map_err(|_| ApiError::bad_request("the body is not valid base64"))?
    } else {
        raw.as_bytes().to_vec()
    };
    if bytes.len() > MAX_BODY_BYTES {
        return Err(ApiError::bad_request("the body is too large"));
    }
    serde_json::from_slice(&bytes)
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

type Reply = Result<(u16, Value), ApiError>;

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
            Ok((200, json_of(&shown)))
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
                    .parse::<i32>()
                    .map_err(|_| ApiError::bad_request("limit must be a number"))?,
                None => 100,
            };
            let rows = desk.queue(agent, &policy, &queue, until, limit).await?;
            Ok((200, json!({ "queue": queue, "cases": json_of(&rows) })))
        }
        (_, ["cases", _, ..] | ["queues", ..]) => Err(ApiError::new(
            405,
            "method-not-allowed",
            "this method is not allowed on this path, or the path is unknown",
        )),
        _ => Err(ApiError::new(404, "no-route", "no such route")),
    }
}

fn respond(status: u16, body: &Value) -> ApiGatewayV2httpResponse {
    let mut headers = HeaderMap::new();
    headers.insert(
        "content-type",
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    headers.insert("cache-control", HeaderValue::from_static("no-store"));
    let mut resp = ApiGatewayV2httpResponse::default();
    resp.status_code = i64::from(status);
    resp.headers = headers;
    resp.body = Some(Body::Text(body.to_string()));
    resp
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
    let (status, body) = match result {
        Ok(ok) => ok,
        Err(e) => (e.status, json!({ "error": e.message, "code": e.code })),
    };
    tracing::info!(status, "response");
    respond(status, &body)
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
