//! The caller and the path, read from a request as API Gateway sends it.

use super::*;
use crate::router::known_path;
use serde_json::{Value, json};
use slamail_aws::http::segments;

fn request(claims: Option<Value>, method: &str, path: &str) -> ApiGatewayV2httpRequest {
    let mut ctx = json!({
        "http": { "method": method, "path": path },
        "stage": "$default",
    });
    if let Some(c) = claims {
        ctx["authorizer"] = json!({ "jwt": { "claims": c, "scopes": null } });
    }
    serde_json::from_value(json!({
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "requestContext": ctx,
    }))
    .unwrap()
}

#[test]
fn identity_comes_from_claims() {
    let s = Settings::default();
    let no = request(None, "GET", "/me");
    assert_eq!(caller(&no, &s).unwrap_err().status, 401);
    let no_email = request(Some(json!({"sub": "x"})), "GET", "/me");
    assert_eq!(caller(&no_email, &s).unwrap_err().status, 401);
    let unverified = request(
        Some(json!({"email": "a@b.example", "email_verified": "false"})),
        "GET",
        "/me",
    );
    assert_eq!(caller(&unverified, &s).unwrap_err().status, 403);
    let ok = request(
        Some(json!({"email": "A@B.example", "email_verified": "true"})),
        "GET",
        "/me",
    );
    let c = caller(&ok, &s).unwrap();
    assert_eq!(c.email.as_str(), "a@b.example");
    assert!(!c.operator);
    let op = request(
        Some(json!({"email": "o@v.example", "email_verified": "true",
                    "cognito:groups": "[readers slamail-operators]"})),
        "GET",
        "/me",
    );
    assert!(caller(&op, &s).unwrap().operator);
    let lookalike = request(
        Some(json!({"email": "o@v.example", "email_verified": "true",
                    "cognito:groups": "[slamail-operators-old]"})),
        "GET",
        "/me",
    );
    assert!(!caller(&lookalike, &s).unwrap().operator);
}

#[test]
fn paths_are_decoded_and_stage_stripped() {
    let mut r = request(None, "GET", "/prod/orgs/acme/contacts/bob%40acme.example");
    r.request_context.stage = Some("prod".into());
    assert_eq!(
        segments(&r).unwrap(),
        ["orgs", "acme", "contacts", "bob@acme.example"]
    );
    assert!(known_path(&["orgs", "acme", "members"]));
    assert!(!known_path(&["orgs", "acme", "secrets"]));
}
