//! Issue 8 items 6, 8 and 15 against moto, through the counting, fault-injecting proxy: reply caps
//! in the cases table (GCRA counters, including a container that guesses a counter's state wrong),
//! SES bounce and complaint events recorded by the feedback function, and a burst of inbound mail
//! under an SES sending quota (replies throttled, queued, paced, never lost, never sent twice).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use slamail_aws::cases::{CaseStore, InboundState, ReplyState};
use slamail_aws::mailer::Mailer;
use slamail_core::case::ReplyOutcome;
use slamail_core::ids::CaseId;
use slamail_core::intake::ports::SystemClock;
use slamail_core::policy::{PolicySet, Rate, RateWindow, ReplyLimits, builtin};
use slamail_feedback::{Feedback, Handled};
use slamail_intake::{Intake, IntakeConfig, Outcome};
use slamail_replies::Sender;
use slamail_tests::{CountingProxy, MotoServer, repo_root, unique_name};

mod burst;

/// Tables, bucket and SES identity on the shared moto, reached through a proxy.
struct Env {
    moto: &'static MotoServer,
    proxy: CountingProxy,
    cases: String,
    directory: String,
    bucket: String,
    policies: PolicySet,
    message_id_domain: String,
}

async fn env(limits: ReplyLimits) -> Env {
    let moto = MotoServer::shared();
    let proxy = CountingProxy::start(moto).expect("counting proxy");
    let mut policy = builtin("activestate").expect("policy");
    policy.reply_limits = limits;
    let policies = PolicySet::new(vec![policy]).expect("policy set");
    let stack = crate::support::provision(moto, &moto.dynamodb(), &policies).await;
    Env {
        moto,
        proxy,
        cases: stack.cases,
        directory: stack.directory,
        bucket: stack.bucket,
        policies,
        message_id_domain: format!("{}.test", unique_name("m")),
    }
}

impl Env {
    fn config(&self) -> IntakeConfig {
        let mut c = IntakeConfig::new(&self.bucket, "inbound/", &self.cases, &self.directory);
        c.message_id_domain = self.message_id_domain.clone();
        c.rate_limits.per_hour = u32::MAX;
        c.rate_limits.per_day = u32::MAX;
        c
    }

    /// A fresh intake (a new Lambda container: no counter hints) through the proxy.
    fn intake(&self, config: IntakeConfig) -> Intake {
        Intake::from_aws(self.proxy.sdk_config(), config, self.policies.clone())
    }

    fn store(&self) -> CaseStore {
        CaseStore::new(
            aws_sdk_dynamodb::Client::new(self.proxy.sdk_config()),
            &self.cases,
        )
    }

    /// The feedback function over this environment's cases table, holding for 7 days.
    fn feedback(&self) -> Feedback<CaseStore, SystemClock> {
        Feedback {
            store: self.store(),
            clock: SystemClock,
            undeliverable_days: 7,
        }
    }

    /// Replies this environment sent, by case id in the subject.
    fn sent_by_case(&self) -> BTreeMap<String, usize> {
        let mut by_case = BTreeMap::new();
        for raw in self.moto.sent_emails().expect("sent mail") {
            if !raw.contains(&format!("@{}>", self.message_id_domain)) {
                continue;
            }
            let subject = raw
                .split("\r\n")
                .find(|l| l.starts_with("Subject:"))
                .unwrap_or_default();
            if let Some(id) = subject.split('[').nth(1).and_then(|s| s.split(']').next()) {
                *by_case.entry(id.to_string()).or_insert(0) += 1;
            }
        }
        by_case
    }

    /// Stores a plain message from `from` and returns its SES event.
    async fn message(&self, id: &str, from: &str) -> serde_json::Value {
        let bytes = format!(
            "From: {from}\r\nTo: support@activestate.com\r\nSubject: outage {id}\r\n\
             Message-ID: <{id}@client.example>\r\nDate: Tue, 1 Dec 2026 12:00:00 +0000\r\n\r\n\
             Nothing builds since this morning.\r\n"
        );
        self.moto
            .s3()
            .put_object()
            .bucket(&self.bucket)
            .key(format!("inbound/{id}"))
            .body(bytes.into_bytes().into())
            .send()
            .await
            .expect("put raw message");
        serde_json::json!({"Records": [{"eventSource": "aws:ses", "ses": {
            "mail": {"messageId": id, "timestamp": "2026-12-01T12:00:00.000Z", "source": from},
            "receipt": {"recipients": ["support@activestate.com"],
                        "spamVerdict": {"status": "PASS"}, "virusVerdict": {"status": "PASS"},
                        "dmarcVerdict": {"status": "PASS"}}}}]})
    }
}

fn no_caps() -> ReplyLimits {
    ReplyLimits {
        per_address: vec![],
        per_domain: vec![],
        per_policy: vec![],
    }
}

/// A first message from `who`: its case, and the SES id of the auto-reply it got.
async fn answered_case(env: &Env, intake: &Intake, who: &str) -> (CaseId, String) {
    let first = intake
        .handle_event(&env.message(&unique_name("fb"), who).await)
        .await
        .expect("first");
    match &first[0].outcome {
        Outcome::Created { case } => match &case.reply {
            ReplyOutcome::Sent { ses_message_id, .. } => {
                (case.case_id.clone(), ses_message_id.clone())
            }
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
}

fn reply_of(processed: &[slamail_intake::Processed]) -> ReplyOutcome {
    match &processed[0].outcome {
        Outcome::Created { case } => case.reply.clone(),
        other => panic!("{other:?}"),
    }
}

/// Item 8 against DynamoDB's expression semantics: sub-address tags share one counter, and a
/// container whose guess of a counter's state is wrong (a fresh one: the counter is busy, it
/// guesses idle) learns it from the refusal and takes the counter exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reply_caps_hold_across_containers_and_tags() {
    let env = env(ReplyLimits {
        per_address: vec![Rate::with_burst(3, RateWindow::Hour, 3).expect("rate")],
        ..no_caps()
    })
    .await;
    let a = env.intake(env.config());
    let b = env.intake(env.config());
    let mut outcomes = Vec::new();
    for (i, (intake, from)) in [
        (&a, "victim@client.example"),
        (&a, "victim+1@client.example"),
        (&b, "victim+2@client.example"),
        (&b, "Victim+3@client.example"),
        (&a, "victim@client.example"),
    ]
    .into_iter()
    .enumerate()
    {
        let event = env.message(&unique_name(&format!("cap{i}")), from).await;
        env.proxy.reset();
        let p = intake.handle_event(&event).await.expect("processed");
        let transactions = env
            .proxy
            .requests()
            .iter()
            .filter(|r| *r == "DynamoDB.TransactWriteItems")
            .count();
        outcomes.push((reply_of(&p), transactions));
    }
    let sent = outcomes
        .iter()
        .filter(|(r, _)| matches!(r, ReplyOutcome::Sent { .. }))
        .count();
    assert_eq!(sent, 3, "{outcomes:#?}");
    assert!(
        outcomes[3..].iter().all(|(r, _)| matches!(r,
            ReplyOutcome::Suppressed { code, reason } if code == "rate-limited" && reason.contains("to one address"))),
        "{outcomes:#?}"
    );
    // b's first message found the counter busy although it guessed idle: one more transaction
    // (open again with the right guess) and still one take.
    assert_eq!(outcomes[2].1, 3, "open, open again, record: {outcomes:#?}");
    assert_eq!(outcomes[0].1, 2, "open, record: {outcomes:#?}");
}

/// Item 6 against the cases table: the SNS notifications of `samplemail/feedback/` about a reply
/// SES really sent (moto), recorded once; the hold they set is checked by the next case's
/// transaction.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bounce_and_complaint_notifications_hold_replies() {
    let env = env(no_caps()).await;
    let intake = env.intake(env.config());
    let feedback = env.feedback();
    let notification = |name: &str, reply: &str, to: &str| {
        let path = repo_root().join("samplemail/feedback").join(name);
        let mut sns: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).expect("sample")).expect("json");
        let message = sns["Records"][0]["Sns"]["Message"]
            .as_str()
            .expect("Message")
            .replace(
                "0100019af0b2c6d4-7e3a1f58-2c94-4d0b-b6a3-91e5f0c2d7a8-000000",
                reply,
            )
            .replace("alice@acme.example", to);
        sns["Records"][0]["Sns"]["Message"] = serde_json::json!(message);
        sns
    };
    for (name, who, code) in [
        ("complaint.sns.json", "carol@client.example", "complained"),
        (
            "bounce-permanent.sns.json",
            "dave@client.example",
            "undeliverable",
        ),
    ] {
        let (case_id, reply_id) = answered_case(&env, &intake, who).await;
        let event = notification(name, &reply_id, who);
        let handled = feedback.handle_event(&event).await.expect("handled");
        assert!(
            matches!(&handled[0], Handled::Recorded { case_id: c, .. } if *c == case_id),
            "{name}: {handled:?}"
        );
        let again = feedback.handle_event(&event).await.expect("redelivered");
        assert!(matches!(&again[0], Handled::Duplicate { .. }), "{again:?}");
        let messages = env.store().messages(&case_id).await.expect("messages");
        assert_eq!(messages.len(), 2, "{name}: recorded once on the case");
        let next = intake
            .handle_event(&env.message(&unique_name("fb"), who).await)
            .await
            .expect("next");
        assert!(
            matches!(&reply_of(&next), ReplyOutcome::Suppressed { code: c, .. } if c == code),
            "{name}: {:?}",
            reply_of(&next)
        );
    }
}

/// The harness's shared moto rolls a cancelled transaction back item by item (see
/// `SERIAL_MOTO`): what the transaction put, updated or deleted before the failing condition is
/// as it was.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moto_rolls_back_a_cancelled_transaction_item_by_item() {
    use aws_sdk_dynamodb::types::{AttributeValue, ConditionCheck, Put, TransactWriteItem, Update};
    let env = env(no_caps()).await;
    let db = env.moto.dynamodb();
    let s = |v: &str| AttributeValue::S(v.to_string());
    db.put_item()
        .table_name(&env.cases)
        .item("pk", s("KEEP"))
        .item("sk", s("X"))
        .item("v", s("before"))
        .send()
        .await
        .expect("seed");
    let put = Put::builder()
        .table_name(&env.cases)
        .item("pk", s("NEW"))
        .item("sk", s("X"))
        .build()
        .expect("put");
    let update = Update::builder()
        .table_name(&env.cases)
        .key("pk", s("KEEP"))
        .key("sk", s("X"))
        .update_expression("SET v = :after")
        .expression_attribute_values(":after", s("after"))
        .build()
        .expect("update");
    let refuse = ConditionCheck::builder()
        .table_name(&env.cases)
        .key("pk", s("ABSENT"))
        .key("sk", s("X"))
        .condition_expression("attribute_exists(pk)")
        .build()
        .expect("check");
    let result = db
        .transact_write_items()
        .transact_items(TransactWriteItem::builder().put(put).build())
        .transact_items(TransactWriteItem::builder().update(update).build())
        .transact_items(TransactWriteItem::builder().condition_check(refuse).build())
        .send()
        .await;
    assert!(result.is_err(), "the condition cancels the transaction");
    let get = |pk: &'static str| {
        db.get_item()
            .table_name(&env.cases)
            .key("pk", s(pk))
            .key("sk", s("X"))
            .send()
    };
    assert!(
        get("NEW").await.expect("get").item.is_none(),
        "the put is undone"
    );
    let kept = get("KEEP").await.expect("get").item.expect("kept");
    assert_eq!(kept.get("v"), Some(&s("before")), "the update is undone");
}

/// A bounce whose remote server lists the reply's recipient more than once (here three times,
/// once in capitals): one hold for the address, the event recorded once. Before, the feedback
/// function wrote the same hold item several times in one transaction, which DynamoDB refuses,
/// so the event failed on every delivery and ended in the dead-letter queue.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bounce_naming_the_recipient_twice_holds_it_once() {
    let env = env(no_caps()).await;
    let intake = env.intake(env.config());
    let feedback = env.feedback();
    let who = "erin@client.example";
    let (case_id, reply_id) = answered_case(&env, &intake, who).await;
    let path = repo_root().join("samplemail/feedback/bounce-permanent.sns.json");
    let mut sns: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("sample")).expect("json");
    let mut message: serde_json::Value = serde_json::from_str(
        sns["Records"][0]["Sns"]["Message"]
            .as_str()
            .expect("Message"),
    )
    .expect("message json");
    message["mail"]["messageId"] = serde_json::json!(reply_id);
    let recipient = |address: &str| {
        serde_json::json!({"emailAddress": address, "action": "failed", "status": "5.1.1",
                           "diagnosticCode": "smtp; 550 5.1.1 user unknown"})
    };
    message["bounce"]["bouncedRecipients"] = serde_json::json!([
        recipient(who),
        recipient("ERIN@client.example"),
        recipient(who)
    ]);
    sns["Records"][0]["Sns"]["Message"] = serde_json::json!(message.to_string());
    let handled = feedback.handle_event(&sns).await.expect("handled");
    assert!(
        matches!(&handled[0], Handled::Recorded { case_id: c, .. } if *c == case_id),
        "{handled:?}"
    );
    let next = intake
        .handle_event(&env.message(&unique_name("fb"), who).await)
        .await
        .expect("next");
    assert!(
        matches!(&reply_of(&next), ReplyOutcome::Suppressed { code, .. } if code == "undeliverable"),
        "{:?}",
        reply_of(&next)
    );
}
