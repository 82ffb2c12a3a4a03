use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeDelta, Utc, Weekday};
use chrono_tz::Tz;
use proptest::prelude::*;

use super::*;

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
    let day: Vec<Interval> = intervals.iter().map(|text| iv(text)).collect();
    WeeklyHours::new([
        day.clone(),
        day.clone(),
        day.clone(),
        day.clone(),
        day,
        Vec::new(),
        Vec::new(),
    ])
    .expect("valid hours")
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

// ---------------------------------------------------------------------------------------------
// Expected values from docs/sla-semantics.md.

#[test]
fn activestate_business_hours_table() {
    let cal = activestate();
    let cases = [
        ("2026-11-23 16:00", 2, "Tue 2026-11-24 09:00 PST"),
        ("2026-11-23 16:00", 1, "Tue 2026-11-24 08:00 PST"),
        ("2026-11-23 17:00", 2, "Tue 2026-11-24 10:00 PST"),
        ("2026-11-21 10:00", 2, "Mon 2026-11-23 10:00 PST"),
        ("2026-11-25 15:00", 4, "Fri 2026-11-27 10:00 PST"),
        ("2026-07-02 16:00", 2, "Mon 2026-07-06 09:00 PDT"),
        ("2026-12-31 16:30", 2, "Mon 2027-01-04 09:30 PST"),
    ];
    for (received, hours, expected) in cases {
        let deadline = cal.add_business_minutes(at(LA, received), hours * 60);
        assert_eq!(
            deadline.map(|t| shown(LA, t)).as_deref(),
            Some(expected),
            "{received} + {hours} business hours"
        );
    }
}

#[test]
fn activestate_business_days_table() {
    let cal = activestate();
    let cases = [
        ("2026-11-21 10:00", 1, "Tue 2026-11-24 08:00 PST"),
        ("2026-11-24 10:00", 1, "Wed 2026-11-25 10:00 PST"),
        ("2026-11-24 07:00", 1, "Wed 2026-11-25 08:00 PST"),
        ("2026-11-24 17:30", 1, "Fri 2026-11-27 08:00 PST"),
        ("2026-12-24 10:00", 2, "Tue 2026-12-29 10:00 PST"),
    ];
    for (received, days, expected) in cases {
        let deadline = cal.add_business_days(at(LA, received), days);
        assert_eq!(
            deadline.map(|t| shown(LA, t)).as_deref(),
            Some(expected),
            "{received} + {days} business days"
        );
    }
}

#[test]
fn alectrona_business_hours() {
    let cal = alectrona();
    let cases = [
        ("2026-11-23 17:00", 1, "Tue 2026-11-24 09:30 EST"),
        ("2026-11-23 16:30", 1, "Tue 2026-11-24 09:00 EST"),
        ("2026-11-25 16:00", 8, "Fri 2026-11-27 15:30 EST"),
    ];
    for (received, hours, expected) in cases {
        let deadline = cal.add_business_minutes(at(NY, received), hours * 60);
        assert_eq!(
            deadline.map(|t| shown(NY, t)).as_deref(),
            Some(expected),
            "{received} + {hours} business hours"
        );
    }
}

#[test]
fn elapsed_clock_across_dst() {
    let always = BusinessCalendar::always_open(LA);
    let cases = [
        ("2026-10-31 23:30", 2 * 60, "Sun 2026-11-01 01:30 PDT"),
        ("2026-11-01 00:30", 2 * 60, "Sun 2026-11-01 01:30 PST"),
        ("2026-03-07 20:00", 12 * 60, "Sun 2026-03-08 09:00 PDT"),
        ("2026-10-31 20:00", 12 * 60, "Sun 2026-11-01 07:00 PST"),
    ];
    for (received, minutes, expected) in cases {
        let start = at(LA, received);
        assert_eq!(
            shown(LA, add_elapsed(start, minutes)),
            expected,
            "{received}"
        );
        // A 24x7 business calendar must agree with elapsed time.
        let via_calendar = always.add_business_minutes(start, minutes);
        assert_eq!(
            via_calendar.map(|t| shown(LA, t)).as_deref(),
            Some(expected)
        );
        assert_eq!(
            always.business_duration_between(start, add_elapsed(start, minutes)),
            TimeDelta::minutes(i64::from(minutes))
        );
    }
}

#[test]
fn federal_observed_dates_from_the_document() {
    let cal = activestate();
    for d in [
        "2021-06-18",
        "2021-07-05",
        "2021-12-24",
        "2021-12-31",
        "2022-06-20",
        "2026-07-03",
        "2027-12-31",
        "2028-11-10",
    ] {
        assert!(cal.is_closed_date(date(d)), "{d} should be closed");
        assert!(!cal.is_business_day(date(d)), "{d}");
        let year = date(d).year();
        assert!(
            holidays::us_federal_observed(year)
                .iter()
                .any(|h| h.date == date(d)),
            "{d} missing from us_federal_observed({year})"
        );
        assert!(cal.closed_dates(year).iter().any(|h| h.date == date(d)));
    }
    let names: Vec<(String, String)> = holidays::us_federal_observed(2021)
        .into_iter()
        .map(|h| (h.date.to_string(), h.name))
        .collect();
    assert!(names.contains(&("2021-12-31".into(), "New Year's Day (observed)".into())));
    assert!(names.contains(&("2021-07-05".into(), "Independence Day (observed)".into())));
    assert!(names.contains(&(
        "2021-06-18".into(),
        "Juneteenth National Independence Day (observed)".into()
    )));
    // New Year 2022 is observed in 2021, so 2022 has no New Year's entry.
    assert!(
        !holidays::us_federal_observed(2022)
            .iter()
            .any(|h| h.name.starts_with("New Year"))
    );
    // A stock-exchange calendar keeps these open; the federal one must not.
    assert!(!cal.is_closed_date(date("2021-12-30")));
    assert!(
        !cal.is_closed_date(date("2026-07-04")),
        "only the observed Friday is closed"
    );
}

#[test]
fn federal_spot_checks() {
    let cal = activestate();
    for d in [
        "2023-11-10",
        "2022-12-26",
        "2010-12-31",
        "2017-01-02",
        "2020-07-03",
    ] {
        assert!(cal.is_closed_date(date(d)), "{d}");
    }
    for d in [
        "2023-11-11",
        "2022-12-25",
        "2011-01-01",
        "2011-01-03",
        "2020-06-19",
    ] {
        assert!(
            !cal.is_closed_date(date(d)),
            "{d} should not be an observed holiday"
        );
    }
    let y2011 = holidays::us_federal_observed(2011);
    assert_eq!(
        y2011.len(),
        9,
        "New Year 2011 moved to 2010, and 2012's did not move"
    );
    assert_eq!(holidays::us_federal_observed(2010).len(), 11);
}

// ---------------------------------------------------------------------------------------------
// Holidays 1990-2100 against an independent derivation.

/// Dates of the month with the given weekday, found by walking the month (the library computes
/// them arithmetically).
fn weekdays_of_month(year: i32, month: u32, weekday: Weekday) -> Vec<NaiveDate> {
    (1..=31)
        .filter_map(|day| NaiveDate::from_ymd_opt(year, month, day))
        .filter(|d| d.weekday() == weekday)
        .collect()
}

fn expected_actual(year: i32) -> Vec<NaiveDate> {
    let fixed = |m, d| NaiveDate::from_ymd_opt(year, m, d).expect("valid");
    let mut out = vec![
        fixed(1, 1),
        weekdays_of_month(year, 1, Weekday::Mon)[2],
        weekdays_of_month(year, 2, Weekday::Mon)[2],
        *weekdays_of_month(year, 5, Weekday::Mon)
            .last()
            .expect("May has Mondays"),
        fixed(7, 4),
        weekdays_of_month(year, 9, Weekday::Mon)[0],
        weekdays_of_month(year, 10, Weekday::Mon)[1],
        fixed(11, 11),
        weekdays_of_month(year, 11, Weekday::Thu)[3],
        fixed(12, 25),
    ];
    if year >= 2021 {
        out.push(fixed(6, 19));
    }
    out
}

fn shift(d: NaiveDate) -> NaiveDate {
    match d.weekday() {
        Weekday::Sat => d - TimeDelta::days(1),
        Weekday::Sun => d + TimeDelta::days(1),
        _ => d,
    }
}

#[test]
fn federal_holidays_1990_to_2100() {
    let cal = activestate();
    for year in 1990..=2100 {
        let mut expected: Vec<NaiveDate> = expected_actual(year)
            .into_iter()
            .chain(expected_actual(year + 1))
            .map(shift)
            .filter(|d| d.year() == year)
            .collect();
        expected.sort();
        expected.dedup();

        let got = holidays::us_federal_observed(year);
        let got_dates: Vec<NaiveDate> = got.iter().map(|h| h.date).collect();
        assert_eq!(got_dates, expected, "{year}");

        let jan1_saturday =
            |y: i32| NaiveDate::from_ymd_opt(y, 1, 1).map(|d| d.weekday()) == Some(Weekday::Sat);
        let base = if year >= 2021 { 11 } else { 10 };
        let count = base - usize::from(jan1_saturday(year)) + usize::from(jan1_saturday(year + 1));
        assert_eq!(got.len(), count, "{year}");

        for holiday in &got {
            assert!(
                !matches!(holiday.date.weekday(), Weekday::Sat | Weekday::Sun),
                "{holiday:?} is observed on a weekend"
            );
            let shifted = holiday.name.ends_with(" (observed)");
            let weekday = holiday.date.weekday();
            assert!(
                !shifted || weekday == Weekday::Fri || weekday == Weekday::Mon,
                "{holiday:?}"
            );
        }
        for (name, weekday, month, days) in [
            (
                "Birthday of Martin Luther King, Jr.",
                Weekday::Mon,
                1,
                15..=21,
            ),
            ("Washington's Birthday", Weekday::Mon, 2, 15..=21),
            ("Memorial Day", Weekday::Mon, 5, 25..=31),
            ("Labor Day", Weekday::Mon, 9, 1..=7),
            ("Columbus Day", Weekday::Mon, 10, 8..=14),
            ("Thanksgiving Day", Weekday::Thu, 11, 22..=28),
        ] {
            let found: Vec<&ClosedDate> = got.iter().filter(|h| h.name == name).collect();
            assert_eq!(found.len(), 1, "{name} {year}");
            let d = found[0].date;
            assert!(
                d.weekday() == weekday && d.month() == month && days.contains(&d.day()),
                "{name} {year}: {d}"
            );
        }
        assert_eq!(
            got.iter().any(|h| h.name.starts_with("Juneteenth")),
            year >= 2021,
            "{year}"
        );

        // The cached lookup, the range query and the per-year list agree day by day.
        let first = NaiveDate::from_ymd_opt(year, 1, 1).expect("valid");
        let next = NaiveDate::from_ymd_opt(year + 1, 1, 1).expect("valid");
        let ranged = holidays::us_federal_between(first, next);
        assert_eq!(ranged.as_ref(), got_dates.as_slice(), "{year}");
        let mut d = first;
        while d < next {
            assert_eq!(cal.is_closed_date(d), got_dates.contains(&d), "{d}");
            d = d.succ_opt().expect("valid");
        }
    }
}

#[test]
fn holidays_outside_the_cache_match_inside() {
    // The Gregorian calendar repeats every 400 years, so 2421 must be 2021 shifted, whichever
    // lookup path (precomputed or generated on demand) serves it.
    let shifted = |year: i32| -> Vec<NaiveDate> {
        holidays::us_federal_observed(year)
            .into_iter()
            .map(|h| h.date)
            .collect()
    };
    let expected: Vec<NaiveDate> = shifted(2021)
        .into_iter()
        .map(|d| NaiveDate::from_ymd_opt(d.year() + 400, d.month(), d.day()).expect("valid"))
        .collect();
    assert_eq!(shifted(2421), expected);
    let first = date("2421-01-01");
    let next = date("2422-01-01");
    assert_eq!(
        holidays::us_federal_between(first, next).as_ref(),
        expected.as_slice()
    );
    assert!(expected.iter().all(|d| holidays::is_us_federal(*d)));
    assert!(holidays::is_us_federal(date("2421-12-31")));
    assert!(!holidays::is_us_federal(date("2421-12-30")));
    // A range straddling the precomputed window's end.
    let straddle = holidays::us_federal_between(date("2299-12-01"), date("2300-02-01"));
    let expected_straddle: Vec<NaiveDate> = holidays::us_federal_observed(2299)
        .into_iter()
        .chain(holidays::us_federal_observed(2300))
        .map(|h| h.date)
        .filter(|d| *d >= date("2299-12-01") && *d < date("2300-02-01"))
        .collect();
    assert_eq!(straddle.as_ref(), expected_straddle.as_slice());
    assert!(!expected_straddle.is_empty());
}

#[test]
fn closed_dates_merge_rules_and_closures() {
    let cal = BusinessCalendar::new(
        LA,
        weekdays(&["08:00-17:00"]),
        vec![HolidayRule::UsFederal, HolidayRule::UsFederal],
        vec![
            ClosedDate {
                date: date("2025-12-26"),
                name: "Closed by executive order".into(),
            },
            ClosedDate {
                date: date("2025-12-24"),
                name: "Closed by executive order".into(),
            },
            ClosedDate {
                date: date("2025-12-25"),
                name: "Duplicate of Christmas".into(),
            },
        ],
    );
    assert_eq!(cal.rules(), &[HolidayRule::UsFederal]);
    let december: Vec<(String, String)> = cal
        .closed_dates(2025)
        .into_iter()
        .filter(|c| c.date.month() == 12)
        .map(|c| (c.date.to_string(), c.name))
        .collect();
    assert_eq!(
        december,
        vec![
            ("2025-12-24".into(), "Closed by executive order".into()),
            ("2025-12-25".into(), "Christmas Day".into()),
            ("2025-12-26".into(), "Closed by executive order".into()),
        ]
    );
    let all = cal.closed_dates(2025);
    assert!(all.windows(2).all(|w| w[0].date < w[1].date));
    assert!(cal.is_closed_date(date("2025-12-24")));
    // Wed Dec 24 + 1 business day skips three closed days.
    assert_eq!(
        cal.add_business_days(at(LA, "2025-12-23 09:00"), 1)
            .map(|t| shown(LA, t))
            .as_deref(),
        Some("Mon 2025-12-29 09:00 PST")
    );
}

// ---------------------------------------------------------------------------------------------
// Parsing.

#[test]
fn interval_parsing() {
    assert_eq!(iv("08:00-17:00"), Interval::new(480, 1020).expect("valid"));
    let all_day = iv("00:00-24:00");
    assert_eq!((all_day.start_minute(), all_day.end_minute()), (0, 1440));
    assert_eq!(iv(" 9:30 - 17:30 ").to_string(), "09:30-17:30");
    assert_eq!(iv("09:00\u{2013}17:30").to_string(), "09:00-17:30");

    let error = |text: &str| Interval::parse(text).expect_err(text).to_string();
    assert_eq!(
        error("08:00-07:00"),
        "08:00-07:00: the end is before the start"
    );
    assert_eq!(
        error("25:00-26:00"),
        "25:00: not a time of day (HH:MM, from 00:00 to 24:00)"
    );
    assert_eq!(
        error("08:00-24:30"),
        "24:30: not a time of day (HH:MM, from 00:00 to 24:00)"
    );
    assert!(matches!(
        Interval::parse("08:00-08:00"),
        Err(CalendarError::EmptyInterval { .. })
    ));
    assert!(matches!(
        Interval::parse("08:00"),
        Err(CalendarError::IntervalSyntax { .. })
    ));
    for bad in [
        "8-17",
        "08:0-17:00",
        "08:60-17:00",
        "aa:bb-17:00",
        "-08:00-17:00",
        "08:00-",
        "+8:00-17:00",
    ] {
        assert!(Interval::parse(bad).is_err(), "{bad}");
    }
    assert!(matches!(
        Interval::new(0, 1441),
        Err(CalendarError::PastEndOfDay { .. })
    ));
    assert!(matches!(
        Interval::new(600, 540),
        Err(CalendarError::EndBeforeStart { .. })
    ));
}

#[test]
fn weekly_hours_validation() {
    let mut days: [Vec<Interval>; 7] = Default::default();
    days[0] = vec![iv("11:00-17:00"), iv("08:00-12:00")];
    assert_eq!(
        WeeklyHours::new(days).expect_err("overlap").to_string(),
        "Monday: 08:00-12:00 overlaps 11:00-17:00"
    );

    let mut days: [Vec<Interval>; 7] = Default::default();
    days[2] = vec![iv("08:00-12:00"), iv("08:00-12:00")];
    assert_eq!(
        WeeklyHours::new(days).expect_err("duplicate").to_string(),
        "Wednesday: 08:00-12:00 is listed twice"
    );

    let mut days: [Vec<Interval>; 7] = Default::default();
    days[6] = vec![iv("13:00-17:00"), iv("08:00-13:00")];
    let hours = WeeklyHours::new(days).expect("touching intervals are fine");
    assert_eq!(
        hours.day(Weekday::Sun),
        &[iv("08:00-13:00"), iv("13:00-17:00")]
    );
    assert_eq!(hours.open_minutes(Weekday::Sun), 9 * 60);
    assert_eq!(hours.week_minutes(), 9 * 60);
    assert!(hours.day(Weekday::Mon).is_empty());

    let always = WeeklyHours::always();
    assert_eq!(always.day(Weekday::Thu), &[iv("00:00-24:00")]);
    assert_eq!(always.week_minutes(), 7 * 1440);
}

#[test]
fn holiday_rule_parsing() {
    assert_eq!(HolidayRule::parse("us-federal"), Ok(HolidayRule::UsFederal));
    assert_eq!(
        HolidayRule::parse(" US-Federal "),
        Ok(HolidayRule::UsFederal)
    );
    assert_eq!(HolidayRule::UsFederal.to_string(), "us-federal");
    assert_eq!(
        HolidayRule::parse("nyse").expect_err("unknown").to_string(),
        "nyse: unknown holiday rule (the known rule is \"us-federal\")"
    );
}

// ---------------------------------------------------------------------------------------------
// Time-zone resolution and the other clocks.

#[test]
fn resolve_local_gap_and_overlap() {
    assert_eq!(
        shown(LA, at(LA, "2026-03-08 02:30")),
        "Sun 2026-03-08 03:30 PDT"
    );
    assert_eq!(
        shown(LA, at(LA, "2026-11-01 01:30")),
        "Sun 2026-11-01 01:30 PDT"
    );
    assert_eq!(
        at(LA, "2026-11-01 01:30").to_rfc3339(),
        "2026-11-01T08:30:00+00:00"
    );
    assert_eq!(
        shown(LA, at(LA, "2026-07-01 12:00")),
        "Wed 2026-07-01 12:00 PDT"
    );
}

#[test]
fn calendar_months() {
    let cases = [
        ("2026-11-30", 3, "2027-02-28"),
        ("2027-11-30", 3, "2028-02-29"),
        ("2026-01-31", 1, "2026-02-28"),
        ("2026-03-15", 6, "2026-09-15"),
        ("2026-03-15", 0, "2026-03-15"),
        ("2026-08-31", 18, "2028-02-29"),
    ];
    for (from, months, expected) in cases {
        assert_eq!(
            add_calendar_months(date(from), months),
            Some(date(expected)),
            "{from} + {months}"
        );
    }
    assert_eq!(add_calendar_months(NaiveDate::MAX, 1), None);
    assert_eq!(add_calendar_months(date("2026-01-01"), u32::MAX), None);
}

#[test]
fn elapsed_saturates() {
    assert_eq!(
        add_elapsed(DateTime::<Utc>::MAX_UTC, 1),
        DateTime::<Utc>::MAX_UTC
    );
}

// ---------------------------------------------------------------------------------------------
// Calendar behaviour beyond the document's table.

#[test]
fn opening_boundaries_are_half_open() {
    let cal = activestate();
    assert!(cal.is_open(at(LA, "2026-11-23 08:00")));
    assert!(cal.is_open(at(LA, "2026-11-23 16:59")));
    assert!(!cal.is_open(at(LA, "2026-11-23 17:00")));
    assert!(!cal.is_open(at(LA, "2026-11-23 07:59")));
    assert!(!cal.is_open(at(LA, "2026-11-26 10:00")), "Thanksgiving");
    assert!(!cal.is_open(at(LA, "2026-11-28 10:00")), "Saturday");
    assert_eq!(
        cal.next_opening(at(LA, "2026-11-25 17:00"))
            .map(|t| shown(LA, t))
            .as_deref(),
        Some("Fri 2026-11-27 08:00 PST")
    );
    let inside = at(LA, "2026-11-23 10:15") + TimeDelta::nanoseconds(5);
    assert_eq!(cal.next_opening(inside), Some(inside));
    assert_eq!(cal.add_business_minutes(inside, 0), Some(inside));
    assert_eq!(cal.add_business_days(inside, 0), Some(inside));
}

/// Found by proptest: a clock starting in the second 01:00 of a fall-back night.
#[test]
fn zero_days_at_a_repeated_hour() {
    let always = BusinessCalendar::always_open(LA);
    let received = DateTime::parse_from_rfc3339("2024-11-03T09:00:00Z")
        .expect("literal")
        .with_timezone(&Utc);
    assert_eq!(shown(LA, received), "Sun 2024-11-03 01:00 PST");
    assert_eq!(always.add_business_days(received, 0), Some(received));
    assert_eq!(
        always
            .add_business_days(received, 1)
            .map(|t| shown(LA, t))
            .as_deref(),
        Some("Mon 2024-11-04 01:00 PST")
    );
}

#[test]
fn never_open_calendar() {
    let closed = BusinessCalendar::new(
        LA,
        WeeklyHours::new(Default::default()).expect("empty is valid"),
        Vec::new(),
        Vec::new(),
    );
    let t = at(LA, "2026-11-23 10:00");
    assert_eq!(closed.next_opening(t), None);
    assert_eq!(closed.add_business_minutes(t, 60), None);
    assert_eq!(closed.add_business_days(t, 1), None);
    assert!(!closed.is_open(t));
    assert_eq!(
        closed.business_duration_between(t, t + TimeDelta::days(30)),
        TimeDelta::zero()
    );
}

#[test]
fn durations() {
    let cal = activestate();
    let d = |a: &str, b: &str| cal.business_duration_between(at(LA, a), at(LA, b));
    assert_eq!(
        d("2026-11-23 16:00", "2026-11-24 09:00"),
        TimeDelta::hours(2)
    );
    assert_eq!(d("2026-11-24 09:00", "2026-11-23 16:00"), TimeDelta::zero());
    assert_eq!(d("2026-11-23 10:00", "2026-11-23 10:00"), TimeDelta::zero());
    // Nov 23 - Dec 1 2026: 5 weekdays minus Thanksgiving, plus Mon Nov 30.
    assert_eq!(
        d("2026-11-23 00:00", "2026-12-01 00:00"),
        TimeDelta::hours(9 * 5)
    );
    // 2026: 261 weekdays, 11 observed holidays on weekdays (Jul 3 for Jul 4).
    assert_eq!(
        d("2026-01-01 00:00", "2027-01-01 00:00"),
        TimeDelta::hours(9 * (261 - 11))
    );
    // Sub-second parts are truncated, not rounded.
    let a = at(LA, "2026-11-23 10:00");
    assert_eq!(
        cal.business_duration_between(a, a + TimeDelta::milliseconds(1_999)),
        TimeDelta::seconds(1)
    );

    let always = BusinessCalendar::always_open(LA);
    let e = |a: &str, b: &str| always.business_duration_between(at(LA, a), at(LA, b));
    assert_eq!(
        e("2026-01-01 00:00", "2027-01-01 00:00"),
        TimeDelta::hours(365 * 24)
    );
    assert_eq!(
        e("2026-03-01 00:00", "2026-04-01 00:00"),
        TimeDelta::hours(31 * 24 - 1)
    );
    assert_eq!(
        e("2026-11-01 00:00", "2026-11-02 00:00"),
        TimeDelta::hours(25)
    );
    assert_eq!(
        e("2026-03-08 00:00", "2026-03-09 00:00"),
        TimeDelta::hours(23)
    );
}

#[test]
fn night_shift_on_dst_days() {
    let cal = night_shift();
    let day = |d: &str| {
        let start = date(d).and_time(chrono::NaiveTime::MIN);
        let end = start + TimeDelta::days(1);
        cal.business_duration_between(resolve_local(NY, start), resolve_local(NY, end))
    };
    assert_eq!(day("2026-03-15"), TimeDelta::hours(8));
    assert_eq!(day("2026-03-08"), TimeDelta::hours(5 + 2));
    assert_eq!(day("2026-11-01"), TimeDelta::hours(7 + 2));
    assert!(cal.is_open(at(NY, "2026-11-01 01:30")));
    assert!(
        cal.is_open(at(NY, "2026-11-01 01:30") + TimeDelta::hours(1)),
        "01:30 EST"
    );

    let early = BusinessCalendar::new(
        NY,
        WeeklyHours::new(std::array::from_fn(|_| vec![iv("00:00-06:00")])).expect("valid"),
        Vec::new(),
        Vec::new(),
    );
    let span = |a: &str, b: &str| early.business_duration_between(at(NY, a), at(NY, b));
    assert_eq!(
        span("2026-03-08 00:00", "2026-03-09 00:00"),
        TimeDelta::hours(5)
    );
    assert_eq!(
        span("2026-11-01 00:00", "2026-11-02 00:00"),
        TimeDelta::hours(7)
    );
    assert_eq!(
        span("2026-01-01 00:00", "2027-01-01 00:00"),
        TimeDelta::hours(365 * 6)
    );
    assert_eq!(
        span("2026-01-01 00:00", "2026-07-01 00:00"),
        TimeDelta::hours(181 * 6 - 1)
    );
    // 6 business hours from the spring-forward midnight: 5 that night, 1 the next.
    assert_eq!(
        early
            .add_business_minutes(at(NY, "2026-03-08 00:00"), 6 * 60)
            .map(|t| shown(NY, t))
            .as_deref(),
        Some("Mon 2026-03-09 01:00 EDT")
    );
    // 7 hours exactly fill the fall-back night, so the deadline is the next opening.
    assert_eq!(
        early
            .add_business_minutes(at(NY, "2026-11-01 00:00"), 7 * 60)
            .map(|t| shown(NY, t))
            .as_deref(),
        Some("Mon 2026-11-02 00:00 EST")
    );
    // A 10-week target crossing the change is still exact.
    let received = at(NY, "2026-02-02 03:00");
    let deadline = early
        .add_business_minutes(received, 70 * 6 * 60)
        .expect("deadline");
    assert_eq!(
        early.business_duration_between(received, deadline),
        TimeDelta::hours(70 * 6)
    );
    assert_eq!(shown(NY, deadline), "Mon 2026-04-13 04:00 EDT");
}

#[test]
fn long_spans_match_a_day_by_day_walk() {
    for cal in [activestate(), alectrona(), split_london(), night_shift()] {
        let zone = cal.zone();
        let received = at(zone, "2026-02-17 11:17");
        for hours in [40, 100, 333, 1000, 2500] {
            let fast = cal.add_business_minutes(received, hours * 60);
            let slow = reference_add_minutes(&cal, received, hours * 60);
            assert_eq!(fast, slow, "{zone} + {hours}h");
        }
        for days in [5, 20, 63, 130, 400] {
            let fast = cal.add_business_days(received, days);
            let slow = reference_add_days(&cal, received, days);
            assert_eq!(fast, slow, "{zone} + {days} days");
        }
        let end = at(zone, "2027-03-02 15:45");
        assert_eq!(
            cal.business_duration_between(received, end),
            reference_duration(&cal, received, end),
            "{zone}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Reference implementations: the simplest possible day-by-day walks, for cross-checking the
// arithmetic fast paths.

fn reference_duration(cal: &BusinessCalendar, a: DateTime<Utc>, b: DateTime<Utc>) -> TimeDelta {
    if b <= a {
        return TimeDelta::zero();
    }
    let zone = cal.zone();
    let first = a.with_timezone(&zone).date_naive() - TimeDelta::days(1);
    let last = b.with_timezone(&zone).date_naive() + TimeDelta::days(1);
    let mut total = TimeDelta::zero();
    let mut d = first;
    while d <= last {
        let hint = zone::offset_at(
            zone,
            resolve_local(zone, d.and_time(chrono::NaiveTime::MIN)),
        );
        total += cal.open_in_day(d, hint, a, b);
        d = d.succ_opt().expect("valid");
    }
    TimeDelta::seconds(total.num_seconds())
}

fn reference_add_minutes(
    cal: &BusinessCalendar,
    received: DateTime<Utc>,
    minutes: u32,
) -> Option<DateTime<Utc>> {
    let start = cal.next_opening(received)?;
    let zone = cal.zone();
    let mut remaining = TimeDelta::minutes(i64::from(minutes));
    if remaining.is_zero() {
        return Some(start);
    }
    let mut d = start.with_timezone(&zone).date_naive();
    loop {
        if cal.is_business_day(d) {
            let hint = zone::offset_at(
                zone,
                resolve_local(zone, d.and_time(chrono::NaiveTime::MIN)),
            );
            let frame = Frame::new(zone, d, hint)?;
            for (s, e) in cal.spans(&frame) {
                if e <= start {
                    continue;
                }
                let s = s.max(start);
                if remaining < e - s {
                    return Some(s + remaining);
                }
                if remaining == e - s {
                    return cal.next_opening(e);
                }
                remaining -= e - s;
            }
        }
        d = d.succ_opt()?;
    }
}

fn reference_add_days(
    cal: &BusinessCalendar,
    received: DateTime<Utc>,
    days: u32,
) -> Option<DateTime<Utc>> {
    let start = cal.next_opening(received)?;
    if days == 0 {
        // Re-resolving the start's wall time could pick the other of two repeated instants.
        return Some(start);
    }
    let zone = cal.zone();
    let local = start.with_timezone(&zone).naive_local();
    let mut d = local.date();
    let mut left = days;
    while left > 0 {
        d = d.succ_opt()?;
        if cal.is_business_day(d) {
            left -= 1;
        }
    }
    cal.next_opening(resolve_local(zone, d.and_time(local.time())))
}

// ---------------------------------------------------------------------------------------------
// Properties.

fn calendars() -> Vec<BusinessCalendar> {
    vec![
        activestate(),
        alectrona(),
        split_london(),
        night_shift(),
        BusinessCalendar::always_open(LA),
    ]
}

/// Calendars closed at every wall time a clock change touches; for these the business-days clock
/// is monotone. (Where open hours include a skipped or repeated wall time, carrying the wall time
/// to another day cannot be: 01:30 PDT comes before 01:10 PST but lands after it.)
fn dst_free(index: usize) -> bool {
    index < 3
}

/// Instants from 2024 to 2028 UTC, half of them within three days of a US or EU clock change.
fn instants() -> impl Strategy<Value = DateTime<Utc>> {
    let changes = [
        "2024-03-10T10:00:00Z",
        "2024-03-31T01:00:00Z",
        "2024-10-27T01:00:00Z",
        "2024-11-03T09:00:00Z",
        "2025-03-09T10:00:00Z",
        "2025-11-02T09:00:00Z",
        "2026-03-08T10:00:00Z",
        "2026-03-29T01:00:00Z",
        "2026-10-25T01:00:00Z",
        "2026-11-01T09:00:00Z",
        "2027-03-14T10:00:00Z",
        "2027-11-07T09:00:00Z",
    ]
    .map(|text| {
        DateTime::parse_from_rfc3339(text)
            .expect("test literal")
            .timestamp()
    });
    let base = 1_704_067_200_i64; // 2024-01-01T00:00:00Z
    prop_oneof![
        (0..4 * 365 * 86_400_i64).prop_map(move |s| base + s),
        (0..changes.len(), -3 * 86_400..3 * 86_400_i64).prop_map(move |(i, s)| changes[i] + s),
    ]
    .prop_flat_map(|s| (Just(s), 0..1_000_000_000_u32))
    .prop_map(|(s, nanos)| DateTime::from_timestamp(s, nanos).expect("in range"))
}

proptest! {
    // Failures are kept as named unit tests (see `zero_days_at_a_repeated_hour`) rather than in a
    // regressions file outside this module.
    #![proptest_config(ProptestConfig {
        cases: 300,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn business_minutes_properties(
        cal_index in 0..5_usize,
        received in instants(),
        later_by in 0..(10 * 86_400_i64),
        minutes in prop_oneof![0..600_u32, 0..200_000_u32],
    ) {
        let cal = &calendars()[cal_index];
        let start = cal.next_opening(received).expect("opens");
        let deadline = cal.add_business_minutes(received, minutes).expect("deadline");
        prop_assert!(start >= received);
        prop_assert!(deadline >= start);
        prop_assert!(cal.is_open(start));
        prop_assert!(cal.is_open(deadline), "{} not open", deadline);
        prop_assert_eq!(
            cal.business_duration_between(start, deadline),
            TimeDelta::minutes(i64::from(minutes))
        );
        let later = received + TimeDelta::seconds(later_by);
        let later_deadline = cal.add_business_minutes(later, minutes).expect("deadline");
        prop_assert!(later_deadline >= deadline);
        if minutes > 0 {
            prop_assert!(deadline > start);
        }
        if cal_index == 4 {
            // The always-open calendar is the 24x7 clock.
            prop_assert_eq!(deadline, add_elapsed(received, minutes));
        }
    }

    #[test]
    fn business_days_properties(
        cal_index in 0..5_usize,
        received in instants(),
        later_by in 0..(10 * 86_400_i64),
        days in prop_oneof![0..5_u32, 0..400_u32],
    ) {
        let cal = &calendars()[cal_index];
        let start = cal.next_opening(received).expect("opens");
        let deadline = cal.add_business_days(received, days).expect("deadline");
        prop_assert!(deadline >= start);
        prop_assert!(cal.is_open(deadline));
        prop_assert_eq!(deadline, reference_add_days(cal, received, days).expect("deadline"));
        if dst_free(cal_index) {
            let later = received + TimeDelta::seconds(later_by);
            let later_deadline = cal.add_business_days(later, days).expect("deadline");
            prop_assert!(later_deadline >= deadline);
        }
    }

    #[test]
    fn duration_matches_reference(
        cal_index in 0..5_usize,
        a in instants(),
        span in 0..(120 * 86_400_i64),
    ) {
        let cal = &calendars()[cal_index];
        let b = a + TimeDelta::seconds(span);
        prop_assert_eq!(cal.business_duration_between(a, b), reference_duration(cal, a, b));
    }

    #[test]
    fn is_open_agrees_with_next_opening(cal_index in 0..5_usize, t in instants()) {
        let cal = &calendars()[cal_index];
        let next = cal.next_opening(t).expect("opens");
        prop_assert_eq!(cal.is_open(t), next == t);
        prop_assert!(cal.is_open(next));
        // Nothing between t and the next opening is open.
        if next > t {
            prop_assert_eq!(cal.business_duration_between(t, next), TimeDelta::zero());
        }
    }

    #[test]
    fn minutes_agree_with_reference_walk(
        cal_index in 0..5_usize,
        received in instants(),
        minutes in 0..300_000_u32,
    ) {
        let cal = &calendars()[cal_index];
        prop_assert_eq!(
            cal.add_business_minutes(received, minutes),
            reference_add_minutes(cal, received, minutes)
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The tz-data assumption behind transition probing (see zone.rs).

/// Scans zones hourly for offset changes and returns the smallest gap between two of them.
fn min_transition_spacing(zones: &[Tz], from_year: i32, to_year: i32) -> i64 {
    let start = NaiveDate::from_ymd_opt(from_year, 1, 1)
        .expect("valid")
        .and_time(chrono::NaiveTime::MIN)
        .and_utc()
        .timestamp();
    let end = NaiveDate::from_ymd_opt(to_year, 1, 1)
        .expect("valid")
        .and_time(chrono::NaiveTime::MIN)
        .and_utc()
        .timestamp();
    let mut min = i64::MAX;
    for zone in zones {
        let offset =
            |s: i64| zone::offset_at(*zone, DateTime::from_timestamp(s, 0).expect("valid"));
        let mut previous = offset(start);
        let mut last_change: Option<i64> = None;
        let mut t = start;
        while t < end {
            t += 3_600;
            let current = offset(t);
            if current != previous {
                if let Some(last) = last_change {
                    min = min.min(t - last);
                }
                last_change = Some(t);
                previous = current;
            }
        }
    }
    min
}

#[test]
fn transition_spacing_in_common_zones() {
    let zones = [
        LA,
        NY,
        chrono_tz::Europe::London,
        chrono_tz::America::Boa_Vista,
        chrono_tz::Africa::Casablanca,
        chrono_tz::Pacific::Apia,
    ];
    assert!(min_transition_spacing(&zones, 1990, 2040) > 5 * 86_400);
}

/// Every zone, 1900-2100; slow in debug builds:
/// `cargo test -p slamail-core --release -- --ignored tzdb_transition_spacing`.
#[test]
#[ignore]
fn tzdb_transition_spacing() {
    assert!(min_transition_spacing(&chrono_tz::TZ_VARIANTS, 1900, 2100) > 5 * 86_400);
}

/// Zones whose changes are unusual: at midnight (Santiago, Havana, Tehran), by 30 minutes
/// (Lord Howe), twice a year around Ramadan (Casablanca), or across the date line (Apia skipped
/// 2011-12-30 entirely). The arithmetic fast paths must agree with the day-by-day walk there too.
#[test]
fn unusual_zones_match_a_day_by_day_walk() {
    let zones = [
        chrono_tz::America::Santiago,
        chrono_tz::America::Havana,
        chrono_tz::Asia::Tehran,
        chrono_tz::Australia::Lord_Howe,
        chrono_tz::Africa::Casablanca,
        chrono_tz::Pacific::Apia,
    ];
    let shapes = [
        vec![iv("00:00-24:00")],
        vec![iv("00:00-01:30"), iv("02:00-06:00"), iv("22:00-24:00")],
        vec![iv("08:00-17:00")],
    ];
    for zone in zones {
        for shape in &shapes {
            let cal = BusinessCalendar::new(
                zone,
                WeeklyHours::new(std::array::from_fn(|_| shape.clone())).expect("valid"),
                vec![HolidayRule::UsFederal],
                Vec::new(),
            );
            let mut received = at(zone, "2008-01-03 05:17");
            let last = at(zone, "2014-01-01 00:00");
            while received < last {
                let end = received + TimeDelta::days(190);
                assert_eq!(
                    cal.business_duration_between(received, end),
                    reference_duration(&cal, received, end),
                    "{zone} {shape:?} from {received}"
                );
                for minutes in [17, 60 * 300, 60 * 1500] {
                    assert_eq!(
                        cal.add_business_minutes(received, minutes),
                        reference_add_minutes(&cal, received, minutes),
                        "{zone} {shape:?} {received} + {minutes} min"
                    );
                }
                // Open around the clock is elapsed time, whatever the zone does.
                let always = BusinessCalendar::always_open(zone);
                assert_eq!(
                    always.business_duration_between(received, end),
                    end - received
                );
                assert_eq!(
                    always.add_business_minutes(received, 60 * 1500),
                    Some(received + TimeDelta::hours(1500)),
                    "{zone} {received}"
                );
                received += TimeDelta::days(89) + TimeDelta::minutes(131);
            }
        }
    }
    // The skipped Samoan day has no open time at all.
    let apia = BusinessCalendar::always_open(chrono_tz::Pacific::Apia);
    assert!(apia.is_business_day(date("2011-12-30")));
    let before = at(chrono_tz::Pacific::Apia, "2011-12-29 12:00");
    let after = at(chrono_tz::Pacific::Apia, "2011-12-31 12:00");
    assert_eq!(
        apia.business_duration_between(before, after),
        TimeDelta::hours(24)
    );
}
