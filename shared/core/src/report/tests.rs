//! Attainment from ledgers: met and missed, nearest-rank percentiles in business minutes,
//! breaches with their minutes over, holidays and pauses, the month and organisation filters.

use chrono::{DateTime, Utc};

use super::*;
use crate::clock::{Happening, LedgerEntry, append, evaluate, opening, transition};
use crate::ids::{CaseId, SeverityId, TierId};
use crate::policy::{Metric, Policy, builtin};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("instant")
        .with_timezone(&Utc)
}

fn case(
    p: &Policy,
    n: u32,
    org: Option<&str>,
    severity: &str,
    opened: &str,
    then: &[(Happening, &str)],
) -> ReportCase {
    let tier = if org.is_some() { "enterprise" } else { "free" };
    let start = opening(
        p,
        &TierId::parse(tier).unwrap(),
        &SeverityId::parse(severity).unwrap(),
    );
    let mut ledger: Vec<LedgerEntry> = append(&[], vec![start], at(opened), "intake", &p.version);
    for (h, when) in then {
        let view = evaluate(&ledger, p).unwrap();
        let events = transition(p, &view, h, at(when)).unwrap();
        let new = append(&ledger, events, at(when), "test", &p.version);
        ledger.extend(new);
    }
    ReportCase {
        case_id: CaseId::parse(&format!("AS-2026-{n:06}")).unwrap(),
        organisation: org.map(str::to_string),
        ledger,
    }
}

#[test]
fn a_month_per_organisation_and_severity() {
    let p = builtin("activestate").unwrap();
    let answer = |t: &'static str| (Happening::AgentPublic, t);
    let cases = vec![
        // Severe, 4 business hours. Answered after 1h: met.
        case(
            &p,
            1,
            Some("acme"),
            "severe",
            "2026-11-23T09:00:00-08:00",
            &[answer("2026-11-23T10:00:00-08:00")],
        ),
        // Answered after 3h: met.
        case(
            &p,
            2,
            Some("acme"),
            "severe",
            "2026-11-23T09:00:00-08:00",
            &[answer("2026-11-23T12:00:00-08:00")],
        ),
        // Wed before Thanksgiving 15:00, due Fri 10:00; answered Fri 11:30: missed by 90 minutes.
        case(
            &p,
            3,
            Some("acme"),
            "severe",
            "2026-11-25T15:00:00-08:00",
            &[answer("2026-11-27T11:30:00-08:00")],
        ),
        // Paused an hour in the middle, answered within its target: met, one pause of 60 min.
        case(
            &p,
            4,
            Some("acme"),
            "severe",
            "2026-11-24T09:00:00-08:00",
            &[
                (
                    Happening::Wait {
                        reason: "logs".into(),
                    },
                    "2026-11-24T10:00:00-08:00",
                ),
                (Happening::Customer, "2026-11-24T11:00:00-08:00"),
                answer("2026-11-24T13:30:00-08:00"),
            ],
        ),
        // Still unanswered at the report instant, past due: missed, still open.
        case(
            &p,
            5,
            Some("acme"),
            "critical",
            "2026-11-30T09:00:00-08:00",
            &[],
        ),
        // Another organisation and a sender without one (free: no commitment).
        case(
            &p,
            6,
            Some("globex"),
            "minor",
            "2026-11-02T09:00:00-08:00",
            &[answer("2026-11-02T10:00:00-08:00")],
        ),
        case(&p, 7, None, "minor", "2026-11-02T09:00:00-08:00", &[]),
        // October: not in November's report.
        case(
            &p,
            8,
            Some("acme"),
            "severe",
            "2026-10-30T09:00:00-07:00",
            &[],
        ),
    ];
    let month: Month = "2026-11".parse().unwrap();
    let as_of = at("2026-12-01T12:00:00-08:00");
    let r = compute(&p, month, None, &cases, as_of);
    assert_eq!(r.cases, 7);
    let row = |org: Option<&str>, sev: &str| {
        r.rows
            .iter()
            .find(|x| x.organisation.as_deref() == org && x.severity == sev)
            .unwrap_or_else(|| panic!("no row {org:?} {sev}"))
            .clone()
    };
    let severe = row(Some("acme"), "severe");
    assert_eq!(severe.cases, 4);
    assert_eq!(
        (severe.first_response.met, severe.first_response.missed),
        (3, 1)
    );
    // Business minutes to first response: 60, 180, 330 (2h Wed + 3h30 Fri), 210 (4h30 less the
    // 60-minute pause). Nearest rank: median = 2nd of 4 = 180, p90 = 4th = 330.
    assert_eq!(severe.first_response_minutes.count, 4);
    assert_eq!(severe.first_response_minutes.median, Some(180));
    assert_eq!(severe.first_response_minutes.p90, Some(330));
    assert_eq!((severe.pauses, severe.paused_minutes), (1, 60));
    let critical = row(Some("acme"), "critical");
    assert_eq!((critical.first_response.missed, critical.breaches), (1, 1));
    assert_eq!(row(None, "minor").first_response.no_commitment, 1);
    assert_eq!(row(Some("globex"), "minor").first_response.met, 1);
    // Breaches, oldest due first, with business minutes over.
    let b: Vec<(&str, i64, bool)> = r
        .breaches
        .iter()
        .map(|b| (b.case_id.as_str(), b.minutes_over, b.answered.is_some()))
        .collect();
    // Case 5: due Mon 30 Nov 11:00; unanswered at Tue 1 Dec 12:00 = 6h + 4h = 600 minutes.
    assert_eq!(
        b,
        [("AS-2026-000003", 90, true), ("AS-2026-000005", 600, false)]
    );
    assert_eq!(r.breaches[0].metric, Metric::FirstResponse);
    assert!(
        r.holidays.iter().any(|h| h.name.contains("Thanksgiving")),
        "{:?}",
        r.holidays
    );
    // One organisation only.
    let acme = compute(&p, month, Some("acme"), &cases, as_of);
    assert_eq!(acme.cases, 5);
    assert!(
        acme.rows
            .iter()
            .all(|r| r.organisation.as_deref() == Some("acme"))
    );
    // Renders.
    let table = render::table(&r);
    assert!(
        table.contains("acme") && table.contains("AS-2026-000005"),
        "{table}"
    );
    let csv = render::csv(&r);
    assert_eq!(csv.lines().count(), 1 + r.rows.len());
    assert!(
        csv.lines()
            .nth(1)
            .unwrap()
            .starts_with("activestate,2026-11,")
    );
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["month"], "2026-11");
    assert_eq!(
        json["rows"][0]["first_response_minutes"]["median"],
        serde_json::Value::Null
    );
}

#[test]
fn months_and_keys() {
    assert!("2026-13".parse::<Month>().is_err());
    assert!("26-11".parse::<Month>().is_err());
    let m: Month = "2026-12".parse().unwrap();
    assert_eq!(m.next().to_string(), "2027-01");
    let p = builtin("activestate").unwrap();
    assert_eq!(month_key(&p.id, m.first_day()), "activestate#2026-12");
    assert_eq!(org_key(None, "AS-2026-000001"), "~#AS-2026-000001");
}
