//! Readable, unique case numbers without one hot counter: numbers are handed out by
//! [`CASE_NUMBER_SHARDS`] counters per prefix and year, counter `s` giving the numbers congruent
//! to `s + 1` modulo the shard count. Every number is still `AS-2026-000123`-shaped and unique;
//! numbers are roughly, not strictly, in arrival order, and gaps are normal.

/// How many counters share the numbers of one prefix and year. One counter item would be
/// written by every new case; sixteen spread a burst's writes over sixteen items (partitions).
pub const CASE_NUMBER_SHARDS: u64 = 16;

/// The case number of the `value`-th number (1-based) drawn from counter `shard`.
pub fn case_number(shard: u64, value: u64) -> u64 {
    let shard = shard % CASE_NUMBER_SHARDS;
    value.saturating_sub(1).saturating_mul(CASE_NUMBER_SHARDS) + shard + 1
}

/// A shard for the next draw, spread by anything that varies between draws (a message id, the
/// clock's nanoseconds).
pub fn pick_shard(spread: u64) -> u64 {
    // Fibonacci hashing: neighbouring inputs land on distant shards.
    spread.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 60
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn numbers_of_different_shards_never_collide() {
        let mut seen = BTreeSet::new();
        for shard in 0..CASE_NUMBER_SHARDS {
            for value in 1..=200 {
                assert!(seen.insert(case_number(shard, value)), "{shard}/{value}");
            }
        }
        assert_eq!(seen.first(), Some(&1));
        // The first 16 × 200 numbers are exactly 1..=3200: no number is skipped when every
        // shard is drawn equally.
        assert_eq!(seen.last(), Some(&(CASE_NUMBER_SHARDS * 200)));
        let shards: BTreeSet<u64> = (0..1000u64).map(pick_shard).collect();
        assert_eq!(shards.len() as u64, CASE_NUMBER_SHARDS);
        assert!(shards.iter().all(|s| *s < CASE_NUMBER_SHARDS));
    }
}
