//! The pure per-message work of the intake: parse → triage → deadline → threading decisions
//! (thread ids, subject tag, the sender's standing, the follow-up's placement and its clock
//! transition over a case ledger) → reply rendering, on the sample messages. Target: under
//! 50 µs for a typical 5 KB message.
//!
//! Run: `cargo bench -p slamail-core --bench intake`

use std::hint::black_box;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use slamail_core::clock::{self, Happening, LedgerEntry};
use slamail_core::conversation::follow_up::Threaded;
use slamail_core::conversation::{Participants, place, standing, subject_tag, thread_ids};
use slamail_core::ids::{CaseId, EmailAddress, OrgId, PolicyId, SeverityId, TierId};
use slamail_core::message::InboundEmail;
use slamail_core::policy::Policy;
use slamail_core::policy::PolicySet;
use slamail_core::reply::render_reply;
use slamail_core::triage::decide::{decide, sender_of};
use slamail_core::triage::{Membership, Verdicts};

fn samples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../samplemail")
}

/// Everything one message costs without I/O; returns the reply size so nothing is optimised out.
fn per_message(
    policies: &PolicySet,
    raw: &[u8],
    received: DateTime<Utc>,
    ledger: &[LedgerEntry],
) -> usize {
    let email = InboundEmail::parse(raw);
    let recipients = [EmailAddress::parse("support@activestate.com").expect("address")];
    let Some((policy, _)) = policies.for_recipients(recipients.iter()) else {
        return 0;
    };
    // What the directory would answer for a designated Enterprise contact.
    let memberships: Vec<Membership> = sender_of(&email)
        .map(|_| {
            vec![Membership {
                org: OrgId::parse("acme").expect("org"),
                org_name: "Acme".into(),
                policy: PolicyId::parse("activestate").expect("policy"),
                tier: TierId::parse("enterprise").expect("tier"),
                designated: true,
                third_party: false,
                by_domain: false,
                support_term: None,
                products: vec![],
            }]
        })
        .unwrap_or_default();
    let Ok(decision) = decide(
        policy,
        policies,
        &email,
        &Verdicts::all_pass(),
        &memberships,
        received,
    ) else {
        return 0;
    };
    let case_id = CaseId::new(&policy.case_prefix, 2026, 123);
    // The threading decisions, as if the message named a case with a few ledger entries: the
    // most the pure core does for any message.
    let ids = thread_ids(&email);
    let tag = email
        .subject
        .as_deref()
        .and_then(|s| subject_tag(s, &policy.case_prefix));
    let threaded = follow_up_work(policy, &email, &decision, &memberships, ledger, received);
    black_box((ids, tag, threaded));
    decision
        .reply_input(policy, &case_id, &email, received, "bench.invalid")
        .and_then(|input| render_reply(&input).ok())
        .map(|r| r.raw.len())
        .unwrap_or(0)
}

/// A case's ledger: opened, waited on, resumed.
fn ledger(policy: &Policy, received: DateTime<Utc>) -> Vec<LedgerEntry> {
    let start = clock::opening(
        policy,
        &TierId::parse("enterprise").expect("tier"),
        &SeverityId::parse("critical").expect("severity"),
    );
    let mut l = clock::append(&[], vec![start], received, "intake", &policy.version);
    let more = clock::append(
        &l,
        vec![
            clock::ClockEvent::Pause {
                reason: "logs".into(),
            },
            clock::ClockEvent::Resume {
                reason: "replied".into(),
            },
        ],
        received + chrono::TimeDelta::minutes(30),
        "agent:sam@activestate.com",
        &policy.version,
    );
    l.extend(more);
    l
}

/// Standing, placement, and the clock transition with its live fields.
fn follow_up_work(
    policy: &Policy,
    email: &InboundEmail,
    decision: &slamail_core::triage::decide::Decision,
    memberships: &[Membership],
    ledger: &[LedgerEntry],
    received: DateTime<Utc>,
) -> Option<clock::Live> {
    let requester = EmailAddress::parse("alice@acme.example").ok()?;
    let orgs = [OrgId::parse("acme").ok()?];
    let who = standing(
        policy,
        &Participants {
            requester: Some(&requester),
            addressed: &[],
            organisations: &orgs,
        },
        decision.sender.as_ref(),
        decision.authenticity.is_verified(),
        memberships,
    );
    let case_id = CaseId::new(&policy.case_prefix, 2026, 123);
    let view = clock::evaluate(ledger, policy).ok()?;
    let _ = place(
        policy,
        &Threaded {
            case_id: &case_id,
            standing: who,
            recipients: &email.recipients,
            requester: Some(&requester),
            reply: &decision.reply,
            closed_at: view.closed_at,
            received,
        },
    );
    let at = received + chrono::TimeDelta::hours(1);
    let events = clock::transition(policy, &view, &Happening::Customer, at).ok()?;
    let mut all = ledger.to_vec();
    all.extend(clock::append(
        ledger,
        events,
        at,
        "customer",
        &policy.version,
    ));
    let after = clock::evaluate(&all, policy).ok()?;
    Some(clock::live(policy, &after))
}

fn bench(c: &mut Criterion) {
    let policies = PolicySet::builtin().expect("built-in policies");
    let received: DateTime<Utc> = "2026-11-23T23:10:00Z".parse().expect("time");
    // The case's ledger is read from the store with the case: input, not per-message work.
    let case_ledger = ledger(&policies.policies()[0], received);
    let mut group = c.benchmark_group("intake_per_message");
    for name in [
        "01-enterprise-critical.eml",
        "03-team-critical-clamped.eml",
        "13-latin1-subject.eml",
        "08-bounce-of-auto-reply.eml",
    ] {
        let raw = std::fs::read(samples().join(name)).expect("sample message");
        assert!(per_message(&policies, &raw, received, &case_ledger) > 0 || name.starts_with("08"));
        group.bench_function(format!("{name} ({} bytes)", raw.len()), |b| {
            b.iter(|| per_message(&policies, black_box(&raw), received, &case_ledger))
        });
    }
    // A typical 5 KB message: the first sample with its body padded to 5 KB of prose.
    let mut padded = std::fs::read(samples().join("01-enterprise-critical.eml")).expect("sample");
    while padded.len() < 5 * 1024 {
        padded.extend_from_slice(
            b"We see the same failure on every build agent since this morning's release.\r\n",
        );
    }
    group.bench_function("typical 5 KB message", |b| {
        b.iter(|| per_message(&policies, black_box(&padded), received, &case_ledger))
    });
    group.finish();

    // Where the time goes, for the first sample.
    let raw = std::fs::read(samples().join("01-enterprise-critical.eml")).expect("sample");
    let mut stages = c.benchmark_group("intake_stages");
    stages.bench_function("parse", |b| b.iter(|| InboundEmail::parse(black_box(&raw))));
    let email = InboundEmail::parse(&raw);
    let policy = &policies.policies()[0];
    stages.bench_function("decide", |b| {
        b.iter(|| {
            decide(
                policy,
                &policies,
                black_box(&email),
                &Verdicts::all_pass(),
                &[],
                received,
            )
        })
    });
    if let Ok(decision) = decide(
        policy,
        &policies,
        &email,
        &Verdicts::all_pass(),
        &[],
        received,
    ) {
        let case_id = CaseId::new(&policy.case_prefix, 2026, 123);
        if let Some(input) =
            decision.reply_input(policy, &case_id, &email, received, "bench.invalid")
        {
            stages.bench_function("render reply", |b| b.iter(|| render_reply(&input)));
        }
        stages.bench_function("threading decisions and clock", |b| {
            b.iter(|| {
                (
                    thread_ids(black_box(&email)),
                    follow_up_work(policy, &email, &decision, &[], &case_ledger, received),
                )
            })
        });
    }
    stages.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
