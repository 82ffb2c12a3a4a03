//! Attainment reports: a month of a policy's cases, per organisation and severity, computed from
//! the clock ledgers alone (the same [`evaluate`](crate::clock::evaluate) reading as the live
//! view and `case explain`, so the three always agree).
//!
//! One concept per file: [`month`] (the month, and the index keys that find its cases),
//! [`compute`](mod@compute) (the figures), [`render`] (table and CSV; JSON is the serde form).

pub mod compute;
pub mod month;
pub mod render;

pub use compute::{Attainment, Breach, HolidayApplied, Minutes, Report, ReportCase, Row, compute};
pub use month::{Month, MonthError, month_key, org_key};

#[cfg(test)]
mod tests;
