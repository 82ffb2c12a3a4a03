//! `slamail process` and `slamail demo`: the intake handler run by hand, against whatever
//! endpoint the AWS configuration names (`AWS_ENDPOINT_URL` for the local emulator).
//!
//! - [`args`]: the flags, and the intake they configure;
//! - [`process`]: running messages through the intake (`slamail process`);
//! - [`print`]: what became of them, in words;
//! - [`demo`]: the emulator set up, the samples run (`slamail demo`).

mod args;
mod demo;
mod print;
mod process;

pub use args::{DemoArgs, ProcessArgs};
pub use demo::run_demo;
pub use process::run_process;
