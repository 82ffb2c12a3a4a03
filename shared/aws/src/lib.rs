//! slamail's AWS adapters: thin layers that move the core's records in and out of DynamoDB, S3,
//! SESv2 and SQS. No product rule lives here.
//!
//! - [`cases`] — the cases table: cases, messages, exactly-once bookkeeping.
//! - [`config`] — reading a function's variables: blank is unset, required, numbers with defaults.
//! - [`directory`] — the directory table: organisations, members, designated contacts, audit.
//! - [`http`] — what every HTTP API Lambda shares: caller claims, path, body, JSON responses.
//! - [`rawmail`] — the raw-mail bucket SES writes to.
//! - [`mailer`] — SESv2 raw sends for auto-replies.
//! - [`reply_queue`] — the SQS queue of replies SES throttled, for the paced sender.
//! - `membership` — the directory as the intake's membership lookup.
//! - [`notifier`] — SLA warnings to staff: SESv2 mail and SNS topics.
//! - [`runtime`] — a Lambda's cold start, and the event loop of the JSON-event functions.
//! - [`sdk_error`] — one line for a failed AWS call: code, message, what to do.
//! - [`telemetry`] — the one `tracing` setup of every binary: JSON in Lambda, text for people.
//!
//! Each adapter also implements the intake's port for it ([`slamail_core::intake::ports`]).
//! Creating tables from the SAM template is test and demo tooling, not an adapter the Lambdas
//! use: it lives in the `slamail-tables` crate, which no function depends on.

pub mod cases;
pub mod config;
pub mod directory;
pub mod http;
pub mod mailer;
mod membership;
pub mod notifier;
pub mod rawmail;
pub mod reply_queue;
pub mod runtime;
pub mod sdk_error;
pub mod telemetry;
