//! A stand-in for CloudFront + identity provider + API, for the deployed sign-in: serves the
//! site as `slamail console build` writes it, an authorization endpoint that approves at once,
//! a token endpoint that checks the PKCE verifier, and `/me`, which records the bearer token.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde_json::json;
use sha2::{Digest, Sha256};
use slamail_cli::console::site;

#[derive(Default)]
pub struct Seen {
    /// code → the code challenge the authorization request carried.
    pub challenges: HashMap<String, String>,
    pub verified_exchanges: usize,
    pub bearer: Option<String>,
}

pub struct Provider {
    pub port: u16,
    pub seen: Arc<Mutex<Seen>>,
    pub id_token: String,
}

fn query(s: &str) -> HashMap<String, String> {
    s.split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| {
            let v = v.replace('+', " ");
            let v = percent_encoding::percent_decode_str(&v).decode_utf8_lossy();
            (k.to_string(), v.into_owned())
        })
        .collect()
}

impl Provider {
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let header = B64.encode(br#"{"alg":"none","typ":"JWT"}"#);
        let claims = json!({
            "email": "alice@acme.example", "email_verified": true,
            "cognito:groups": ["agents"], "exp": 4_102_444_800u64,
        });
        let id_token = format!("{header}.{}.sig", B64.encode(claims.to_string()));
        let seen = Arc::new(Mutex::new(Seen::default()));
        let (s, token) = (seen.clone(), id_token.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (s, token) = (s.clone(), token.clone());
                std::thread::spawn(move || serve(stream, port, &s, &token));
            }
        });
        Provider {
            port,
            seen,
            id_token,
        }
    }
}

fn serve(stream: TcpStream, port: u16, seen: &Mutex<Seen>, id_token: &str) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() || line.is_empty() {
        return;
    }
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
    let (path, qs) = target.split_once('?').unwrap_or((target, ""));
    let mut headers = HashMap::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).unwrap();
        if h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    let len = headers
        .get("content-length")
        .and_then(|l| l.parse().ok())
        .unwrap_or(0usize);
    let mut body = vec![0; len];
    reader.read_exact(&mut body).unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let config = site::OidcConfig {
        client_id: "console-client".into(),
        authorization_endpoint: format!("{base}/authorize"),
        token_endpoint: format!("{base}/token"),
        scope: "openid email".into(),
        // The group the ID token below carries.
        agents_group: "agents".into(),
    };
    let (status, ctype, extra, out): (&str, &str, String, String) = match (method, path) {
        ("GET", "/config.json") => (
            "200 OK",
            "application/json",
            String::new(),
            config.to_json().to_string(),
        ),
        ("GET", "/policies.json") => {
            let p = slamail_core::policy::PolicySet::builtin().unwrap();
            (
                "200 OK",
                "application/json",
                String::new(),
                site::policies_json(&p).to_string(),
            )
        }
        ("GET", "/authorize") => {
            let q = query(qs);
            assert_eq!(q["response_type"], "code");
            assert_eq!(q["client_id"], "console-client");
            assert_eq!(q["code_challenge_method"], "S256");
            let code = format!("code-{}", q["state"].len());
            seen.lock()
                .unwrap()
                .challenges
                .insert(code.clone(), q["code_challenge"].clone());
            let back = format!("{}?code={code}&state={}", q["redirect_uri"], q["state"]);
            (
                "302 Found",
                "text/plain",
                format!("Location: {back}\r\n"),
                String::new(),
            )
        }
        ("POST", "/token") => {
            let q = query(&String::from_utf8_lossy(&body));
            let mut s = seen.lock().unwrap();
            let expected = s.challenges.get(&q["code"]).cloned().unwrap_or_default();
            let actual = B64.encode(Sha256::digest(q["code_verifier"].as_bytes()));
            if q["grant_type"] == "authorization_code" && actual == expected {
                s.verified_exchanges += 1;
                (
                    "200 OK",
                    "application/json",
                    String::new(),
                    json!({ "id_token": id_token, "access_token": "opaque" }).to_string(),
                )
            } else {
                (
                    "400 Bad Request",
                    "application/json",
                    String::new(),
                    json!({ "error": "invalid_grant" }).to_string(),
                )
            }
        }
        ("GET", "/me") => {
            seen.lock().unwrap().bearer = headers.get("authorization").cloned();
            let me = json!({ "email": "alice@acme.example", "memberships": [
                { "org": "acme", "org_name": "Acme Corporation", "policy": "activestate",
                  "tier": "enterprise", "designated": true } ] });
            ("200 OK", "application/json", String::new(), me.to_string())
        }
        ("GET", p) => match site::asset(p) {
            Some(a) => ("200 OK", a.content_type, String::new(), a.body.to_string()),
            None => ("404 Not Found", "text/plain", String::new(), String::new()),
        },
        _ => (
            "405 Method Not Allowed",
            "text/plain",
            String::new(),
            String::new(),
        ),
    };
    let mut stream = stream;
    let csp = site::content_security_policy(&[]);
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n\
         Content-Security-Policy: {csp}\r\nConnection: close\r\n{extra}\r\n{out}",
        out.len()
    );
}
