//! A case that outgrows one DynamoDB page, and agents' text at its largest: every message is
//! still shown, and a reclassification's reason is kept at the clock's bound on the case item.

use super::*;

/// Sixty notes of the longest text an agent may write (20,000 characters) are about 1.2 MB:
/// more than one Query answers. The case page shows every one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_case_longer_than_one_page_shows_every_message() {
    let env = env().await;
    let original = std::fs::read(samples().join("01-enterprise-critical.eml")).expect("01");
    let case = created(
        &env.deliver(&original, "2026-11-30T22:10:00.000Z", "PASS")
            .await,
    );
    let notes = 60;
    for n in 0..notes {
        let text = format!("note {n:02} ") + &"x".repeat(slamail_core::case::MAX_TEXT_CHARS - 8);
        env.desk
            .note(&sam(), &case.case_id, &text, at("2026-11-30T23:00:00Z"))
            .await
            .expect("a note");
    }
    let shown = env.desk.show(&sam(), &case.case_id).await.expect("shown");
    let kept: Vec<_> = shown
        .messages
        .iter()
        .filter(|m| m.kind == Some(MessageKind::AgentNote))
        .collect();
    assert_eq!(kept.len(), notes, "every note, across pages");
    // The opening message and its auto-reply too.
    assert_eq!(shown.messages.len() as u32, shown.case.message_count);
}

/// A reclassification's reason reaches the case item's deadline history as the ledger keeps
/// it (one line, at most 500 characters), not as typed: 60,000 characters, six times, would
/// otherwise push the case item past DynamoDB's 400 KB and make the case unwritable.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reclassification_reason_is_bounded_on_the_case() {
    let env = env().await;
    let original = std::fs::read(samples().join("01-enterprise-critical.eml")).expect("01");
    let case = created(
        &env.deliver(&original, "2026-11-30T22:10:00.000Z", "PASS")
            .await,
    );
    let long = "the customer's build farm is down\n".repeat(2000);
    assert!(long.len() > 60_000);
    for (n, severity) in [
        "severe", "critical", "severe", "critical", "severe", "critical",
    ]
    .iter()
    .enumerate()
    {
        env.desk
            .priority(
                &sam(),
                &case.case_id,
                severity,
                &long,
                at(&format!("2026-11-30T23:{:02}:00Z", 10 + n)),
            )
            .await
            .unwrap_or_else(|e| panic!("reclassification {n}: {e}"));
    }
    let stored = env.case(&case.case_id).await;
    let reasons: Vec<_> = stored
        .deadlines
        .iter()
        .filter(|d| d.reason.starts_with("reclassified: "))
        .collect();
    assert_eq!(reasons.len(), 6);
    for d in reasons {
        let reason = d.reason.trim_start_matches("reclassified: ");
        assert!(reason.chars().count() <= 500, "{} characters", reason.len());
        assert!(!reason.contains('\n'), "one line");
        assert!(reason.starts_with("the customer's build farm is down"));
    }
}
