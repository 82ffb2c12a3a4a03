//! Weekly opening hours: which intervals of each weekday are open, checked so that no two of a
//! day's intervals overlap, with the nominal open minutes of every day kept for fast counting.

use chrono::{Datelike, NaiveDate, Weekday};

use super::weekday::{WEEK, weekday_index, weekday_name};
use super::{CalendarError, Interval, MINUTES_PER_DAY};

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
            let weekday = || weekday_name(WEEK[index]).to_owned();
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

    /// The same intervals Monday to Friday, closed at weekends: the shape of most support hours.
    pub fn weekdays(day: Vec<Interval>) -> Result<Self, CalendarError> {
        Self::new([
            day.clone(),
            day.clone(),
            day.clone(),
            day.clone(),
            day,
            Vec::new(),
            Vec::new(),
        ])
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

    pub(super) fn day_seconds(&self, date: NaiveDate) -> i64 {
        i64::from(self.day_minutes[weekday_index(date.weekday())]) * 60
    }

    /// How many weekdays have any opening hours.
    pub(super) fn open_weekdays(&self) -> usize {
        self.day_minutes.iter().filter(|m| **m > 0).count()
    }

    pub(super) fn has_hours(&self, date: NaiveDate) -> bool {
        self.day_minutes[weekday_index(date.weekday())] > 0
    }
}
