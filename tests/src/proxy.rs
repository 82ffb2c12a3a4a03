//! A counting, fault-injecting HTTP proxy in front of moto: every request an SDK client really
//! sends is forwarded and recorded by operation, so tests can assert how many AWS round trips a
//! code path costs, and the N-th request of an operation can be refused (a service fault or
//! throttling, in the service's wire format), or carried out with its answer lost or stalled past
//! the client's timeout — the SDK's own error paths, not a stand-in for them.
//!
//! Each request is forwarded on its own upstream connection with `Connection: close`, and the
//! client connection is closed after the answer: the SDK then opens a new connection for its
//! next request, and no response framing has to be understood here.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_config::SdkConfig;

use crate::{MotoError, MotoServer, sdk_config_for};

/// A proxy that forwards to one moto server and counts what passes.
#[derive(Debug, Clone)]
pub struct CountingProxy {
    endpoint: String,
    seen: Arc<Mutex<Vec<String>>>,
    faults: Arc<Mutex<Vec<Rule>>>,
    throttles: Arc<Mutex<Vec<Throttle>>>,
    /// Time spent upstream per operation (count, total).
    timings: Arc<Mutex<BTreeMap<String, (u64, Duration)>>>,
    sdk_config: SdkConfig,
}

/// A quota on one operation, as SES enforces its sending rate: beyond `per_second` requests in
/// one second, the request is refused with HTTP 429 `TooManyRequestsException` (not forwarded).
#[derive(Debug, Clone)]
struct Throttle {
    op: String,
    per_second: u32,
    window: Option<Instant>,
    used: u32,
    refused: u64,
}

/// A failure the proxy injects into one request, in the service's own wire format so that the
/// SDK takes its real error path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Not forwarded: the client gets an HTTP 500 service fault (a definite failure).
    Refuse,
    /// Not forwarded: the client gets the service's throttling error (DynamoDB
    /// `ThrottlingException`, S3 `SlowDown`, SESv2 `TooManyRequestsException`).
    Throttle,
    /// Forwarded and carried out by moto, but the answer is dropped (the caller cannot know).
    DropAnswer,
    /// Forwarded and carried out by moto, then the answer is held for [`STALL`] and dropped: the
    /// caller's timeout fires first (a call that timed out after it took effect).
    Stall,
}

/// How long a [`Fault::Stall`] holds the answer: longer than the attempt timeout the fault tests
/// configure.
pub const STALL: Duration = Duration::from_secs(15);

#[derive(Debug, Clone)]
struct Rule {
    /// The operation that triggers the fault, or `None` for whatever request comes next.
    op: Option<String>,
    /// An operation that must be seen before the rule applies.
    after: Option<String>,
    /// How many more matching requests pass before this one fails.
    skip: usize,
    fault: Fault,
}

impl CountingProxy {
    /// Starts a proxy on a free port of 127.0.0.1 in front of `moto`. Its thread lives as long
    /// as the test process.
    pub fn start(moto: &MotoServer) -> Result<CountingProxy, MotoError> {
        let listener =
            TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).map_err(|source| MotoError::Spawn {
                what: "the counting proxy's listener".into(),
                source,
            })?;
        let port = listener
            .local_addr()
            .map_err(|source| MotoError::Spawn {
                what: "the counting proxy's address".into(),
                source,
            })?
            .port();
        let upstream = moto.port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let faults = Arc::new(Mutex::new(Vec::new()));
        let throttles = Arc::new(Mutex::new(Vec::new()));
        let timings = Arc::new(Mutex::new(BTreeMap::new()));
        let state = Shared {
            log: seen.clone(),
            rules: faults.clone(),
            quotas: throttles.clone(),
            timings: timings.clone(),
        };
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let state = state.clone();
                std::thread::spawn(move || {
                    // A broken connection fails the SDK call, which the test then reports.
                    let _ = forward(client, upstream, &state);
                });
            }
        });
        let endpoint = format!("http://127.0.0.1:{port}");
        Ok(CountingProxy {
            sdk_config: sdk_config_for(&endpoint),
            endpoint,
            seen,
            faults,
            throttles,
            timings,
        })
    }

    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// SDK configuration pointed at the proxy (same settings as [`MotoServer::sdk_config`]).
    pub fn sdk_config(&self) -> &SdkConfig {
        &self.sdk_config
    }

    /// SDK configuration pointed at the proxy that gives up on an attempt after `timeout` (for
    /// [`Fault::Stall`]).
    pub fn sdk_config_with_attempt_timeout(&self, timeout: Duration) -> SdkConfig {
        self.sdk_config
            .to_builder()
            .timeout_config(
                aws_config::timeout::TimeoutConfig::builder()
                    .operation_attempt_timeout(timeout)
                    .build(),
            )
            .build()
    }

    /// The operations forwarded so far, in order (e.g. `DynamoDB.UpdateItem`, `S3.GetObject`,
    /// `SESv2.SendEmail`).
    pub fn requests(&self) -> Vec<String> {
        self.seen.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// The next request of operation `op` (as named by [`requests`](Self::requests)) fails.
    pub fn fail_next(&self, op: &str, fault: Fault) {
        self.fail_nth(op, 1, fault);
    }

    /// The `n`-th request of operation `op` from now (1 = the next) fails.
    pub fn fail_nth(&self, op: &str, n: usize, fault: Fault) {
        self.add(Rule {
            op: Some(op.to_string()),
            after: None,
            skip: n.saturating_sub(1),
            fault,
        });
    }

    /// Forgets armed faults that never fired.
    pub fn clear_faults(&self) {
        if let Ok(mut f) = self.faults.lock() {
            f.clear();
        }
    }

    /// The first request of any operation that follows the next `trigger` request fails.
    pub fn fail_after(&self, trigger: &str, fault: Fault) {
        self.add(Rule {
            op: None,
            after: Some(trigger.to_string()),
            skip: 0,
            fault,
        });
    }

    /// From now on, at most `per_second` requests of `op` a second are forwarded; the others are
    /// refused as SES refuses a send over its sending rate (HTTP 429 `TooManyRequestsException`).
    pub fn throttle(&self, op: &str, per_second: u32) {
        if let Ok(mut t) = self.throttles.lock() {
            t.push(Throttle {
                op: op.to_string(),
                per_second,
                window: None,
                used: 0,
                refused: 0,
            });
        }
    }

    /// Per operation: how many were forwarded and the mean time the emulator took for one.
    pub fn timings(&self) -> BTreeMap<String, (u64, Duration)> {
        self.timings
            .lock()
            .map(|t| {
                t.iter()
                    .map(|(op, (n, total))| (op.clone(), (*n, *total / (*n).max(1) as u32)))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// How many requests the throttles refused so far.
    pub fn throttled(&self) -> u64 {
        self.throttles
            .lock()
            .map(|t| t.iter().map(|q| q.refused).sum())
            .unwrap_or(0)
    }

    fn add(&self, rule: Rule) {
        if let Ok(mut f) = self.faults.lock() {
            f.push(rule);
        }
    }

    /// Forgets what was counted so far.
    pub fn reset(&self) {
        if let Ok(mut s) = self.seen.lock() {
            s.clear();
        }
    }
}

/// Names a request by its operation: DynamoDB's `X-Amz-Target`, S3's method on an object path,
/// SESv2's REST path.
fn operation(method: &str, path: &str, target: Option<&str>) -> String {
    if let Some(t) = target {
        let op = t.rsplit('.').next().unwrap_or(t);
        let service = if t.starts_with("AmazonSQS") {
            "SQS"
        } else {
            "DynamoDB"
        };
        return format!("{service}.{op}");
    }
    let path = path.split('?').next().unwrap_or(path);
    match (method, path) {
        ("POST", "/v2/email/outbound-emails") => "SESv2.SendEmail".to_string(),
        ("GET", p) if p.matches('/').count() >= 2 => "S3.GetObject".to_string(),
        ("PUT", p) if p.matches('/').count() >= 2 => "S3.PutObject".to_string(),
        (m, p) => format!("{m} {p}"),
    }
}

/// The fault for this request, if a rule matches (the rule is then used up); arms rules
/// waiting for this operation.
fn fault_for(op: &str, rules: &Mutex<Vec<Rule>>) -> Option<Fault> {
    let mut rules = rules.lock().ok()?;
    let mut hit = None;
    for (i, r) in rules.iter_mut().enumerate() {
        if r.after.is_some() || r.op.as_deref().is_some_and(|o| o != op) {
            continue;
        }
        if r.skip > 0 {
            r.skip -= 1;
            continue;
        }
        hit = Some(i);
        break;
    }
    let fault = hit.map(|i| rules.remove(i).fault);
    for r in rules.iter_mut() {
        if r.after.as_deref() == Some(op) {
            r.after = None;
        }
    }
    fault
}

/// The HTTP answer of a refused request, as the service would send it.
fn refusal(op: &str, fault: Fault) -> String {
    let throttle = fault == Fault::Throttle;
    let (status, headers, body) = if op.starts_with("S3.") {
        let (status, code) = if throttle {
            ("503 Slow Down", "SlowDown")
        } else {
            ("500 Internal Server Error", "InternalError")
        };
        (
            status,
            "Content-Type: application/xml\r\n".to_string(),
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code>\
                 <Message>injected by the proxy</Message></Error>"
            ),
        )
    } else if op.starts_with("SESv2.") {
        let (status, code) = if throttle {
            ("429 Too Many Requests", "TooManyRequestsException")
        } else {
            ("500 Internal Server Error", "InternalFailure")
        };
        (
            status,
            format!("Content-Type: application/json\r\nx-amzn-ErrorType: {code}\r\n"),
            "{\"message\":\"injected by the proxy\"}".to_string(),
        )
    } else {
        // The JSON protocols: DynamoDB's and SQS's.
        let namespace = if op.starts_with("SQS.") {
            "com.amazonaws.sqs"
        } else {
            "com.amazonaws.dynamodb.v20120810"
        };
        let (status, code) = if throttle {
            ("400 Bad Request", "ThrottlingException")
        } else {
            ("500 Internal Server Error", "InternalServerError")
        };
        (
            status,
            "Content-Type: application/x-amz-json-1.0\r\n".to_string(),
            format!(
                "{{\"__type\":\"{namespace}#{code}\",\
                 \"message\":\"injected by the proxy\"}}"
            ),
        )
    };
    format!(
        "HTTP/1.1 {status}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

/// Whether a quota refuses this request (counted in fixed one-second windows).
fn over_quota(op: &str, quotas: &Mutex<Vec<Throttle>>) -> bool {
    let Ok(mut quotas) = quotas.lock() else {
        return false;
    };
    let now = Instant::now();
    for q in quotas.iter_mut().filter(|q| q.op == op) {
        if q.window
            .is_none_or(|w| now.duration_since(w) >= Duration::from_secs(1))
        {
            q.window = Some(now);
            q.used = 0;
        }
        if q.used >= q.per_second {
            q.refused += 1;
            return true;
        }
        q.used += 1;
    }
    false
}

/// What every connection's thread shares.
#[derive(Clone)]
struct Shared {
    log: Arc<Mutex<Vec<String>>>,
    rules: Arc<Mutex<Vec<Rule>>>,
    quotas: Arc<Mutex<Vec<Throttle>>>,
    timings: Arc<Mutex<BTreeMap<String, (u64, Duration)>>>,
}

fn forward(client: TcpStream, upstream: u16, state: &Shared) -> std::io::Result<()> {
    let (log, rules, quotas) = (&state.log, &state.rules, &state.quotas);
    client.set_read_timeout(Some(Duration::from_secs(60)))?;
    let mut reader = BufReader::new(client.try_clone()?);
    let mut head = Vec::new();
    let mut content_length = 0usize;
    let mut target = None;
    let mut request_line = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        if request_line.is_empty() {
            request_line = line.trim_end().to_string();
            head.extend_from_slice(line.as_bytes());
            continue;
        }
        if line == "\r\n" || line == "\n" {
            break;
        }
        let (name, value) = line.split_once(':').unwrap_or((line.as_str(), ""));
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            content_length = value.parse().unwrap_or(0);
        }
        if name.eq_ignore_ascii_case("x-amz-target") {
            target = Some(value.to_string());
        }
        if name.eq_ignore_ascii_case("connection") {
            continue;
        }
        head.extend_from_slice(line.as_bytes());
    }
    head.extend_from_slice(b"Connection: close\r\n\r\n");
    let mut body = vec![0u8; content_length];
    reader.read_exact(&mut body)?;
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or_default();
    let path = parts.next().unwrap_or_default();
    let op = operation(method, path, target.as_deref());
    if let Ok(mut seen) = log.lock() {
        seen.push(op.clone());
    }
    let fault = fault_for(&op, rules);
    let mut client = client;
    if over_quota(&op, quotas) {
        // Refused as the service refuses a request over its rate.
        client.write_all(refusal(&op, Fault::Throttle).as_bytes())?;
        return client.shutdown(Shutdown::Both);
    }
    if let Some(f @ (Fault::Refuse | Fault::Throttle)) = fault {
        client.write_all(refusal(&op, f).as_bytes())?;
        return client.shutdown(Shutdown::Both);
    }
    let started = Instant::now();
    let mut up = TcpStream::connect((Ipv4Addr::LOCALHOST, upstream))?;
    up.write_all(&head)?;
    up.write_all(&body)?;
    let mut answer = Vec::new();
    up.read_to_end(&mut answer)?;
    if let Ok(mut t) = state.timings.lock() {
        let e = t.entry(op.clone()).or_insert((0, Duration::ZERO));
        e.0 += 1;
        e.1 += started.elapsed();
    }
    if fault == Some(Fault::Stall) {
        std::thread::sleep(STALL);
    }
    if matches!(fault, Some(Fault::DropAnswer | Fault::Stall)) {
        return client.shutdown(Shutdown::Both);
    }
    client.write_all(&answer)?;
    client.flush()?;
    client.shutdown(Shutdown::Both)
}

#[cfg(test)]
mod tests {
    use super::operation;

    #[test]
    fn operations_are_named() {
        assert_eq!(
            operation("POST", "/", Some("DynamoDB_20120810.UpdateItem")),
            "DynamoDB.UpdateItem"
        );
        assert_eq!(
            operation("GET", "/bucket/inbound/x?x-id=GetObject", None),
            "S3.GetObject"
        );
        assert_eq!(
            operation("POST", "/v2/email/outbound-emails", None),
            "SESv2.SendEmail"
        );
        assert_eq!(
            operation("POST", "/", Some("AmazonSQS.SendMessage")),
            "SQS.SendMessage"
        );
    }
}
