//! The clock rules, each with its expected due instant in business time (docs/clock.md).

use super::test_case::{Case, at};
use super::*;
use crate::ids::SeverityId;
use crate::policy::Metric;

/// ActiveState enterprise critical: 2 business hours from Mon 30 Nov 2026 14:10 PST.
fn enterprise_critical() -> Case {
    Case::open(
        "activestate",
        "enterprise",
        "critical",
        "2026-11-30T14:10:00-08:00",
    )
}

fn reclassify(to: &str, reason: &str) -> Happening {
    Happening::Reclassify {
        to: SeverityId::parse(to).unwrap(),
        reason: reason.into(),
    }
}

fn wait() -> Happening {
    Happening::Wait {
        reason: "asked for logs".into(),
    }
}

#[test]
fn first_response_is_fulfilled_by_a_public_agent_answer_only() {
    let mut c = enterprise_critical();
    assert_eq!(c.due(), Some(at("2026-11-30T16:10:00-08:00")));
    assert_eq!(
        c.view().next_due().map(|(m, _)| m),
        Some(Metric::FirstResponse)
    );
    let events = c.on(Happening::AgentPublic, "2026-11-30T15:00:00-08:00");
    assert!(matches!(
        events[..],
        [ClockEvent::Fulfil {
            metric: Metric::FirstResponse
        }]
    ));
    assert_eq!(c.due(), None);
    assert!(!c.view().cycles[0].breached(at("2026-12-31T00:00:00Z")));
}

#[test]
fn waiting_pauses_and_a_customer_message_resumes_with_the_time_left() {
    let mut c = enterprise_critical();
    // One business hour used, then waiting on the customer overnight.
    c.on(wait(), "2026-11-30T15:10:00-08:00");
    assert_eq!(c.view().status, Status::Waiting);
    assert_eq!(c.due(), None, "nothing is due from us while waiting");
    assert_eq!(
        c.try_on(wait(), "2026-11-30T15:20:00-08:00"),
        Err(TransitionError::AlreadyWaiting)
    );
    let events = c.on(Happening::Customer, "2026-12-01T10:00:00-08:00");
    assert!(matches!(events[..], [ClockEvent::Resume { .. }]));
    // The hour left counts from the resumption: Tue 11:00.
    assert_eq!(c.due(), Some(at("2026-12-01T11:00:00-08:00")));
}

#[test]
fn a_policy_without_an_update_column_runs_no_update_clock() {
    let mut c = enterprise_critical();
    c.on(Happening::AgentPublic, "2026-11-30T15:00:00-08:00");
    let events = c.on(Happening::Customer, "2026-12-01T09:00:00-08:00");
    assert!(events.is_empty(), "{events:?}");
    assert_eq!(c.due(), None);
}

#[test]
fn alectrona_update_target_runs_from_each_customer_message_until_the_next_answer() {
    // Urgent: new case 1 business hour, in progress 4 business hours (09:00–17:30 ET).
    let mut c = Case::open(
        "alectrona",
        "standard",
        "urgent",
        "2026-11-23T17:00:00-05:00",
    );
    assert_eq!(c.due(), Some(at("2026-11-24T09:30:00-05:00")));
    c.on(Happening::AgentPublic, "2026-11-24T09:10:00-05:00");
    let events = c.on(Happening::Customer, "2026-11-24T10:00:00-05:00");
    assert!(matches!(
        events[..],
        [ClockEvent::Start {
            metric: Metric::Update,
            ..
        }]
    ));
    assert_eq!(c.due(), Some(at("2026-11-24T14:00:00-05:00")));
    // A further customer message while the update clock runs changes nothing.
    assert!(
        c.on(Happening::Customer, "2026-11-24T10:30:00-05:00")
            .is_empty()
    );
    // Waiting after 1 h; the customer answers Wed 16:00 with 3 h left: 1 h 30 on Wed, Thanksgiving
    // (Thu) closed, 1 h 30 on Fri from 09:00.
    c.on(wait(), "2026-11-24T11:00:00-05:00");
    c.on(Happening::Customer, "2026-11-25T16:00:00-05:00");
    assert_eq!(c.due(), Some(at("2026-11-27T10:30:00-05:00")));
    c.on(Happening::AgentPublic, "2026-11-27T09:30:00-05:00");
    assert_eq!(c.due(), None);
    let v = c.view();
    assert_eq!(v.cycles.len(), 2);
    assert!(
        v.cycles
            .iter()
            .all(|cy| !cy.breached(at("2026-12-31T00:00:00Z")))
    );
}

#[test]
fn reclassification_recomputes_from_the_original_start_and_keeps_the_history() {
    // Alectrona high: 2 business hours from Mon 10:00 ET.
    let mut c = Case::open("alectrona", "standard", "high", "2026-11-23T10:00:00-05:00");
    assert_eq!(c.due(), Some(at("2026-11-23T12:00:00-05:00")));
    let up = reclassify("urgent", "production down");
    c.on(up, "2026-11-23T10:30:00-05:00");
    assert_eq!(c.due(), Some(at("2026-11-23T11:00:00-05:00")));
    let down = reclassify("low", "workaround in place");
    c.on(down, "2026-11-23T10:45:00-05:00");
    // 8 business hours from Mon 10:00: 7 h 30 on Monday, 30 min on Tuesday.
    assert_eq!(c.due(), Some(at("2026-11-24T09:30:00-05:00")));
    let v = c.view();
    assert_eq!(v.severity.as_str(), "low");
    assert_eq!(v.cycles[0].targets.len(), 3, "every target is kept");
    assert_eq!(
        c.try_on(reclassify("low", "again"), "2026-11-23T11:00:00-05:00"),
        Err(TransitionError::Unchanged(
            SeverityId::parse("low").unwrap()
        ))
    );
    assert_eq!(
        c.try_on(reclassify("urgent", "  "), "2026-11-23T11:00:00-05:00"),
        Err(TransitionError::NoReason)
    );
}

#[test]
fn reclassification_stays_inside_what_the_tier_covers() {
    let mut c = Case::open("activestate", "team", "minor", "2026-11-30T10:00:00-08:00");
    let r = c.try_on(
        reclassify("critical", "customer insists"),
        "2026-11-30T11:00:00-08:00",
    );
    assert!(
        matches!(r, Err(TransitionError::NotCovered { .. })),
        "{r:?}"
    );
}

#[test]
fn a_reopened_case_starts_a_new_first_response_cycle() {
    let mut c = enterprise_critical();
    c.on(Happening::AgentPublic, "2026-11-30T15:00:00-08:00");
    c.on(
        Happening::Close {
            reason: "solved".into(),
        },
        "2026-11-30T16:00:00-08:00",
    );
    assert_eq!(c.view().status, Status::Closed);
    assert_eq!(
        c.try_on(Happening::Customer, "2026-12-01T09:00:00-08:00"),
        Err(TransitionError::Closed)
    );
    let events = c.on(
        Happening::Reopen {
            reason: "the customer replied".into(),
        },
        "2026-12-02T10:00:00-08:00",
    );
    assert!(matches!(
        events[..],
        [
            ClockEvent::Reopen { .. },
            ClockEvent::Start {
                metric: Metric::FirstResponse,
                ..
            }
        ]
    ));
    assert_eq!(c.due(), Some(at("2026-12-02T12:00:00-08:00")));
    assert_eq!(
        c.try_on(
            Happening::Reopen {
                reason: "again".into()
            },
            "2026-12-02T11:00:00-08:00"
        ),
        Err(TransitionError::NotClosed)
    );
}

#[test]
fn a_missed_due_instant_is_recorded_as_a_breach_when_noticed() {
    let mut c = enterprise_critical();
    let events = c.on(Happening::AgentPublic, "2026-12-01T09:00:00-08:00");
    assert!(matches!(
        events[..],
        [ClockEvent::Breach { .. }, ClockEvent::Fulfil { .. }]
    ));
    let v = c.view();
    assert_eq!(
        v.cycles[0].breach_recorded,
        Some(at("2026-11-30T16:10:00-08:00"))
    );
    assert!(v.cycles[0].breached(at("2026-12-01T09:00:00-08:00")));
}

#[test]
fn closing_ends_the_running_cycle_and_the_view_is_a_function_of_the_ledger() {
    let mut c = Case::open("scalr", "business", "p0", "2026-12-05T22:50:00-05:00");
    // 24x7: 2 hours elapsed.
    assert_eq!(c.due(), Some(at("2026-12-06T00:50:00-05:00")));
    c.on(wait(), "2026-12-05T23:20:00-05:00");
    c.on(Happening::Customer, "2026-12-06T08:00:00-05:00");
    // 1 h 30 left, counted again from 08:00.
    assert_eq!(c.due(), Some(at("2026-12-06T09:30:00-05:00")));
    c.on(
        Happening::Close {
            reason: "duplicate of another case".into(),
        },
        "2026-12-06T08:30:00-05:00",
    );
    let once = c.view();
    assert_eq!(once, c.view(), "evaluation is deterministic");
    assert_eq!(once.next_due(), None);
    assert!(matches!(once.cycles[0].end, Some(CycleEnd::Closed { .. })));
    // A ledger round-trips through its stored form unchanged.
    let json = serde_json::to_string(&c.ledger).unwrap();
    let back: Vec<LedgerEntry> = serde_json::from_str(&json).unwrap();
    assert_eq!(evaluate(&back, &c.policy).unwrap(), once);
}

#[test]
fn explain_lists_intervals_closed_days_and_pauses() {
    // Wed 2026-11-25 15:00 PST + 4 business hours = Fri 11-27 10:00 (Thanksgiving closed).
    let mut c = Case::open(
        "activestate",
        "enterprise",
        "severe",
        "2026-11-25T15:00:00-08:00",
    );
    assert_eq!(c.due(), Some(at("2026-11-27T10:00:00-08:00")));
    c.on(wait(), "2026-11-25T16:00:00-08:00");
    c.on(Happening::Customer, "2026-11-27T08:00:00-08:00");
    // 1 h used on Wed; 3 h left from Fri 08:00 = Fri 11:00.
    assert_eq!(c.due(), Some(at("2026-11-27T11:00:00-08:00")));
    let text = explain(
        &c.policy,
        "AS-2026-000001",
        &c.ledger,
        at("2026-11-27T09:00:00-08:00"),
    )
    .expect("explains");
    for want in [
        "Wed 25 Nov 2026  15:00–16:00 (1h00)",
        "Fri 27 Nov 2026  08:00–11:00 (3h00)",
        "Thanksgiving",
        "paused: Wed 25 Nov 2026, 16:00 PST -> Fri 27 Nov 2026, 08:00 PST",
        "due: Fri 27 Nov 2026, 11:00 PST (4h00 of business time counted = the target)",
        "#1",
        &c.policy.version,
    ] {
        assert!(text.contains(want), "missing {want:?} in:\n{text}");
    }
}

#[test]
fn an_inconsistent_ledger_is_refused() {
    let c = enterprise_critical();
    let mut bad = c.ledger.clone();
    bad.extend(append(
        &bad,
        vec![ClockEvent::Resume { reason: "x".into() }],
        at("2026-11-30T15:00:00-08:00"),
        "test",
        "v",
    ));
    assert!(matches!(
        evaluate(&bad, &c.policy),
        Err(ClockError::Inconsistent { seq: 2, .. })
    ));
    assert_eq!(evaluate(&[], &c.policy), Err(ClockError::Empty));
}
