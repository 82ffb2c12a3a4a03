//! TEMPORARY interface stub; replaced by the calendar branch.
#![allow(unused_variables, dead_code, clippy::all)]
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval {
    start: u16,
    end: u16,
}
impl Interval {
    pub fn new(start_minute: u16, end_minute: u16) -> Result<Self, CalendarError> {
        Ok(Self {
            start: start_minute,
            end: end_minute,
        })
    }
    pub fn parse(text: &str) -> Result<Self, CalendarError> {
        let (a, b) = text.split_once('-').ok_or(CalendarError::X)?;
        let m = |t: &str| -> Result<u16, CalendarError> {
            let (h, mi) = t.split_once(':').ok_or(CalendarError::X)?;
            Ok(h.parse::<u16>().map_err(|_| CalendarError::X)? * 60
                + mi.parse::<u16>().map_err(|_| CalendarError::X)?)
        };
        Self::new(m(a)?, m(b)?)
    }
    pub fn start_minute(&self) -> u16 {
        self.start
    }
    pub fn end_minute(&self) -> u16 {
        self.end
    }
}
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeeklyHours {
    days: [Vec<Interval>; 7],
}
impl WeeklyHours {
    pub fn new(days: [Vec<Interval>; 7]) -> Result<Self, CalendarError> {
        Ok(Self { days })
    }
    pub fn always() -> Self {
        todo!()
    }
    pub fn day(&self, weekday: chrono::Weekday) -> &[Interval] {
        &self.days[weekday.num_days_from_monday() as usize]
    }
}
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HolidayRule {
    UsFederal,
}
impl HolidayRule {
    pub fn parse(text: &str) -> Result<Self, CalendarError> {
        if text == "us-federal" {
            Ok(Self::UsFederal)
        } else {
            Err(CalendarError::X)
        }
    }
}
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosedDate {
    pub date: NaiveDate,
    pub name: String,
}
#[derive(Debug, Clone)]
pub struct BusinessCalendar {
    zone: Tz,
    hours: WeeklyHours,
}
impl BusinessCalendar {
    pub fn new(
        zone: Tz,
        hours: WeeklyHours,
        rules: Vec<HolidayRule>,
        closures: Vec<ClosedDate>,
    ) -> Self {
        Self { zone, hours }
    }
    pub fn always_open(zone: Tz) -> Self {
        todo!()
    }
    pub fn zone(&self) -> Tz {
        self.zone
    }
    pub fn hours(&self) -> &WeeklyHours {
        &self.hours
    }
    pub fn is_open(&self, t: DateTime<Utc>) -> bool {
        todo!()
    }
    pub fn is_closed_date(&self, d: NaiveDate) -> bool {
        todo!()
    }
    pub fn is_business_day(&self, d: NaiveDate) -> bool {
        todo!()
    }
    pub fn next_opening(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        todo!()
    }
    pub fn add_business_minutes(
        &self,
        received: DateTime<Utc>,
        minutes: u32,
    ) -> Option<DateTime<Utc>> {
        todo!()
    }
    pub fn add_business_days(&self, received: DateTime<Utc>, days: u32) -> Option<DateTime<Utc>> {
        todo!()
    }
    pub fn business_duration_between(
        &self,
        a: DateTime<Utc>,
        b: DateTime<Utc>,
    ) -> chrono::Duration {
        todo!()
    }
    pub fn closed_dates(&self, year: i32) -> Vec<ClosedDate> {
        todo!()
    }
}
pub fn add_elapsed(t: DateTime<Utc>, minutes: u32) -> DateTime<Utc> {
    todo!()
}
pub fn add_calendar_months(date: NaiveDate, months: u32) -> Option<NaiveDate> {
    todo!()
}
pub fn resolve_local(zone: Tz, local: chrono::NaiveDateTime) -> DateTime<Utc> {
    todo!()
}
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("x")]
    X,
}
