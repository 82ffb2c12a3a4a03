//! The SLA watch's rules: when each warning point of a running target falls (in the target's
//! own time, pauses taken out), when it may be sent (opening hours unless the severity pages
//! after hours), which points a watch pass sends now, and what the warning says and to whom.
//! No I/O: `functions/watch` reads due cases and records what it sent.
//!
//! One concept per file: [`schedule`] (the points of a running cycle in time), [`plan`] (what a
//! pass does with a case: send, supersede, next point), [`notice`] (the warning and its
//! audience's targets), [`shard`] (the partitions of the warning index).

pub mod notice;
pub mod plan;
pub mod schedule;
pub mod shard;

pub use notice::{CaseFacts, Warning, targets_for};
pub use plan::{Plan, plan};
pub use schedule::{ScheduledPoint, first_warning, next_warning, schedule, sent_key};
pub use shard::{WATCH_SHARDS, shard_of};

#[cfg(test)]
mod tests;
