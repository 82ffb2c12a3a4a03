//! The integration tests: one test binary, one module per area, so that a run starts one moto
//! server (`MotoServer::shared`, started by the first test that needs it and stopped when the
//! binary exits) and every test uses its own table, bucket and identity names on it.
//!
//! A new area is a new file in this folder plus its `mod` line here; `infra::one_test_binary` fails
//! on a test file outside this folder or one not declared here.
//!
//! Run one area with a filter: `cargo test -p slamail-tests --test integration intake::`.

mod console_browser;
mod contacts_http;
mod conversation;
mod directory;
mod infra;
mod intake;
mod reliability;
mod support;
mod watch;
