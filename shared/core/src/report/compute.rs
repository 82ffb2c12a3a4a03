//! The figures of a report, from ledgers.
//!
//! Definitions (docs/watch.md says why):
//! - a case is in the report of the month it was opened in (its first ledger entry, in the
//!   policy's support zone), with every response cycle it had up to `as_of`;
//! - it counts under its organisation and its severity as the ledger reads at `as_of`;
//! - a cycle is **met** when answered by its due instant, **missed** when answered late or
//!   still unanswered after it (a breach), **pending** while running and not yet due,
//!   **closed unanswered** when the case was closed before its due instant without an answer, and
//!   **no commitment** when its target promised nothing;
//! - minutes are counted on the target's own clock (business minutes on its calendar; elapsed
//!   minutes for 24x7 targets; the support calendar when there was no commitment), pauses out;
//! - median and 90th percentile are nearest-rank.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::Serialize;

use super::month::Month;
use crate::calendar::BusinessCalendar;
use crate::clock::{ClockView, Cycle, CycleEnd, LedgerEntry, Pause, evaluate};
use crate::ids::{CalendarId, CaseId};
use crate::policy::{Metric, Policy};

/// A case as a report needs it: its id, organisation and ledger.
#[derive(Debug, Clone)]
pub struct ReportCase {
    pub case_id: CaseId,
    pub organisation: Option<String>,
    pub ledger: Vec<LedgerEntry>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Attainment {
    pub met: u32,
    pub missed: u32,
    pub pending: u32,
    pub closed_unanswered: u32,
    pub no_commitment: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Minutes {
    /// How many first responses were measured.
    pub count: u32,
    pub median: Option<i64>,
    pub p90: Option<i64>,
}

/// One organisation × severity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    /// `None`: senders outside any organisation.
    pub organisation: Option<String>,
    pub severity: String,
    pub cases: u32,
    pub first_response: Attainment,
    pub update: Attainment,
    pub first_response_minutes: Minutes,
    pub breaches: u32,
    pub pauses: u32,
    pub paused_minutes: i64,
}

/// A missed due instant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Breach {
    pub case_id: CaseId,
    pub organisation: Option<String>,
    pub severity: String,
    pub metric: Metric,
    /// The ledger entry that started the cycle.
    pub cycle: u32,
    pub due: DateTime<Utc>,
    /// When it was answered (or closed); `None` while still unanswered at `as_of`.
    pub answered: Option<DateTime<Utc>>,
    pub minutes_over: i64,
}

/// A closed day (holiday or closure) that fell inside a reported cycle and was not counted.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct HolidayApplied {
    pub calendar: String,
    pub date: NaiveDate,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub policy: String,
    pub month: Month,
    /// The instant the ledgers were read as of.
    pub as_of: DateTime<Utc>,
    pub organisation: Option<String>,
    pub cases: u32,
    pub rows: Vec<Row>,
    pub breaches: Vec<Breach>,
    pub holidays: Vec<HolidayApplied>,
    /// Cases whose ledger could not be read, with why (they are not counted).
    pub unreadable: Vec<String>,
}

/// At most this many days of a cycle are searched for closed days.
const MAX_DAYS: u64 = 62;

struct Clock<'p> {
    id: Option<CalendarId>,
    cal: Option<&'p BusinessCalendar>,
}

impl Clock<'_> {
    fn minutes(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> i64 {
        if b <= a {
            return 0;
        }
        match self.cal {
            Some(c) => c.business_duration_between(a, b).num_minutes(),
            None => (b - a).num_minutes(),
        }
    }
}

fn clock_of<'p>(policy: &'p Policy, c: &Cycle) -> Clock<'p> {
    match c.target.calendar() {
        Some(id) => Clock {
            id: Some(id.clone()),
            cal: policy.calendar(id),
        },
        None if c.target.is_commitment() => Clock {
            id: None,
            cal: None,
        },
        None => Clock {
            id: Some(policy.default_calendar.clone()),
            cal: Some(policy.support_calendar()),
        },
    }
}

/// `[from, to)` minus pauses.
fn counted(clock: &Clock<'_>, from: DateTime<Utc>, to: DateTime<Utc>, pauses: &[Pause]) -> i64 {
    let mut total = 0;
    let mut cursor = from;
    for p in pauses {
        let p_to = p.to.unwrap_or(to);
        if p.from > cursor {
            total += clock.minutes(cursor, p.from.min(to));
        }
        cursor = cursor.max(p_to);
        if cursor >= to {
            return total;
        }
    }
    total + clock.minutes(cursor, to)
}

fn nearest_rank(sorted: &[i64], pct: usize) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (sorted.len() * pct).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

#[derive(Default)]
struct Acc {
    cases: u32,
    first_response: Attainment,
    update: Attainment,
    minutes: Vec<i64>,
    breaches: u32,
    pauses: u32,
    paused_minutes: i64,
}

/// Closed days on `clock` between `from` and `to`, cached per calendar and year.
struct Holidays {
    names: HashMap<(CalendarId, i32), Vec<crate::calendar::ClosedDate>>,
    found: BTreeSet<HolidayApplied>,
}

impl Holidays {
    fn scan(&mut self, clock: &Clock<'_>, from: DateTime<Utc>, to: DateTime<Utc>) {
        let (Some(id), Some(cal)) = (clock.id.as_ref(), clock.cal) else {
            return;
        };
        let zone = cal.zone();
        let first = from.with_timezone(&zone).date_naive();
        let last = to.with_timezone(&zone).date_naive();
        let mut d = first;
        let mut n = 0;
        while d <= last && n <= MAX_DAYS {
            if cal.is_closed_date(d) {
                use chrono::Datelike as _;
                let list = self
                    .names
                    .entry((id.clone(), d.year()))
                    .or_insert_with(|| cal.closed_dates(d.year()));
                let name = list
                    .iter()
                    .find(|c| c.date == d)
                    .map(|c| c.name.clone())
                    .unwrap_or_else(|| "closed".to_string());
                self.found.insert(HolidayApplied {
                    calendar: id.to_string(),
                    date: d,
                    name,
                });
            }
            let Some(next) = d.checked_add_days(Days::new(1)) else {
                break;
            };
            d = next;
            n += 1;
        }
    }
}

fn tally(
    policy: &Policy,
    case: &ReportCase,
    view: &ClockView,
    as_of: DateTime<Utc>,
    acc: &mut Acc,
    breaches: &mut Vec<Breach>,
    holidays: &mut Holidays,
) {
    acc.cases += 1;
    for c in view.cycles.iter().filter(|c| c.origin <= as_of) {
        let clock = clock_of(policy, c);
        let end = c.end.as_ref().map(CycleEnd::at).filter(|e| *e <= as_of);
        let until = end.unwrap_or(as_of);
        holidays.scan(&clock, c.origin, until);
        for p in &c.pauses {
            acc.pauses += 1;
            acc.paused_minutes += clock.minutes(p.from, p.to.unwrap_or(as_of).min(until));
        }
        let att = match c.metric {
            Metric::FirstResponse => &mut acc.first_response,
            Metric::Update => &mut acc.update,
        };
        let fulfilled = matches!(c.end, Some(CycleEnd::Fulfilled { at }) if at <= as_of);
        if c.metric == Metric::FirstResponse && fulfilled {
            acc.minutes
                .push(counted(&clock, c.origin, until, &c.pauses));
        }
        let Some(due) = c.due.filter(|_| c.target.is_commitment()) else {
            att.no_commitment += 1;
            continue;
        };
        let late = c.breach_recorded.is_some() || until > due;
        match (end, late) {
            (_, true) => {
                att.missed += 1;
                acc.breaches += 1;
                breaches.push(Breach {
                    case_id: case.case_id.clone(),
                    organisation: case.organisation.clone(),
                    severity: view.severity.to_string(),
                    metric: c.metric,
                    cycle: c.started_by,
                    due,
                    answered: end,
                    minutes_over: clock.minutes(due, until),
                });
            }
            (Some(_), false) if fulfilled => att.met += 1,
            (Some(_), false) => att.closed_unanswered += 1,
            (None, false) => att.pending += 1,
        }
    }
}

/// The report of `month` for the cases given (any others are ignored), read as of `as_of`;
/// only `org`'s cases when it is given.
pub fn compute(
    policy: &Policy,
    month: Month,
    org: Option<&str>,
    cases: &[ReportCase],
    as_of: DateTime<Utc>,
) -> Report {
    let (start, end) = month.span(policy.support_calendar().zone());
    let mut rows: BTreeMap<(Option<String>, usize, String), Acc> = BTreeMap::new();
    let mut breaches = Vec::new();
    let mut holidays = Holidays {
        names: HashMap::new(),
        found: BTreeSet::new(),
    };
    let mut unreadable = Vec::new();
    let mut counted_cases = 0;
    for case in cases {
        if org.is_some() && case.organisation.as_deref() != org {
            continue;
        }
        let Some(opened) = case.ledger.first().map(|e| e.at) else {
            unreadable.push(format!("{}: the clock ledger is empty", case.case_id));
            continue;
        };
        if opened < start || opened >= end {
            continue;
        }
        let view = match evaluate(&case.ledger, policy) {
            Ok(v) => v,
            Err(e) => {
                unreadable.push(format!("{}: {e}", case.case_id));
                continue;
            }
        };
        counted_cases += 1;
        let rank = policy.severity_rank(&view.severity).unwrap_or(usize::MAX);
        let acc = rows
            .entry((case.organisation.clone(), rank, view.severity.to_string()))
            .or_default();
        tally(
            policy,
            case,
            &view,
            as_of,
            acc,
            &mut breaches,
            &mut holidays,
        );
    }
    breaches.sort_by(|a, b| (a.due, &a.case_id).cmp(&(b.due, &b.case_id)));
    Report {
        policy: policy.id.to_string(),
        month,
        as_of,
        organisation: org.map(str::to_string),
        cases: counted_cases,
        rows: rows
            .into_iter()
            .map(|((organisation, _, severity), mut a)| {
                a.minutes.sort_unstable();
                Row {
                    organisation,
                    severity,
                    cases: a.cases,
                    first_response: a.first_response,
                    update: a.update,
                    first_response_minutes: Minutes {
                        count: a.minutes.len() as u32,
                        median: nearest_rank(&a.minutes, 50),
                        p90: nearest_rank(&a.minutes, 90),
                    },
                    breaches: a.breaches,
                    pauses: a.pauses,
                    paused_minutes: a.paused_minutes,
                }
            })
            .collect(),
        breaches,
        holidays: holidays.found.into_iter().collect(),
        unreadable,
    }
}
