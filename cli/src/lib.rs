//! The operator CLI's commands, as a library so that the binary and the integration tests share
//! them. `main.rs` owns argument parsing at the top level and wires these in.

pub mod console;
pub mod conversation;
pub mod directory;
pub mod flags;
