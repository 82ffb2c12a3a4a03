//! The local console server: the console's pages, and the real contacts and agents API
//! handlers called in-process, on 127.0.0.1 only.
//!
//! Sign-in is the **development sign-in**: the page posts an address and groups to
//! `/dev/sign-in` and gets an opaque session token; API calls with that token reach
//! [`slamail_contacts::handle`] with the same claims API Gateway's JWT authorizer would pass
//! (`email`, `email_verified`, `cognito:groups` as `[a b]`). This exists only in the CLI: no
//! Lambda binary links it, and the deployed API accepts only tokens its authorizer verified.
//!
//! Routes: `/`, the static files, `/config.json`, `/policies.json`, `POST /dev/sign-in`,
//! `POST /dev/sign-out`, and `/api/<path>` → the API at `/<path>`: `/cases…` and `/queues…` to
//! the agents handler ([`slamail_agents::api::handle`]), everything else to the contacts
//! handler, as the HTTP API's routes send them to the two functions. The query string goes to
//! the handler as API Gateway passes it (`rawQueryString`, and `queryStringParameters` with a
//! repeated name's values joined by commas).

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use aws_lambda_events::apigw::{ApiGatewayV2httpRequest, ApiGatewayV2httpResponse};
use aws_lambda_events::encodings::Body as LambdaBody;
use base64::Engine;
use chrono::{DateTime, Utc};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde::Deserialize;
use serde_json::{Value, json};
use slamail_agents::Desk;
use slamail_agents::api::DEFAULT_AGENTS_GROUP;
use slamail_aws::cases::CaseStore;
use slamail_aws::directory::Directory;
use slamail_contacts::Settings;
use slamail_core::ids::EmailAddress;
use slamail_core::policy::PolicySet;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::site;

/// Request bodies larger than this are refused (the API's bodies are a few hundred bytes).
const MAX_BODY: usize = 64 * 1024;
/// At most this many groups, each at most [`MAX_GROUP_LEN`] characters, per dev identity.
const MAX_GROUPS: usize = 16;
const MAX_GROUP_LEN: usize = 64;

/// What the local server needs: the directory and policies the contacts handler uses, the
/// cases table its attainment reports read, and the agents' desk when it serves the agents API
/// too.
pub struct ConsoleContext {
    pub directory: Directory,
    pub policies: PolicySet,
    pub settings: Settings,
    /// The cases table of `GET /orgs/{org}/report` (as the contacts function's `CASES_TABLE`);
    /// without it the route answers 503 as the function does.
    pub reports: Option<CaseStore>,
    pub agents: Option<AgentsApi>,
    sessions: Mutex<HashMap<String, DevIdentity>>,
}

/// The agents API of the local console: the desk, the identity-provider group its callers
/// must be in (as the function's `AGENTS_GROUP`), and the clock it acts at.
pub struct AgentsApi {
    pub desk: Desk,
    pub group: String,
    /// The instant each call is handled at: the system clock, or a fixed one in tests.
    pub now: Box<dyn Fn() -> DateTime<Utc> + Send + Sync>,
}

impl AgentsApi {
    /// The agents API on the system clock.
    pub fn new(desk: Desk, group: impl Into<String>) -> Self {
        Self {
            desk,
            group: group.into(),
            now: Box::new(Utc::now),
        }
    }
}

impl ConsoleContext {
    pub fn new(directory: Directory, policies: PolicySet, settings: Settings) -> Self {
        Self {
            directory,
            policies,
            settings,
            reports: None,
            agents: None,
            sessions: Mutex::new(HashMap::new()),
        }
    }

    /// Serves the organisations' attainment reports from this cases table.
    pub fn with_reports(mut self, cases: CaseStore) -> Self {
        self.reports = Some(cases);
        self
    }

    /// Serves the agents API (`/api/cases…`, `/api/queues…`) as well.
    pub fn with_agents(mut self, agents: AgentsApi) -> Self {
        self.agents = Some(agents);
        self
    }

    /// The group whose members the pages offer the agents' pages to.
    fn agents_group(&self) -> &str {
        self.agents
            .as_ref()
            .map_or(DEFAULT_AGENTS_GROUP, |a| a.group.as_str())
    }
}

/// Who a development session claims to be.
#[derive(Debug, Clone, PartialEq, Eq)]
struct DevIdentity {
    email: EmailAddress,
    groups: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SignInBody {
    email: String,
    #[serde(default)]
    groups: Vec<String>,
}

impl DevIdentity {
    fn parse(body: SignInBody) -> Result<Self, String> {
        let email = EmailAddress::parse(&body.email)
            .map_err(|_| format!("{:?} is not an email address", body.email))?;
        if body.groups.len() > MAX_GROUPS {
            return Err(format!("at most {MAX_GROUPS} groups"));
        }
        let mut groups = Vec::new();
        for g in body.groups {
            let g = g.trim().to_string();
            if g.is_empty() {
                continue;
            }
            if g.len() > MAX_GROUP_LEN
                || !g
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                return Err(format!(
                    "group {g:?}: use letters, digits, '-' and '_' only (at most {MAX_GROUP_LEN})"
                ));
            }
            if !groups.contains(&g) {
                groups.push(g);
            }
        }
        Ok(Self { email, groups })
    }

    /// The claims API Gateway's JWT authorizer passes to the function for such a user.
    fn claims(&self) -> Value {
        json!({
            "iss": "slamail-console-development",
            "sub": format!("dev:{}", self.email),
            "email": self.email.as_str(),
            "email_verified": "true",
            "cognito:groups": format!("[{}]", self.groups.join(" ")),
        })
    }
}

/// A running local console; stops when dropped or on [`LocalConsole::stop`].
pub struct LocalConsole {
    pub addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl LocalConsole {
    /// The address to open in a browser.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for LocalConsole {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Serves the console on `listener` until the returned handle is stopped or dropped. Refuses
/// any address but loopback: the development sign-in lets anyone be anyone.
pub async fn start(
    listener: TcpListener,
    ctx: Arc<ConsoleContext>,
) -> Result<LocalConsole, String> {
    let addr = listener
        .local_addr()
        .map_err(|e| format!("cannot read the listening address: {e}"))?;
    if !addr.ip().is_loopback() {
        return Err(format!(
            "the local console serves a development sign-in and listens on loopback only, not {addr}"
        ));
    }
    let (tx, mut rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        loop {
            let stream = tokio::select! {
                _ = &mut rx => break,
                accepted = listener.accept() => match accepted {
                    Ok((stream, _)) => stream,
                    Err(e) => {
                        tracing::warn!(error = %e, "accept failed");
                        continue;
                    }
                },
            };
            let ctx = ctx.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |req| {
                    let ctx = ctx.clone();
                    async move { Ok::<_, Infallible>(serve(&ctx, req).await) }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    Ok(LocalConsole {
        addr,
        shutdown: Some(tx),
        task: Some(task),
    })
}

type Resp = Response<Full<Bytes>>;

fn respond(status: StatusCode, content_type: &str, body: impl Into<Bytes>) -> Resp {
    let mut resp = Response::new(Full::new(body.into()));
    *resp.status_mut() = status;
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    // The same protections CloudFront adds in the deployed console.
    if let Ok(v) = HeaderValue::from_str(&site::content_security_policy(&[])) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

fn json_response(status: StatusCode, body: &Value) -> Resp {
    respond(status, "application/json; charset=utf-8", body.to_string())
}

fn error(status: StatusCode, code: &str, message: &str) -> Resp {
    json_response(status, &json!({ "error": message, "code": code }))
}

async fn serve(ctx: &ConsoleContext, req: Request<Incoming>) -> Resp {
    let path = req.uri().path().to_string();
    let method = req.method().clone();
    if let Some(rest) = path.strip_prefix("/api/") {
        let rest = format!("/{rest}");
        let query = req.uri().query().unwrap_or("").to_string();
        return api(ctx, req, &rest, &query).await;
    }
    match (&method, path.as_str()) {
        (&Method::GET, "/config.json") => json_response(
            StatusCode::OK,
            &site::development_config(ctx.agents_group()),
        ),
        (&Method::GET, "/policies.json") => {
            json_response(StatusCode::OK, &site::policies_json(&ctx.policies))
        }
        (&Method::POST, "/dev/sign-in") => sign_in(ctx, req).await,
        (&Method::POST, "/dev/sign-out") => {
            if let Some(token) = bearer(&req) {
                sessions(ctx).remove(&token);
            }
            json_response(StatusCode::OK, &json!({ "signed_out": true }))
        }
        (&Method::GET, p) => match site::asset(p) {
            Some(a) => respond(StatusCode::OK, a.content_type, a.body),
            None => error(StatusCode::NOT_FOUND, "not-found", "no such page"),
        },
        _ => error(
            StatusCode::METHOD_NOT_ALLOWED,
            "method-not-allowed",
            "this method is not allowed here",
        ),
    }
}

fn sessions(ctx: &ConsoleContext) -> std::sync::MutexGuard<'_, HashMap<String, DevIdentity>> {
    // A panic while holding the lock cannot leave the map half-updated (single inserts and
    // removes), so a poisoned lock is still usable.
    ctx.sessions
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn bearer(req: &Request<Incoming>) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let token = value.strip_prefix("Bearer ")?.trim();
    (!token.is_empty()).then(|| token.to_string())
}

async fn read_body(req: Request<Incoming>) -> Result<Bytes, Resp> {
    match Limited::new(req.into_body(), MAX_BODY).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(_) => Err(error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large",
            "the request body is too large",
        )),
    }
}

async fn sign_in(ctx: &ConsoleContext, req: Request<Incoming>) -> Resp {
    let bytes = match read_body(req).await {
        Ok(b) => b,
        Err(resp) => return resp,
    };
    let identity = serde_json::from_slice::<SignInBody>(&bytes)
        .map_err(|e| format!("invalid sign-in body: {e}"))
        .and_then(DevIdentity::parse);
    let identity = match identity {
        Ok(i) => i,
        Err(message) => return error(StatusCode::BAD_REQUEST, "bad-request", &message),
    };
    let mut raw = [0u8; 32];
    if getrandom::fill(&mut raw).is_err() {
        return error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "no randomness for a session token",
        );
    }
    let token: String = raw.iter().map(|b| format!("{b:02x}")).collect();
    let body = json!({
        "token": token,
        "email": identity.email.as_str(),
        "groups": identity.groups,
    });
    sessions(ctx).insert(token, identity);
    json_response(StatusCode::OK, &body)
}

/// `/api/<path>`: the contacts API handler, called as API Gateway would call the Lambda.
async fn api(ctx: &ConsoleContext, req: Request<Incoming>, path: &str, query: &str) -> Resp {
    // As API Gateway's JWT authorizer: no valid token, no call.
    let identity = bearer(&req).and_then(|t| sessions(ctx).get(&t).cloned());
    let Some(identity) = identity else {
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
    use super::*;

    fn sign_in(email: &str, groups: &[&str]) -> Result<DevIdentity, String> {
        DevIdentity::parse(SignInBody {
            email: email.into(),
            groups: groups.iter().map(|g| g.to_string()).collect(),
        })
    }

    #[test]
    fn dev_identity_becomes_authorizer_claims() {
        let id = sign_in(
            " Alice@Acme.Example ",
            &["agents", "slamail-operators", "agents"],
        )
        .unwrap();
        let event = lambda_event(&id, "GET", "/orgs/acme", "", "", b"").unwrap();
        let caller = slamail_contacts::caller(&event, &Settings::default()).unwrap();
        assert_eq!(caller.email.as_str(), "alice@acme.example");
        assert!(caller.operator);
        let plain = sign_in("bob@acme.example", &[]).unwrap();
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
        let id = sign_in("a@b.example", &[]).unwrap();
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
    fn dev_identity_rejects_nonsense() {
        assert!(sign_in("not an address", &[]).is_err());
        assert!(sign_in("a@b.example", &["two words"]).is_err());
        assert!(sign_in("a@b.example", &[&"g".repeat(65)]).is_err());
        let many: Vec<String> = (0..17).map(|i| format!("g{i}")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        assert!(sign_in("a@b.example", &many).is_err());
    }

    #[test]
    fn bodies_pass_through_as_text_or_base64() {
        let id = sign_in("a@b.example", &[]).unwrap();
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
