//! Issue 8 item 6: SES bounce and complaint events of auto-replies, with SES's documented
//! notification JSON (`samplemail/feedback/`), over the intake's in-memory fakes: the event joins
//! the reply's case, a permanent bounce holds the address, a complaint stops replies to it.

use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeDelta, Utc};
use slamail_core::case::ReplyOutcome;
use slamail_core::policy::PolicySet;
use slamail_feedback::{Feedback, Handled};
use slamail_intake::Outcome;
use slamail_intake::fakes::{FakeIntake, SesEvent, instant};

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samplemail/feedback")
}

fn now() -> DateTime<Utc> {
    instant("2026-12-01T12:00:00Z")
}

fn intake() -> FakeIntake {
    let policies = PolicySet::from_list(Some("activestate")).expect("policy");
    FakeIntake::at(policies, "2026-12-01T12:00:00Z")
}

/// A message from alice; returns its case's reply.
async fn from_alice(intake: &FakeIntake, id: &str) -> (slamail_core::ids::CaseId, ReplyOutcome) {
    let bytes = format!(
        "From: Alice <alice@acme.example>\r\nTo: support@activestate.com\r\nSubject: {id}\r\n\
         Message-ID: <{id}@acme.example>\r\n\r\nhelp\r\n"
    );
    let event = SesEvent::new(id, &["support@activestate.com"]).at("2026-12-01T12:00:00.000Z");
    let p = intake.deliver_as(bytes, event).await.expect("processed");
    match &p[0].outcome {
        Outcome::Created { case } => (case.case_id.clone(), case.reply.clone()),
        other => panic!("{other:?}"),
    }
}

/// The sample notification, about the reply SES sent with `reply_id`.
fn notification(name: &str, reply_id: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(samples().join(name)).expect("sample");
    let mut sns: serde_json::Value = serde_json::from_str(&text).expect("json");
    let message = sns["Records"][0]["Sns"]["Message"]
        .as_str()
        .expect("Message")
        .replace(
            "0100019af0b2c6d4-7e3a1f58-2c94-4d0b-b6a3-91e5f0c2d7a8-000000",
            reply_id,
        );
    sns["Records"][0]["Sns"]["Message"] = serde_json::json!(message);
    sns
}

fn sent_id(r: &ReplyOutcome) -> String {
    match r {
        ReplyOutcome::Sent { ses_message_id, .. } => ses_message_id.clone(),
        other => panic!("no reply sent: {other:?}"),
    }
}

#[tokio::test]
async fn a_permanent_bounce_joins_its_case_and_holds_the_address_for_a_while() {
    let intake = intake();
    let feedback = Feedback {
        store: &intake.cases,
        clock: &intake.clock,
        undeliverable_days: 7,
    };
    let (case_id, reply) = from_alice(&intake, "m-1").await;
    let event = notification("bounce-permanent.sns.json", &sent_id(&reply));
    let handled = feedback.handle_event(&event).await.expect("handled");
    assert!(
        matches!(&handled[0], Handled::Recorded { case_id: c, action } if *c == case_id && action.starts_with("held until")),
        "{handled:?}"
    );
    let messages = intake.cases.messages(&case_id);
    assert_eq!(messages.len(), 2, "the bounce is a message of the case");
    assert!(messages[1].note.as_deref().unwrap_or("").contains("5.1.1"));
    assert_eq!(
        intake
            .cases
            .stored_case(&case_id)
            .expect("case")
            .message_count,
        2
    );

    // SNS delivers at least once: the same event again changes nothing.
    let again = feedback.handle_event(&event).await.expect("redelivery");
    assert!(matches!(&again[0], Handled::Duplicate { .. }), "{again:?}");
    assert_eq!(intake.cases.messages(&case_id).len(), 2);

    let (_, next) = from_alice(&intake, "m-2").await;
    assert!(
        matches!(&next, ReplyOutcome::Suppressed { code, reason }
            if code == "undeliverable" && reason.contains(case_id.as_str())),
        "{next:?}"
    );
    intake.clock.set(now() + TimeDelta::days(8));
    let (_, later) = from_alice(&intake, "m-3").await;
    assert!(
        matches!(later, ReplyOutcome::Sent { .. }),
        "the hold ends: {later:?}"
    );
    assert_eq!(intake.mailer.sent().len(), 2);
}

#[tokio::test]
async fn a_complaint_stops_auto_replies_to_the_address_for_good() {
    let intake = intake();
    let feedback = Feedback {
        store: &intake.cases,
        clock: &intake.clock,
        undeliverable_days: 7,
    };
    let (case_id, reply) = from_alice(&intake, "c-1").await;
    let handled = feedback
        .handle_event(&notification("complaint.sns.json", &sent_id(&reply)))
        .await
        .expect("handled");
    assert!(
        matches!(&handled[0], Handled::Recorded { action, .. } if action == "auto-replies stopped"),
        "{handled:?}"
    );
    for (i, days) in [0, 30, 400].into_iter().enumerate() {
        intake.clock.set(now() + TimeDelta::days(days));
        let (_, r) = from_alice(&intake, &format!("c-next-{i}")).await;
        assert!(
            matches!(&r, ReplyOutcome::Suppressed { code, reason }
                if code == "complained" && reason.contains(case_id.as_str())),
            "after {days} days: {r:?}"
        );
    }
    assert_eq!(intake.mailer.sent().len(), 1);
}

#[tokio::test]
async fn a_transient_bounce_is_recorded_without_a_hold() {
    let intake = intake();
    let feedback = Feedback {
        store: &intake.cases,
        clock: &intake.clock,
        undeliverable_days: 7,
    };
    let (case_id, reply) = from_alice(&intake, "t-1").await;
    let handled = feedback
        .handle_event(&notification("bounce-transient.sns.json", &sent_id(&reply)))
        .await
        .expect("handled");
    assert!(matches!(&handled[0], Handled::Recorded { action, .. } if action == "recorded"));
    assert_eq!(intake.cases.messages(&case_id).len(), 2);
    let (_, next) = from_alice(&intake, "t-2").await;
    assert!(matches!(next, ReplyOutcome::Sent { .. }), "{next:?}");
}

#[tokio::test]
async fn feedback_about_no_reply_of_ours_changes_nothing_and_garbage_fails() {
    let intake = intake();
    let feedback = Feedback {
        store: &intake.cases,
        clock: &intake.clock,
        undeliverable_days: 7,
    };
    let (case_id, _) = from_alice(&intake, "n-1").await;
    let handled = feedback
        .handle_event(&notification(
            "bounce-permanent.sns.json",
            "someone-elses-id",
        ))
        .await
        .expect("handled");
    assert!(
        matches!(&handled[0], Handled::NotOurs { .. }),
        "{handled:?}"
    );
    assert_eq!(intake.cases.messages(&case_id).len(), 1);
    let (_, next) = from_alice(&intake, "n-2").await;
    assert!(matches!(next, ReplyOutcome::Sent { .. }));
    // Not SNS, or an SNS message that is not an SES event: the invocation fails (retried, then
    // dead-lettered for a person to read), never silently dropped.
    assert!(
        feedback
            .handle_event(&serde_json::json!({"x": 1}))
            .await
            .is_err()
    );
    let bad = serde_json::json!({"Records": [{"Sns": {"MessageId": "1", "Message": "not json"}}]});
    assert!(feedback.handle_event(&bad).await.is_err());
}
