//! Issue 8 item 15: case numbers come from sixteen counters (no hot item); a number found taken
//! (a counter that restarted, as when the numbering changed) is drawn again, never overwritten.

use slamail_core::case::ReplyOutcome;
use slamail_core::policy::PolicySet;
use slamail_intake::Outcome;
use slamail_intake::fakes::FakeIntake;

fn intake() -> FakeIntake {
    FakeIntake::at(
        PolicySet::from_list(Some("activestate")).expect("policy"),
        "2026-12-01T12:00:00Z",
    )
}

async fn deliver(intake: &FakeIntake, id: &str) -> slamail_core::case::CaseRecord {
    let bytes = format!(
        "From: n{id}@client.example\r\nTo: support@activestate.com\r\nSubject: {id}\r\n\r\nhi\r\n"
    );
    let processed = intake.deliver(id, bytes, &["support@activestate.com"]);
    match &processed.await.expect("processed")[0].outcome {
        Outcome::Created { case } => (**case).clone(),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn case_numbers_are_unique_across_shards_and_a_taken_one_is_redrawn() {
    let first = intake();
    let mut ids = std::collections::BTreeSet::new();
    for i in 0..40 {
        let case = deliver(&first, &format!("n-{i}")).await;
        assert!(
            ids.insert(case.case_id.to_string()),
            "{} twice",
            case.case_id
        );
    }
    assert!(ids.contains("AS-2026-000001") && ids.contains("AS-2026-000016"));

    // A second store whose counters start again while AS-2026-000001 exists already.
    let second = intake();
    let occupied = first
        .cases
        .stored_case(&slamail_core::ids::CaseId::parse("AS-2026-000001").expect("id"))
        .expect("case");
    second.cases.insert_case(occupied.clone());
    let case = deliver(&second, "redraw").await;
    assert_ne!(case.case_id, occupied.case_id);
    assert!(
        matches!(case.reply, ReplyOutcome::Sent { .. }),
        "{:?}",
        case.reply
    );
    let raw = &second.mailer.sent()[0].raw;
    assert!(
        raw.contains(&format!("[{}]", case.case_id)),
        "the reply names the id the case was stored under"
    );
    assert_eq!(
        second
            .cases
            .stored_case(&occupied.case_id)
            .expect("kept")
            .ses_message_id,
        occupied.ses_message_id,
        "the existing case is untouched"
    );
}
