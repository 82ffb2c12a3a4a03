//! What the intake needs from the world, as small traits. Each call is one round trip to a
//! store or service in the AWS adapters, so the number of calls a step makes is its latency.
//!
//! The methods return `impl Future + Send` (rather than being `async fn`) so that a handler
//! generic over the ports can still be spawned on a multi-threaded runtime.

use std::future::Future;

use chrono::{DateTime, Utc};

use crate::case::RawLocation;
use crate::ids::EmailAddress;
use crate::triage::Membership;

mod cases;
mod ledger;
mod sender;

pub use cases::*;
pub use ledger::*;
pub use sender::*;

/// A port could not do what was asked. `port` names the store or service, `message` says what
/// failed (an adapter's own error, rendered once).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{port}: {message}")]
pub struct PortError {
    pub port: &'static str,
    pub message: String,
}

impl PortError {
    pub fn new(port: &'static str, message: impl ToString) -> Self {
        Self {
            port,
            message: message.to_string(),
        }
    }
}

/// Which organisations know a sender.
pub trait Memberships {
    /// The organisations that list the sender's address.
    fn memberships_of(
        &self,
        sender: &EmailAddress,
    ) -> impl Future<Output = Result<Vec<Membership>, PortError>> + Send;

    /// The organisations whose verified domains hold the sender's address (marked `by_domain`).
    /// A separate call: the intake asks only when it can decide the tier
    /// ([`crate::triage::tier::needs_domain_lookup`]).
    fn domain_memberships_of(
        &self,
        sender: &EmailAddress,
    ) -> impl Future<Output = Result<Vec<Membership>, PortError>> + Send;
}

/// The raw-mail store SES writes to.
pub trait RawMail {
    fn fetch(&self, raw: &RawLocation) -> impl Future<Output = Result<Vec<u8>, PortError>> + Send;
}

/// What time it is.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

impl<T: Clock> Clock for &T {
    fn now(&self) -> DateTime<Utc> {
        (**self).now()
    }
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}
