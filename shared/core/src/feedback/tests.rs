use std::path::PathBuf;

use chrono::{DateTime, Utc};

use super::*;
use crate::feedback::event::{MAX_DETAIL, parse_sending_event};

fn sample(name: &str) -> SendingEvent {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../samplemail/feedback")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let sns: serde_json::Value = serde_json::from_str(&text).expect("SNS event");
    let message = sns["Records"][0]["Sns"]["Message"]
        .as_str()
        .expect("Message");
    parse_sending_event(message).expect("SES event")
}

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-30T22:11:00Z")
        .expect("instant")
        .with_timezone(&Utc)
}

const ALICE: Option<&str> = Some("alice@acme.example");
const REPLY: &str = "0100019af0b2c6d4-7e3a1f58-2c94-4d0b-b6a3-91e5f0c2d7a8-000000";

#[test]
fn a_permanent_bounce_holds_the_requester_for_the_configured_days() {
    let e = sample("bounce-permanent.sns.json");
    assert_eq!(e.reply_ses_message_id, REPLY);
    assert!(matches!(&e.kind, FeedbackKind::PermanentBounce { sub_type } if sub_type == "General"));
    assert_eq!(e.recipients[0].as_str(), "alice@acme.example");
    assert!(e.detail.contains("5.1.1"), "{}", e.detail);
    let FeedbackAction::HoldUntil(who, until) = action(&e, ALICE, now(), 7) else {
        panic!("{:?}", action(&e, ALICE, now(), 7))
    };
    assert_eq!(who, e.recipients);
    assert_eq!((until - now()).num_days(), 7);
    let m = feedback_message(&e, now());
    assert_eq!(m.ses_message_id, e.feedback_id);
    assert!(m.note.as_deref().unwrap_or("").contains("permanent bounce"));
}

#[test]
fn a_transient_bounce_is_only_recorded() {
    let e = sample("bounce-transient.sns.json");
    assert!(
        matches!(&e.kind, FeedbackKind::TransientBounce { bounce_type, .. } if bounce_type == "Transient")
    );
    assert_eq!(action(&e, ALICE, now(), 7), FeedbackAction::Record);
    let mut undetermined = e.clone();
    undetermined.kind = FeedbackKind::TransientBounce {
        bounce_type: "Undetermined".into(),
        sub_type: "Undetermined".into(),
    };
    assert_eq!(
        action(&undetermined, ALICE, now(), 7),
        FeedbackAction::Record
    );
}

#[test]
fn a_complaint_stops_replies_to_the_requester() {
    let e = sample("complaint.sns.json");
    assert!(matches!(&e.kind, FeedbackKind::Complaint { feedback_type: Some(t) } if t == "abuse"));
    assert_eq!(
        action(&e, ALICE, now(), 7),
        FeedbackAction::StopReplies(e.recipients.clone())
    );
    assert!(
        feedback_message(&e, now())
            .note
            .is_some_and(|n| n.contains("again"))
    );
}

#[test]
fn only_the_address_our_reply_went_to_is_held() {
    let e = sample("complaint.sns.json");
    assert_eq!(
        action(&e, Some("bob@acme.example"), now(), 7),
        FeedbackAction::Record
    );
    assert_eq!(action(&e, None, now(), 7), FeedbackAction::Record);
}

#[test]
fn the_event_must_be_about_the_recorded_reply() {
    let e = sample("bounce-permanent.sns.json");
    let sent = |id: &str| crate::case::ReplyOutcome::Sent {
        ses_message_id: id.into(),
        message_ids: vec![],
        at: String::new(),
    };
    assert!(is_about_reply(&e, &sent(REPLY)));
    assert!(!is_about_reply(&e, &sent("other")));
    assert!(!is_about_reply(&e, &crate::case::ReplyOutcome::Pending));
}

#[test]
fn hostile_or_unknown_events_are_bounded_or_refused() {
    let long = "x".repeat(10_000);
    let json = serde_json::json!({
        "notificationType": "Bounce",
        "mail": {"messageId": "abc", "timestamp": "2026-11-30T22:10:02Z"},
        "bounce": {"bounceType": "Permanent", "bounceSubType": "General\r\nX-Injected: 1",
                   "bouncedRecipients": [{"emailAddress": "not an address"},
                                         {"emailAddress": "a@b.example", "diagnosticCode": long}]}
    })
    .to_string();
    let e = parse_sending_event(&json).expect("identity notification format");
    assert!(e.detail.chars().count() <= MAX_DETAIL);
    assert_eq!(e.recipients.len(), 1, "an unparseable address is dropped");
    assert!(
        matches!(&e.kind, FeedbackKind::PermanentBounce { sub_type } if !sub_type.contains('\n'))
    );
    assert_eq!(
        e.feedback_id, "abc#Bounce",
        "a missing feedback id is derived"
    );
    let delivery = serde_json::json!({"eventType": "Delivery", "mail": {"messageId": "abc"}});
    let d = parse_sending_event(&delivery.to_string()).expect("delivery");
    assert_eq!(action(&d, ALICE, now(), 7), FeedbackAction::Ignore);
    for bad in [
        "",
        "{}",
        "[1]",
        "{\"eventType\":\"Bounce\",\"mail\":{\"messageId\":\"x\"}}",
    ] {
        assert!(parse_sending_event(bad).is_err(), "{bad}");
    }
}

#[test]
fn each_recipient_is_named_once() {
    let many: Vec<_> = (0..200)
        .map(|i| serde_json::json!({"emailAddress": format!("user{}@b.example", i % 60)}))
        .collect();
    let mut listed = vec![
        serde_json::json!({"emailAddress": "alice@acme.example"}),
        serde_json::json!({"emailAddress": "ALICE@acme.example"}),
        serde_json::json!({"emailAddress": "alice@acme.example"}),
    ];
    listed.extend(many);
    let json = serde_json::json!({
        "eventType": "Bounce",
        "mail": {"messageId": "abc", "timestamp": "2026-11-30T22:10:02Z"},
        "bounce": {"bounceType": "Permanent", "bounceSubType": "General",
                   "bouncedRecipients": listed}
    })
    .to_string();
    let e = parse_sending_event(&json).expect("a bounce");
    assert_eq!(e.recipients[0].as_str(), "alice@acme.example");
    assert_eq!(
        e.recipients
            .iter()
            .filter(|r| r.as_str() == "alice@acme.example")
            .count(),
        1
    );
    assert_eq!(
        e.recipients.len(),
        crate::feedback::event::MAX_RECIPIENTS,
        "distinct, up to the cap"
    );
    match action(&e, Some("alice@acme.example"), now(), 7) {
        FeedbackAction::HoldUntil(held, _) => assert_eq!(held.len(), 1),
        other => panic!("{other:?}"),
    }
}
