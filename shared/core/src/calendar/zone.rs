//! Where a local day's opening intervals fall in real time, and where a zone's offset changes.
//!
//! chrono-tz does not expose its transition table, so transitions are found by probing offsets.
//! That is sound because, in the tz database chrono-tz 0.10 ships, two offset changes of one zone
//! are never closer than 6.96 days (America/Boa_Vista, October 2000): a probe window shorter than
//! that contains at most one change, and equal offsets at both ends mean no change at all. The
//! `tzdb_transition_spacing` test re-checks this against the data in use.

use chrono::offset::LocalResult;
use chrono::{
    DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeDelta, TimeZone, Utc,
};
use chrono_tz::{GapInfo, Tz};

use super::Interval;

/// Probe distance when searching a span for transitions; below the 6.96-day minimum spacing.
const PROBE_STRIDE_SECONDS: i64 = 5 * 86_400;

/// A day's layout is the plain "midnight + minutes" arithmetic when the offset is constant from
/// 26 hours before its midnight to 2 hours after the next: a change further away cannot make any
/// wall time of the day ambiguous or skipped (no zone has ever jumped by more than 24 hours).
const UNIFORM_MARGIN_BEFORE_SECONDS: i64 = 26 * 3_600;
const UNIFORM_MARGIN_AFTER_SECONDS: i64 = 2 * 3_600;

pub(super) fn offset_at(zone: Tz, t: DateTime<Utc>) -> i32 {
    zone.offset_from_utc_datetime(&t.naive_utc())
        .fix()
        .local_minus_utc()
}

fn offset_at_timestamp(zone: Tz, seconds: i64) -> Option<i32> {
    DateTime::from_timestamp(seconds, 0).map(|t| offset_at(zone, t))
}

/// The local wall time of `t` and the zone's offset (seconds east of UTC) at `t`.
pub(super) fn local_of(zone: Tz, t: DateTime<Utc>) -> Option<(NaiveDateTime, i32)> {
    let offset = offset_at(zone, t);
    let fixed = FixedOffset::east_opt(offset)?;
    Some((t.naive_utc().checked_add_offset(fixed)?, offset))
}

/// One local day placed on the real time line: `[start, end)` are its resolved midnights.
#[derive(Debug, Clone, Copy)]
pub(super) struct Frame {
    pub(super) date: NaiveDate,
    pub(super) start: DateTime<Utc>,
    pub(super) end: DateTime<Utc>,
    /// The offset is constant over the whole day, so boundaries need no zone lookups.
    uniform: bool,
    /// The offset at `end`: the right guess for the next day's frame.
    pub(super) end_offset: i32,
    /// For a uniform frame, the offset is known to be `end_offset` from 26 hours before `start`
    /// up to this timestamp, which lets the next frames confirm themselves with one probe.
    verified_until: i64,
}

impl Frame {
    /// `hint` is a guess of the day's offset; a wrong guess only costs the slow path.
    pub(super) fn new(zone: Tz, date: NaiveDate, hint: i32) -> Option<Self> {
        let midnight = date.and_time(NaiveTime::MIN);
        let next_midnight = date.succ_opt()?.and_time(NaiveTime::MIN);
        if let Some(fixed) = FixedOffset::east_opt(hint) {
            let start = midnight.checked_sub_offset(fixed).map(|t| t.and_utc());
            let end = next_midnight.checked_sub_offset(fixed).map(|t| t.and_utc());
            if let (Some(start), Some(end)) = (start, end) {
                let before =
                    offset_at_timestamp(zone, start.timestamp() - UNIFORM_MARGIN_BEFORE_SECONDS);
                let after =
                    offset_at_timestamp(zone, end.timestamp() + UNIFORM_MARGIN_AFTER_SECONDS);
                if before == Some(hint) && after == Some(hint) {
                    return Some(Self {
                        date,
                        start,
                        end,
                        uniform: true,
                        end_offset: hint,
                        verified_until: end.timestamp() + UNIFORM_MARGIN_AFTER_SECONDS,
                    });
                }
            }
        }
        let start = resolve_local(zone, midnight);
        let end = resolve_local(zone, next_midnight).max(start);
        Some(Self {
            date,
            start,
            end,
            uniform: false,
            end_offset: offset_at(zone, end),
            verified_until: i64::MIN,
        })
    }

    /// The frame of a later `date`. While this frame is uniform and the new day's checks lie
    /// within one probe stride of what is already verified, a single probe confirms the new day:
    /// the offset cannot change and change back between two probes that close.
    pub(super) fn following(&self, zone: Tz, date: NaiveDate) -> Option<Self> {
        if self.uniform && date > self.date {
            let days = (date - self.date).num_days();
            let start = self.start.checked_add_signed(TimeDelta::days(days))?;
            let end = start.checked_add_signed(TimeDelta::days(1))?;
            let probe = end.timestamp() + UNIFORM_MARGIN_AFTER_SECONDS;
            if probe - self.verified_until <= PROBE_STRIDE_SECONDS
                && offset_at_timestamp(zone, probe) == Some(self.end_offset)
            {
                return Some(Self {
                    date,
                    start,
                    end,
                    uniform: true,
                    end_offset: self.end_offset,
                    verified_until: probe,
                });
            }
        }
        // Far from this frame the offset may well differ (summer vs winter); guessing it from the
        // new day itself keeps that day on the fast path.
        let guess = FixedOffset::east_opt(self.end_offset)
            .and_then(|fixed| date.and_time(NaiveTime::MIN).checked_sub_offset(fixed))
            .and_then(|midnight| offset_at_timestamp(zone, midnight.and_utc().timestamp()))
            .unwrap_or(self.end_offset);
        Self::new(zone, date, guess)
    }

    /// The instant of a wall time of this day (minute 1440 is the next midnight), kept inside the
    /// frame so that days never overlap even around date-line jumps.
    fn boundary(&self, zone: Tz, minute: u16) -> DateTime<Utc> {
        let offset = TimeDelta::minutes(i64::from(minute));
        if self.uniform {
            return self.start.checked_add_signed(offset).unwrap_or(self.end);
        }
        match self
            .date
            .and_time(NaiveTime::MIN)
            .checked_add_signed(offset)
        {
            Some(local) => resolve_local(zone, local).clamp(self.start, self.end),
            None => self.end,
        }
    }

    /// The instant of wall time `time` on this day, resolved like [`resolve_local`] (not clipped
    /// to the frame: a skipped time may resolve into the next day).
    pub(super) fn at_time(&self, zone: Tz, time: NaiveTime) -> DateTime<Utc> {
        let since_midnight = time - NaiveTime::MIN;
        if self.uniform
            && let Some(t) = self.start.checked_add_signed(since_midnight)
        {
            return t;
        }
        resolve_local(zone, self.date.and_time(time))
    }

    /// The day's open time in real time, as disjoint, increasing, non-empty `[start, end)` spans.
    pub(super) fn spans<'a>(&'a self, zone: Tz, intervals: &'a [Interval]) -> Spans<'a> {
        Spans {
            zone,
            frame: self,
            intervals,
            next: 0,
            frontier: self.start,
        }
    }
}

pub(super) struct Spans<'a> {
    zone: Tz,
    frame: &'a Frame,
    intervals: &'a [Interval],
    next: usize,
    /// Resolving a wall time inside a spring-forward gap moves it *forward* past later wall times,
    /// so resolved intervals can overlap; clipping at the previous end keeps open time counted once.
    frontier: DateTime<Utc>,
}

impl Iterator for Spans<'_> {
    type Item = (DateTime<Utc>, DateTime<Utc>);

    fn next(&mut self) -> Option<Self::Item> {
        while let Some(interval) = self.intervals.get(self.next) {
            self.next += 1;
            let start = self
                .frame
                .boundary(self.zone, interval.start_minute())
                .max(self.frontier);
            let end = self.frame.boundary(self.zone, interval.end_minute());
            if end > start {
                self.frontier = end;
                return Some((start, end));
            }
        }
        None
    }
}

/// Calls `f(day, offset_after)` for every offset change in `[from, to)`, with the local day
/// whose wall times it moves.
///
/// A change at instant `at` moves every wall time from `at + max(offset before, offset after)`
/// on (earlier ones resolve with the old offset: before the change, inside a gap, or as the
/// earlier of two repeated instants), so it belongs to the day holding the second before that
/// wall time. The search stops as soon as that day is certain rather than at the exact second.
pub(super) fn for_each_transition_day(
    zone: Tz,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    mut f: impl FnMut(NaiveDate, i32),
) {
    let (mut lo, end) = (from.timestamp(), to.timestamp());
    let Some(mut lo_offset) = offset_at_timestamp(zone, lo) else {
        return;
    };
    while lo < end {
        let hi = lo.saturating_add(PROBE_STRIDE_SECONDS).min(end);
        let Some(hi_offset) = offset_at_timestamp(zone, hi) else {
            return;
        };
        if hi_offset != lo_offset {
            // Exactly one change lies in (a, b]; the day of its last unmoved second is wanted.
            let shift = i64::from(lo_offset.max(hi_offset)) - 1;
            let day_of = |second: i64| {
                DateTime::from_timestamp(second.saturating_add(shift), 0).map(|t| t.date_naive())
            };
            let (mut a, mut b) = (lo, hi);
            while b - a > 1 && day_of(a + 1) != day_of(b) {
                let mid = a + (b - a) / 2;
                if offset_at_timestamp(zone, mid) == Some(lo_offset) {
                    a = mid;
                } else {
                    b = mid;
                }
            }
            if let Some(day) = day_of(b) {
                f(day, hi_offset);
            }
        }
        lo = hi;
        lo_offset = hi_offset;
    }
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
                    FixedOffset::east_opt(offset_at(zone, probe))
                });
            before_gap
                .and_then(|offset| local.checked_sub_offset(offset))
                .unwrap_or(local)
                .and_utc()
        }
    }
}
