//! Deadline arithmetic must stay in the microsecond range even for targets spanning months:
//! these are the figures the calendar module's performance requirement is judged by.

use std::hint::black_box;

use chrono::{DateTime, NaiveDate, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use slamail_core::calendar::{
    BusinessCalendar, HolidayRule, Interval, WeeklyHours, add_calendar_months, add_elapsed,
    resolve_local,
};

fn activestate() -> BusinessCalendar {
    let hours = WeeklyHours::weekdays(vec![Interval::parse("08:00-17:00").expect("literal")])
        .expect("literal");
    BusinessCalendar::new(
        chrono_tz::America::Los_Angeles,
        hours,
        vec![HolidayRule::UsFederal],
        Vec::new(),
    )
}

fn local(cal: &BusinessCalendar, y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    let naive = NaiveDate::from_ymd_opt(y, m, d)
        .and_then(|date| date.and_hms_opt(h, min, 0))
        .expect("literal");
    resolve_local(cal.zone(), naive)
}

fn bench(c: &mut Criterion) {
    let cal = activestate();
    let always = BusinessCalendar::always_open(chrono_tz::America::Los_Angeles);
    // Mid-afternoon on a Monday: 2 hours roll over to Tuesday, the common case.
    let received = local(&cal, 2026, 11, 23, 16, 0);
    // Just before Thanksgiving, so the short targets also hit a holiday.
    let before_holiday = local(&cal, 2026, 11, 25, 15, 0);
    let year_end = local(&cal, 2027, 11, 23, 16, 0);

    c.bench_function("business_hours_2h", |b| {
        b.iter(|| cal.add_business_minutes(black_box(received), black_box(120)))
    });
    c.bench_function("business_hours_4h_over_thanksgiving", |b| {
        b.iter(|| cal.add_business_minutes(black_box(before_holiday), black_box(240)))
    });
    c.bench_function("business_days_2", |b| {
        b.iter(|| cal.add_business_days(black_box(received), black_box(2)))
    });
    c.bench_function("elapsed_12h", |b| {
        b.iter(|| add_elapsed(black_box(received), black_box(720)))
    });
    c.bench_function("always_open_business_hours_12h", |b| {
        b.iter(|| always.add_business_minutes(black_box(received), black_box(720)))
    });
    c.bench_function("calendar_months_6", |b| {
        let date = NaiveDate::from_ymd_opt(2026, 11, 30).expect("literal");
        b.iter(|| add_calendar_months(black_box(date), black_box(6)))
    });
    c.bench_function("business_hours_1000h", |b| {
        b.iter(|| cal.add_business_minutes(black_box(received), black_box(1000 * 60)))
    });
    c.bench_function("business_days_130", |b| {
        b.iter(|| cal.add_business_days(black_box(received), black_box(130)))
    });
    c.bench_function("duration_one_year", |b| {
        b.iter(|| cal.business_duration_between(black_box(received), black_box(year_end)))
    });
    c.bench_function("always_open_duration_one_year", |b| {
        b.iter(|| always.business_duration_between(black_box(received), black_box(year_end)))
    });
    c.bench_function("closed_dates_of_a_year", |b| {
        b.iter(|| cal.closed_dates(black_box(2027)))
    });
    // What the shared holiday cache costs to build, once per process.
    c.bench_function("federal_holidays_1900_to_2299", |b| {
        b.iter(|| {
            (1900..=2299)
                .map(|year| {
                    slamail_core::calendar::holidays::us_federal_observed(black_box(year)).len()
                })
                .sum::<usize>()
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
