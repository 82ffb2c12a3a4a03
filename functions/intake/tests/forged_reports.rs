//! Forged delivery reports (issue 8, item 5), over the in-memory fakes. A report is anyone's to
//! write: only one citing one of *our outbound* Message-IDs may join a case, it joins as a
//! delivery report (never as the customer's message, never with the forger's subject), and it
//! holds replies only to the address it says failed, and only if that is the reply's recipient.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use slamail_core::case::{CaseRecord, Direction, RawLocation, ReplyOutcome};
use slamail_core::policy::PolicySet;
use slamail_intake::fakes::FakeIntake;
use slamail_intake::{IntakeConfig, Outcome, Processed};

/// What the sample DSN cites and names; each test points them at its own case.
const SAMPLE_CITED: &str =
    "0100019af0b2c6d4-7e3a1f58-2c94-4d0b-b6a3-91e5f0c2d7a8-000000@email.amazonses.com";
const SAMPLE_FAILED: &str = "heidi@globex.example";
const SAMPLE_SUBJECT: &str = "Subject: Undelivered Mail Returned to Sender";
const FORGED_SUBJECT: &str = "URGENT: wire the refund to IBAN XX00 0000 today";

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samplemail")
}

fn read_json(name: &str) -> serde_json::Value {
    let path = samples().join(name);
    serde_json::from_slice(&std::fs::read(&path).expect("sample event")).expect("json")
}

fn intake() -> FakeIntake {
    let policies = PolicySet::from_list(None).expect("built-in policies");
    let config = IntakeConfig::new("raw", "inbound/", "cases", "directory");
    let now = DateTime::parse_from_rfc3339("2026-12-01T12:00:00Z")
        .expect("instant")
        .with_timezone(&Utc);
    FakeIntake::fake(config, policies, now)
}

/// Delivers `bytes` as the message of `event_file`, under a fresh SES id.
async fn deliver(intake: &FakeIntake, bytes: &[u8], event_file: &str, id: &str) -> Processed {
    let mut event = read_json(event_file);
    if let Some(mail) = event.pointer_mut("/Records/0/ses/mail") {
        mail["messageId"] = serde_json::json!(id);
    }
    intake.raw.put(
        &RawLocation {
            bucket: "raw".into(),
            key: format!("inbound/{id}"),
        },
        bytes.to_vec(),
    );
    let mut done = intake.handle_event(&event).await.expect("processed");
    done.remove(0)
}

/// A new message of the customer's (sample 01 under its own Message-ID, so that it is not a
/// duplicate of an earlier delivery), answered: its case.
async fn customer_case(intake: &FakeIntake, id: &str) -> CaseRecord {
    let bytes = std::fs::read_to_string(samples().join("01-enterprise-critical.eml"))
        .expect("sample 01")
        .replacen(
            "Message-ID: <B02F28D45BEE49417EAD.6d5d686a@mail.acme.example>",
            &format!("Message-ID: <{id}@mail.acme.example>"),
            1,
        )
        .into_bytes();
    match deliver(intake, &bytes, "01-enterprise-critical.event.json", id)
        .await
        .outcome
    {
        Outcome::Created { case } => *case,
        other => panic!("{other:?}"),
    }
}

fn our_reply_id(case: &CaseRecord) -> String {
    match &case.reply {
        ReplyOutcome::Sent { message_ids, .. } => message_ids[0].clone(),
        other => panic!("no reply sent: {other:?}"),
    }
}

/// The sample DSN, citing `cited`, naming `failed` as the failed recipient, with the forger's
/// subject.
fn report(cited: &str, failed: &str) -> Vec<u8> {
    std::fs::read_to_string(samples().join("08-bounce-of-auto-reply.eml"))
        .expect("sample 08")
        .replace(SAMPLE_CITED, cited)
        .replace(SAMPLE_FAILED, failed)
        .replacen(SAMPLE_SUBJECT, &format!("Subject: {FORGED_SUBJECT}"), 1)
        .into_bytes()
}

async fn deliver_report(intake: &FakeIntake, bytes: &[u8], id: &str) -> Processed {
    deliver(intake, bytes, "08-bounce-of-auto-reply.event.json", id).await
}

/// Whether the customer's next message is still answered (no undeliverable hold).
async fn next_message_is_answered(intake: &FakeIntake, id: &str) -> bool {
    matches!(
        customer_case(intake, id).await.reply,
        ReplyOutcome::Sent { .. }
    )
}

#[tokio::test]
async fn a_report_citing_the_customers_message_id_does_not_join_their_case() {
    let intake = intake();
    let case = customer_case(&intake, "c-1").await;
    let customer_id = case.message_id.clone().expect("sample 01 has a Message-ID");
    let requester = case.requester.clone().expect("requester");

    let forged = report(&customer_id, &requester);
    let p = deliver_report(&intake, &forged, "f-1").await;
    assert!(
        !matches!(&p.outcome, Outcome::Appended { .. }),
        "a report citing the customer's own Message-ID joined their case: {:?}",
        p.outcome
    );
    let messages = intake.cases.messages(&case.case_id);
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(
        messages
            .iter()
            .all(|m| m.subject.as_deref() != Some(FORGED_SUBJECT)),
        "{messages:?}"
    );
    assert!(
        next_message_is_answered(&intake, "c-2").await,
        "the customer was put on hold"
    );
}

#[tokio::test]
async fn a_report_citing_our_reply_takes_no_subject_and_holds_only_the_failed_recipient() {
    let intake = intake();
    let case = customer_case(&intake, "c-1").await;

    // Our reply's id, but the report says some other address failed: it is a report about our
    // reply, so it joins the case, but it holds nobody.
    let forged = report(&our_reply_id(&case), "someone-else@elsewhere.example");
    let p = deliver_report(&intake, &forged, "f-1").await;
    assert!(
        matches!(&p.outcome, Outcome::Appended { case_id, .. } if *case_id == case.case_id),
        "{:?}",
        p.outcome
    );
    let messages = intake.cases.messages(&case.case_id);
    assert_eq!(messages.len(), 2);
    let attached = &messages[1];
    assert_ne!(
        attached.subject.as_deref(),
        Some(FORGED_SUBJECT),
        "{attached:?}"
    );
    assert!(
        next_message_is_answered(&intake, "c-2").await,
        "the customer was put on hold"
    );
}

#[tokio::test]
async fn a_genuine_report_of_our_reply_joins_as_a_report_and_holds_its_recipient() {
    let intake = intake();
    let case = customer_case(&intake, "c-1").await;
    let requester = case.requester.clone().expect("requester");

    let genuine = report(&our_reply_id(&case), &requester);
    let p = deliver_report(&intake, &genuine, "r-1").await;
    assert!(
        matches!(&p.outcome, Outcome::Appended { case_id, .. } if *case_id == case.case_id),
        "{:?}",
        p.outcome
    );
    let messages = intake.cases.messages(&case.case_id);
    let attached = &messages[1];
    assert_eq!(attached.direction, Direction::DeliveryReport);
    assert_eq!(attached.subject, None);
    assert!(
        attached
            .note
            .as_deref()
            .is_some_and(|n| n.contains("delivery report")),
        "{attached:?}"
    );
    assert_eq!(
        intake
            .cases
            .stored_case(&case.case_id)
            .map(|c| c.message_count),
        Some(2)
    );
    let next = customer_case(&intake, "c-2").await;
    assert!(
        matches!(&next.reply, ReplyOutcome::Suppressed { code, .. } if code == "undeliverable"),
        "{:?}",
        next.reply
    );
}
