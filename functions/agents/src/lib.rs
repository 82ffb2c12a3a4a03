//! The agents' desk: what support staff do with cases (show, explain, reply, note, priority,
//! wait, close, reopen) and the queue of what is due from them, over the `slamail case` and
//! `slamail queue` commands and the HTTP API. The clock rules live in
//! [`slamail_core::clock`]; the desk reads, applies them and appends.

pub mod api;
pub mod board;
pub mod config;
pub mod desk;
pub mod timeline;

pub use config::AgentsConfig;
pub use desk::{Desk, DeskError, Done, Shown};
