//! The plumbing every HTTP API Lambda shares (API Gateway HTTP API, payload 2.0, behind a JWT
//! authorizer): who is calling, from the authorizer's claims only; the path's segments; the
//! request body; one JSON response per request; and the Lambda loop with one span per request.
//! Routes and what they mean stay in each function.

use std::collections::HashMap;

use aws_lambda_events::apigw::{ApiGatewayV2httpRequest, ApiGatewayV2httpResponse};
use aws_lambda_events::encodings::Body;
use aws_lambda_events::http::{HeaderMap, HeaderValue};
use base64::Engine as _;
use lambda_runtime::{LambdaEvent, service_fn};
use percent_encoding::percent_decode_str;
use serde_json::{Value, json};
use slamail_core::directory::DirectoryError;
use slamail_core::ids::EmailAddress;
use tracing::Instrument;

use crate::directory::DirectoryStoreError;

/// An error response: HTTP status, stable code, human message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, "bad-request", message)
    }
}

impl From<DirectoryError> for ApiError {
    fn from(e: DirectoryError) -> Self {
        let status = match &e {
            DirectoryError::Invalid(_) => 400,
            DirectoryError::Forbidden(_) => 403,
            DirectoryError::UnknownOrg(_) | DirectoryError::NotAMember { .. } => 404,
            DirectoryError::OrgExists(_)
            | DirectoryError::MemberExists { .. }
            | DirectoryError::LimitReached { .. }
            | DirectoryError::NotEligible { .. }
            | DirectoryError::AlreadyDesignated { .. }
            | DirectoryError::NotDesignated { .. }
            | DirectoryError::OverLimit { .. }
            | DirectoryError::LastAdmin { .. } => 409,
        };
        Self::new(status, e.code(), e.to_string())
    }
}

impl From<DirectoryStoreError> for ApiError {
    fn from(e: DirectoryStoreError) -> Self {
        match e {
            DirectoryStoreError::Refused(e) => e.into(),
            DirectoryStoreError::Conflict(_) => Self::new(409, e.code(), e.to_string()),
            DirectoryStoreError::Corrupt { .. } | DirectoryStoreError::Storage(_) => {
                // The details stay in the log: they name tables and AWS internals.
                tracing::error!(error = %e, "directory failure");
                Self::new(500, "internal", "internal error; try again later")
            }
        }
    }
}

/// What a route answers: a status and a JSON body, or an error response.
pub type Reply = Result<(u16, Value), ApiError>;

/// The JWT authorizer's claims: the only source of the caller's identity (no header, body or
/// query parameter can name a different caller).
#[derive(Debug, Clone, Copy)]
pub struct Claims<'a>(&'a HashMap<String, String>);

impl<'a> Claims<'a> {
    /// `requestContext.authorizer.jwt.claims`; a request without them is 401.
    pub fn of(req: &'a ApiGatewayV2httpRequest) -> Result<Self, ApiError> {
        req.request_context
            .authorizer
            .as_ref()
            .and_then(|a| a.jwt.as_ref())
            .map(|j| Self(&j.claims))
            .ok_or_else(|| ApiError::new(401, "no-identity", "no authenticated identity"))
    }

    /// The `email` claim (401 when absent or invalid).
    pub fn email(&self) -> Result<EmailAddress, ApiError> {
        let raw = self
            .0
            .get("email")
            .ok_or_else(|| ApiError::new(401, "no-identity", "the token has no email claim"))?;
        EmailAddress::parse(raw)
            .map_err(|_| ApiError::new(401, "no-identity", "the token's email claim is invalid"))
    }

    /// 403 unless the identity provider verified the address: anyone can type any address into
    /// a sign-up form.
    pub fn require_verified_email(&self) -> Result<(), ApiError> {
        let verified = self
            .0
            .get("email_verified")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
        if verified {
            Ok(())
        } else {
            Err(ApiError::new(
                403,
                "email-not-verified",
                "verify your email address with the identity provider first",
            ))
        }
    }

    /// Whether the `cognito:groups` (or `groups`) claim names exactly `group`.
    pub fn in_group(&self, group: &str) -> bool {
        self.0
            .get("cognito:groups")
            .or_else(|| self.0.get("groups"))
            .is_some_and(|g| groups(g).any(|g| g == group))
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

/// The path's segments, percent-decoded, without an API Gateway stage prefix.
pub fn segments(req: &ApiGatewayV2httpRequest) -> Result<Vec<String>, ApiError> {
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

/// The request body's bytes, base64-decoded when API Gateway encoded it. With `max_bytes`, a
/// larger body is refused (before decoding, when even its encoding is over twice the limit).
pub fn body_bytes(
    req: &ApiGatewayV2httpRequest,
    max_bytes: Option<usize>,
) -> Result<Vec<u8>, ApiError> {
    let too_large = || ApiError::bad_request("the body is too large");
    let raw = req.body.as_deref().unwrap_or("");
    if max_bytes.is_some_and(|max| raw.len() > max.saturating_mul(2)) {
        return Err(too_large());
    }
    let bytes = if req.is_base64_encoded {
        base64::engine::general_purpose::STANDARD
            .decode(raw)
            .map_err(|_| ApiError::bad_request("the body is not valid base64"))?
    } else {
        raw.as_bytes().to_vec()
    };
    if max_bytes.is_some_and(|max| bytes.len() > max) {
        return Err(too_large());
    }
    Ok(bytes)
}

/// The response to one request: the reply, or the error as `{"error", "code"}`; JSON, never
/// cached. Logs the status.
pub fn respond(reply: Reply) -> ApiGatewayV2httpResponse {
    let (status, body) = match reply {
        Ok(ok) => ok,
        Err(e) => (e.status, json!({ "error": e.message, "code": e.code })),
    };
    tracing::info!(status, "response");
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

/// The Lambda loop of an HTTP API function: `handle` serves each request inside a span with
/// its request id, method and path.
pub async fn serve<F, Fut>(handle: F) -> Result<(), lambda_runtime::Error>
where
    F: Fn(ApiGatewayV2httpRequest) -> Fut,
    Fut: Future<Output = ApiGatewayV2httpResponse>,
{
    let handle = &handle;
    lambda_runtime::run(service_fn(
        move |event: LambdaEvent<ApiGatewayV2httpRequest>| async move {
            let (request, context) = event.into_parts();
            let span = tracing::info_span!(
                "request",
                request_id = %context.request_id,
                method = %request.request_context.http.method,
                path = request.raw_path.as_deref().unwrap_or(""),
            );
            // Boxed: the handler's future is deep, and the runtime's future nests it again.
            let served = Box::pin(handle(request)).instrument(span).await;
            Ok::<_, lambda_runtime::Error>(served)
        },
    ))
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_claim_formats() {
        let all: Vec<&str> = groups("[a b]").collect();
        assert_eq!(all, ["a", "b"]);
        let all: Vec<&str> = groups(r#"["a","b"]"#).collect();
        assert_eq!(all, ["a", "b"]);
        let all: Vec<&str> = groups("a, b").collect();
        assert_eq!(all, ["a", "b"]);
        assert_eq!(groups("").count(), 0);
    }
}
