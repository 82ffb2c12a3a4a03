//! `/api/<path>`: the API at `/<path>`, each call handed to the real handler in-process as API
//! Gateway's HTTP API would hand it to the Lambda: `/cases…` and `/queues…` to the agents
//! handler ([`slamail_agents::api::handle`]), everything else to the contacts handler. The
//! query string goes to the handler as API Gateway passes it (`rawQueryString`, and
//! `queryStringParameters` with a repeated name's values joined by commas).

use aws_lambda_events::apigw::{ApiGatewayV2httpRequest, ApiGatewayV2httpResponse};
use aws_lambda_events::encodings::Body as LambdaBody;
use base64::Engine;
use hyper::body::{Bytes, Incoming};
use hyper::header;
use hyper::{Request, StatusCode};
use serde_json::{Value, json};

use super::ConsoleContext;
use super::dev_sign_in::DevIdentity;
use super::response::{Resp, error, json_response, read_body, respond};

/// Calls the API handler `path` routes to, as the signed-in caller of `req`.
pub(super) async fn call(
    ctx: &ConsoleContext,
    req: Request<Incoming>,
    path: &str,
    query: &str,
) -> Resp {
    let Some(identity) = ctx.sessions.identity(&req) else {
        return json_response(
            StatusCode::UNAUTHORIZED,
            &json!({ "message": "Unauthorized" }),
        );
    };
    let method = req.method().as_str().to_string();
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let bytes = match read_body(req).await {
        Ok(b) => b,
        Err(resp) => return resp,
    };
    let event = match lambda_event(&identity, &method, path, query, &content_type, &bytes) {
        Ok(e) => e,
        Err(message) => return error(StatusCode::BAD_REQUEST, "bad-request", &message),
    };
    let reply = if is_agents_path(path) {
        let Some(agents) = &ctx.agents else {
            return error(
                StatusCode::NOT_FOUND,
                "no-route",
                "this console does not serve the agents API",
            );
        };
        slamail_agents::api::handle(&agents.desk, &agents.group, event, (agents.now)()).await
    } else {
        slamail_contacts::handle_with_reports(
            &ctx.directory,
            ctx.reports.as_ref(),
            &ctx.policies,
            &ctx.settings,
            event,
        )
        .await
    };
    from_lambda(reply)
}

/// The paths the HTTP API routes to the agents function (`/cases/{proxy+}`, `/queues` and
/// `/queues/{proxy+}` in `infra/template.yaml`).
fn is_agents_path(path: &str) -> bool {
    let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
    first == "cases" || first == "queues"
}

/// `queryStringParameters` as API Gateway's HTTP API forms them: decoded, a repeated name's
/// values joined with commas in the order given.
fn query_parameters(query: &str) -> serde_json::Map<String, Value> {
    let mut out = serde_json::Map::new();
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        match out.get_mut(name.as_ref()) {
            Some(Value::String(joined)) => {
                joined.push(',');
                joined.push_str(&value);
            }
            _ => {
                out.insert(name.into_owned(), Value::String(value.into_owned()));
            }
        }
    }
    out
}

fn lambda_event(
    identity: &DevIdentity,
    method: &str,
    path: &str,
    query: &str,
    content_type: &str,
    body: &[u8],
) -> Result<ApiGatewayV2httpRequest, String> {
    let (body, base64) = match std::str::from_utf8(body) {
        Ok("") => (Value::Null, false),
        Ok(text) => (Value::String(text.to_string()), false),
        Err(_) => (
            Value::String(base64::engine::general_purpose::STANDARD.encode(body)),
            true,
        ),
    };
    let mut headers = serde_json::Map::new();
    if !content_type.is_empty() {
        headers.insert("content-type".into(), Value::String(content_type.into()));
    }
    serde_json::from_value(json!({
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": query,
        "queryStringParameters": query_parameters(query),
        "headers": headers,
        "requestContext": {
            "accountId": "local",
            "apiId": "slamail-console",
            "domainName": "localhost",
            "http": { "method": method, "path": path, "protocol": "HTTP/1.1",
                      "sourceIp": "127.0.0.1", "userAgent": "slamail-console" },
            "requestId": "local",
            "routeKey": "$default",
            "stage": "$default",
            "authorizer": { "jwt": { "claims": identity.claims(), "scopes": null } },
        },
        "body": body,
        "isBase64Encoded": base64,
    }))
    .map_err(|e| format!("cannot form the API request: {e}"))
}

fn from_lambda(reply: ApiGatewayV2httpResponse) -> Resp {
    let status = u16::try_from(reply.status_code)
        .ok()
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let content_type = reply
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/json; charset=utf-8")
        .to_string();
    let body: Bytes = match reply.body {
        Some(LambdaBody::Text(t)) => t.into(),
        Some(LambdaBody::Binary(b)) => b.into(),
        _ => Bytes::new(),
    };
    respond(status, &content_type, body)
}

#[cfg(test)]
mod tests {
    use slamail_contacts::Settings;

    use super::super::dev_sign_in::sign_in_as;
    use super::*;

    #[test]
    fn dev_identity_becomes_authorizer_claims() {
        let id = sign_in_as(
            " Alice@Acme.Example ",
            &["agents", "slamail-operators", "agents"],
        )
        .unwrap();
        let event = lambda_event(&id, "GET", "/orgs/acme", "", "", b"").unwrap();
        let caller = slamail_contacts::caller(&event, &Settings::default()).unwrap();
        assert_eq!(caller.email.as_str(), "alice@acme.example");
        assert!(caller.operator);
        let plain = sign_in_as("bob@acme.example", &[]).unwrap();
        let event = lambda_event(&plain, "PUT", "/orgs/acme/contacts/x%40y", "", "", b"").unwrap();
        assert!(
            !slamail_contacts::caller(&event, &Settings::default())
                .unwrap()
                .operator
        );
        assert_eq!(event.raw_path.as_deref(), Some("/orgs/acme/contacts/x%40y"));
    }

    #[test]
    fn agents_paths_go_to_the_agents_handler_as_the_api_routes_them() {
        assert!(is_agents_path("/cases/AS-2026-000001/reply"));
        assert!(is_agents_path("/queues"));
        assert!(is_agents_path("/queues/activestate/enterprise"));
        assert!(!is_agents_path("/orgs/acme/members"));
        assert!(!is_agents_path("/me"));
        assert!(!is_agents_path("/casesx"));
    }

    /// The query string reaches the handler as API Gateway passes it: the report route reads
    /// `month` from `queryStringParameters`, which the local server used to leave empty.
    #[test]
    fn query_strings_pass_through_as_api_gateway_passes_them() {
        let id = sign_in_as("a@b.example", &[]).unwrap();
        let e = lambda_event(
            &id,
            "GET",
            "/orgs/acme/report",
            "month=2026-11&x=a%20b&x=c",
            "",
            b"",
        )
        .unwrap();
        assert_eq!(
            e.raw_query_string.as_deref(),
            Some("month=2026-11&x=a%20b&x=c")
        );
        assert_eq!(e.query_string_parameters.first("month"), Some("2026-11"));
        assert_eq!(e.query_string_parameters.all("x"), Some(vec!["a b", "c"]));
        let none = lambda_event(&id, "GET", "/orgs/acme/report", "", "", b"").unwrap();
        assert_eq!(none.query_string_parameters.first("month"), None);
    }

    #[test]
    fn bodies_pass_through_as_text_or_base64() {
        let id = sign_in_as("a@b.example", &[]).unwrap();
        let e = lambda_event(
            &id,
            "POST",
            "/orgs/acme/members",
            "",
            "application/json",
            br#"{"email":"x@y"}"#,
        )
        .unwrap();
        assert_eq!(e.body.as_deref(), Some(r#"{"email":"x@y"}"#));
        assert!(!e.is_base64_encoded);
        let e = lambda_event(&id, "POST", "/orgs/acme/members", "", "", &[0xff, 0xfe]).unwrap();
        assert!(e.is_base64_encoded);
    }
}
