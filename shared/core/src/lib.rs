//! slamail's pure domain: everything the product knows about SLAs and support mail, with no I/O.
//!
//! Layers above this crate (`slamail-aws`, the functions, the CLI) only move bytes and records in
//! and out; every rule lives here so it can be tested fast and deterministically.
//!
//! - [`bounded`] — the caps on every stored field taken from a message; Message-ID keys.
//! - [`ids`] — newtypes for the values that cross boundaries (addresses, tiers, severities, case ids).
//! - [`policy`] — the TOML policy format, its validation, and the built-in vendor policies.
//! - [`calendar`] — business time: opening hours, holidays, adding and measuring business time.
//! - [`directory`] — organisations, members and designated contacts: who may do what, and the limits.
//! - [`case`] — the case record: everything a support engineer needs about one request.
//! - [`deadline`] — what a target means for a received instant.
//! - [`message`] — raw MIME bytes to an [`message::InboundEmail`].
//! - [`triage`] — authenticity, loop protection, tier, severity, route.
//! - [`reply`] — the auto-reply as a raw MIME message.
//! - [`intake`] — the intake's ports, claim lease and the pure parts of its steps.
//! - [`support_term`] — the dates an organisation's support is paid for.
//! - [`conversation`] — which case a message belongs to, and who may speak in it.
//! - [`clock`] — the SLA clock as an append-only ledger and its pure reading.
//! - [`watch`] — the SLA watch: warning points in business time, what a pass sends, to whom.
//! - [`report`] — attainment reports per organisation and severity, from the ledgers.
//! - [`feedback`] — SES bounces and complaints of our auto-replies, and what they hold.

pub mod bounded;
pub mod calendar;
pub mod case;
pub mod clock;
pub mod conversation;
pub mod deadline;
pub mod directory;
pub mod feedback;
pub mod ids;
pub mod intake;
pub mod message;
pub mod policy;
pub mod reply;
pub mod report;
pub mod support_term;
pub mod triage;
pub mod watch;
