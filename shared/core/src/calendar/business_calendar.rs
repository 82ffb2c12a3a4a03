//! The business calendar: one time zone, weekly opening hours and closed dates, and the questions
//! about days that every clock asks of it (is it open, is this a business day, which business day
//! comes next). Adding and measuring business time is in [`super::business_time`].

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};
use chrono_tz::Tz;

use super::zone::{self, Frame};
use super::{ClosedDate, HolidayRule, WeeklyHours, holidays};

/// One time zone, weekly opening hours and closed dates. Immutable once built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusinessCalendar {
    pub(super) zone: Tz,
    pub(super) hours: WeeklyHours,
    rules: Vec<HolidayRule>,
    /// Sorted by date, one entry per date.
    pub(super) closures: Vec<ClosedDate>,
    pub(super) us_federal: bool,
}

impl BusinessCalendar {
    /// Duplicate rules are dropped; closures are sorted and, when a date is listed twice, the
    /// first name given is kept.
    pub fn new(
        zone: Tz,
        hours: WeeklyHours,
        rules: Vec<HolidayRule>,
        closures: Vec<ClosedDate>,
    ) -> Self {
        let mut unique_rules: Vec<HolidayRule> = Vec::with_capacity(rules.len());
        for rule in rules {
            if !unique_rules.contains(&rule) {
                unique_rules.push(rule);
            }
        }
        let mut closures = closures;
        // Stable sort, so dedup keeps the first-given name of a repeated date.
        closures.sort_by_key(|closure| closure.date);
        closures.dedup_by_key(|closure| closure.date);
        Self {
            zone,
            us_federal: unique_rules.contains(&HolidayRule::UsFederal),
            hours,
            rules: unique_rules,
            closures,
        }
    }

    /// Open around the clock, no closed dates: business time is elapsed real time.
    pub fn always_open(zone: Tz) -> Self {
        Self::new(zone, WeeklyHours::always(), Vec::new(), Vec::new())
    }

    pub fn zone(&self) -> Tz {
        self.zone
    }

    pub fn hours(&self) -> &WeeklyHours {
        &self.hours
    }

    pub fn rules(&self) -> &[HolidayRule] {
        &self.rules
    }

    /// One-off closures, sorted by date.
    pub fn closures(&self) -> &[ClosedDate] {
        &self.closures
    }

    pub fn is_open(&self, t: DateTime<Utc>) -> bool {
        let Some((local, offset)) = zone::local_of(self.zone, t) else {
            return false;
        };
        let date = local.date();
        if !self.is_business_day(date) {
            return false;
        }
        let Some(frame) = Frame::new(self.zone, date, offset) else {
            return false;
        };
        self.spans(&frame).any(|(start, end)| start <= t && t < end)
    }

    /// An observed holiday or a one-off closure.
    pub fn is_closed_date(&self, d: NaiveDate) -> bool {
        self.closures
            .binary_search_by_key(&d, |closure| closure.date)
            .is_ok()
            || (self.us_federal && holidays::is_us_federal(d))
    }

    /// A weekday with opening hours that is not closed.
    pub fn is_business_day(&self, d: NaiveDate) -> bool {
        self.hours.has_hours(d) && !self.is_closed_date(d)
    }

    /// Every closed date of `year`, sorted: observed federal holidays (named, e.g.
    /// "Independence Day (observed)") and closures. A date both a holiday and a closure is listed
    /// once, under the holiday's name.
    pub fn closed_dates(&self, year: i32) -> Vec<ClosedDate> {
        let mut out = if self.us_federal {
            holidays::us_federal_observed(year)
        } else {
            Vec::new()
        };
        out.extend(
            self.closures
                .iter()
                .filter(|closure| closure.date.year() == year)
                .cloned(),
        );
        out.sort_by_key(|closed| closed.date);
        out.dedup_by_key(|closed| closed.date);
        out
    }

    pub(super) fn spans<'a>(&'a self, frame: &'a Frame) -> zone::Spans<'a> {
        frame.spans(self.zone, self.hours.day(frame.date.weekday()))
    }

    /// The first business day strictly after `date`.
    pub(super) fn next_business_day(&self, date: NaiveDate) -> Option<NaiveDate> {
        if self.hours.week_minutes() == 0 {
            return None;
        }
        let mut day = date;
        loop {
            day = day.succ_opt()?;
            if self.is_business_day(day) {
                return Some(day);
            }
        }
    }

    /// The `n`-th business day strictly after `date` (`n >= 1`).
    pub(super) fn nth_business_day_after(&self, date: NaiveDate, n: u64) -> Option<NaiveDate> {
        let mut from = date;
        let mut needed = n;
        loop {
            let candidate = self.nth_open_weekday_after(from, needed)?;
            // Closed dates on open weekdays were counted as business days; that many more are
            // needed after the candidate. Holidays are sparse, so this converges in a step or two.
            let mut closed = 0u64;
            self.for_each_closed_date(from.succ_opt()?, candidate.succ_opt()?, |d| {
                if self.hours.has_hours(d) {
                    closed += 1;
                }
            });
            if closed == 0 {
                return Some(candidate);
            }
            from = candidate;
            needed = closed;
        }
    }

    /// The `n`-th weekday with opening hours strictly after `date`, ignoring closed dates.
    fn nth_open_weekday_after(&self, date: NaiveDate, n: u64) -> Option<NaiveDate> {
        let per_week = self.hours.open_weekdays() as u64;
        if per_week == 0 || n == 0 {
            return None;
        }
        let whole_weeks = (n - 1) / per_week;
        let mut left = (n - 1) % per_week + 1;
        let mut day = date.checked_add_days(Days::new(whole_weeks.checked_mul(7)?))?;
        loop {
            day = day.succ_opt()?;
            if self.hours.has_hours(day) {
                left -= 1;
                if left == 0 {
                    return Some(day);
                }
            }
        }
    }

    /// Closed dates in `[from, to)`, sorted and distinct.
    pub(super) fn for_each_closed_date(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        mut f: impl FnMut(NaiveDate),
    ) {
        if from >= to {
            return;
        }
        let federal = if self.us_federal {
            holidays::us_federal_between(from, to)
        } else {
            std::borrow::Cow::Borrowed(&[][..])
        };
        let lo = self.closures.partition_point(|c| c.date < from);
        let hi = self.closures.partition_point(|c| c.date < to);
        let closures = self.closures.get(lo..hi).unwrap_or_default();
        let (mut i, mut j) = (0, 0);
        loop {
            let next = match (federal.get(i), closures.get(j)) {
                (Some(h), Some(c)) if *h == c.date => {
                    i += 1;
                    j += 1;
                    *h
                }
                (Some(h), Some(c)) if *h < c.date => {
                    i += 1;
                    *h
                }
                (_, Some(c)) => {
                    j += 1;
                    c.date
                }
                (Some(h), None) => {
                    i += 1;
                    *h
                }
                (None, None) => return,
            };
            f(next);
        }
    }
}
