//! Per-sender caps on auto-replies, so that a robot we failed to recognise cannot draw a flood.

use serde::Serialize;

use super::{RateLimitHit, RateWindow, SuppressReason};

/// Per-sender caps on auto-replies, on top of the one-reply-per-case rule the caller keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RateLimits {
    pub per_hour: u32,
    pub per_day: u32,
}

impl Default for RateLimits {
    /// 5 an hour, 20 a day: a person opening several cases in a row still hears back on each,
    /// while a robot we failed to recognise gets at most 20 messages a day from us — far below
    /// Zammad's 100 in 10 hours, because our replies carry no answer, only an acknowledgement.
    fn default() -> Self {
        Self {
            per_hour: 5,
            per_day: 20,
        }
    }
}

/// `Some` when one more auto-reply to this sender would exceed a limit.
pub fn rate_limit(
    sent_last_hour: u32,
    sent_last_day: u32,
    limits: RateLimits,
) -> Option<SuppressReason> {
    if sent_last_hour >= limits.per_hour {
        return Some(SuppressReason::RateLimited(RateLimitHit {
            window: RateWindow::Hour,
            limit: limits.per_hour,
        }));
    }
    if sent_last_day >= limits.per_day {
        return Some(SuppressReason::RateLimited(RateLimitHit {
            window: RateWindow::Day,
            limit: limits.per_day,
        }));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limits() {
        let l = RateLimits::default();
        assert_eq!(
            l,
            RateLimits {
                per_hour: 5,
                per_day: 20
            }
        );
        assert_eq!(rate_limit(0, 0, l), None);
        assert_eq!(rate_limit(4, 19, l), None);
        assert_eq!(rate_limit(5, 5, l).map(|r| r.code()), Some("rate-limited"));
        assert_eq!(rate_limit(1, 20, l).map(|r| r.code()), Some("rate-limited"));
        assert!(
            rate_limit(
                0,
                0,
                RateLimits {
                    per_hour: 0,
                    per_day: 0
                }
            )
            .is_some()
        );
    }
}
