//! The calendar's tests, one file per concept; the calendars they share are defined here.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeDelta, Utc, Weekday};
use chrono_tz::Tz;
use proptest::prelude::*;

use super::*;

mod behaviour;
mod clocks;
mod federal_holidays;
mod parsing;
mod properties;
mod reference;
mod sla_semantics;
mod transitions;

const LA: Tz = chrono_tz::America::Los_Angeles;
const NY: Tz = chrono_tz::America::New_York;

fn local(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").expect("test literal")
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("test literal")
}

fn at(zone: Tz, text: &str) -> DateTime<Utc> {
    resolve_local(zone, local(text))
}

/// Local wall time with the zone abbreviation, so PDT/PST mistakes show.
fn shown(zone: Tz, t: DateTime<Utc>) -> String {
    t.with_timezone(&zone)
        .format("%a %Y-%m-%d %H:%M %Z")
        .to_string()
}

fn iv(text: &str) -> Interval {
    Interval::parse(text).expect("test literal")
}

fn weekdays(intervals: &[&str]) -> WeeklyHours {
    WeeklyHours::weekdays(intervals.iter().map(|text| iv(text)).collect()).expect("valid hours")
}

fn activestate() -> BusinessCalendar {
    BusinessCalendar::new(
        LA,
        weekdays(&["08:00-17:00"]),
        vec![HolidayRule::UsFederal],
        Vec::new(),
    )
}

fn alectrona() -> BusinessCalendar {
    BusinessCalendar::new(
        NY,
        weekdays(&["09:00-17:30"]),
        vec![HolidayRule::UsFederal],
        Vec::new(),
    )
}

/// Split days, a Saturday morning, a one-off closure, in a European zone.
fn split_london() -> BusinessCalendar {
    let day = vec![iv("08:00-12:00"), iv("13:00-17:00")];
    let hours = WeeklyHours::new([
        day.clone(),
        day.clone(),
        day.clone(),
        day.clone(),
        day,
        vec![iv("10:00-14:00")],
        Vec::new(),
    ])
    .expect("valid hours");
    BusinessCalendar::new(
        chrono_tz::Europe::London,
        hours,
        vec![HolidayRule::UsFederal],
        vec![ClosedDate {
            date: date("2025-12-24"),
            name: "Office party".into(),
        }],
    )
}

/// Open across the wall times the clocks skip and repeat (US changes happen at 02:00 on a Sunday),
/// so those Sundays have 5 or 7 real hours between 00:00 and 06:00.
fn night_shift() -> BusinessCalendar {
    let both = vec![iv("00:00-06:00"), iv("22:00-24:00")];
    let hours = WeeklyHours::new([
        both.clone(),
        both.clone(),
        both.clone(),
        both.clone(),
        vec![iv("00:00-06:00")],
        Vec::new(),
        both,
    ])
    .expect("valid hours");
    BusinessCalendar::new(NY, hours, vec![HolidayRule::UsFederal], Vec::new())
}
