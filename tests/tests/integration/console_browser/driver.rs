//! chromedriver and headless Chromium for the console's browser tests.

use std::net::TcpListener as StdListener;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};
use serde_json::{Value, json};
use slamail_tests::unique_name;

use super::{BROWSER_ZONE, WAIT, repo};

/// chromedriver in its own process group; the group (the driver and every browser it started)
/// is killed when this is dropped, even when a test fails half-way, and the browsers' profile
/// folders are removed then (each is a few megabytes; left behind they fill the disk run by run).
pub struct Driver {
    child: Child,
    port: u16,
    profiles: Mutex<Vec<PathBuf>>,
}

impl Driver {
    pub fn start() -> Self {
        let out = Command::new("bash")
            .arg(repo().join("scripts/browser.sh"))
            .stderr(Stdio::inherit())
            .output()
            .expect("run scripts/browser.sh");
        assert!(
            out.status.success(),
            "scripts/browser.sh failed: chromium and chromium-driver are needed"
        );
        let driver = String::from_utf8_lossy(&out.stdout).trim().to_string();
        let port = StdListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(&driver)
            .arg(format!("--port={port}"))
            .env("TZ", BROWSER_ZONE)
            .env("LANG", "en_US.UTF-8")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {driver}: {e}"));
        let d = Driver {
            child,
            port,
            profiles: Mutex::new(Vec::new()),
        };
        let deadline = Instant::now() + WAIT;
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        d
    }

    pub async fn browser(&self) -> Client {
        let profile = std::env::temp_dir().join(unique_name("chromium-profile"));
        self.profiles
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(profile.clone());
        let caps = json!({
            "goog:chromeOptions": {
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--window-size=1200,900", "--lang=en-US",
                    format!("--user-data-dir={}", profile.display()),
                ],
            },
        });
        let Value::Object(caps) = caps else {
            unreachable!()
        };
        ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .expect("a Chromium session")
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The negative id names the process group: chromedriver and its browsers.
        let _ = Command::new("kill")
            .args(["-s", "KILL", "--", &format!("-{}", self.child.id())])
            .status();
        let _ = self.child.wait();
        for profile in self
            .profiles
            .get_mut()
            .unwrap_or_else(|e| e.into_inner())
            .drain(..)
        {
            let _ = std::fs::remove_dir_all(profile);
        }
    }
}
