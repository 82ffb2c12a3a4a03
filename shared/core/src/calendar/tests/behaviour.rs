//! Calendar behaviour beyond the document's table: boundaries, clock changes, long spans.

use super::reference::{reference_add_days, reference_add_minutes, reference_duration};
use super::*;

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

/// The business time `cal` counts from each local time to the next in `zone`, in whole hours.
fn assert_business_hours(cal: &BusinessCalendar, zone: Tz, spans: &[(&str, &str, i64)]) {
    for (from, to, hours) in spans {
        assert_eq!(
            cal.business_duration_between(at(zone, from), at(zone, to)),
            TimeDelta::hours(*hours),
            "{from} .. {to}"
        );
    }
}

#[test]
fn durations() {
    let cal = activestate();
    assert_business_hours(
        &cal,
        LA,
        &[
            ("2026-11-23 16:00", "2026-11-24 09:00", 2),
            ("2026-11-24 09:00", "2026-11-23 16:00", 0),
            ("2026-11-23 10:00", "2026-11-23 10:00", 0),
            // Nov 23 - Dec 1 2026: 5 weekdays minus Thanksgiving, plus Mon Nov 30.
            ("2026-11-23 00:00", "2026-12-01 00:00", 9 * 5),
            // 2026: 261 weekdays, 11 observed holidays on weekdays (Jul 3 for Jul 4).
            ("2026-01-01 00:00", "2027-01-01 00:00", 9 * (261 - 11)),
        ],
    );
    // Sub-second parts are truncated, not rounded.
    let a = at(LA, "2026-11-23 10:00");
    assert_eq!(
        cal.business_duration_between(a, a + TimeDelta::milliseconds(1_999)),
        TimeDelta::seconds(1)
    );

    assert_business_hours(
        &BusinessCalendar::always_open(LA),
        LA,
        &[
            ("2026-01-01 00:00", "2027-01-01 00:00", 365 * 24),
            ("2026-03-01 00:00", "2026-04-01 00:00", 31 * 24 - 1),
            ("2026-11-01 00:00", "2026-11-02 00:00", 25),
            ("2026-03-08 00:00", "2026-03-09 00:00", 23),
        ],
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
    assert_business_hours(
        &early,
        NY,
        &[
            ("2026-03-08 00:00", "2026-03-09 00:00", 5),
            ("2026-11-01 00:00", "2026-11-02 00:00", 7),
            ("2026-01-01 00:00", "2027-01-01 00:00", 365 * 6),
            ("2026-01-01 00:00", "2026-07-01 00:00", 181 * 6 - 1),
        ],
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

#[test]
fn next_closing_ends_the_open_stretch() {
    let cal = activestate();
    let closes = |t: &str| cal.next_closing(at(LA, t)).map(|c| shown(LA, c));
    assert_eq!(
        closes("2026-11-23 10:15").as_deref(),
        Some("Mon 2026-11-23 17:00 PST")
    );
    assert_eq!(closes("2026-11-23 17:00"), None, "closed: nothing to stop");
    assert_eq!(closes("2026-11-28 10:00"), None, "Saturday");
    // Touching intervals are one stretch: no stop at noon.
    let split = BusinessCalendar::new(
        LA,
        weekdays(&["08:00-12:00", "12:00-17:00"]),
        Vec::new(),
        Vec::new(),
    );
    assert_eq!(
        split
            .next_closing(at(LA, "2026-11-23 09:00"))
            .map(|c| shown(LA, c))
            .as_deref(),
        Some("Mon 2026-11-23 17:00 PST")
    );
    // Open around the clock: it never stops.
    let always = BusinessCalendar::always_open(LA);
    assert_eq!(always.next_closing(at(LA, "2026-11-23 09:00")), None);
    // Around midnight on a calendar open all weekdays: the stop is Friday's midnight.
    let weekdays_24 = BusinessCalendar::new(LA, weekdays(&["00:00-24:00"]), Vec::new(), Vec::new());
    assert_eq!(
        weekdays_24
            .next_closing(at(LA, "2026-11-24 23:00"))
            .map(|c| shown(LA, c))
            .as_deref(),
        Some("Sat 2026-11-28 00:00 PST")
    );
}
