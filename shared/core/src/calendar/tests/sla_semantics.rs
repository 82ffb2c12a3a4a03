//! The expected values of `docs/sla-semantics.md`: the document's tables, checked line by line.

use super::*;

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
