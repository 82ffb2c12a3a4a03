//! Issue 8 item 8: auto-reply caps count per address without sub-address tags, per domain and
//! per policy, over a sliding window (no second burst at a window boundary). Over the fakes.

use chrono::TimeDelta;
use slamail_core::case::ReplyOutcome;
use slamail_core::policy::{PolicySet, Rate, RateWindow, ReplyLimits, builtin};
use slamail_intake::Outcome;
use slamail_intake::fakes::{FakeIntake, SesEvent, instant as at};

/// An intake whose ActiveState policy has these caps; no deployment ceiling.
fn intake(limits: ReplyLimits) -> FakeIntake {
    let mut policy = builtin("activestate").expect("built-in policy");
    policy.reply_limits = limits;
    let policies = PolicySet::new(vec![policy]).expect("policy set");
    let mut intake = FakeIntake::at(policies, "2026-12-01T12:59:00Z");
    intake.config.rate_limits.per_hour = u32::MAX;
    intake.config.rate_limits.per_day = u32::MAX;
    intake
}

fn unlimited() -> ReplyLimits {
    ReplyLimits {
        per_address: vec![],
        per_domain: vec![],
        per_policy: vec![],
    }
}

/// Delivers a plain message from `from`; returns the reply's outcome on its case.
async fn deliver(intake: &FakeIntake, id: &str, from: &str) -> ReplyOutcome {
    let bytes = format!(
        "From: {from}\r\nTo: support@activestate.com\r\nSubject: help {id}\r\n\
         Message-ID: <{id}@client.example>\r\nDate: Tue, 1 Dec 2026 12:00:00 +0000\r\n\r\nhelp\r\n"
    );
    let event = SesEvent::new(id, &["support@activestate.com"]).at("2026-12-01T12:00:00.000Z");
    let processed = intake.deliver_as(bytes, event).await.expect("processed");
    match &processed[0].outcome {
        Outcome::Created { case } => case.reply.clone(),
        other => panic!("{other:?}"),
    }
}

fn suppressed_by(r: &ReplyOutcome, words: &str) -> bool {
    matches!(r, ReplyOutcome::Suppressed { code, reason }
        if code == "rate-limited" && reason.contains(words))
}

#[tokio::test]
async fn sub_address_tags_share_the_address_counter() {
    let intake = intake(ReplyLimits {
        per_address: vec![Rate::new(1, RateWindow::Hour)],
        ..unlimited()
    });
    let first = deliver(&intake, "tag-0", "victim@example.com").await;
    assert!(matches!(first, ReplyOutcome::Sent { .. }), "{first:?}");
    for (i, variant) in ["victim+1@example.com", "Victim+x@EXAMPLE.com"]
        .iter()
        .enumerate()
    {
        let r = deliver(&intake, &format!("tag-{}", i + 1), variant).await;
        assert!(
            suppressed_by(&r, "at most 1 per hour to one address"),
            "{variant}: {r:?}"
        );
    }
    assert_eq!(intake.mailer.sent().len(), 1);
}

#[tokio::test]
async fn a_domain_is_capped_across_its_addresses() {
    let intake = intake(ReplyLimits {
        per_domain: vec![Rate::with_burst(3, RateWindow::Hour, 3).expect("rate")],
        ..unlimited()
    });
    let mut outcomes = Vec::new();
    for i in 0..5 {
        outcomes.push(
            deliver(
                &intake,
                &format!("dom-{i}"),
                &format!("user{i}@bigcorp.example"),
            )
            .await,
        );
    }
    assert!(
        outcomes[..3]
            .iter()
            .all(|r| matches!(r, ReplyOutcome::Sent { .. })),
        "{outcomes:?}"
    );
    assert!(
        outcomes[3..]
            .iter()
            .all(|r| suppressed_by(r, "per hour to one domain")),
        "{outcomes:?}"
    );
    // Another domain is not affected.
    let other = deliver(&intake, "dom-x", "someone@smallco.example").await;
    assert!(matches!(other, ReplyOutcome::Sent { .. }), "{other:?}");
}

#[tokio::test]
async fn the_policy_has_a_global_cap() {
    let intake = intake(ReplyLimits {
        per_policy: vec![Rate::with_burst(16, RateWindow::Hour, 16).expect("rate")],
        ..unlimited()
    });
    let mut sent = 0;
    let mut capped = 0;
    for i in 0..40 {
        match deliver(
            &intake,
            &format!("glob-{i}"),
            &format!("u@domain{i}.example"),
        )
        .await
        {
            ReplyOutcome::Sent { .. } => sent += 1,
            r if suppressed_by(&r, "from this support policy in total") => capped += 1,
            r => panic!("{r:?}"),
        }
    }
    // Sharded over 8 counters of 2 each: never more than the cap, and the cap is reached
    // unless the 40 messages missed a shard entirely.
    assert!((14..=16).contains(&sent), "{sent} sent");
    assert_eq!(sent + capped, 40);
}

#[tokio::test]
async fn no_second_burst_at_the_hour_boundary() {
    let intake = intake(ReplyLimits {
        per_address: vec![Rate::with_burst(3, RateWindow::Hour, 3).expect("rate")],
        ..unlimited()
    });
    // Three at 12:59, three more at 13:00: the fixed hourly window let all six through.
    let mut sent = 0;
    for (i, when) in ["2026-12-01T12:59:00Z", "2026-12-01T13:00:00Z"]
        .iter()
        .enumerate()
    {
        intake.clock.set(at(when));
        for j in 0..3 {
            let r = deliver(&intake, &format!("edge-{i}-{j}"), "burst@client.example").await;
            if matches!(r, ReplyOutcome::Sent { .. }) {
                sent += 1;
            }
        }
    }
    assert_eq!(sent, 3, "at most 3 in any hour");
    // An hour after the burst the counter has room again.
    intake
        .clock
        .set(at("2026-12-01T12:59:00Z") + TimeDelta::minutes(61));
    let later = deliver(&intake, "edge-later", "burst@client.example").await;
    assert!(matches!(later, ReplyOutcome::Sent { .. }), "{later:?}");
}
