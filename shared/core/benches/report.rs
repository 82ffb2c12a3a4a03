//! A month's attainment report over 10,000 cases must compute in well under a second of CPU
//! from the ledgers (docs/watch.md has the figures). The ledgers are synthetic but realistic:
//! every severity, answers in and out of time, pauses, reclassifications, reopenings, cases
//! still open, across Thanksgiving.
//!
//! `cargo bench -p slamail-core --bench report`

use std::hint::black_box;
use std::time::Instant;

use chrono::{DateTime, Duration, TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use slamail_core::clock::{Happening, LedgerEntry, append, evaluate, opening, transition};
use slamail_core::ids::{CaseId, SeverityId, TierId};
use slamail_core::policy::{Policy, builtin};
use slamail_core::report::{Month, ReportCase, compute};

/// A deterministic pseudo-random sequence (no dependency, same cases every run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

fn step(p: &Policy, ledger: &mut Vec<LedgerEntry>, h: Happening, at: DateTime<Utc>) {
    let Ok(view) = evaluate(ledger, p) else {
        return;
    };
    if let Ok(events) = transition(p, &view, &h, at) {
        let new = append(ledger, events, at, "bench", &p.version);
        ledger.extend(new);
    }
}

pub fn cases(p: &Policy, n: usize) -> Vec<ReportCase> {
    let mut r = Lcg(42);
    let start = Utc
        .with_ymd_and_hms(2026, 11, 1, 8, 0, 0)
        .single()
        .expect("literal");
    let orgs = [
        "acme", "globex", "initech", "umbrella", "hooli", "soylent", "stark", "wayne",
    ];
    let sev = ["critical", "severe", "minor"];
    (0..n)
        .map(|i| {
            let opened = start + Duration::minutes(r.next(29 * 24 * 60) as i64);
            let s = sev[r.next(3) as usize];
            let first = opening(
                p,
                &TierId::parse("enterprise").unwrap(),
                &SeverityId::parse(s).unwrap(),
            );
            let mut ledger = append(&[], vec![first], opened, "intake", &p.version);
            let mut t = opened;
            if r.next(5) == 0 {
                t += Duration::minutes(10 + r.next(120) as i64);
                step(
                    p,
                    &mut ledger,
                    Happening::Wait {
                        reason: "logs".into(),
                    },
                    t,
                );
                t += Duration::minutes(30 + r.next(2000) as i64);
                step(p, &mut ledger, Happening::Customer, t);
            }
            if r.next(10) == 0 {
                t += Duration::minutes(5);
                let to = sev[r.next(3) as usize];
                step(
                    p,
                    &mut ledger,
                    Happening::Reclassify {
                        to: SeverityId::parse(to).unwrap(),
                        reason: "triage".into(),
                    },
                    t,
                );
            }
            if r.next(20) != 0 {
                t += Duration::minutes(5 + r.next(900) as i64);
                step(p, &mut ledger, Happening::AgentPublic, t);
            }
            if r.next(8) == 0 {
                t += Duration::minutes(60);
                step(
                    p,
                    &mut ledger,
                    Happening::Close {
                        reason: "done".into(),
                    },
                    t,
                );
                t += Duration::minutes(600);
                step(
                    p,
                    &mut ledger,
                    Happening::Reopen {
                        reason: "again".into(),
                    },
                    t,
                );
                t += Duration::minutes(r.next(600) as i64);
                step(p, &mut ledger, Happening::AgentPublic, t);
            }
            ReportCase {
                case_id: CaseId::parse(&format!("AS-2026-{:06}", i + 1)).unwrap(),
                organisation: Some(orgs[r.next(8) as usize].to_string()),
                ledger,
            }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let p = builtin("activestate").expect("policy");
    let month: Month = "2026-11".parse().expect("month");
    let as_of = Utc
        .with_ymd_and_hms(2026, 12, 15, 0, 0, 0)
        .single()
        .expect("literal");
    let cases = cases(&p, 10_000);
    let entries: usize = cases.iter().map(|c| c.ledger.len()).sum();
    let t = Instant::now();
    let r = compute(&p, month, None, &cases, as_of);
    eprintln!(
        "report over {} cases ({entries} ledger entries): {} rows, {} breaches, {} holidays; one run {:?}",
        r.cases,
        r.rows.len(),
        r.breaches.len(),
        r.holidays.len(),
        t.elapsed()
    );
    c.bench_function("report_10000_cases", |b| {
        b.iter(|| compute(black_box(&p), month, None, black_box(&cases), as_of))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
