//! US federal holidays against an independent derivation, and how rules and closures merge.

use super::*;

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
