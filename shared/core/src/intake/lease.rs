//! How long a claim on a message lasts: longer than the invocation that holds it may run, shorter
//! than the wait before Lambda's first asynchronous retry. Derived here and nowhere else.
//!
//! A failed invocation releases its claim at once; the lease only matters when the invocation
//! dies without a word (killed at its timeout, out of memory). Its retry then comes about one
//! minute after the failure and must find the lease expired, or it is refused as a duplicate in
//! flight and the message ends in the dead-letter queue.

use chrono::{DateTime, TimeDelta, Utc};

/// Lambda waits about a minute before the first retry of a failed asynchronous invocation
/// (then about two minutes before the second).
pub const FIRST_ASYNC_RETRY_SECS: i64 = 60;

/// How long after an invocation's deadline its claim still holds: covers clock skew between the
/// invocation and the table, and the last write of an invocation ending at its deadline.
pub const LEASE_MARGIN_SECS: i64 = 10;

/// The intake function's timeout when nothing else says (the CLI, tests). The Lambda takes its
/// deadline from each invocation, i.e. from the template's `Timeout`.
pub const DEFAULT_TIMEOUT_SECS: i64 = 30;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LeaseError {
    #[error(
        "a function timeout of {timeout_secs} s leaves no lease that outlasts it by {LEASE_MARGIN_SECS} s and ends before Lambda's first retry ({FIRST_ASYNC_RETRY_SECS} s); use at most {} s",
        FIRST_ASYNC_RETRY_SECS - LEASE_MARGIN_SECS - 1
    )]
    TimeoutTooLong { timeout_secs: i64 },
    #[error("a function timeout must be positive, not {timeout_secs} s")]
    NotPositive { timeout_secs: i64 },
}

/// The lease for a claim made by an invocation that must end by `deadline`.
pub fn lease_until(deadline: DateTime<Utc>) -> DateTime<Utc> {
    deadline + TimeDelta::seconds(LEASE_MARGIN_SECS)
}

/// The lease a function timeout implies, checked against the retry schedule.
pub fn lease_for_timeout(timeout_secs: i64) -> Result<TimeDelta, LeaseError> {
    if timeout_secs <= 0 {
        return Err(LeaseError::NotPositive { timeout_secs });
    }
    let lease = timeout_secs + LEASE_MARGIN_SECS;
    if lease >= FIRST_ASYNC_RETRY_SECS {
        return Err(LeaseError::TimeoutTooLong { timeout_secs });
    }
    Ok(TimeDelta::seconds(lease))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lease_outlasts_the_timeout_and_ends_before_the_first_retry() {
        let lease = lease_for_timeout(DEFAULT_TIMEOUT_SECS).expect("the default fits");
        assert!(lease.num_seconds() > DEFAULT_TIMEOUT_SECS);
        assert!(lease.num_seconds() < FIRST_ASYNC_RETRY_SECS);
        assert!(lease_for_timeout(60).is_err());
        assert!(lease_for_timeout(49).is_ok());
        assert!(lease_for_timeout(50).is_err());
        assert!(lease_for_timeout(0).is_err());
        let d = DateTime::from_timestamp(1_000, 0).expect("instant");
        assert_eq!(lease_until(d).timestamp(), 1_010);
    }
}
