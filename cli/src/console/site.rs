//! The console's static site: the files of `console/` (embedded, so the binary serves them
//! from anywhere), the Content-Security-Policy they are written for, and the two generated
//! files: `config.json` (where the API and the sign-in are) and `policies.json` (each policy's
//! name, time zone and tier labels, so the pages can show the policy's local time).
//!
//! `slamail console build` writes the deployable folder with [`write_site`]; it has no way to
//! write a development configuration, so a deployed console can only sign in through OIDC.

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::{Value, json};
use slamail_core::policy::PolicySet;

/// One embedded file of the console.
#[derive(Debug, Clone, Copy)]
pub struct Asset {
    /// The name under the site's root, e.g. `console.js`.
    pub name: &'static str,
    pub content_type: &'static str,
    pub body: &'static str,
}

/// One file of `console/`, embedded at build time.
macro_rules! asset {
    ($name:literal, $content_type:literal) => {
        Asset {
            name: $name,
            content_type: $content_type,
            body: include_str!(concat!("../../../console/", $name)),
        }
    };
}

/// The console's files, exactly as they are in `console/`.
pub const ASSETS: &[Asset] = &[
    asset!("index.html", "text/html; charset=utf-8"),
    asset!("console.js", "text/javascript; charset=utf-8"),
    asset!("ui.js", "text/javascript; charset=utf-8"),
    asset!("agents.js", "text/javascript; charset=utf-8"),
    asset!("report.js", "text/javascript; charset=utf-8"),
    asset!("console.css", "text/css; charset=utf-8"),
];

/// The asset served for a request path (`/` is `index.html`).
pub fn asset(path: &str) -> Option<&'static Asset> {
    let name = match path.trim_start_matches('/') {
        "" => "index.html",
        other => other,
    };
    ASSETS.iter().find(|a| a.name == name)
}

/// The policy the pages are written for: their own scripts and styles only, no inline code,
/// no framing, and network access to `connect` (the API and the token endpoint) besides the
/// site itself. `infra/template.yaml` sends the same directives from CloudFront.
pub fn content_security_policy(connect: &[&str]) -> String {
    let mut connect_src = String::from("'self'");
    for origin in connect {
        connect_src.push(' ');
        connect_src.push_str(origin);
    }
    format!(
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
         connect-src {connect_src}; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// How a deployed console signs in: OIDC authorization code with PKCE against the issuer the
/// HTTP API's JWT authorizer trusts. The API is on the console's own origin (CloudFront sends
/// `/me`, `/orgs*`, `/cases/*` and `/queues*` to the HTTP API), so the pages need no CORS and no
/// API URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OidcConfig {
    pub client_id: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub scope: String,
    /// The group whose members the pages offer the agents' pages to (the stack's
    /// `AgentsGroup`); the agents API checks it again on every call.
    pub agents_group: String,
}

/// Why a console configuration was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SiteError {
    #[error("{what} must be an https:// URL, got {value:?}")]
    NotHttps { what: &'static str, value: String },
    #[error("the client id must not be empty")]
    NoClientId,
    #[error("cannot write {path}: {reason}")]
    Write { path: PathBuf, reason: String },
}

impl OidcConfig {
    /// Checks the URLs: a deployed console talks to nothing over plain HTTP.
    pub fn validated(mut self) -> Result<Self, SiteError> {
        for (what, value) in [
            (
                "the authorization endpoint",
                &mut self.authorization_endpoint,
            ),
            ("the token endpoint", &mut self.token_endpoint),
        ] {
            let trimmed = value.trim().to_string();
            if !trimmed.starts_with("https://") || trimmed.len() <= "https://".len() {
                return Err(SiteError::NotHttps {
                    what,
                    value: value.clone(),
                });
            }
            *value = trimmed;
        }
        if self.client_id.trim().is_empty() {
            return Err(SiteError::NoClientId);
        }
        Ok(self)
    }

    pub fn to_json(&self) -> Value {
        json!({
            "mode": "oidc",
            "api": "",
            "client_id": self.client_id,
            "authorization_endpoint": self.authorization_endpoint,
            "token_endpoint": self.token_endpoint,
            "scope": self.scope,
            "agents_group": self.agents_group,
        })
    }
}

/// `config.json` of the local console: development sign-in, API under `/api` on the same
/// origin. Only the CLI's local server ever serves this.
pub fn development_config(agents_group: &str, queue_page: usize) -> Value {
    json!({ "mode": "development", "api": "/api", "agents_group": agents_group,
            "queue_page": queue_page })
}

/// `policies.json`: per policy, its name, the zone its support hours are kept in, the labels
/// of its tiers and its severities.
pub fn policies_json(policies: &PolicySet) -> Value {
    let mut out = serde_json::Map::new();
    for p in policies.policies() {
        let tiers: serde_json::Map<String, Value> = p
            .tiers
            .iter()
            .map(|t| (t.id.to_string(), Value::String(t.label.clone())))
            .collect();
        out.insert(
            p.id.to_string(),
            json!({
                "name": p.name,
                "zone": p.support_calendar().zone().name(),
                "tiers": tiers,
                // In rank order, for the agents' priority control.
                "severities": p.severities.iter()
                    .map(|s| json!({ "id": s.id.to_string(), "label": s.label }))
                    .collect::<Vec<_>>(),
            }),
        );
    }
    Value::Object(out)
}

/// Writes the deployable console into `out`: the static files, `config.json` and
/// `policies.json`. Returns the files written.
pub fn write_site(
    out: &Path,
    config: &OidcConfig,
    policies: &PolicySet,
) -> Result<Vec<PathBuf>, SiteError> {
    let write = |path: PathBuf, body: &str| -> Result<PathBuf, SiteError> {
        std::fs::write(&path, body).map_err(|e| SiteError::Write {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        Ok(path)
    };
    std::fs::create_dir_all(out).map_err(|e| SiteError::Write {
        path: out.to_path_buf(),
        reason: e.to_string(),
    })?;
    let mut written = Vec::new();
    for a in ASSETS {
        written.push(write(out.join(a.name), a.body)?);
    }
    written.push(write(
        out.join("config.json"),
        &config.to_json().to_string(),
    )?);
    written.push(write(
        out.join("policies.json"),
        &policies_json(policies).to_string(),
    )?);
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oidc() -> OidcConfig {
        OidcConfig {
            client_id: "client".into(),
            authorization_endpoint: "https://auth.example.com/oauth2/authorize".into(),
            token_endpoint: "https://auth.example.com/oauth2/token".into(),
            scope: "openid email".into(),
            agents_group: "slamail-agents".into(),
        }
    }

    #[test]
    fn assets_are_the_console_files() {
        assert_eq!(asset("/").unwrap().name, "index.html");
        assert_eq!(asset("/console.js").unwrap().name, "console.js");
        assert_eq!(asset("/agents.js").unwrap().name, "agents.js");
        assert_eq!(asset("/report.js").unwrap().name, "report.js");
        // Every module the pages import is served.
        for a in ASSETS.iter().filter(|a| a.name.ends_with(".js")) {
            for line in a.body.lines().filter(|l| l.starts_with("import ")) {
                let file = line.rsplit("\"./").next().unwrap().trim_end_matches("\";");
                assert!(asset(file).is_some(), "{} imports {file}", a.name);
            }
        }
        assert!(asset("/../Cargo.toml").is_none());
        assert!(asset("/config.json").is_none());
        // The page loads its script and style from files: the CSP forbids inline code.
        let html = asset("/").unwrap().body;
        assert!(html.contains(r#"<script type="module" src="console.js"></script>"#));
        assert!(!html.contains("style="));
        assert!(!html.contains("onclick"));
    }

    #[test]
    fn policy_is_strict() {
        let csp = content_security_policy(&["https://api.example"]);
        assert!(csp.contains("script-src 'self';"));
        assert!(csp.contains("connect-src 'self' https://api.example;"));
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("unsafe"));
    }

    #[test]
    fn deployed_config_is_oidc_over_https_only() {
        let c = oidc().validated().unwrap();
        assert_eq!(c.to_json()["mode"], "oidc");
        // Same origin: CloudFront forwards the API's paths.
        assert_eq!(c.to_json()["api"], "");
        let mut plain = oidc();
        plain.token_endpoint = "http://auth.example.com/token".into();
        assert!(matches!(
            plain.validated(),
            Err(SiteError::NotHttps { what, .. }) if what == "the token endpoint"
        ));
        let mut anonymous = oidc();
        anonymous.client_id = " ".into();
        assert_eq!(anonymous.validated(), Err(SiteError::NoClientId));
    }

    #[test]
    fn policies_carry_their_zones() {
        let p = policies_json(&PolicySet::builtin().unwrap());
        assert_eq!(p["activestate"]["zone"], "America/Los_Angeles");
        assert_eq!(p["activestate"]["tiers"]["enterprise"], "Enterprise");
        assert_eq!(p["activestate"]["severities"][0]["id"], "critical");
    }

    #[test]
    fn site_is_written_without_development_sign_in() {
        let dir = std::env::temp_dir().join(format!("slamail-site-{}", std::process::id()));
        let files = write_site(&dir, &oidc(), &PolicySet::builtin().unwrap()).unwrap();
        assert_eq!(files.len(), ASSETS.len() + 2);
        let config = std::fs::read_to_string(dir.join("config.json")).unwrap();
        assert!(!config.contains("development"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
