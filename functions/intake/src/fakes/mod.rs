//! In-memory implementations of the intake's ports, with the same conditions as the AWS adapters
//! (claims and leases, attempt fencing, all-or-nothing case writes, reply caps, held addresses),
//! so scenario tests run in milliseconds without the emulator. Each records the calls made to it
//! and can be told to fail the next call of an operation.
//!
//! One store per file: the cases table (`cases`, `tables`, and the same store as the inbound
//! ledger, the feedback store and the paced sender's reply states: `ledger`, `feedback`,
//! `queue`), the directory, the raw-mail bucket, the mailer, the clock and the reply queue.

use std::sync::Mutex;

use chrono::{DateTime, Utc};
use slamail_core::intake::ports::PortError;
use slamail_core::policy::PolicySet;

use crate::{Intake, IntakeConfig};

mod cases;
mod clock;
mod delivery;
mod directory;
mod feedback;
mod ledger;
mod mailer;
mod queue;
mod rawmail;
mod scenario;
mod tables;

pub use cases::FakeCases;
pub use clock::FakeClock;
pub use delivery::{SesEvent, instant, test_config};
pub use directory::FakeDirectory;
pub use mailer::{FakeMailer, SentMail};
pub use queue::FakeReplyQueue;
pub use rawmail::FakeRawMail;
pub use scenario::{Scenario, Scenarios};
pub use tables::FakeInbound;

/// The intake over fakes.
pub type FakeIntake =
    Intake<FakeCases, FakeDirectory, FakeRawMail, FakeMailer, FakeClock, FakeReplyQueue>;

impl FakeIntake {
    pub fn fake(config: IntakeConfig, policies: PolicySet, now: DateTime<Utc>) -> Self {
        Self {
            config,
            policies,
            cases: FakeCases::default(),
            directory: FakeDirectory::default(),
            raw: FakeRawMail::default(),
            mailer: FakeMailer::default(),
            clock: FakeClock::new(now),
            reply_queue: None,
        }
    }

    /// The same, with a reply queue for throttled replies (as deployed).
    pub fn fake_with_queue(config: IntakeConfig, policies: PolicySet, now: DateTime<Utc>) -> Self {
        Self::fake(config, policies, now).with_queue()
    }
}

/// Calls made and failures armed, shared by every fake.
#[derive(Debug, Default)]
struct Calls {
    made: Mutex<Vec<&'static str>>,
    failing: Mutex<Vec<&'static str>>,
}

impl Calls {
    /// Records a call; `Err` when a failure was armed for it (used up).
    fn call(&self, port: &'static str, op: &'static str) -> Result<(), PortError> {
        lock(&self.made).push(op);
        let mut failing = lock(&self.failing);
        match failing.iter().position(|f| *f == op) {
            Some(i) => {
                failing.remove(i);
                Err(PortError::new(port, format!("{op} failed (injected)")))
            }
            None => Ok(()),
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A test that panicked while holding the lock already failed; its data is still usable.
    m.lock().unwrap_or_else(|e| e.into_inner())
}
