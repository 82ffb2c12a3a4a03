//! Business time: opening hours, holidays, and adding or measuring business time.
//!
//! The rules are those of `docs/sla-semantics.md`. In short:
//!
//! - Opening intervals are half-open wall-clock ranges of a local day (`08:00-17:00` contains
//!   08:00 and not 17:00). Their ends are turned into instants with [`resolve_local`], so on a day
//!   when the clocks change the open time is the real elapsed time between those instants.
//! - A closed date (an observed holiday or a one-off closure) closes the whole local day.
//! - Durations are exact to the second; [`BusinessCalendar::business_duration_between`] returns
//!   whole seconds.
//!
//! Long spans are never walked day by day: whole weeks are counted arithmetically and then
//! corrected for the few days that differ (closed dates and days with a clock change).

pub mod holidays;
mod zone;

#[cfg(test)]
mod tests;

use std::fmt;

use chrono::offset::LocalResult;
use chrono::{
    DateTime, Datelike, Days, FixedOffset, Months, NaiveDate, NaiveDateTime, NaiveTime, Offset,
    TimeDelta, TimeZone, Utc, Weekday,
};
use chrono_tz::{GapInfo, Tz};

use zone::Frame;

/// Minutes in a day; also the largest valid interval end (24:00).
pub const MINUTES_PER_DAY: u16 = 1440;

const WEEKDAY_NAMES: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// Why a calendar definition was rejected. Messages are meant for the person editing a policy.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("{text}: expected an opening interval such as 08:00-17:00")]
    IntervalSyntax { text: String },
    #[error("{text}: not a time of day (HH:MM, from 00:00 to 24:00)")]
    TimeOfDay { text: String },
    #[error("{interval}: the end is before the start")]
    EndBeforeStart { interval: String },
    #[error("{interval}: the interval is empty (it ends when it starts)")]
    EmptyInterval { interval: String },
    #[error("{interval}: a day ends at 24:00")]
    PastEndOfDay { interval: String },
    #[error("{weekday}: {interval} is listed twice")]
    DuplicateInterval { weekday: String, interval: String },
    #[error("{weekday}: {first} overlaps {second}")]
    OverlappingIntervals {
        weekday: String,
        first: String,
        second: String,
    },
    #[error("{text}: unknown holiday rule (the known rule is \"us-federal\")")]
    UnknownHolidayRule { text: String },
}

/// Minutes since local midnight, half-open `[start, end)`; `end` may be 1440 (24:00).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval {
    start: u16,
    end: u16,
}

impl Interval {
    /// Requires `start < end <= 1440`.
    pub fn new(start_minute: u16, end_minute: u16) -> Result<Self, CalendarError> {
        let interval = Self {
            start: start_minute,
            end: end_minute,
        };
        let describe = || interval.to_string();
        if start_minute > MINUTES_PER_DAY || end_minute > MINUTES_PER_DAY {
            return Err(CalendarError::PastEndOfDay {
                interval: describe(),
            });
        }
        if end_minute < start_minute {
            return Err(CalendarError::EndBeforeStart {
                interval: describe(),
            });
        }
        if end_minute == start_minute {
            return Err(CalendarError::EmptyInterval {
                interval: describe(),
            });
        }
        Ok(interval)
    }

    /// Parses `HH:MM-HH:MM` (an en dash is accepted too), e.g. `08:00-17:00` or `00:00-24:00`.
    pub fn parse(text: &str) -> Result<Self, CalendarError> {
        let syntax = || CalendarError::IntervalSyntax {
            text: text.trim().to_owned(),
        };
        let (start, end) = text
            .split_once('-')
            .or_else(|| text.split_once('\u{2013}'))
            .ok_or_else(syntax)?;
        Self::new(parse_time_of_day(start)?, parse_time_of_day(end)?)
    }

    pub fn start_minute(&self) -> u16 {
        self.start
    }

    pub fn end_minute(&self) -> u16 {
        self.end
    }

    /// Length in minutes.
    pub fn minutes(&self) -> u16 {
        self.end.saturating_sub(self.start)
    }
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:02}:{:02}-{:02}:{:02}",
            self.start / 60,
            self.start % 60,
            self.end / 60,
            self.end % 60
        )
    }
}

impl std::str::FromStr for Interval {
    type Err = CalendarError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

fn parse_time_of_day(text: &str) -> Result<u16, CalendarError> {
    let text = text.trim();
    let invalid = || CalendarError::TimeOfDay {
        text: text.to_owned(),
    };
    let (hours, minutes) = text.split_once(':').ok_or_else(invalid)?;
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !(all_digits(hours) && hours.len() <= 2 && all_digits(minutes) && minutes.len() == 2) {
        return Err(invalid());
    }
    let hours: u16 = hours.parse().map_err(|_| invalid())?;
    let minutes: u16 = minutes.parse().map_err(|_| invalid())?;
    if minutes >= 60 || hours > 24 || (hours == 24 && minutes != 0) {
        return Err(invalid());
    }
    Ok(hours * 60 + minutes)
}

/// Opening intervals per weekday, index 0 = Monday ... 6 = Sunday.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeeklyHours {
    days: [Vec<Interval>; 7],
    /// Nominal open minutes per weekday, so long spans can be counted without visiting days.
    day_minutes: [u32; 7],
}

impl WeeklyHours {
    /// Sorts each day's intervals; rejects overlapping or duplicated intervals. Intervals that
    /// merely touch (`08:00-12:00` and `12:00-17:00`) are accepted and behave as one.
    pub fn new(mut days: [Vec<Interval>; 7]) -> Result<Self, CalendarError> {
        let mut day_minutes = [0u32; 7];
        for (index, intervals) in days.iter_mut().enumerate() {
            intervals.sort_by_key(|interval| (interval.start, interval.end));
            let weekday = || WEEKDAY_NAMES[index].to_owned();
            for pair in intervals.windows(2) {
                if let [first, second] = pair {
                    if first == second {
                        return Err(CalendarError::DuplicateInterval {
                            weekday: weekday(),
                            interval: first.to_string(),
                        });
                    }
                    if second.start < first.end {
                        return Err(CalendarError::OverlappingIntervals {
                            weekday: weekday(),
                            first: first.to_string(),
                            second: second.to_string(),
                        });
                    }
                }
            }
            day_minutes[index] = intervals.iter().map(|i| u32::from(i.minutes())).sum();
        }
        Ok(Self { days, day_minutes })
    }

    /// 00:00-24:00 every day.
    pub fn always() -> Self {
        let all_day = Interval {
            start: 0,
            end: MINUTES_PER_DAY,
        };
        Self {
            days: std::array::from_fn(|_| vec![all_day]),
            day_minutes: [u32::from(MINUTES_PER_DAY); 7],
        }
    }

    pub fn day(&self, weekday: Weekday) -> &[Interval] {
        &self.days[weekday_index(weekday)]
    }

    /// Nominal open minutes of a weekday (wall-clock minutes; a clock change is not counted).
    pub fn open_minutes(&self, weekday: Weekday) -> u32 {
        self.day_minutes[weekday_index(weekday)]
    }

    /// Nominal open minutes of a whole week.
    pub fn week_minutes(&self) -> u32 {
        self.day_minutes.iter().sum()
    }

    fn day_seconds(&self, date: NaiveDate) -> i64 {
        i64::from(self.day_minutes[weekday_index(date.weekday())]) * 60
    }

    fn has_hours(&self, date: NaiveDate) -> bool {
        self.day_minutes[weekday_index(date.weekday())] > 0
    }
}

fn weekday_index(weekday: Weekday) -> usize {
    weekday.num_days_from_monday() as usize
}

/// A rule that generates closed dates for any year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HolidayRule {
    /// US federal holidays as observed for a Monday–Friday workweek; see [`holidays`].
    UsFederal,
}

impl HolidayRule {
    /// Parses `us-federal` (case-insensitive).
    pub fn parse(text: &str) -> Result<Self, CalendarError> {
        if text.trim().eq_ignore_ascii_case("us-federal") {
            Ok(Self::UsFederal)
        } else {
            Err(CalendarError::UnknownHolidayRule {
                text: text.trim().to_owned(),
            })
        }
    }

    /// The name [`HolidayRule::parse`] accepts.
    pub fn name(&self) -> &'static str {
        match self {
            Self::UsFederal => "us-federal",
        }
    }
}

impl fmt::Display for HolidayRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A local date on which the office is closed all day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosedDate {
    pub date: NaiveDate,
    pub name: String,
}

/// One time zone, weekly opening hours and closed dates. Immutable once built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusinessCalendar {
    zone: Tz,
    hours: WeeklyHours,
    rules: Vec<HolidayRule>,
    /// Sorted by date, one entry per date.
    closures: Vec<ClosedDate>,
    us_federal: bool,
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

    /// `t` itself when open, else the next opening instant; `None` if the calendar never opens.
    pub fn next_opening(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.opening(t).map(|(opening, _)| opening)
    }

    /// Business-hours clock: the clock starts at `next_opening(received)`; the deadline is the
    /// instant at which `minutes` of open time have elapsed. It is always inside opening hours:
    /// time used up exactly at a closing time gives the next opening. `minutes == 0` gives the
    /// clock start. `None` if the calendar never opens or the date range overflows.
    pub fn add_business_minutes(
        &self,
        received: DateTime<Utc>,
        minutes: u32,
    ) -> Option<DateTime<Utc>> {
        let (start, mut frame) = self.opening(received)?;
        if minutes == 0 {
            return Some(start);
        }
        let mut remaining = TimeDelta::minutes(i64::from(minutes));
        for (span_start, span_end) in self.spans(&frame) {
            if span_end <= start {
                continue;
            }
            if let Some(deadline) =
                self.consume(&frame, span_start.max(start), span_end, &mut remaining)
            {
                return deadline;
            }
        }

        let week = TimeDelta::minutes(i64::from(self.hours.week_minutes()));
        let mut day = frame.date;
        loop {
            // Leave at least a week to the exact walk below, which is what finds the instant.
            if !week.is_zero() && remaining >= week * 2 {
                let weeks = remaining.num_seconds() / week.num_seconds() - 1;
                let from = day.succ_opt()?;
                let to =
                    from.checked_add_days(Days::new(u64::try_from(weeks).ok()?.checked_mul(7)?))?;
                let open = self.whole_days_open(from, to)?;
                // A clock change can add more than the spare week in a contrived calendar; then
                // the exact walk takes over for this stretch.
                if open < remaining {
                    remaining -= open;
                    day = to.pred_opt()?;
                    continue;
                }
            }
            day = self.next_business_day(day)?;
            frame = frame.following(self.zone, day)?;
            for (span_start, span_end) in self.spans(&frame) {
                if let Some(deadline) = self.consume(&frame, span_start, span_end, &mut remaining) {
                    return deadline;
                }
            }
        }
    }

    /// Business-days clock: the clock starts at `next_opening(received)`; the deadline is the same
    /// local clock time on the N-th following business day, or the next opening after it when
    /// that moment is not open. `days == 0` gives the clock start.
    pub fn add_business_days(&self, received: DateTime<Utc>, days: u32) -> Option<DateTime<Utc>> {
        let (start, frame) = self.opening(received)?;
        if days == 0 {
            return Some(start);
        }
        let (local, _) = zone::local_of(self.zone, start)?;
        let target = self.nth_business_day_after(local.date(), u64::from(days))?;
        let target_frame = frame.following(self.zone, target)?;
        let candidate = target_frame.at_time(self.zone, local.time());
        self.opening_from(target_frame, candidate)
            .map(|(opening, _)| opening)
    }

    /// Open time in `[a, b)`, truncated to whole seconds; zero if `b <= a`.
    pub fn business_duration_between(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> TimeDelta {
        if b <= a {
            return TimeDelta::zero();
        }
        let (Some((local_a, offset_a)), Some((local_b, offset_b))) =
            (zone::local_of(self.zone, a), zone::local_of(self.zone, b))
        else {
            return TimeDelta::zero();
        };
        let (day_a, day_b) = (local_a.date(), local_b.date());
        let first = self.open_in_day(day_a, offset_a, a, b);
        let total = if day_b > day_a {
            let middle = day_a
                .succ_opt()
                .and_then(|first_whole| self.whole_days_open(first_whole, day_b))
                .unwrap_or_default();
            first + middle + self.open_in_day(day_b, offset_b, a, b)
        } else if day_b < day_a {
            // Only possible around a date-line jump; both days are clipped to [a, b) anyway.
            first + self.open_in_day(day_b, offset_b, a, b)
        } else {
            first
        };
        TimeDelta::seconds(total.num_seconds())
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

    fn spans<'a>(&'a self, frame: &'a Frame) -> zone::Spans<'a> {
        frame.spans(self.zone, self.hours.day(frame.date.weekday()))
    }

    /// Spends the open span `[start, end)` of `frame`. `Some(deadline)` when the target is reached
    /// in it (the inner `None` only on date overflow), `None` when time remains.
    fn consume(
        &self,
        frame: &Frame,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        remaining: &mut TimeDelta,
    ) -> Option<Option<DateTime<Utc>>> {
        let available = end - start;
        match (*remaining).cmp(&available) {
            std::cmp::Ordering::Less => Some(start.checked_add_signed(*remaining)),
            std::cmp::Ordering::Equal => {
                Some(self.opening_from(*frame, end).map(|(opening, _)| opening))
            }
            std::cmp::Ordering::Greater => {
                *remaining -= available;
                None
            }
        }
    }

    /// The first open instant at or after `t`, with the frame of its day.
    fn opening(&self, t: DateTime<Utc>) -> Option<(DateTime<Utc>, Frame)> {
        if self.hours.week_minutes() == 0 {
            return None;
        }
        let (local, offset) = zone::local_of(self.zone, t)?;
        let frame = Frame::new(self.zone, local.date(), offset)?;
        self.opening_from(frame, t)
    }

    /// The first open instant at or after `t`, searching from the day of `frame` on.
    fn opening_from(&self, frame: Frame, t: DateTime<Utc>) -> Option<(DateTime<Utc>, Frame)> {
        let mut frame = frame;
        let mut business = self.is_business_day(frame.date);
        // A business day without any open instant only exists where a zone skipped a whole date
        // (Pacific/Apia, 2011-12-30); the bound keeps a broken zone from looping forever.
        for _ in 0..1_000 {
            if business && let Some((start, _)) = self.spans(&frame).find(|(_, end)| *end > t) {
                return Some((start.max(t), frame));
            }
            let day = self.next_business_day(frame.date)?;
            frame = frame.following(self.zone, day)?;
            business = true;
        }
        None
    }

    /// The first business day strictly after `date`.
    fn next_business_day(&self, date: NaiveDate) -> Option<NaiveDate> {
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
    fn nth_business_day_after(&self, date: NaiveDate, n: u64) -> Option<NaiveDate> {
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
        let per_week = self.hours.day_minutes.iter().filter(|m| **m > 0).count() as u64;
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
    fn for_each_closed_date(&self, from: NaiveDate, to: NaiveDate, mut f: impl FnMut(NaiveDate)) {
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

    /// Exact open time of the whole local days `[from, to)`.
    fn whole_days_open(&self, from: NaiveDate, to: NaiveDate) -> Option<TimeDelta> {
        let days = (to - from).num_days();
        if days <= 0 {
            return Some(TimeDelta::zero());
        }
        let mut seconds = days / 7 * i64::from(self.hours.week_minutes()) * 60;
        let mut day = from;
        for _ in 0..days % 7 {
            seconds += self.hours.day_seconds(day);
            day = day.succ_opt()?;
        }
        self.for_each_closed_date(from, to, |d| seconds -= self.hours.day_seconds(d));

        // Only a day containing a clock change can differ from its nominal hours.
        let margin = TimeDelta::days(2);
        let lo = from
            .and_time(NaiveTime::MIN)
            .and_utc()
            .checked_sub_signed(margin)?;
        let hi = to
            .and_time(NaiveTime::MIN)
            .and_utc()
            .checked_add_signed(margin)?;
        let mut last_corrected = None;
        zone::for_each_transition_day(self.zone, lo, hi, |day, after| {
            if day < from || day >= to || last_corrected == Some(day) || !self.is_business_day(day)
            {
                return;
            }
            last_corrected = Some(day);
            if let Some(frame) = Frame::new(self.zone, day, after) {
                let exact: TimeDelta = self.spans(&frame).map(|(s, e)| e - s).sum();
                seconds += exact.num_seconds() - self.hours.day_seconds(day);
            }
        });
        TimeDelta::try_seconds(seconds)
    }

    /// Open time of local day `date` inside `[a, b)`.
    fn open_in_day(
        &self,
        date: NaiveDate,
        hint: i32,
        a: DateTime<Utc>,
        b: DateTime<Utc>,
    ) -> TimeDelta {
        if !self.is_business_day(date) {
            return TimeDelta::zero();
        }
        let Some(frame) = Frame::new(self.zone, date, hint) else {
            return TimeDelta::zero();
        };
        self.spans(&frame)
            .map(|(start, end)| (end.min(b) - start.max(a)).max(TimeDelta::zero()))
            .sum()
    }
}

/// 24x7 clock: elapsed real time. Saturates at the end of chrono's range.
pub fn add_elapsed(t: DateTime<Utc>, minutes: u32) -> DateTime<Utc> {
    t.checked_add_signed(TimeDelta::minutes(i64::from(minutes)))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// Calendar months, clamping to the month's end (Nov 30 + 3 months = Feb 28). `None` on overflow.
pub fn add_calendar_months(date: NaiveDate, months: u32) -> Option<NaiveDate> {
    date.checked_add_months(Months::new(months))
}

/// Local wall time to an instant in `zone`. A time skipped by a spring-forward gap is read with
/// the offset in force before the gap, which moves it forward by the gap's length
/// (02:30 -> 03:30); a time repeated by a fall-back is the earlier instant.
pub fn resolve_local(zone: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    match zone.from_local_datetime(&local) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(a, b) => a.min(b).with_timezone(&Utc),
        LocalResult::None => {
            let before_gap = GapInfo::new(&local, &zone)
                .and_then(|gap| gap.begin)
                .map(|(_, offset)| offset.fix())
                .or_else(|| {
                    // Out-of-range wall times land here too; any nearby offset is as good.
                    let probe = local.and_utc().checked_sub_signed(TimeDelta::days(1))?;
                    FixedOffset::east_opt(zone::offset_at(zone, probe))
                });
            before_gap
                .and_then(|offset| local.checked_sub_offset(offset))
                .unwrap_or(local)
                .and_utc()
        }
    }
}
