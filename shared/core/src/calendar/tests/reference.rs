//! Reference implementations: the simplest possible day-by-day walks, for cross-checking the
//! arithmetic fast paths.

use super::*;
use crate::calendar::zone::Frame;

pub(super) fn reference_duration(
    cal: &BusinessCalendar,
    a: DateTime<Utc>,
    b: DateTime<Utc>,
) -> TimeDelta {
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

pub(super) fn reference_add_minutes(
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

pub(super) fn reference_add_days(
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
