//! The `[calendars.*]` tables: a time zone, holiday rules, weekly hours and one-off closures each,
//! and the `default_calendar` that must name one of them.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use chrono_tz::Tz;
use toml::Spanned;

use super::context::Ctx;
use super::raw::{RawCalendar, RawClosure};
use crate::calendar::{
    BusinessCalendar, ClosedDate, HolidayRule, Interval, WeeklyHours, weekday_from_key,
};
use crate::ids::CalendarId;
use crate::policy::PolicyError;

/// Every calendar, and the default one's id.
pub(super) fn calendars(
    cx: &Ctx<'_>,
    raw: &BTreeMap<String, Spanned<RawCalendar>>,
    raw_default: &Spanned<String>,
) -> Result<(BTreeMap<CalendarId, BusinessCalendar>, CalendarId), PolicyError> {
    let mut calendars = BTreeMap::new();
    for (cal_name, cal) in raw {
        let cal_id = CalendarId::parse(cal_name).map_err(|e| cx.err(cal, e.to_string()))?;
        calendars.insert(cal_id, calendar(cx, cal_name, cal)?);
    }
    if calendars.is_empty() {
        return Err(PolicyError::new(cx.name, None, "no calendar is defined"));
    }
    let default_calendar: CalendarId = cx.id(raw_default)?;
    if !calendars.contains_key(&default_calendar) {
        return Err(cx.err(
            raw_default,
            format!("default_calendar \"{default_calendar}\" is not one of the calendars defined"),
        ));
    }
    Ok((calendars, default_calendar))
}

/// The calendars marked `published = false`: counting aids, never quoted to customers.
pub(super) fn unpublished(
    raw: &BTreeMap<String, Spanned<RawCalendar>>,
) -> std::collections::BTreeSet<CalendarId> {
    raw.iter()
        .filter(|(_, c)| c.get_ref().published == Some(false))
        .filter_map(|(name, _)| CalendarId::parse(name).ok())
        .collect()
}

fn calendar(
    cx: &Ctx<'_>,
    cal_name: &str,
    raw: &Spanned<RawCalendar>,
) -> Result<BusinessCalendar, PolicyError> {
    let r = raw.get_ref();
    let zone = zone(cx, cal_name, &r.zone)?;
    let mut rules = Vec::new();
    for h in &r.holidays {
        rules.push(
            HolidayRule::parse(h.get_ref())
                .map_err(|e| cx.err(h, format!("calendar {cal_name}: {e}")))?,
        );
    }
    let hours = weekly_hours(cx, cal_name, raw)?;
    let closures = closures(cx, cal_name, &r.closures)?;
    Ok(BusinessCalendar::new(zone, hours, rules, closures))
}

fn zone(cx: &Ctx<'_>, cal_name: &str, raw: &Spanned<String>) -> Result<Tz, PolicyError> {
    raw.get_ref().parse().map_err(|_| {
        cx.err(
            raw,
            format!(
                "calendar {cal_name}: {:?} is not an IANA time zone (write e.g. \"America/Los_Angeles\"; \"PST\" means Pacific civil time)",
                raw.get_ref()
            ),
        )
    })
}

/// The `hours` table: keys `mon` … `sun`, `weekdays`, `weekend` or `daily`, each a list of
/// intervals.
fn weekly_hours(
    cx: &Ctx<'_>,
    cal_name: &str,
    raw: &Spanned<RawCalendar>,
) -> Result<WeeklyHours, PolicyError> {
    let r = raw.get_ref();
    let mut days: [Vec<Interval>; 7] = Default::default();
    for (day, intervals) in &r.hours {
        let targets: Vec<usize> = match day.as_str() {
            "weekdays" => (0..5).collect(),
            "weekend" => vec![5, 6],
            "daily" => (0..7).collect(),
            d => match weekday_from_key(d).map(|w| w.num_days_from_monday() as usize) {
                Some(i) => vec![i],
                None => {
                    return Err(cx.err(
                        intervals,
                        format!(
                            "calendar {cal_name}: unknown day {day:?} in hours; use mon … sun, weekdays, weekend or daily"
                        ),
                    ));
                }
            },
        };
        for text in intervals.get_ref() {
            let interval = Interval::parse(text.get_ref())
                .map_err(|e| cx.err(text, format!("calendar {cal_name}: {e}")))?;
            for &i in &targets {
                days[i].push(interval);
            }
        }
    }
    if days.iter().all(Vec::is_empty) {
        return Err(cx.err(
            raw,
            format!("calendar {cal_name}: no opening hours at all, so no business target could ever be met"),
        ));
    }
    WeeklyHours::new(days).map_err(|e| {
        // The error names the weekday; point at that day's line when it has one of its own.
        let line_of = r
            .hours
            .values()
            .next()
            .map(|v| cx.err(v, String::new()).line)
            .unwrap_or(None);
        PolicyError::new(cx.name, line_of, format!("calendar {cal_name}: {e}"))
    })
}

fn closures(
    cx: &Ctx<'_>,
    cal_name: &str,
    raw: &[Spanned<RawClosure>],
) -> Result<Vec<ClosedDate>, PolicyError> {
    let mut closures = Vec::new();
    let mut seen = BTreeSet::new();
    for c in raw {
        let c_ref = c.get_ref();
        let date = NaiveDate::parse_from_str(c_ref.date.get_ref(), "%Y-%m-%d").map_err(|_| {
            cx.err(
                &c_ref.date,
                format!(
                    "calendar {cal_name}: closure date {:?} is not a date like 2025-12-24",
                    c_ref.date.get_ref()
                ),
            )
        })?;
        if !seen.insert(date) {
            return Err(cx.err(
                &c_ref.date,
                format!("calendar {cal_name}: closure {date} is listed twice"),
            ));
        }
        closures.push(ClosedDate {
            date,
            name: c_ref.name.clone(),
        });
    }
    Ok(closures)
}
