//! The SLA clock of a case, as an append-only ledger and a pure reading of it.
//!
//! Every change to a case's clock is a [`ledger::LedgerEntry`] (start, fulfil, pause, resume,
//! reclassify, close, reopen, breach), each with the policy version in force. Everything else is
//! computed from the ledger by one pure function, [`evaluate`]: the live view (`case show`, the
//! queue index's next due instant), `case explain`, and any later report. The rules are the
//! table in `docs/clock.md`.
//!
//! One concept per file: [`ledger`] (the entries), [`evaluate`](mod@evaluate) (the ledger read
//! as cycles, pauses and due instants), [`countdown`](mod@countdown) (what a live page counts down), [`transitions`] (which entries a happening appends),
//! [`live`] (the case fields that mirror the view) and [`explain`](mod@explain) (the ledger in
//! words: business intervals counted, closed days skipped, pauses).

pub mod countdown;
pub mod evaluate;
pub mod explain;
pub mod ledger;
pub mod live;
pub mod transitions;

pub use countdown::{Countdown, Standing, countdown};
pub use evaluate::{ClockError, ClockView, Cycle, CycleEnd, Pause, Status, evaluate};
pub use explain::explain;
pub use ledger::{ClockEvent, LedgerEntry, append};
pub use live::{Live, live};
pub use transitions::{Happening, TransitionError, opening, opening_of, transition};

#[cfg(test)]
pub(crate) mod test_case;
#[cfg(test)]
mod tests;
