//! Issue 8 item 15: a reply SES throttles is queued, never lost and never sent twice; the paced
//! sender sends it, puts it back while SES still throttles, and settles one whose sender died.
//! Over the intake's in-memory fakes.

use chrono::{DateTime, TimeDelta, Utc};
use slamail_core::case::ReplyOutcome;
use slamail_core::intake::ports::{InboundState, ReplyState, SendError};
use slamail_core::intake::reply_queue::{QueuedReplies, QueuedReply, Take};
use slamail_core::policy::PolicySet;
use slamail_intake::Outcome;
use slamail_intake::fakes::{FakeIntake, SesEvent, instant};
use slamail_replies::{Sender, Sent};

fn now() -> DateTime<Utc> {
    instant("2026-12-01T12:00:00Z")
}

fn intake() -> FakeIntake {
    let policies = PolicySet::from_list(Some("activestate")).expect("policy");
    let mut intake = FakeIntake::at(policies, "2026-12-01T12:00:00Z").with_queue();
    intake.config.send_retries = 1;
    intake.config.send_retry_pause = std::time::Duration::from_millis(1);
    intake
}

fn sender(
    intake: &FakeIntake,
) -> Sender<
    &slamail_intake::fakes::FakeCases,
    &slamail_intake::fakes::FakeMailer,
    &slamail_intake::fakes::FakeClock,
> {
    Sender {
        store: &intake.cases,
        mailer: &intake.mailer,
        clock: &intake.clock,
        rate: 1000.0,
    }
}

async fn deliver(intake: &FakeIntake, id: &str) -> ReplyOutcome {
    let bytes = format!(
        "From: someone@client.example\r\nTo: support@activestate.com\r\nSubject: {id}\r\n\
         Message-ID: <{id}@client.example>\r\n\r\nhelp\r\n"
    );
    let event = SesEvent::new(id, &["support@activestate.com"]).at("2026-12-01T12:00:00.000Z");
    let p = intake.deliver_as(bytes, event).await.expect("processed");
    match &p[0].outcome {
        Outcome::Created { case } => case.reply.clone(),
        other => panic!("{other:?}"),
    }
}

fn throttle(intake: &FakeIntake, times: usize) {
    for _ in 0..times {
        intake
            .mailer
            .fail_next(SendError::Unavailable("TooManyRequestsException".into()));
    }
}

fn sqs_event(replies: &[QueuedReply]) -> serde_json::Value {
    let records: Vec<_> = replies
        .iter()
        .enumerate()
        .map(|(i, r)| {
            serde_json::json!({"messageId": format!("sqs-{i}"),
                               "body": serde_json::to_string(r).expect("json")})
        })
        .collect();
    serde_json::json!({ "Records": records })
}

#[tokio::test]
async fn a_throttled_reply_is_queued_then_sent_once() {
    let intake = intake();
    throttle(&intake, 2);
    let reply = deliver(&intake, "q-1").await;
    assert!(matches!(reply, ReplyOutcome::Queued { .. }), "{reply:?}");
    let item = intake.cases.inbound("q-1").expect("inbound");
    assert_eq!(
        (item.state, item.reply_state),
        (InboundState::Done, ReplyState::Queued)
    );
    assert!(intake.mailer.sent().is_empty());
    let queued = intake.reply_queue.as_ref().expect("queue").drain();
    assert_eq!(queued.len(), 1);

    let response = sender(&intake)
        .handle_event(&sqs_event(&queued))
        .await
        .expect("batch");
    assert!(response.batch_item_failures.is_empty(), "{response:?}");
    assert_eq!(intake.mailer.sent().len(), 1);
    let case = intake.cases.stored_case(&queued[0].case_id).expect("case");
    assert!(
        matches!(case.reply, ReplyOutcome::Sent { .. }),
        "{:?}",
        case.reply
    );
    assert_eq!(
        intake.cases.inbound("q-1").expect("inbound").reply_state,
        ReplyState::Sent
    );

    // SQS may deliver a message twice: the second delivery sends nothing.
    let again = sender(&intake).send_one(&queued[0]).await.expect("again");
    assert_eq!(again, Sent::AlreadySettled);
    assert_eq!(intake.mailer.sent().len(), 1);
}

#[tokio::test]
async fn a_reply_still_throttled_goes_back_to_the_queue_and_the_batch_stops() {
    let intake = intake();
    throttle(&intake, 4);
    deliver(&intake, "b-1").await;
    deliver(&intake, "b-2").await;
    let queued = intake.reply_queue.as_ref().expect("queue").drain();
    assert_eq!(queued.len(), 2);
    throttle(&intake, 1);
    let response = sender(&intake)
        .handle_event(&sqs_event(&queued))
        .await
        .expect("batch");
    assert_eq!(
        response.batch_item_failures.len(),
        2,
        "the throttled one and the rest of the batch are offered again"
    );
    assert_eq!(
        intake.cases.inbound("b-1").expect("b-1").reply_state,
        ReplyState::Queued
    );
    assert_eq!(
        intake.cases.inbound("b-2").expect("b-2").reply_state,
        ReplyState::Queued
    );
    // The queue offers them again: both go out, once each.
    let response = sender(&intake)
        .handle_event(&sqs_event(&queued))
        .await
        .expect("batch");
    assert!(response.batch_item_failures.is_empty());
    assert_eq!(intake.mailer.sent().len(), 2);
}

#[tokio::test]
async fn a_sender_that_died_mid_send_is_settled_as_unknown_never_resent() {
    let intake = intake();
    throttle(&intake, 2);
    deliver(&intake, "d-1").await;
    let queued = intake.reply_queue.as_ref().expect("queue").drain();
    // A sender takes it and dies before recording anything.
    let taken = intake
        .cases
        .take(&queued[0], now(), now() + TimeDelta::seconds(90))
        .await
        .expect("take");
    assert!(matches!(taken, Take::Taken(_)));
    // While its lease lasts, the redelivered message waits.
    assert_eq!(
        sender(&intake).send_one(&queued[0]).await.expect("busy"),
        Sent::Again { throttled: false }
    );
    intake.clock.set(now() + TimeDelta::seconds(120));
    let settled = sender(&intake).send_one(&queued[0]).await.expect("settled");
    assert!(
        matches!(settled, Sent::Done(ReplyOutcome::Unknown { .. })),
        "{settled:?}"
    );
    assert!(intake.mailer.sent().is_empty(), "never sent twice");
    assert_eq!(
        intake.cases.inbound("d-1").expect("d-1").reply_state,
        ReplyState::Unknown
    );
}

#[tokio::test]
async fn a_reply_that_could_not_be_queued_is_sent_by_the_intakes_retry() {
    let intake = intake();
    throttle(&intake, 2);
    intake
        .reply_queue
        .as_ref()
        .expect("queue")
        .fail_next_enqueue();
    let event_id = "e-1";
    let bytes = "From: x@client.example\r\nTo: support@activestate.com\r\nSubject: e\r\n\r\nhi\r\n";
    let event = SesEvent::new(event_id, &["support@activestate.com"]);
    assert!(
        intake.deliver_as(bytes, event).await.is_err(),
        "the invocation fails"
    );
    assert_eq!(
        intake.cases.inbound(event_id).expect("e-1").reply_state,
        ReplyState::None
    );
    let retry = intake.handle_event(&event.to_json()).await.expect("retry");
    assert!(
        matches!(&retry[0].outcome, Outcome::Created { case } if matches!(case.reply, ReplyOutcome::Sent { .. })),
        "{:?}",
        retry[0].outcome
    );
    assert_eq!(intake.mailer.sent().len(), 1);
    assert!(intake.reply_queue.as_ref().expect("queue").is_empty());
}
