//! US federal holidays (5 U.S.C. 6103), generated from the statute's rules for any year.
//!
//! The statute's current rules are applied to every year, except that Juneteenth only exists from
//! 2021 on. Earlier history (Monday holidays before 1971, Martin Luther King Jr. Day before 1986)
//! is deliberately not modelled: the product judges present-day deadlines, and one rule set is
//! easier to audit than a timeline of amendments.

use std::borrow::Cow;
use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate, Weekday};

use super::ClosedDate;

/// US federal holidays for `year`, as closed dates for a Monday–Friday workweek.
///
/// Only the days observed inside `year` are returned, sorted: a Saturday holiday is observed the
/// Friday before, so a Saturday New Year's Day belongs to the *previous* year's list (2027-12-31
/// observes New Year 2028, and 2028's list has no New Year's entry). A Sunday holiday is observed
/// the Monday after. Shifted entries are named with an " (observed)" suffix.
pub fn us_federal_observed(year: i32) -> Vec<ClosedDate> {
    observed_in_year(year)
        .into_iter()
        .map(|(date, name, shifted)| ClosedDate {
            date,
            name: if shifted {
                format!("{name} (observed)")
            } else {
                name.to_owned()
            },
        })
        .collect()
}

/// The holidays as the statute names them, with the day they fall on (not yet shifted).
fn actual_in_year(year: i32) -> Vec<(NaiveDate, &'static str)> {
    use Weekday::{Mon, Thu};
    let candidates = [
        (NaiveDate::from_ymd_opt(year, 1, 1), "New Year's Day"),
        (
            nth_weekday(year, 1, Mon, 3),
            "Birthday of Martin Luther King, Jr.",
        ),
        (nth_weekday(year, 2, Mon, 3), "Washington's Birthday"),
        (last_weekday(year, 5, Mon), "Memorial Day"),
        (
            NaiveDate::from_ymd_opt(year, 6, 19).filter(|_| year >= 2021),
            "Juneteenth National Independence Day",
        ),
        (NaiveDate::from_ymd_opt(year, 7, 4), "Independence Day"),
        (nth_weekday(year, 9, Mon, 1), "Labor Day"),
        (nth_weekday(year, 10, Mon, 2), "Columbus Day"),
        (NaiveDate::from_ymd_opt(year, 11, 11), "Veterans Day"),
        (nth_weekday(year, 11, Thu, 4), "Thanksgiving Day"),
        (NaiveDate::from_ymd_opt(year, 12, 25), "Christmas Day"),
    ];
    candidates
        .into_iter()
        .filter_map(|(date, name)| date.map(|d| (d, name)))
        .collect()
}

/// Observed dates inside `year`: (date, statutory name, whether the date was shifted).
fn observed_in_year(year: i32) -> Vec<(NaiveDate, &'static str, bool)> {
    let mut out = Vec::with_capacity(12);
    // Next year's New Year's Day can be observed on this year's Dec 31, and this year's can move
    // out to the previous year; filtering on the observed year handles both directions.
    let next_new_year = year
        .checked_add(1)
        .and_then(|y| NaiveDate::from_ymd_opt(y, 1, 1))
        .map(|d| (d, "New Year's Day"));
    for (date, name) in actual_in_year(year).into_iter().chain(next_new_year) {
        if let Some(observed) = observed_date(date)
            && observed.year() == year
        {
            out.push((observed, name, observed != date));
        }
    }
    out.sort_by_key(|entry| entry.0);
    out
}

/// Executive Order 11582's rule for a Monday–Friday workweek.
fn observed_date(date: NaiveDate) -> Option<NaiveDate> {
    match date.weekday() {
        Weekday::Sat => date.pred_opt(),
        Weekday::Sun => date.succ_opt(),
        _ => Some(date),
    }
}

fn nth_weekday(year: i32, month: u32, weekday: Weekday, n: u32) -> Option<NaiveDate> {
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let lead = (7 + weekday.num_days_from_monday() - first.weekday().num_days_from_monday()) % 7;
    NaiveDate::from_ymd_opt(year, month, 1 + lead + 7 * (n - 1))
}

fn last_weekday(year: i32, month: u32, weekday: Weekday) -> Option<NaiveDate> {
    let first_of_next = if month == 12 {
        NaiveDate::from_ymd_opt(year.checked_add(1)?, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)?
    };
    let last = first_of_next.pred_opt()?;
    let back = (7 + last.weekday().num_days_from_monday() - weekday.num_days_from_monday()) % 7;
    last.checked_sub_days(chrono::Days::new(u64::from(back)))
}

/// Years whose observed dates are precomputed once per process; outside them dates are generated
/// on demand, which is correct but allocates.
const CACHE_FIRST_YEAR: i32 = 1900;
const CACHE_LAST_YEAR: i32 = 2299;

/// Shared by every calendar: the set only depends on the rule, and building it per calendar would
/// put ~4,400 date computations on each policy load.
static CACHE: LazyLock<Vec<NaiveDate>> = LazyLock::new(|| {
    (CACHE_FIRST_YEAR..=CACHE_LAST_YEAR)
        .flat_map(|year| observed_in_year(year).into_iter().map(|entry| entry.0))
        .collect()
});

/// Observed federal dates in `[from, to)`, sorted and distinct.
pub(super) fn us_federal_between(from: NaiveDate, to: NaiveDate) -> Cow<'static, [NaiveDate]> {
    if from >= to {
        return Cow::Borrowed(&[]);
    }
    if from.year() >= CACHE_FIRST_YEAR && to.year() <= CACHE_LAST_YEAR {
        let cache: &'static [NaiveDate] = &CACHE;
        let lo = cache.partition_point(|d| *d < from);
        let hi = cache.partition_point(|d| *d < to);
        return Cow::Borrowed(&cache[lo..hi]);
    }
    Cow::Owned(
        (from.year()..=to.year())
            .flat_map(|year| observed_in_year(year).into_iter().map(|entry| entry.0))
            .filter(|d| *d >= from && *d < to)
            .collect(),
    )
}

pub(super) fn is_us_federal(date: NaiveDate) -> bool {
    if (CACHE_FIRST_YEAR..=CACHE_LAST_YEAR).contains(&date.year()) {
        CACHE.binary_search(&date).is_ok()
    } else {
        observed_in_year(date.year())
            .iter()
            .any(|entry| entry.0 == date)
    }
}
