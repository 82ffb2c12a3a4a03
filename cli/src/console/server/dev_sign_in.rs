//! The development sign-in: the page posts an address and groups to `/dev/sign-in` and gets an
//! opaque session token; API calls with that token carry the claims API Gateway's JWT
//! authorizer would pass for such a user. Only the CLI has it: no Lambda binary links it, and
//! the deployed API accepts only tokens its authorizer verified.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use hyper::body::Incoming;
use hyper::header;
use hyper::{Request, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};
use slamail_core::ids::EmailAddress;

use super::response::{Resp, error, json_response, read_body};

/// At most this many groups, each at most [`MAX_GROUP_LEN`] characters, per dev identity.
const MAX_GROUPS: usize = 16;
const MAX_GROUP_LEN: usize = 64;

/// Who a development session claims to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct DevIdentity {
    pub(super) email: EmailAddress,
    pub(super) groups: Vec<String>,
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
    pub(super) fn claims(&self) -> Value {
        json!({
            "iss": "slamail-console-development",
            "sub": format!("dev:{}", self.email),
            "email": self.email.as_str(),
            "email_verified": "true",
            "cognito:groups": format!("[{}]", self.groups.join(" ")),
        })
    }
}

/// The signed-in sessions of one local console, by token.
#[derive(Default)]
pub(super) struct Sessions(Mutex<HashMap<String, DevIdentity>>);

impl Sessions {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, DevIdentity>> {
        // A panic while holding the lock cannot leave the map half-updated (single inserts and
        // removes), so a poisoned lock is still usable.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Who the request's bearer token was given to, as API Gateway's JWT authorizer: no valid
    /// token, no identity.
    pub(super) fn identity(&self, req: &Request<Incoming>) -> Option<DevIdentity> {
        bearer(req).and_then(|t| self.lock().get(&t).cloned())
    }

    /// `POST /dev/sign-in`: a new session for the identity the body claims.
    pub(super) async fn sign_in(&self, req: Request<Incoming>) -> Resp {
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
        self.lock().insert(token, identity);
        json_response(StatusCode::OK, &body)
    }

    /// `POST /dev/sign-out`: the request's token no longer signs anyone in.
    pub(super) fn sign_out(&self, req: &Request<Incoming>) -> Resp {
        if let Some(token) = bearer(req) {
            self.lock().remove(&token);
        }
        json_response(StatusCode::OK, &json!({ "signed_out": true }))
    }
}

fn bearer(req: &Request<Incoming>) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let token = value.strip_prefix("Bearer ")?.trim();
    (!token.is_empty()).then(|| token.to_string())
}

/// A development identity as a sign-in body with these values would make it.
#[cfg(test)]
pub(super) fn sign_in_as(email: &str, groups: &[&str]) -> Result<DevIdentity, String> {
    DevIdentity::parse(SignInBody {
        email: email.into(),
        groups: groups.iter().map(|g| g.to_string()).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dev_identity_rejects_nonsense() {
        assert!(sign_in_as("not an address", &[]).is_err());
        assert!(sign_in_as("a@b.example", &["two words"]).is_err());
        assert!(sign_in_as("a@b.example", &[&"g".repeat(65)]).is_err());
        let many: Vec<String> = (0..17).map(|i| format!("g{i}")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        assert!(sign_in_as("a@b.example", &many).is_err());
    }
}
