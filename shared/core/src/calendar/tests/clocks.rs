//! Time-zone resolution and the clocks that ignore opening hours.

use super::*;

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
