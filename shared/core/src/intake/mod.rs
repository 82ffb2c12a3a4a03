//! The intake's shape without its I/O: the ports it needs (inbound ledger, cases, membership
//! lookup, raw mail, reply sender, clock), how case numbers are drawn, how long a claim on a message lasts, and the pure
//! parts of its steps (`claim → load → route → triage → attach or open → reply → finish`).
//!
//! The AWS adapters (`slamail-aws`) and in-memory fakes (`slamail-intake::fakes`) implement the
//! ports; `slamail-intake` runs the steps against either.

pub mod case_numbers;
pub mod lease;
pub mod ports;
pub mod reply_queue;
pub mod steps;
