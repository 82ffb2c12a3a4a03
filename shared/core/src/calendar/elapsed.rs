//! The clocks that ignore opening hours: elapsed real time (24x7 targets) and calendar months
//! (security-fix targets).

use chrono::{DateTime, Months, NaiveDate, TimeDelta, Utc};

/// 24x7 clock: elapsed real time. Saturates at the end of chrono's range.
pub fn add_elapsed(t: DateTime<Utc>, minutes: u32) -> DateTime<Utc> {
    t.checked_add_signed(TimeDelta::minutes(i64::from(minutes)))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// Calendar months, clamping to the month's end (Nov 30 + 3 months = Feb 28). `None` on overflow.
pub fn add_calendar_months(date: NaiveDate, months: u32) -> Option<NaiveDate> {
    date.checked_add_months(Months::new(months))
}
