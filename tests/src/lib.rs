//! Test support for workspace integration tests: a local AWS (moto server) harness.
//!
//! [`MotoServer::start`] runs `moto_server` from the project's own `.venv` (installing it
//! with `scripts/venv.sh` when needed) on a free port of 127.0.0.1 and hands out an
//! [`SdkConfig`] pointed at it. [`MotoServer::shared`] is one process-wide instance for
//! the tests of the test binary (the integration tests are one binary, so one emulator per
//! run), which run in parallel: such tests must use their own table and bucket names
//! ([`unique_name`]) and must not call [`MotoServer::reset`].
//!
//! ```no_run
//! use slamail_tests::{MotoServer, unique_name};
//!
//! # async fn demo() {
//! let moto = MotoServer::shared();
//! let dynamodb = moto.dynamodb(); // build clients inside each test (one tokio runtime each)
//! let table = unique_name("cases");
//! # }
//! ```
//!
//! The moto process ends when the [`MotoServer`] is dropped, and also when the test process
//! exits or dies (the shared instance is never dropped): it is started under a small shell
//! guard that stops it as soon as the guard's stdin, a pipe held by this process, closes.

use std::fs;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_dynamodb::config::{Credentials, SharedCredentialsProvider};

pub mod proxy;
pub use proxy::{CountingProxy, Fault};

/// Region the harness configures.
pub const REGION: &str = "us-east-1";

/// How long [`MotoServer::start`] waits for moto to answer.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// How many ports [`MotoServer::start`] tries when another process takes the chosen one.
const START_ATTEMPTS: usize = 3;

/// Stops moto when this guard's stdin reaches end of file (its parent dropped the pipe or
/// exited), and exits with moto's status if moto stops by itself.
/// Arguments: log file, then the moto command line.
const GUARD_SCRIPT: &str = r#"
log="$1"; shift
"$@" </dev/null >/dev/null 2>>"$log" &
pid=$!
while kill -0 "$pid" 2>/dev/null; do
    read -r -t 1 _ignored
    rc=$?
    if [ "$rc" -ne 0 ] && [ "$rc" -le 128 ]; then
        kill "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        rm -f "$log"
        exit 0
    fi
done
wait "$pid"
"#;

/// moto's WSGI app served without threads (see [`MotoServer::start_serial`]).
///
/// moto's `TransactWriteItems` deep-copies every table it touches before applying a transaction
/// (to roll back on a cancellation), so each transaction costs time in proportion to the table:
/// 70 ms at 1,500 small items, seconds for the burst tests' tables. The patch below makes that
/// copy a no-op for tables and rolls back only the items the transaction names (snapshotted
/// before it runs), which is what the rollback has to undo: the transaction's semantics are
/// moto's own, unchanged. Argument: the port.
const SERIAL_MOTO: &str = r#"
import copy, os, sys
import moto.dynamodb.models as ddb
from moto.dynamodb.models.table import Table
from werkzeug.serving import run_simple
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication, MotoRequestHandler, create_backend_app)

class _TablesNotCopied:
    @staticmethod
    def deepcopy(value, memo=None):
        return value if isinstance(value, Table) else copy.deepcopy(value, memo)

ddb.copy = _TablesNotCopied
_transact = ddb.DynamoDBBackend.transact_write_items

def _transact_with_item_rollback(self, transact_items):
    saved = []
    for entry in transact_items:
        for op in entry.values():
            try:
                name = op["TableName"]
                table = self.get_table(name)
                key = op.get("Key")
                if key is None:
                    attrs = op["Item"]
                    key = {table.hash_key_attr: attrs[table.hash_key_attr]}
                    if table.range_key_attr is not None:
                        key[table.range_key_attr] = attrs[table.range_key_attr]
                before = self.get_item(name, key)
                saved.append((name, key, None if before is None else before.to_json()["Attributes"]))
            except Exception:
                pass
    try:
        return _transact(self, transact_items)
    except Exception:
        for name, key, attrs in reversed(saved):
            if attrs is None:
                if self.get_item(name, key) is not None:
                    self.delete_item(name, key)
            else:
                self.put_item(name, attrs)
        raise

ddb.DynamoDBBackend.transact_write_items = _transact_with_item_rollback
port = int(sys.argv[1])
os.environ.setdefault("MOTO_PORT", str(port))
run_simple("127.0.0.1", port, DomainDispatcherApplication(create_backend_app),
           threaded=False, request_handler=MotoRequestHandler)
"#;

#[derive(Debug, Clone, Copy)]
enum Mode {
    Threaded,
    Serial,
}

/// Why the harness could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum MotoError {
    #[error("scripts/venv.sh failed ({status}); is PyPI reachable?\n{output}")]
    Venv { status: String, output: String },
    #[error("cannot run {what}: {source}")]
    Spawn {
        what: String,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "moto_server did not start on port {port}: {reason}\n--- moto_server stderr ---\n{stderr}"
    )]
    NotStarted {
        port: u16,
        reason: String,
        stderr: String,
    },
    #[error("{method} {path} on moto: {reason}")]
    Http {
        method: String,
        path: String,
        reason: String,
    },
    #[error("moto's /moto-api/data.json is not what was expected: {0}")]
    Data(String),
}

/// One message moto's SES (v1 or v2) recorded as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentEmail {
    /// The SES message id moto returned to the sender.
    pub id: String,
    /// `FromEmailAddress` / `Source` of the send call.
    pub source: String,
    /// Recipients as moto recorded them (raw sends may list one twice).
    pub destinations: Vec<String>,
    /// The full MIME message, for raw sends.
    pub raw: Option<String>,
    /// Subject of a simple (non-raw) send.
    pub subject: Option<String>,
    /// Body of a simple (non-raw) send.
    pub body: Option<String>,
}

/// A running moto server; stopped on drop.
#[derive(Debug)]
pub struct MotoServer {
    port: u16,
    endpoint: String,
    sdk_config: SdkConfig,
    guard: Child,
    guard_stdin: Option<ChildStdin>,
    log: PathBuf,
}

impl MotoServer {
    /// Starts a dedicated moto server (installing `.venv` first if needed) and waits until
    /// it answers.
    pub fn start() -> Result<MotoServer, MotoError> {
        Self::start_mode(Mode::Threaded)
    }

    /// Starts a moto server that handles one request at a time.
    ///
    /// moto's own server is threaded, but its DynamoDB backend takes no lock: two concurrent
    /// conditional writes can both pass their conditions. Real DynamoDB applies each request
    /// atomically; serving one request at a time gives the same per-request atomicity while
    /// concurrent callers still interleave their requests, so race tests mean something.
    pub fn start_serial() -> Result<MotoServer, MotoError> {
        Self::start_mode(Mode::Serial)
    }

    fn start_mode(mode: Mode) -> Result<MotoServer, MotoError> {
        // Every test starts or shares a server first: this is where their logs get set up.
        slamail_aws::telemetry::init_test();
        let moto_server = ensure_venv()?;
        let mut last = None;
        for _ in 0..START_ATTEMPTS {
            match Self::start_on(&moto_server, free_port()?, mode) {
                Ok(server) => return Ok(server),
                // Another process may have taken the port between probe and bind.
                Err(MotoError::NotStarted {
                    port,
                    reason,
                    stderr,
                }) if stderr.contains("Address already in use") => {
                    last = Some(MotoError::NotStarted {
                        port,
                        reason,
                        stderr,
                    });
                }
                Err(e) => return Err(e),
            }
        }
        Err(last.expect("at least one attempt"))
    }

    /// The process-wide instance, started on first use and stopped when the test process exits.
    /// Panics (failing the test) with the reason when moto cannot be started. Tests sharing it
    /// must use unique resource names and must not [`reset`](Self::reset) it.
    ///
    /// It serves one request at a time (see [`start_serial`](Self::start_serial)): every test
    /// gets DynamoDB's per-request atomicity, so race tests and the rest share one emulator per
    /// test run. Measured on the whole integration binary, this costs no noticeable time
    /// (98 s with a threaded server plus a serial one, 104 s with the serial one alone, on a
    /// loaded 2-core machine).
    pub fn shared() -> &'static MotoServer {
        static SHARED: OnceLock<MotoServer> = OnceLock::new();
        SHARED.get_or_init(|| MotoServer::start_serial().unwrap_or_else(|e| panic!("{e}")))
    }

    /// The same server as [`shared`](Self::shared), named for the concurrency tests that rely
    /// on it serving one request at a time.
    pub fn shared_serial() -> &'static MotoServer {
        Self::shared()
    }

    fn start_on(moto_server: &Path, port: u16, mode: Mode) -> Result<MotoServer, MotoError> {
        let log =
            std::env::temp_dir().join(format!("slamail-moto-{}-{port}.log", std::process::id()));
        fs::write(&log, b"").map_err(|source| MotoError::Spawn {
            what: format!("moto log file {}", log.display()),
            source,
        })?;
        let mut command = Command::new("bash");
        command
            .arg("-c")
            .arg(GUARD_SCRIPT)
            .arg("moto-guard")
            .arg(&log);
        match mode {
            Mode::Threaded => {
                command
                    .arg(moto_server)
                    .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            }
            Mode::Serial => command.arg(moto_server.with_file_name("python")).args([
                "-c",
                SERIAL_MOTO,
                &port.to_string(),
            ]),
        };
        let mut guard = command
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|source| MotoError::Spawn {
                what: format!("bash to start {}", moto_server.display()),
                source,
            })?;
        let guard_stdin = guard.stdin.take();
        let endpoint = format!("http://127.0.0.1:{port}");
        let server = MotoServer {
            port,
            sdk_config: sdk_config_for(&endpoint),
            endpoint,
            guard,
            guard_stdin,
            log,
        };
        server.wait_ready()
    }

    fn wait_ready(mut self) -> Result<Self, MotoError> {
        let started = Instant::now();
        loop {
            // Check the process first: if moto died, the port may belong to someone else.
            let exited = self.guard.try_wait();
            if let Ok(None) = exited {
                let probe = self.request("GET", "/moto-api/data.json", Duration::from_secs(2));
                if probe.is_ok_and(|body| body.starts_with(b"{")) {
                    return Ok(self);
                }
            }
            let reason = match exited {
                Ok(Some(status)) => Some(format!("it exited ({status})")),
                Ok(None) if started.elapsed() > START_TIMEOUT => Some(format!(
                    "no HTTP answer within {}s",
                    START_TIMEOUT.as_secs()
                )),
                Ok(None) => None,
                Err(e) => Some(format!("cannot check the process: {e}")),
            };
            if let Some(reason) = reason {
                let stderr = fs::read_to_string(&self.log).unwrap_or_default();
                return Err(MotoError::NotStarted {
                    port: self.port,
                    reason,
                    stderr: tail(&stderr, 4000),
                });
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl MotoServer {
    /// `http://127.0.0.1:<port>`.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The TCP port moto listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// SDK configuration for this server: region us-east-1, dummy static credentials,
    /// one attempt per request (no retries: errors surface at once), endpoint URL. Build
    /// service clients from it inside each test, since each test has its own runtime.
    pub fn sdk_config(&self) -> &SdkConfig {
        &self.sdk_config
    }

    /// A DynamoDB client for this server.
    pub fn dynamodb(&self) -> aws_sdk_dynamodb::Client {
        aws_sdk_dynamodb::Client::new(&self.sdk_config)
    }

    /// An S3 client for this server, with path-style addressing.
    pub fn s3(&self) -> aws_sdk_s3::Client {
        let config = aws_sdk_s3::config::Builder::from(&self.sdk_config)
            .force_path_style(true)
            .build();
        aws_sdk_s3::Client::from_conf(config)
    }

    /// An SESv2 client for this server.
    pub fn sesv2(&self) -> aws_sdk_sesv2::Client {
        aws_sdk_sesv2::Client::new(&self.sdk_config)
    }

    /// Environment for a child process (a function binary, the CLI) that loads its AWS
    /// configuration the standard way (`aws_config::load_defaults`).
    pub fn env_vars(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ENDPOINT_URL", self.endpoint.clone()),
            ("AWS_REGION", REGION.to_string()),
            ("AWS_ACCESS_KEY_ID", "testing".to_string()),
            ("AWS_SECRET_ACCESS_KEY", "testing".to_string()),
            ("AWS_MAX_ATTEMPTS", "1".to_string()),
        ]
    }

    /// Clears every service's data (`POST /moto-api/reset`). Only for a dedicated
    /// server: tests sharing [`MotoServer::shared`] would lose each other's data.
    pub fn reset(&self) -> Result<(), MotoError> {
        self.http("POST", "/moto-api/reset").map(drop)
    }

    /// Moto's whole state (`GET /moto-api/data.json`).
    pub fn data(&self) -> Result<serde_json::Value, MotoError> {
        let body = self.http("GET", "/moto-api/data.json")?;
        serde_json::from_slice(&body).map_err(|e| MotoError::Data(e.to_string()))
    }

    /// The full MIME text of every raw email sent through SES (`SendRawEmail`, or SESv2
    /// `SendEmail` with `Content.Raw`), in send order. Simple sends are not included:
    /// moto keeps no MIME for them (see [`MotoServer::sent_messages`]).
    pub fn sent_emails(&self) -> Result<Vec<String>, MotoError> {
        Ok(self
            .sent_messages()?
            .into_iter()
            .filter_map(|m| m.raw)
            .collect())
    }

    /// Every email sent through SES: raw sends first, then simple sends, each in order.
    pub fn sent_messages(&self) -> Result<Vec<SentEmail>, MotoError> {
        parse_sent(&self.data()?)
    }

    /// One HTTP/1.0 request to moto (HTTP/1.0: the answer is never chunked and the
    /// connection closes after it). Returns the body of a 2xx answer.
    fn http(&self, method: &str, path: &str) -> Result<Vec<u8>, MotoError> {
        self.request(method, path, Duration::from_secs(120))
    }

    fn request(&self, method: &str, path: &str, timeout: Duration) -> Result<Vec<u8>, MotoError> {
        let err = |reason: String| MotoError::Http {
            method: method.to_string(),
            path: path.to_string(),
            reason,
        };
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(2))
            .map_err(|e| err(e.to_string()))?;
        let timeout = Some(timeout);
        stream
            .set_read_timeout(timeout)
            .and_then(|()| stream.set_write_timeout(timeout))
            .map_err(|e| err(e.to_string()))?;
        write!(
            stream,
            "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1:{}\r\nContent-Length: 0\r\n\r\n",
            self.port
        )
        .map_err(|e| err(e.to_string()))?;
        let mut response = Vec::new();
        stream
            .read_to_end(&mut response)
            .map_err(|e| err(e.to_string()))?;
        let split = response
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .ok_or_else(|| err("answer has no HTTP header end".into()))?;
        let head = String::from_utf8_lossy(&response[..split]);
        let status = head
            .lines()
            .next()
            .and_then(|line| line.split_whitespace().nth(1))
            .and_then(|code| code.parse::<u16>().ok())
            .ok_or_else(|| err(format!("bad status line in {head:?}")))?;
        let body = response[split + 4..].to_vec();
        if (200..300).contains(&status) {
            Ok(body)
        } else {
            Err(err(format!(
                "HTTP {status}: {}",
                tail(&String::from_utf8_lossy(&body), 500)
            )))
        }
    }
}

impl Drop for MotoServer {
    fn drop(&mut self) {
        // Closing the guard's stdin makes it stop moto and remove the log.
        drop(self.guard_stdin.take());
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            match self.guard.try_wait() {
                Ok(Some(_)) | Err(_) => {
                    let _ = fs::remove_file(&self.log);
                    return;
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            }
        }
        let _ = self.guard.kill();
        let _ = self.guard.wait();
        let _ = fs::remove_file(&self.log);
    }
}

/// A name no other test (in this or another process) uses: `<prefix>-<pid>-<n>-<time>`,
/// lower case, valid as a DynamoDB table name and an S3 bucket name when `prefix` is
/// lower-case letters, digits and dashes.
pub fn unique_name(prefix: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{prefix}-{}-{n}-{nanos:x}", std::process::id())
}

/// The repository root (the workspace directory holding `scripts/` and `infra/`).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent directory")
        .to_path_buf()
}

/// Runs `scripts/venv.sh` (idempotent; fast when `.venv` is current) and returns the path
/// of `.venv/bin/moto_server`. If the script fails but moto_server is there (e.g. offline
/// after a pin change), carries on with the installed one.
fn ensure_venv() -> Result<PathBuf, MotoError> {
    let root = repo_root();
    let moto_server = root.join(".venv/bin/moto_server");
    let output = Command::new("bash")
        .arg(root.join("scripts/venv.sh"))
        .stdin(Stdio::null())
        .output()
        .map_err(|source| MotoError::Spawn {
            what: "scripts/venv.sh".into(),
            source,
        })?;
    if output.status.success() && moto_server.exists() {
        return Ok(moto_server);
    }
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    if moto_server.exists() {
        eprintln!(
            "warning: scripts/venv.sh failed; using the installed {}\n{}",
            moto_server.display(),
            tail(&text, 2000)
        );
        return Ok(moto_server);
    }
    Err(MotoError::Venv {
        status: output.status.to_string(),
        output: tail(&text, 4000),
    })
}

fn free_port() -> Result<u16, MotoError> {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .map_err(|source| MotoError::Spawn {
            what: "a free port probe".into(),
            source,
        })
}

fn sdk_config_for(endpoint: &str) -> SdkConfig {
    SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(REGION))
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            "testing", "testing", None, None, "moto",
        )))
        .endpoint_url(endpoint)
        .retry_config(RetryConfig::standard().with_max_attempts(1))
        .build()
}

/// Moto 5 keeps sent mail under `ses.RawMessage` (`id`, `source`, `destinations`: list,
/// `raw_data`) and `ses.Message` (`id`, `source`, `destinations`: {ToAddresses, ...},
/// `subject`, `body`).
fn parse_sent(data: &serde_json::Value) -> Result<Vec<SentEmail>, MotoError> {
    use serde_json::Value;
    let Some(ses) = data.get("ses") else {
        // No SES call yet: moto lists a service once it has been used.
        return Ok(Vec::new());
    };
    let text = |m: &Value, key: &str| m.get(key).and_then(Value::as_str).map(str::to_string);
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let list = |key: &str| -> Result<Vec<Value>, MotoError> {
        match ses.get(key) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => Ok(items.clone()),
            Some(other) => Err(MotoError::Data(format!(
                "ses.{key} is not a list: {}",
                tail(&other.to_string(), 200)
            ))),
        }
    };
    let mut sent = Vec::new();
    for m in list("RawMessage")? {
        let raw = text(&m, "raw_data")
            .ok_or_else(|| MotoError::Data("ses.RawMessage entry without raw_data".into()))?;
        sent.push(SentEmail {
            id: text(&m, "id").unwrap_or_default(),
            source: text(&m, "source").unwrap_or_default(),
            destinations: m.get("destinations").map(strings).unwrap_or_default(),
            raw: Some(raw),
            subject: None,
            body: None,
        });
    }
    for m in list("Message")? {
        let destinations = m
            .get("destinations")
            .and_then(Value::as_object)
            .map(|d| d.values().flat_map(strings).collect())
            .unwrap_or_default();
        sent.push(SentEmail {
            id: text(&m, "id").unwrap_or_default(),
            source: text(&m, "source").unwrap_or_default(),
            destinations,
            raw: None,
            subject: text(&m, "subject"),
            body: text(&m, "body"),
        });
    }
    Ok(sent)
}

fn tail(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut start = text.len() - max;
    while !text.is_char_boundary(start) {
        start += 1;
    }
    format!("...{}", &text[start..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_moto5_sent_mail() {
        let data = serde_json::json!({
            "ses": {
                "RawMessage": [{
                    "destinations": ["x@y.com", "x@y.com"],
                    "id": "raw-1",
                    "raw_data": "From: a@example.com\r\n\r\nbody\r\n",
                    "source": "a@example.com"
                }],
                "Message": [{
                    "body": "t",
                    "destinations": {"ToAddresses": ["x@y.com"]},
                    "id": "simple-1",
                    "source": "a@example.com",
                    "subject": "s"
                }]
            }
        });
        let sent = parse_sent(&data).unwrap();
        assert_eq!(sent.len(), 2);
        assert_eq!(
            sent[0].raw.as_deref(),
            Some("From: a@example.com\r\n\r\nbody\r\n")
        );
        assert_eq!(sent[1].destinations, ["x@y.com"]);
        assert_eq!(sent[1].subject.as_deref(), Some("s"));
        assert!(parse_sent(&serde_json::json!({})).unwrap().is_empty());
    }

    #[test]
    fn unique_names_differ_and_fit_bucket_rules() {
        let a = unique_name("raw");
        let b = unique_name("raw");
        assert_ne!(a, b);
        assert!(
            a.len() <= 63
                && a.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        );
    }

    #[test]
    fn a_moto_that_cannot_start_is_reported_with_its_stderr() {
        let taken = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let port = taken.local_addr().unwrap().port();
        let err = MotoServer::start_on(&ensure_venv().unwrap(), port, Mode::Threaded).unwrap_err();
        let MotoError::NotStarted { stderr, reason, .. } = &err else {
            panic!("expected NotStarted, got {err}");
        };
        assert!(reason.contains("exited"), "{err}");
        assert!(stderr.contains("Address already in use"), "{err}");
    }

    #[test]
    fn repo_root_holds_the_scripts() {
        assert!(repo_root().join("scripts/venv.sh").exists());
    }
}
