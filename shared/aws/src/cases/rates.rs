//! The reply-cap counters ([`slamail_core::triage::loops::rate`]) as items: one per counter,
//! `pk = RATE#<key>`, `sk = RATE`, holding `tat` (the theoretical arrival time of the next reply,
//! epoch milliseconds) and a TTL. A counter is taken inside the case's transaction with one
//! conditional update; GCRA's `max(tat, now)` has no expression form, so each take is written for
//! one of two states, idle (`tat` in the past or absent) or busy, with that state as its
//! condition. A wrong guess costs a repeated transaction, never an extra reply: the refusal carries
//! the counter's value, from which the next attempt is exact. Guesses come from the values this
//! container last saw, so a counter that stays busy through a burst is guessed right.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use aws_sdk_dynamodb::types::{ReturnValuesOnConditionCheckFailure, TransactWriteItem, Update};
use slamail_core::triage::loops::RateKey;
use slamail_core::triage::loops::rate::{admit, interval_ms, tolerance_ms};

use super::{CaseStore, CaseStoreError, Item, n, s};

/// The state a take is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Guess {
    /// `tat` absent or not after now: the counter restarts from now.
    Idle,
    /// `tat` after now: one interval is added to it.
    Busy,
}

/// What the container last saw of each counter: its `tat`, to guess the next take's state.
#[derive(Debug, Clone, Default)]
pub(super) struct Hints(Arc<Mutex<HashMap<String, i64>>>);

impl Hints {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, i64>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(super) fn guess(&self, key: &RateKey, now_ms: i64) -> Guess {
        match self.lock().get(&key.key) {
            Some(tat) if *tat > now_ms => Guess::Busy,
            _ => Guess::Idle,
        }
    }

    pub(super) fn saw(&self, key: &RateKey, tat: i64) {
        let mut hints = self.lock();
        // Bounded: a container sees few distinct counters, but a flood of new addresses must not
        // grow it without end.
        if hints.len() > 10_000 {
            hints.clear();
        }
        hints.insert(key.key.clone(), tat);
    }
}

/// What a refused take says about its counter.
pub(super) enum Refused {
    /// The counter does not allow another reply now.
    Full,
    /// The guess was wrong; the counter's state is now known.
    Retry(Guess),
}

pub(super) fn rate_pk(key: &RateKey) -> String {
    format!("RATE#{}", key.key)
}

impl CaseStore {
    /// The conditional update that takes one unit of `key`, written for state `guess`.
    pub(super) fn rate_take(
        &self,
        key: &RateKey,
        guess: Guess,
        now_ms: i64,
    ) -> Result<TransactWriteItem, CaseStoreError> {
        let t = interval_ms(&key.rate);
        let tol = tolerance_ms(&key.rate);
        // Kept a day past the moment the counter is idle again; TTL lag only leaves idle items.
        let expires = (now_ms + tol + t) / 1000 + 86_400;
        let u = Update::builder()
            .table_name(&self.table)
            .key("pk", s(rate_pk(key)))
            .key("sk", s("RATE"))
            .expression_attribute_values(":now", n(now_ms))
            .expression_attribute_values(":exp", n(expires))
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld);
        let u = match guess {
            Guess::Idle => u
                .update_expression("SET tat = :next, expires_at = :exp")
                .condition_expression("attribute_not_exists(tat) OR tat <= :now")
                .expression_attribute_values(":next", n(now_ms + t)),
            Guess::Busy => u
                .update_expression("SET tat = tat + :t, expires_at = :exp")
                .condition_expression("tat > :now AND tat <= :max")
                .expression_attribute_values(":t", n(t))
                .expression_attribute_values(":max", n(now_ms + tol)),
        };
        let u = u.build().map_err(|e| self.err("build transaction", e))?;
        Ok(TransactWriteItem::builder().update(u).build())
    }

    /// Reads a refused take: the counter is full, or its state was guessed wrong.
    pub(super) fn rate_refused(&self, key: &RateKey, item: Option<&Item>, now_ms: i64) -> Refused {
        let tat = item
            .and_then(|i| i.get("tat"))
            .and_then(|v| v.as_n().ok())
            .and_then(|v| v.parse::<i64>().ok());
        if let Some(tat) = tat {
            self.hints.saw(key, tat);
        }
        match (admit(&key.rate, tat, now_ms), tat) {
            (None, _) => Refused::Full,
            (Some(_), Some(tat)) if tat > now_ms => Refused::Retry(Guess::Busy),
            (Some(_), _) => Refused::Retry(Guess::Idle),
        }
    }

    /// Remembers what a committed take left the counter at (for a busy take, a value after now,
    /// which is all a guess needs).
    pub(super) fn rate_taken(&self, key: &RateKey, guess: Guess, now_ms: i64) {
        let t = interval_ms(&key.rate);
        let tat = match guess {
            Guess::Idle => now_ms + t,
            Guess::Busy => now_ms + t.max(1),
        };
        self.hints.saw(key, tat);
    }
}
