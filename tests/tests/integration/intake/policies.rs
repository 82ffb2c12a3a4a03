//! Issue 8 item 10: mail to the support addresses of two policies is one case under each, each
//! exactly once (duplicate deliveries and a failure under one policy included), with one
//! auto-reply per policy from that policy's own address.

use slamail_core::case::ReplyOutcome;
use slamail_core::ids::PolicyId;
use slamail_core::intake::ports::Scope;
use slamail_intake::Outcome;
use slamail_tests::{Fault, unique_name};

use super::{
    deliver, env, env_behind_proxy, first_sent_scenario, header, ses_id_of, store, with_fresh_id,
};

/// Sample 01 sent to ActiveState's and Scalr's support addresses.
fn to_two_policies(id: &str) -> (Vec<u8>, serde_json::Value) {
    let (bytes, event) = first_sent_scenario();
    let mut event = with_fresh_id(&event, id);
    if let Some(r) = event.pointer_mut("/Records/0/ses/receipt/recipients") {
        *r = serde_json::json!(["support@activestate.com", "support@scalr.com"]);
    }
    (bytes, event)
}

fn cases_of(processed: &[slamail_intake::Processed]) -> Vec<slamail_core::case::CaseRecord> {
    processed
        .iter()
        .filter_map(|p| match &p.outcome {
            Outcome::Created { case } => Some((**case).clone()),
            _ => None,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_to_two_policies_is_one_case_and_one_reply_under_each() {
    let env = env().await;
    let (bytes, event) = to_two_policies(&unique_name("two"));
    let first = deliver(&env, &bytes, &event).await.expect("delivered");
    let cases = cases_of(&first);
    let policies: Vec<&str> = cases.iter().map(|c| c.policy.as_str()).collect();
    assert_eq!(policies, ["activestate", "scalr"], "{first:?}");
    let (active, scalr) = (&cases[0], &cases[1]);
    assert!(
        active.case_id.as_str().starts_with("AS-"),
        "{}",
        active.case_id
    );
    assert_eq!(
        active.tier, "enterprise",
        "a designated ActiveState contact"
    );
    assert_eq!(scalr.support_address, "support@scalr.com");
    assert_eq!(scalr.tier_reason, "unknown-sender", "not known to Scalr");
    for (case, from) in [
        (active, "support@activestate.com"),
        (scalr, "support@scalr.com"),
    ] {
        assert!(
            matches!(case.reply, ReplyOutcome::Sent { .. }),
            "{}: {:?}",
            case.case_id,
            case.reply
        );
        let sent = env.sent_for(case.case_id.as_str());
        assert_eq!(sent.len(), 1, "one reply for {}", case.case_id);
        let policy = env
            .intake
            .policies
            .get(&PolicyId::parse(&case.policy).expect("policy id"))
            .expect("policy");
        let reply_from = header(&sent[0], "From").unwrap_or_default().to_lowercase();
        assert!(
            reply_from.contains(policy.reply_from.as_str()),
            "{} replies from its own policy's address ({from}): {reply_from}",
            case.case_id
        );
    }

    // A duplicate delivery changes nothing under either policy.
    let again = deliver(&env, &bytes, &event).await.expect("duplicate");
    assert_eq!(again.len(), 2);
    assert!(
        again
            .iter()
            .all(|p| matches!(p.outcome, Outcome::Duplicate { case_id: Some(_) })),
        "{again:?}"
    );
    for case in [active, scalr] {
        assert_eq!(env.sent_for(case.case_id.as_str()).len(), 1);
    }
    let items = env
        .intake
        .cases
        .inbound_items(&ses_id_of(&event))
        .await
        .expect("inbound items");
    assert_eq!(items.len(), 2, "one claim per policy");
    assert!(items.iter().all(|i| i.state.as_str() == "done"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failure_under_one_policy_is_retried_without_touching_the_other() {
    let (env, proxy) = env_behind_proxy().await;
    let (bytes, event) = to_two_policies(&unique_name("half"));
    store(&env, &bytes, &event).await;
    // The second policy's case write fails once.
    proxy.fail_nth("DynamoDB.TransactWriteItems", 3, Fault::Refuse);
    let err = env
        .intake
        .handle_event(&event)
        .await
        .expect_err("the Scalr case failed");
    assert!(err.to_string().contains("injected"), "{err}");
    let retry = env.intake.handle_event(&event).await.expect("the retry");
    assert!(
        matches!(&retry[0].outcome, Outcome::Duplicate { case_id: Some(c) } if c.as_str().starts_with("AS-")),
        "{:?}",
        retry[0].outcome
    );
    let scalr = cases_of(&retry);
    assert_eq!(scalr.len(), 1);
    assert_eq!(scalr[0].policy, "scalr");
    assert_eq!(env.sent_for(scalr[0].case_id.as_str()).len(), 1);
    let ses_id = ses_id_of(&event);
    let item = env
        .intake
        .cases
        .inbound_for(
            &ses_id,
            &Scope::Policy(PolicyId::parse("activestate").expect("id")),
        )
        .await
        .expect("read")
        .expect("item");
    assert_eq!(item.attempts, 1, "the ActiveState case was not re-claimed");
}
