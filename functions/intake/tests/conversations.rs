//! Follow-ups over the in-memory fakes: threading by each header and by tag, duplicates,
//! strangers, agents' mail, and what each costs in port calls.

use std::path::{Path, PathBuf};

use slamail_core::case::{MessageKind, ReplyOutcome};
use slamail_core::conversation::FollowUpKind;
use slamail_core::ids::{EmailAddress, OrgId, PolicyId, TierId};
use slamail_core::policy::PolicySet;
use slamail_core::triage::Membership;
use slamail_intake::fakes::{FakeIntake, SesEvent};
use slamail_intake::{Outcome, Processed};

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samplemail")
}

fn intake() -> FakeIntake {
    let policies = PolicySet::from_list(None).expect("built-in policies");
    let intake = FakeIntake::at(policies, "2026-12-01T12:00:00Z");
    for (who, designated) in [("alice", true), ("carol", false)] {
        intake.directory.add(
            EmailAddress::parse(&format!("{who}@acme.example")).unwrap(),
            Membership {
                org: OrgId::parse("acme").unwrap(),
                org_name: "Acme".into(),
                policy: PolicyId::parse("activestate").unwrap(),
                tier: TierId::parse("enterprise").unwrap(),
                designated,
                third_party: false,
                by_domain: false,
                support_term: None,
                products: Vec::new(),
            },
        );
    }
    intake
}

/// Delivers `bytes` as SES would, DMARC as given.
async fn deliver(
    intake: &FakeIntake,
    id: &str,
    bytes: &[u8],
    when: &str,
    dmarc: &str,
) -> Processed {
    let event = SesEvent::new(id, &["support@activestate.com"])
        .dmarc(dmarc)
        .at(when);
    intake
        .deliver_as(bytes, event)
        .await
        .expect("processed")
        .remove(0)
}

fn mail(from: &str, to: &str, cc: &str, id: &str, subject: &str, extra: &str) -> Vec<u8> {
    let domain = from.split('@').nth(1).unwrap_or_default();
    format!(
        "Authentication-Results: amazonses.com; dkim=pass header.i=@{domain}; \
         dmarc=pass header.from={domain};\r\nFrom: <{from}>\r\nTo: {to}\r\nCc: {cc}\r\n\
         Message-ID: <{id}>\r\nSubject: {subject}\r\n{extra}\r\nA few more details.\r\n"
    )
    .into_bytes()
}

fn kind(p: &Processed) -> FollowUpKind {
    match &p.outcome {
        Outcome::Threaded { kind, .. } => *kind,
        other => panic!("expected a follow-up, got {other:?}"),
    }
}

#[tokio::test]
async fn follow_ups_thread_by_each_header_and_by_tag_without_a_reply() {
    let intake = intake();
    let original = std::fs::read(samples().join("01-enterprise-critical.eml")).expect("01");
    let first = deliver(&intake, "o-1", &original, "2026-11-30T22:10:00Z", "PASS").await;
    let Outcome::Created { case } = &first.outcome else {
        panic!("{:?}", first.outcome)
    };
    let ReplyOutcome::Sent { message_ids, .. } = &case.reply else {
        panic!("{:?}", case.reply)
    };
    assert_eq!(
        message_ids.len(),
        2,
        "ours and the SES form: {message_ids:?}"
    );
    let tag = format!("Re: [{}] builds", case.case_id);
    let cases: Vec<(String, String)> = vec![
        (
            format!("In-Reply-To: <{}>\r\n", message_ids[0]),
            "Re: builds".into(),
        ),
        (
            format!("References: <x@y> <{}>\r\n", message_ids[1]),
            "Re: builds".into(),
        ),
        (String::new(), tag.clone()),
    ];
    for (n, (extra, subject)) in cases.iter().enumerate() {
        intake.cases.clear_calls();
        let bytes = mail(
            "alice@acme.example",
            "support@activestate.com",
            "",
            &format!("f-{n}@acme.example"),
            subject,
            extra,
        );
        let p = deliver(
            &intake,
            &format!("f-{n}"),
            &bytes,
            "2026-11-30T22:30:00Z",
            "PASS",
        )
        .await;
        assert_eq!(kind(&p), FollowUpKind::Customer, "follow-up {n}");
        // claim, lookup (headers only), case + ledger, one append that also finishes.
        let calls = intake.cases.calls();
        assert_eq!(calls.first(), Some(&"claim"));
        assert_eq!(calls.last(), Some(&"append"));
        assert!(calls.len() <= 4, "{calls:?}");
    }
    assert_eq!(intake.cases.case_count(), 1);
    assert_eq!(
        intake.mailer.sent().len(),
        1,
        "no auto-reply to a follow-up"
    );
    let kinds: Vec<Option<MessageKind>> = intake
        .cases
        .messages(&case.case_id)
        .iter()
        .map(|m| m.kind)
        .collect();
    assert_eq!(kinds[0], Some(MessageKind::Opening));
    assert!(kinds[1..].iter().all(|k| *k == Some(MessageKind::Customer)));
}

#[tokio::test]
async fn duplicates_strangers_and_agents() {
    let intake = intake();
    let original = std::fs::read(samples().join("01-enterprise-critical.eml")).expect("01");
    let first = deliver(&intake, "o-1", &original, "2026-11-30T22:10:00Z", "PASS").await;
    let Outcome::Created { case } = &first.outcome else {
        panic!("{:?}", first.outcome)
    };
    // The same message under another SES id.
    let again = deliver(&intake, "o-2", &original, "2026-11-30T22:10:09Z", "PASS").await;
    assert!(
        matches!(again.outcome, Outcome::Duplicate { .. }),
        "{:?}",
        again.outcome
    );
    assert_eq!(intake.cases.case_count(), 1);

    let tag = format!("Re: [{}] builds", case.case_id);
    let p = deliver(
        &intake,
        "s-1",
        &mail(
            "alice@acme.example",
            "support@activestate.com",
            "",
            "forged@x",
            &tag,
            "",
        ),
        "2026-11-30T22:20:00Z",
        "FAIL",
    )
    .await;
    assert_eq!(kind(&p), FollowUpKind::Unverified, "a forged requester");
    let p = deliver(
        &intake,
        "c-1",
        &mail(
            "carol@acme.example",
            "support@activestate.com",
            "",
            "carol@x",
            &tag,
            "",
        ),
        "2026-11-30T22:21:00Z",
        "PASS",
    )
    .await;
    assert_eq!(
        kind(&p),
        FollowUpKind::Customer,
        "a colleague of the requester"
    );
    let p = deliver(
        &intake,
        "a-1",
        &mail(
            "sam@activestate.com",
            "tina@activestate.com",
            "support@activestate.com",
            "n@x",
            &tag,
            "",
        ),
        "2026-11-30T22:30:00Z",
        "PASS",
    )
    .await;
    assert_eq!(kind(&p), FollowUpKind::AgentNote);
    assert!(
        intake
            .cases
            .stored_case(&case.case_id)
            .unwrap()
            .due
            .is_some()
    );
    let p = deliver(
        &intake,
        "a-2",
        &mail(
            "sam@activestate.com",
            "alice@acme.example",
            "support@activestate.com",
            "a@x",
            &tag,
            "",
        ),
        "2026-11-30T22:40:00Z",
        "PASS",
    )
    .await;
    assert_eq!(kind(&p), FollowUpKind::AgentPublic);
    let stored = intake.cases.stored_case(&case.case_id).unwrap();
    assert_eq!(stored.due, None, "the first response is fulfilled");
    let ledger: Vec<&str> = intake
        .cases
        .ledger(&case.case_id)
        .iter()
        .map(|e| e.event.name())
        .collect();
    assert_eq!(ledger, ["start", "fulfil"]);
    assert_eq!(intake.mailer.sent().len(), 1);
}
