//! Parsing what a policy writes: intervals, weekly hours and holiday rules.

use super::*;

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
