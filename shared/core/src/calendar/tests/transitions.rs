//! The tz-data assumption behind transition probing (see `zone.rs`), and unusual zones.

use super::reference::{reference_add_minutes, reference_duration};
use super::*;

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
