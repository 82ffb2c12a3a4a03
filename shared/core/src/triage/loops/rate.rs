//! Caps on auto-replies, so that a robot we failed to recognise, a forger cycling sub-addresses or
//! domains, or a flood from everywhere at once cannot draw a flood from us.
//!
//! Counting is a generic cell rate algorithm (GCRA): each counter is one number, the theoretical
//! arrival time (`tat`) of the next reply, so it fits one item per key and is updated with one
//! conditional write. A limit of N per window W with burst B becomes an emission interval
//! T = W / (N − B + 1) and a tolerance (B − 1)·T: at most B replies back to back and never more than
//! N in any window of length W, wherever it starts (no boundary at which a second burst opens).

use std::hash::{DefaultHasher, Hash, Hasher};

use serde::Serialize;

use super::RateLimitHit;
use crate::ids::{EmailAddress, PolicyId};
use crate::policy::reply_limits::{Rate, RateWindow, ReplyLimits};

/// How many items the per-policy counter is spread over. Every reply of a policy takes one unit of
/// it, so one item would be written by every concurrent invocation during a burst (a hot key, and
/// in DynamoDB transactions a conflict on every collision). Each shard counts its share of the cap.
pub const POLICY_SHARDS: u32 = 8;

/// A deployment-wide ceiling on the per-address caps (`REPLY_LIMIT_PER_HOUR`/`_PER_DAY`): the
/// policies' own caps apply, lowered to these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RateLimits {
    pub per_hour: u32,
    pub per_day: u32,
}

impl Default for RateLimits {
    /// The defaults of [`ReplyLimits::default`]'s per-address caps: no ceiling beyond them.
    fn default() -> Self {
        Self {
            per_hour: 5,
            per_day: 20,
        }
    }
}

impl RateLimits {
    /// `limits` with every per-address cap lowered to this ceiling.
    pub fn cap(&self, limits: &ReplyLimits) -> ReplyLimits {
        let mut capped = limits.clone();
        for rate in &mut capped.per_address {
            let ceiling = match rate.window {
                RateWindow::Hour => self.per_hour,
                RateWindow::Day => self.per_day,
            };
            if ceiling < rate.count {
                *rate = Rate::new(ceiling, rate.window);
            }
        }
        capped
    }
}

/// What a counter counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RateScope {
    /// One recipient, without sub-address tag.
    Address,
    /// One recipient domain.
    Domain,
    /// Every reply of one policy.
    Policy,
}

impl RateScope {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Address => "address",
            Self::Domain => "domain",
            Self::Policy => "policy",
        }
    }
}

/// One counter a reply must pass: its storage key, the rate it enforces, and the limit to report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateKey {
    pub scope: RateScope,
    /// Unique per counter: scope, subject and window (`address#bob@acme.example#hour`).
    pub key: String,
    /// The rate this counter enforces (a shard's share, for the per-policy cap).
    pub rate: Rate,
    /// The cap as the policy states it, for the reason recorded when it refuses.
    pub limit: Rate,
}

impl RateKey {
    pub fn hit(&self) -> RateLimitHit {
        RateLimitHit {
            scope: self.scope,
            window: self.limit.window,
            limit: self.limit.count,
        }
    }
}

/// The address a per-address cap counts: without its sub-address tag (`bob+1@` and `bob+2@` are
/// both `bob@`), so tags cannot be used to multiply the cap. Quoted local parts are kept whole.
pub fn rate_address(to: &EmailAddress) -> String {
    let local = to.local_part();
    let domain = to.domain();
    let base = if local.starts_with('"') {
        local
    } else {
        local
            .split('+')
            .next()
            .filter(|b| !b.is_empty())
            .unwrap_or(local)
    };
    format!("{base}@{domain}")
}

/// Every counter one reply to `to` under `policy` must pass. `spread` (the inbound message's id)
/// picks the shard of the per-policy counter.
pub fn reply_rate_keys(
    limits: &ReplyLimits,
    policy: &PolicyId,
    to: &EmailAddress,
    spread: &str,
) -> Vec<RateKey> {
    let mut keys = Vec::new();
    let address = rate_address(to);
    for (scope, subject, rates) in [
        (RateScope::Address, address.as_str(), &limits.per_address),
        (RateScope::Domain, to.domain(), &limits.per_domain),
    ] {
        for rate in rates {
            keys.push(RateKey {
                scope,
                key: format!("{}#{subject}#{}", scope.as_str(), rate.window.as_str()),
                rate: *rate,
                limit: *rate,
            });
        }
    }
    let mut h = DefaultHasher::new();
    spread.hash(&mut h);
    let pick = h.finish();
    for rate in &limits.per_policy {
        let shards = POLICY_SHARDS.min(rate.count).max(1);
        let shard = (pick % u64::from(shards)) as u32;
        keys.push(RateKey {
            scope: RateScope::Policy,
            key: format!("policy#{policy}#{}#{shard}", rate.window.as_str()),
            rate: shard_rate(rate, shards),
            limit: *rate,
        });
    }
    keys
}

/// One shard's share of a rate: the shares never add up to more than the whole.
fn shard_rate(rate: &Rate, shards: u32) -> Rate {
    if shards <= 1 {
        return *rate;
    }
    let count = rate.count / shards;
    let burst = (rate.burst / shards).clamp(1, count.max(1));
    Rate::with_burst(count, rate.window, burst).unwrap_or(Rate::new(count, rate.window))
}

/// The emission interval T of a rate, in milliseconds (at least 1).
pub fn interval_ms(rate: &Rate) -> i64 {
    let slots = i64::from(rate.count.saturating_sub(rate.burst)) + 1;
    (rate.window.millis() / slots).max(1)
}

/// The burst tolerance (B − 1)·T of a rate, in milliseconds.
pub fn tolerance_ms(rate: &Rate) -> i64 {
    i64::from(rate.burst.saturating_sub(1)) * interval_ms(rate)
}

/// Whether one more reply passes a counter whose theoretical arrival time is `tat` (epoch
/// milliseconds; `None`: never used), and the counter's new value if it does.
pub fn admit(rate: &Rate, tat: Option<i64>, now_ms: i64) -> Option<i64> {
    if rate.count == 0 {
        return None;
    }
    let start = tat.map_or(now_ms, |t| t.max(now_ms));
    (start - now_ms <= tolerance_ms(rate)).then(|| start + interval_ms(rate))
}

#[cfg(test)]
#[path = "rate_tests.rs"]
mod tests;
