//! The policy's tests, one file per concept; the id helpers they share are defined here.

use super::*;

mod load_errors;
mod lookups;
mod seeds;
mod set;

fn sev(id: &str) -> SeverityId {
    SeverityId::parse(id).unwrap()
}

fn tier(id: &str) -> TierId {
    TierId::parse(id).unwrap()
}
