//! Business time: opening hours, holidays, and adding or measuring business time.
//!
//! The rules are those of `docs/sla-semantics.md`. In short:
//!
//! - Opening intervals are half-open wall-clock ranges of a local day (`08:00-17:00` contains
//!   08:00 and not 17:00). Their ends are turned into instants with [`resolve_local`], so on a day
//!   when the clocks change the open time is the real elapsed time between those instants.
//! - A closed date (an observed holiday or a one-off closure) closes the whole local day.
//! - Durations are exact to the second; [`BusinessCalendar::business_duration_between`] returns
//!   whole seconds.

//!
//! One concept per file: [`interval`] (an opening interval), [`weekday`] (the names of the days),
//! [`hours`] (a week of opening hours), [`closed_dates`] (holiday rules and closures),
//! [`holidays`] (the US federal holidays), [`business_calendar`] (the calendar and its days),
//! [`business_time`] (adding and measuring business time), [`elapsed`] (the clocks that ignore
//! opening hours), `zone` (local days on the real time line) and [`error`].

pub mod business_calendar;
pub mod business_time;
pub mod closed_dates;
pub mod elapsed;
pub mod error;
pub mod holidays;
pub mod hours;
pub mod interval;
pub mod weekday;
mod zone;

#[cfg(test)]
mod tests;

pub use business_calendar::BusinessCalendar;
pub use closed_dates::{ClosedDate, HolidayRule};
pub use elapsed::{add_calendar_months, add_elapsed};
pub use error::CalendarError;
pub use hours::WeeklyHours;
pub use interval::Interval;
pub use weekday::{WEEK, weekday_from_key, weekday_name};
pub use zone::resolve_local;

/// Minutes in a day; also the largest valid interval end (24:00).
pub const MINUTES_PER_DAY: u16 = 1440;
