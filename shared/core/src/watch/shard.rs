//! The warning index's partitions. All open cases share one index; a handful of fixed
//! partitions keeps any one partition's writes far below its limits while a pass still reads
//! only `WATCH_SHARDS` key ranges (each up to `now`), never the table.

use crate::ids::CaseId;

/// How many partitions the warning index has. Changing it re-homes cases only as they are
/// next written, so it is fixed.
pub const WATCH_SHARDS: u32 = 4;

/// The partition of a case: a stable hash of its id (FNV-1a; not `std`'s hasher, whose output
/// may change between Rust releases).
pub fn shard_of(case_id: &CaseId) -> String {
    let mut h: u32 = 0x811c_9dc5;
    for b in case_id.as_str().bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    (h % WATCH_SHARDS).to_string()
}
