//! Business-time arithmetic: the business-hours and business-days clocks, and the open time
//! between two instants.
//!
//! Long spans are never walked day by day: whole weeks are counted arithmetically and then
//! corrected for the few days that differ (closed dates and days with a clock change).

use chrono::{DateTime, Days, NaiveDate, NaiveTime, TimeDelta, Utc};

use super::BusinessCalendar;
use super::zone::{self, Frame};

impl BusinessCalendar {
    /// `t` itself when open, else the next opening instant; `None` if the calendar never opens.
    pub fn next_opening(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.opening(t).map(|(opening, _)| opening)
    }

    /// When a business clock running at `t` next stops: the end of the open stretch holding `t`
    /// (opening intervals that touch, such as `08:00-12:00` and `12:00-17:00` or midnight on an
    /// always-open calendar, are one stretch). `None` when `t` is not open, or when the calendar
    /// stays open for more than a week from `t` (a 24x7 calendar never stops).
    pub fn next_closing(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if !self.is_open(t) {
            return None;
        }
        let horizon = t.checked_add_signed(TimeDelta::days(8))?;
        let mut at = t;
        // Each step ends one interval; a week holds at most a few dozen of them.
        for _ in 0..200 {
            let (local, offset) = zone::local_of(self.zone, at)?;
            let frame = Frame::new(self.zone, local.date(), offset)?;
            let (_, end) = self.spans(&frame).find(|(s, e)| *s <= at && at < *e)?;
            if self.next_opening(end) != Some(end) {
                return Some(end);
            }
            if end > horizon {
                return None;
            }
            at = end;
        }
        None
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
    pub(super) fn open_in_day(
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
