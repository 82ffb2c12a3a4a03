//! The local console's HTTP answers: every response carries the headers CloudFront adds to the
//! deployed console, and errors have the API's `{ "error", "code" }` shape.

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{self, HeaderValue};
use hyper::{Request, Response, StatusCode};
use serde_json::{Value, json};

use super::super::site;

/// Request bodies larger than this are refused (the API's bodies are a few hundred bytes).
const MAX_BODY: usize = 64 * 1024;

pub(super) type Resp = Response<Full<Bytes>>;

pub(super) fn respond(status: StatusCode, content_type: &str, body: impl Into<Bytes>) -> Resp {
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

pub(super) fn json_response(status: StatusCode, body: &Value) -> Resp {
    respond(status, "application/json; charset=utf-8", body.to_string())
}

pub(super) fn error(status: StatusCode, code: &str, message: &str) -> Resp {
    json_response(status, &json!({ "error": message, "code": code }))
}

/// The request's body, or the answer to a body over [`MAX_BODY`].
pub(super) async fn read_body(req: Request<Incoming>) -> Result<Bytes, Resp> {
    match Limited::new(req.into_body(), MAX_BODY).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(_) => Err(error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large",
            "the request body is too large",
        )),
    }
}
