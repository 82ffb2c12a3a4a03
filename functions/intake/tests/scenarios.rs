//! Every sample scenario and the failure paths of the intake, run over the in-memory fakes: no
//! emulator, milliseconds per message. The moto tests (`tests/tests/intake.rs`) cover the AWS
//! adapters and the end-to-end paths.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::TimeDelta;
use serde::Deserialize;
use slamail_core::case::ReplyOutcome;
use slamail_core::ids::{EmailAddress, OrgId, PolicyId, TierId};
use slamail_core::intake::ports::{Clock, InboundState, ReplyState, SendError};
use slamail_core::policy::PolicySet;
use slamail_core::triage::Membership;
use slamail_intake::fakes::{FakeIntake, Scenario, Scenarios};
use slamail_intake::{IntakeError, Outcome, Processed};

/// The parts of `samplemail/directory.toml` the intake sees: who is in which organisation.
#[derive(Debug, Deserialize)]
struct DirectoryFile {
    orgs: Vec<Org>,
}

#[derive(Debug, Deserialize)]
struct Org {
    id: String,
    name: String,
    policy: String,
    tier: String,
    #[serde(default)]
    members: Vec<Member>,
}

#[derive(Debug, Deserialize)]
struct Member {
    email: String,
    #[serde(default)]
    verified: bool,
    designated: Option<bool>,
    #[serde(default)]
    role: Option<String>,
}

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samplemail")
}

fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap_or_else(|e| panic!("{path:?}: {e}")))
        .unwrap_or_else(|e| panic!("{path:?}: {e}"))
}

fn scenarios() -> Vec<Scenario> {
    let text = std::fs::read_to_string(samples().join("scenarios.toml")).expect("scenarios.toml");
    toml::from_str::<Scenarios>(&text)
        .expect("scenarios.toml parses")
        .scenario
}

/// An intake over fakes, with the sample directory loaded.
fn intake() -> FakeIntake {
    let policies = PolicySet::from_list(None).expect("built-in policies");
    let intake = FakeIntake::at(policies, "2026-12-01T12:00:00Z");
    let text = std::fs::read_to_string(samples().join("directory.toml")).expect("directory");
    let dir: DirectoryFile = toml::from_str(&text).expect("directory.toml parses");
    for org in dir.orgs {
        for m in org.members {
            intake.directory.add(
                EmailAddress::parse(&m.email).expect("member address"),
                Membership {
                    org: OrgId::parse(&org.id).expect("org id"),
                    org_name: org.name.clone(),
                    policy: PolicyId::parse(&org.policy).expect("policy id"),
                    tier: TierId::parse(&org.tier).expect("tier id"),
                    designated: m.verified && m.designated == Some(true),
                    third_party: m.role.as_deref() == Some("third-party"),
                    by_domain: false,
                    support_term: None,
                    products: Vec::new(),
                },
            );
        }
    }
    intake
}

fn with_id(event: &serde_json::Value, id: &str) -> serde_json::Value {
    let mut e = event.clone();
    if let Some(mail) = e.pointer_mut("/Records/0/ses/mail") {
        mail["messageId"] = serde_json::json!(id);
    }
    e
}

/// Puts the message where SES would for this event.
fn store(intake: &FakeIntake, bytes: &[u8], event: &serde_json::Value) {
    let id = event
        .pointer("/Records/0/ses/mail/messageId")
        .and_then(|v| v.as_str())
        .expect("message id");
    intake.put_raw(id, bytes);
}

fn first() -> (Vec<u8>, serde_json::Value) {
    (
        std::fs::read(samples().join("01-enterprise-critical.eml")).expect("sample 01"),
        read_json(&samples().join("01-enterprise-critical.event.json")),
    )
}

/// The same message with its own Message-ID: a distinct message, not a duplicate delivery.
fn with_message_id(bytes: &[u8], unique: &str) -> Vec<u8> {
    String::from_utf8_lossy(bytes)
        .replace(
            "B02F28D45BEE49417EAD.6d5d686a@mail.acme.example",
            &format!("{unique}@mail.acme.example"),
        )
        .into_bytes()
}

fn created(p: &[Processed]) -> &slamail_core::case::CaseRecord {
    match &p[0].outcome {
        Outcome::Created { case } => case,
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn every_sample_scenario_without_the_emulator() {
    let intake = intake();
    let all = scenarios();
    assert!(all.len() >= 14);
    let mut failures = Vec::new();
    for (i, s) in all.iter().enumerate() {
        let bytes = std::fs::read(samples().join(&s.eml)).expect("eml");
        let event = with_id(&read_json(&samples().join(&s.event)), &format!("s-{i}"));
        store(&intake, &bytes, &event);
        intake.cases.clear_calls();
        let sent_before = intake.mailer.sent().len();
        let processed = intake
            .handle_event(&event)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", s.name));
        let case = match &processed[0].outcome {
            Outcome::Created { case } => case.clone(),
            Outcome::Appended { .. } if s.reply == "bounce" => continue,
            other => panic!("{}: {other:?}", s.name),
        };
        let stored = intake.cases.stored_case(&case.case_id).expect("stored");
        failures.extend(s.case_mismatches(&stored));
        let mut check = |what: &str, got: &str, want: &str| {
            if got != want {
                failures.push(format!("{}: {what} is {got:?}, expected {want:?}", s.name));
            }
        };
        let sent = &intake.mailer.sent()[sent_before..];
        let inbound = intake.cases.inbound(&format!("s-{i}")).expect("inbound");
        check("inbound state", inbound.state.as_str(), "done");
        match (&stored.reply, s.reply.as_str()) {
            (ReplyOutcome::Sent { .. }, "sent") => {
                check("replies sent", &sent.len().to_string(), "1");
                let raw = sent.first().map(|m| m.raw.as_str()).unwrap_or_default();
                check(
                    "reply names the case",
                    &raw.contains(&format!("[{}]", case.case_id)).to_string(),
                    "true",
                );
                check(
                    "reply goes to the requester",
                    sent.first().map(|m| m.to.as_str()).unwrap_or_default(),
                    stored.requester.as_deref().unwrap_or_default(),
                );
                check("reply state", inbound.reply_state.as_str(), "sent");
                // claim, fetch, memberships, case number, open, send, record: one call each.
                check(
                    "case-store calls",
                    &intake.cases.calls().join(" "),
                    "claim next_case_id open record_reply",
                );
            }
            (ReplyOutcome::Suppressed { code, .. }, want) => {
                check("reply", code, want);
                check("replies sent", &sent.len().to_string(), "0");
            }
            (other, want) => failures.push(format!("{}: reply {other:?}, expected {want}", s.name)),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn duplicates_sequential_and_concurrent_make_one_case_and_one_reply() {
    let intake = Arc::new(intake());
    let (bytes, event) = first();
    store(&intake, &bytes, &event);
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (intake, event) = (intake.clone(), event.clone());
        tasks.push(tokio::spawn(
            async move { intake.handle_event(&event).await },
        ));
    }
    let mut created_n = 0;
    for t in tasks {
        match t.await.expect("task") {
            Ok(p) if matches!(p[0].outcome, Outcome::Created { .. }) => created_n += 1,
            Ok(p) => assert!(matches!(p[0].outcome, Outcome::Duplicate { .. })),
            Err(IntakeError::Busy(_)) => {}
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(created_n, 1);
    let again = intake.handle_event(&event).await.expect("again");
    assert!(matches!(
        again[0].outcome,
        Outcome::Duplicate { case_id: Some(_) }
    ));
    assert_eq!(intake.cases.case_count(), 1);
    assert_eq!(intake.mailer.sent().len(), 1);
}

#[tokio::test]
async fn a_failure_before_the_case_releases_the_claim_for_the_retry() {
    let intake = intake();
    let (bytes, event) = first();
    store(&intake, &bytes, &event);
    intake.raw.fail_next_fetch();
    assert!(intake.handle_event(&event).await.is_err());
    let retry = intake.handle_event(&event).await.expect("retry");
    assert!(matches!(created(&retry).reply, ReplyOutcome::Sent { .. }));
    assert_eq!(intake.mailer.sent().len(), 1);
}

#[tokio::test]
async fn a_passing_ses_refusal_is_retried_and_the_reply_sent_once() {
    let intake = intake();
    let (bytes, event) = first();
    store(&intake, &bytes, &event);
    intake
        .mailer
        .fail_next(SendError::Unavailable("Throttling".into()));
    let err = intake.handle_event(&event).await.unwrap_err();
    assert!(matches!(err, IntakeError::ReplyDeferred { .. }), "{err}");
    let id = "qg2tghohvjpf0aa58trc73g3knet7ft95ffneckl";
    assert_eq!(
        intake.cases.inbound(id).expect("inbound").reply_state,
        ReplyState::None,
        "the refused reply is back to `none`"
    );
    let retry = intake.handle_event(&event).await.expect("retry");
    let case = created(&retry);
    assert!(
        matches!(case.reply, ReplyOutcome::Sent { .. }),
        "{:?}",
        case.reply
    );
    assert_eq!(intake.mailer.sent().len(), 1);
    assert_eq!(intake.cases.case_count(), 1, "the retry reuses the case");
}

#[tokio::test]
async fn a_send_without_an_answer_is_recorded_as_unknown_and_never_repeated() {
    let intake = intake();
    let (bytes, event) = first();
    store(&intake, &bytes, &event);
    intake
        .mailer
        .fail_next(SendError::Unknown("timed out".into()));
    let p = intake.handle_event(&event).await.expect("recorded");
    assert!(matches!(created(&p).reply, ReplyOutcome::Unknown { .. }));
    let again = intake.handle_event(&event).await.expect("redelivery");
    assert!(matches!(again[0].outcome, Outcome::Duplicate { .. }));
    assert_eq!(intake.mailer.sent().len(), 1);
}

#[tokio::test]
async fn an_invocation_killed_after_sending_is_settled_once_its_lease_ends() {
    let intake = intake();
    let (bytes, event) = first();
    store(&intake, &bytes, &event);
    // The reply goes out, then the record and the release both fail: as if killed.
    intake.cases.fail_next("record_reply");
    intake.cases.fail_next("release");
    assert!(intake.handle_event(&event).await.is_err());
    let id = "qg2tghohvjpf0aa58trc73g3knet7ft95ffneckl";
    assert_eq!(
        intake.cases.inbound(id).expect("item").reply_state,
        ReplyState::Sending
    );
    // Lambda's first retry comes about a minute later; before the lease ends it would be busy.
    assert!(matches!(
        intake.handle_event(&event).await,
        Err(IntakeError::Busy(_))
    ));
    let start = intake.clock.now();
    intake.clock.set(start + TimeDelta::seconds(60));
    let retry = intake
        .handle_event(&event)
        .await
        .expect("retry after a minute");
    assert!(matches!(
        created(&retry).reply,
        ReplyOutcome::Unknown { .. }
    ));
    let item = intake.cases.inbound(id).expect("item");
    assert_eq!(
        (item.state, item.reply_state),
        (InboundState::Done, ReplyState::Unknown)
    );
    assert_eq!(intake.mailer.sent().len(), 1, "never a second reply");
}

#[tokio::test]
async fn reply_caps_and_bounces_hold_replies_with_their_reasons() {
    let mut intake = intake();
    intake.config.rate_limits.per_hour = 1;
    let (bytes, event) = first();
    let e1 = with_id(&event, "cap-1");
    store(&intake, &bytes, &e1);
    let p1 = intake.handle_event(&e1).await.expect("first");
    let ReplyOutcome::Sent { ses_message_id, .. } = &created(&p1).reply else {
        panic!("{:?}", created(&p1).reply)
    };
    let e2 = with_id(&event, "cap-2");
    store(&intake, &with_message_id(&bytes, "cap-2"), &e2);
    let p2 = intake.handle_event(&e2).await.expect("second");
    assert!(
        matches!(&created(&p2).reply, ReplyOutcome::Suppressed { code, reason }
            if code == "rate-limited" && reason.contains("at most 1 per hour")),
        "{:?}",
        created(&p2).reply
    );

    // The reply to the first bounces: it joins that case, and the next message is held. The
    // report cites that reply and names its recipient as the address that failed.
    let requester = created(&p1).requester.clone().expect("requester");
    let bounce = std::fs::read_to_string(samples().join("08-bounce-of-auto-reply.eml"))
        .expect("bounce")
        .replace(
            "0100019af0b2c6d4-7e3a1f58-2c94-4d0b-b6a3-91e5f0c2d7a8-000000",
            ses_message_id,
        )
        .replace("heidi@globex.example", &requester);
    let eb = with_id(
        &read_json(&samples().join("08-bounce-of-auto-reply.event.json")),
        "b-1",
    );
    store(&intake, bounce.as_bytes(), &eb);
    let pb = intake.handle_event(&eb).await.expect("bounce");
    assert!(
        matches!(&pb[0].outcome, Outcome::Appended { case_id, .. } if *case_id == created(&p1).case_id),
        "{:?}",
        pb[0].outcome
    );
    assert_eq!(intake.cases.messages(&created(&p1).case_id).len(), 2);
    intake.config.rate_limits.per_hour = 5;
    let e3 = with_id(&event, "cap-3");
    store(&intake, &with_message_id(&bytes, "cap-3"), &e3);
    let p3 = intake.handle_event(&e3).await.expect("third");
    assert!(
        matches!(&created(&p3).reply, ReplyOutcome::Suppressed { code, reason }
            if code == "undeliverable" && reason.contains(created(&p1).case_id.as_str())),
        "{:?}",
        created(&p3).reply
    );
    assert_eq!(intake.mailer.sent().len(), 1);
}
