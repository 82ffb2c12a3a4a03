//! Where each warning point falls and when it is sent: business hours, business days and 24x7
//! targets, across a closing time, a weekend, a holiday and a DST change; pauses and
//! reclassifications move the points; each point once per cycle.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use super::*;
use crate::clock::Happening;
use crate::clock::test_case::{Case, at};
use crate::ids::SeverityId;
use crate::policy::load_str;

/// ActiveState enterprise severe: 4 business hours, 08:00-17:00 Pacific, from Mon 23 Nov 2026
/// 14:10 PST: due Tue 09:10.
fn enterprise_severe() -> Case {
    Case::open(
        "activestate",
        "enterprise",
        "severe",
        "2026-11-23T14:10:00-08:00",
    )
}

/// The points' labels, in order.
fn labels(points: &[ScheduledPoint]) -> Vec<&str> {
    points.iter().map(|s| s.point.label.as_str()).collect()
}

impl Case {
    /// (label, point instant, send instant), in time order.
    fn points(&self) -> Vec<(String, DateTime<Utc>, DateTime<Utc>)> {
        schedule(&self.policy, &self.view())
            .into_iter()
            .map(|p| (p.point.label, p.at, p.send_at))
            .collect()
    }

    fn point(&self, label: &str) -> (DateTime<Utc>, DateTime<Utc>) {
        self.points()
            .into_iter()
            .find(|p| p.0 == label)
            .map(|p| (p.1, p.2))
            .unwrap_or_else(|| panic!("no point {label}: {:?}", self.points()))
    }
}

#[test]
fn business_hours_points_cross_the_closing_time() {
    // Due Tue 09:10: 2h50 on Monday, 1h10 on Tuesday.
    let c = enterprise_severe();
    let p = c.points();
    let names: Vec<&str> = p.iter().map(|p| p.0.as_str()).collect();
    assert_eq!(
        names.join(", "),
        "50%, 80%, breach, breach + 1 business hour, breach + 4 business hours"
    );
    assert_eq!(c.point("50%").0, at("2026-11-23T16:10:00-08:00"));
    // 80% = 3h12: 2h50 on Monday, 22 minutes after Tuesday's opening.
    assert_eq!(c.point("80%").0, at("2026-11-24T08:22:00-08:00"));
    assert_eq!(c.point("breach").0, at("2026-11-24T09:10:00-08:00"));
    assert_eq!(
        c.point("breach + 1 business hour").0,
        at("2026-11-24T10:10:00-08:00")
    );
    assert_eq!(
        c.point("breach + 4 business hours").0,
        at("2026-11-24T13:10:00-08:00")
    );
    // All fall inside opening hours: nothing is held.
    assert!(p.iter().all(|(_, a, s)| a == s));
}

#[test]
fn a_point_on_the_closing_instant_is_sent_then_and_a_holiday_is_skipped() {
    // Wed 25 Nov 2026 15:00 PST, 4 business hours; Thanksgiving (Thu 26) is closed: due Fri 10:00.
    let c = Case::open(
        "activestate",
        "enterprise",
        "severe",
        "2026-11-25T15:00:00-08:00",
    );
    // 50% = 2h: exactly Wednesday's closing time, which counts as open (the time it measures
    // ended there), so it is not held until Friday.
    assert_eq!(
        c.point("50%"),
        (
            at("2026-11-25T17:00:00-08:00"),
            at("2026-11-25T17:00:00-08:00")
        )
    );
    assert_eq!(c.point("80%").0, at("2026-11-27T09:12:00-08:00"));
    assert_eq!(c.point("breach").0, at("2026-11-27T10:00:00-08:00"));
}

#[test]
fn a_weekend_is_not_counted() {
    // Fri 20 Nov 16:00 PST: one hour on Friday, three on Monday: due Mon 11:00.
    let c = Case::open(
        "activestate",
        "enterprise",
        "severe",
        "2026-11-20T16:00:00-08:00",
    );
    assert_eq!(c.point("50%").0, at("2026-11-23T09:00:00-08:00"));
    assert_eq!(c.point("breach").0, at("2026-11-23T11:00:00-08:00"));
}

#[test]
fn business_days_points_across_the_dst_change() {
    // Team minor: 2 business days. Fri 30 Oct 2026 10:00 PDT; clocks go back Sun 1 Nov. Due Tue
    // 3 Nov 10:00 PST. Counted: Fri 7h, Mon 9h, Tue 2h = 18h; 50% = 9h = Mon 10:00 PST.
    let c = Case::open("activestate", "team", "minor", "2026-10-30T10:00:00-07:00");
    assert_eq!(c.point("breach").0, at("2026-11-03T10:00:00-08:00"));
    assert_eq!(c.point("50%").0, at("2026-11-02T10:00:00-08:00"));
    // 80% = 14h24: Fri 7h, Mon 7h24 -> Mon 15:24 PST.
    assert_eq!(c.point("80%").0, at("2026-11-02T15:24:00-08:00"));
}

#[test]
fn twenty_four_seven_targets_page_after_hours_or_wait_for_the_opening() {
    // Scalr business P0: 2 hours elapsed, P0 pages after hours. Sat 03:00 EST.
    let c = Case::open("scalr", "business", "p0", "2026-11-21T03:00:00-05:00");
    assert_eq!(
        c.point("50%"),
        (
            at("2026-11-21T04:00:00-05:00"),
            at("2026-11-21T04:00:00-05:00")
        )
    );
    assert_eq!(
        c.point("breach + 1 hour").0,
        at("2026-11-21T06:00:00-05:00")
    );
    // The same policy with P0 not paging: every point waits for Monday's opening (09:00 EST).
    let text =
        include_str!("../../policies/scalr.toml").replacen("page_after_hours = true\n", "", 1);
    let quiet = load_str(&text, "scalr-quiet.toml").expect("loads");
    let c = Case::open_with(quiet, "business", "p0", "2026-11-21T03:00:00-05:00");
    for (label, point, send) in c.points() {
        assert!(point < at("2026-11-21T12:00:00-05:00"), "{label}");
        assert_eq!(send, at("2026-11-23T09:00:00-05:00"), "{label}");
    }
    // Across the DST change (Sun 1 Nov 01:00 EDT -> 01:00 EST): 2 elapsed hours from 00:30 EDT
    // is 01:30 EST.
    let c = Case::open("scalr", "business", "p0", "2026-11-01T00:30:00-04:00");
    assert_eq!(c.point("breach").0, at("2026-11-01T01:30:00-05:00"));
    assert_eq!(c.point("50%").0, at("2026-11-01T01:30:00-04:00"));
}

#[test]
fn pauses_and_reclassification_move_the_points() {
    // Mon 14:10 PST severe (due Tue 09:10). Waiting from 15:10 (1h used) to Tue 10:00: due Tue 13:00.
    let mut c = enterprise_severe();
    c.on(
        Happening::Wait {
            reason: "logs".into(),
        },
        "2026-11-23T15:10:00-08:00",
    );
    assert!(
        c.points().is_empty(),
        "waiting on the customer: no warnings"
    );
    c.on(Happening::Customer, "2026-11-24T10:00:00-08:00");
    assert_eq!(c.point("breach").0, at("2026-11-24T13:00:00-08:00"));
    // 50% = 2h: 1h before the pause, 1h after the resumption.
    assert_eq!(c.point("50%").0, at("2026-11-24T11:00:00-08:00"));
    // Reclassified to critical (2 business hours; its own points): due Tue 11:00.
    c.on(
        Happening::Reclassify {
            to: SeverityId::parse("critical").unwrap(),
            reason: "outage".into(),
        },
        "2026-11-24T10:30:00-08:00",
    );
    assert_eq!(c.point("breach").0, at("2026-11-24T11:00:00-08:00"));
    assert_eq!(c.point("75%").0, at("2026-11-24T10:30:00-08:00"));
    assert_eq!(
        c.point("breach + 30 business minutes").0,
        at("2026-11-24T11:30:00-08:00")
    );
    // Answered: nothing more.
    c.on(Happening::AgentPublic, "2026-11-24T10:45:00-08:00");
    assert!(c.points().is_empty());
}

#[test]
fn no_commitment_no_warnings() {
    // ActiveState free (forum only) and Scalr free (best effort) promise nothing.
    assert!(
        Case::open("activestate", "free", "minor", "2026-11-23T10:00:00-08:00")
            .points()
            .is_empty()
    );
    assert!(
        Case::open("scalr", "free", "p4", "2026-11-23T10:00:00-05:00")
            .points()
            .is_empty()
    );
}

#[test]
fn a_pass_sends_each_point_once_and_a_later_due_point_supersedes_reminders() {
    let c = enterprise_severe();
    let v = c.view();
    let mut sent = BTreeSet::new();
    // Before the first point: nothing, and the next look is at 50%.
    let p = plan(&c.policy, &v, &sent, at("2026-11-23T16:00:00-08:00"));
    assert!(p.send.is_empty());
    assert_eq!(p.next, Some(at("2026-11-23T16:10:00-08:00")));
    // At 50%: it alone.
    let p = plan(&c.policy, &v, &sent, at("2026-11-23T16:10:00-08:00"));
    assert_eq!(labels(&p.send), ["50%"]);
    sent.extend(p.send.iter().map(ScheduledPoint::key));
    // Again at the same instant: nothing (sent once per cycle).
    let p = plan(&c.policy, &v, &sent, at("2026-11-23T16:11:00-08:00"));
    assert!(p.send.is_empty());
    assert_eq!(p.next, Some(at("2026-11-24T08:22:00-08:00")));
    // A pass late enough to find 80% and the breach due: the 80% reminder is superseded.
    let p = plan(&c.policy, &v, &sent, at("2026-11-24T09:15:00-08:00"));
    assert_eq!(labels(&p.superseded), ["80%"]);
    assert_eq!(labels(&p.send), ["breach"]);
    assert_eq!(p.next, Some(at("2026-11-24T10:10:00-08:00")));
    // The key names the cycle: a reopened case's new cycle warns again.
    assert!(p.send[0].key().starts_with("000001#"));
    // The conservative hint of a write path that does not know what was sent.
    assert_eq!(
        next_warning(&c.policy, &v, &BTreeSet::new()),
        Some(at("2026-11-23T16:10:00-08:00"))
    );
}

#[test]
fn targets_come_from_the_route_and_the_audiences() {
    let c = enterprise_severe();
    let v = c.view();
    let s = schedule(&c.policy, &v);
    let facts = CaseFacts {
        case_id: &crate::ids::CaseId::parse("AS-2026-000001").unwrap(),
        queue: "enterprise-urgent",
        organisation: Some("acme"),
    };
    let w: Vec<Warning> = s
        .iter()
        .map(|p| Warning::new(&c.policy, &v, &facts, p))
        .collect();
    let to = |i: usize| {
        w[i].targets
            .email
            .iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(to(0), ["sla-enterprise-urgent@activestate.com"]);
    assert_eq!(to(3), ["support-lead@activestate.com"]);
    assert_eq!(to(4), ["support-manager@activestate.com"]);
    // Nothing of the customer's mail is in a warning.
    assert!(w[2].body().contains("AS-2026-000001") && w[2].subject().len() < 100);
    assert!(w[2].sns_message().contains("\"point\":\"breach\""));
}

#[test]
fn shards_are_stable_and_spread() {
    let ids: Vec<String> = (1..=400)
        .map(|n| shard_of(&crate::ids::CaseId::parse(&format!("AS-2026-{n:06}")).unwrap()))
        .collect();
    for s in 0..WATCH_SHARDS {
        let count = ids.iter().filter(|x| **x == s.to_string()).count();
        assert!(count > 50, "shard {s}: {count}");
    }
    assert_eq!(
        shard_of(&crate::ids::CaseId::parse("AS-2026-000001").unwrap()),
        ids[0]
    );
}
