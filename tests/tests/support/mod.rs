//! A second moto server that handles one request at a time, for the concurrency tests.
//!
//! moto's own server is threaded, but its DynamoDB backend takes no lock: two concurrent
//! TransactWriteItems can both pass their conditions (or one fails with a 500 while it snapshots
//! the tables for rollback). Real DynamoDB applies each request atomically; serving one request at
//! a time gives the same per-request atomicity, while the racers still interleave their reads and
//! writes exactly as concurrent Lambda invocations would.

use std::io::ErrorKind;
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
use slamail_tests::MotoServer;

/// Serves moto's app without threads; exits when its stdin closes (the test process ended).
const SERIAL_MOTO: &str = r#"
import os, sys, threading
from werkzeug.serving import run_simple
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication, MotoRequestHandler, create_backend_app)

def stop_with_parent():
    sys.stdin.read()
    os._exit(0)

threading.Thread(target=stop_with_parent, daemon=True).start()
port = int(sys.argv[1])
os.environ.setdefault("MOTO_PORT", str(port))
run_simple("127.0.0.1", port, DomainDispatcherApplication(create_backend_app),
           threaded=False, request_handler=MotoRequestHandler)
"#;

struct Serial {
    endpoint: String,
    // Held for the life of the process: closing it stops the server.
    _stdin: Mutex<ChildStdin>,
    // Never waited for: the server outlives every test and stops with the process.
    _child: Mutex<Child>,
}

fn serial() -> &'static Serial {
    static SERIAL: OnceLock<Serial> = OnceLock::new();
    SERIAL.get_or_init(|| {
        // The shared harness installs moto into the project's .venv.
        MotoServer::shared();
        let python = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/python");
        let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let mut child = Command::new(&python)
            .arg("-c")
            .arg(SERIAL_MOTO)
            .arg(port.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the serial moto server");
        let stdin = child.stdin.take().expect("moto's stdin");
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            match TcpStream::connect((Ipv4Addr::LOCALHOST, port)) {
                Ok(_) => break,
                Err(e) if e.kind() == ErrorKind::ConnectionRefused && Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(100));
                }
                Err(e) => panic!("serial moto did not start on port {port}: {e}"),
            }
        }
        Serial {
            endpoint: format!("http://127.0.0.1:{port}"),
            _stdin: Mutex::new(stdin),
            _child: Mutex::new(child),
        }
    })
}

/// A DynamoDB client of the one-request-at-a-time moto.
pub fn serial_dynamodb() -> aws_sdk_dynamodb::Client {
    let conf = aws_sdk_dynamodb::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(&serial().endpoint)
        .credentials_provider(Credentials::new("test", "test", None, None, "serial-moto"))
        .build();
    aws_sdk_dynamodb::Client::from_conf(conf)
}
