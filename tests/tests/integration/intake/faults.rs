//! Issue 8 item 2: fault injection. Every AWS call a new case with an auto-reply makes is failed
//! once — refused with a service fault (HTTP 500), refused with the service's throttling error,
//! and carried out by moto but stalled past the client's attempt timeout (the caller cannot know
//! it took effect) — by the counting proxy in front of moto, so the SDK takes its real error
//! paths. Lambda's retries are simulated as they happen: the same event again, one minute later
//! and then two more (the test's clock moves, so a claim left leased by a lost answer has run
//! out, as `lease.rs` guarantees). After them, each row must have exactly one case, exactly one
//! auto-reply sent, nothing `processing` or `sending`, and the raw message still in S3.
//!
//! The intake runs as deployed, with the reply queue (issue 8 item 15): a send SES refuses for
//! now is retried twice in the invocation, and only a reply SES keeps refusing is queued for the
//! paced sender (`functions/replies`). So a single refused send no longer costs an invocation.
//!
//! | call (in order)                          | 500 refused        | throttled          | stalled past timeout                        |
//! |------------------------------------------|--------------------|--------------------|---------------------------------------------|
//! | S3 GetObject (the message)               | retry → sent       | retry → sent       | retry → sent                                |
//! | DynamoDB UpdateItem (claim)              | retry → sent       | retry → sent       | claimed unanswered: retry after lease → sent |
//! | DynamoDB Query (memberships)             | retry → sent       | retry → sent       | retry → sent                                |
//! | DynamoDB UpdateItem (case number)        | retry → sent       | retry → sent       | number used: retry takes the next → sent     |
//! | DynamoDB TransactWriteItems (open case)  | retry → sent       | retry → sent       | case written, reply freed: retry sends → sent |
//! | SESv2 SendEmail (the reply)              | resent in the invocation → sent | resent in the invocation → sent | sent, answer lost → recorded `unknown` |
//! | DynamoDB TransactWriteItems (record)     | retry → `unknown`  | retry → `unknown`  | recorded, answer lost → retry: duplicate → sent |
//!
//! The queue's own path, when SES refuses all three sends of the invocation (throttled) and the
//! reply is queued; then one call of the path fails once. The queue is drained as Lambda's SQS
//! event source does: a record the sender reports failed is offered again (after the visibility
//! timeout, by which time the test's clock has moved past the sender's lease). Each row ends with
//! one case, at most one reply sent, nothing `processing`, `sending` or `queued`, and the queue
//! empty:
//!
//! | call                                      | 500 refused          | throttled            | stalled past timeout |
//! |-------------------------------------------|----------------------|----------------------|----------------------|
//! | SQS SendMessage (intake queues the reply) | intake retry sends → sent | intake retry sends → sent | queued, answer lost: intake retry sends → sent; the queued copy finds it settled |
//! | DynamoDB UpdateItem (sender takes it)     | offered again → sent | offered again → sent | taken unanswered: after the lease → `unknown`, 0 sent |
//! | SESv2 SendEmail (paced send)              | back to `queued`, offered again → sent | back to `queued`, offered again → sent | sent, answer lost → `unknown` |
//! | DynamoDB TransactWriteItems (sender records) | after the lease → `unknown` | after the lease → `unknown` | recorded, answer lost: offered again, settled → sent |
//!
//! `unknown` is the honest record when the reply may have been handed to SES and its outcome
//! could not be recorded: it is never sent a second time (the case says "it may have been
//! sent"). A sender whose take was carried out but unanswered cannot tell that it never sent, so
//! that row too ends `unknown`, with no reply. Before the fix that came with this suite, the
//! stalled case write left the reply `sending`, so the retry recorded it `unknown` and no reply
//! was ever sent.

use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use slamail_core::case::ReplyOutcome;
use slamail_core::intake::ports::Clock;
use slamail_core::policy::{PolicySet, ReplyLimits};
use slamail_intake::{Intake, IntakeConfig, Outcome};
use slamail_replies::Sender;
use slamail_tests::{CountingProxy, Fault, MotoServer, unique_name};

use super::field_caps::with_header;
use super::{Env, env_with, first_sent_scenario, ses_id_of, store, with_fresh_id};

/// The wall clock, moved forward as Lambda's retry schedule would.
#[derive(Debug, Default)]
struct RetryClock(Mutex<TimeDelta>);

impl RetryClock {
    fn advance(&self, by: TimeDelta) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) += by;
    }
}

impl Clock for RetryClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now() + *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

type CaseStore = slamail_aws::cases::CaseStore;
type Mailer = slamail_aws::mailer::Mailer;

type FaultIntake = Intake<
    slamail_aws::cases::CaseStore,
    slamail_aws::directory::Directory,
    slamail_aws::rawmail::RawMailStore,
    slamail_aws::mailer::Mailer,
    RetryClock,
>;

/// The client gives up on an attempt after this; [`slamail_tests::proxy::STALL`] is longer. Long
/// enough that a loaded machine's ordinary answers are not mistaken for stalls (CI once saw an
/// ordinary answer take over 5 s while the rest of the suite queued on the shared server).
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);

/// Lambda's asynchronous invocations: the first, then retries about 1 and 2 minutes apart.
const RETRY_GAPS_SECS: [i64; 2] = [60, 120];

/// The calls of a new case with a reply, in order: (what, proxy operation, which one of it).
const CALLS: [(&str, &str, usize); 7] = [
    ("S3 GetObject (the message)", "S3.GetObject", 1),
    ("UpdateItem (claim)", "DynamoDB.UpdateItem", 1),
    ("Query (memberships)", "DynamoDB.Query", 1),
    ("UpdateItem (case number)", "DynamoDB.UpdateItem", 2),
    (
        "TransactWriteItems (open case)",
        "DynamoDB.TransactWriteItems",
        1,
    ),
    ("SESv2 SendEmail (the reply)", "SESv2.SendEmail", 1),
    (
        "TransactWriteItems (record)",
        "DynamoDB.TransactWriteItems",
        2,
    ),
];

/// The calls of the queue's path (the second table): (what, proxy operation, armed after the
/// intake queued the reply).
const QUEUE_CALLS: [(&str, &str, bool); 4] = [
    (
        "SQS SendMessage (intake queues the reply)",
        "SQS.SendMessage",
        false,
    ),
    ("UpdateItem (sender takes it)", "DynamoDB.UpdateItem", true),
    ("SESv2 SendEmail (paced send)", "SESv2.SendEmail", true),
    (
        "TransactWriteItems (sender records)",
        "DynamoDB.TransactWriteItems",
        true,
    ),
];

/// How the reply must end up recorded for a row of the queue's table, and how many replies sent.
fn expected_queued(call: &str, fault: Fault) -> (&'static str, usize) {
    match (call, fault) {
        ("UpdateItem (sender takes it)", Fault::Stall) => ("unknown", 0),
        ("SESv2 SendEmail (paced send)", Fault::Stall) => ("unknown", 1),
        ("TransactWriteItems (sender records)", Fault::Refuse | Fault::Throttle) => ("unknown", 1),
        _ => ("sent", 1),
    }
}

/// How the reply must end up recorded for a row of the table above.
fn expected_reply(call: &str, fault: Fault) -> &'static str {
    match (call, fault) {
        ("SESv2 SendEmail (the reply)", Fault::Stall) => "unknown",
        ("TransactWriteItems (record)", Fault::Refuse | Fault::Throttle) => "unknown",
        _ => "sent",
    }
}

/// The fault suite's moto, its intake (with the reply queue, as deployed) and the proxy.
struct Faulty {
    env: Env,
    intake: FaultIntake,
    proxy: CountingProxy,
    sqs: aws_sdk_sqs::Client,
    queue_url: String,
}

async fn fault_env() -> Faulty {
    // A server of its own: the shared one serves one request at a time, so under the whole
    // suite an ordinary call can wait behind other tests' calls longer than the attempt timeout,
    // and a fault the row did not inject would change its outcome.
    static OWN: std::sync::OnceLock<MotoServer> = std::sync::OnceLock::new();
    let moto = OWN.get_or_init(|| MotoServer::start_serial().expect("moto for the fault suite"));
    let proxy = CountingProxy::start(moto).expect("proxy");
    // Set up without the timeout: only the intake's calls are under test.
    let env = env_with(moto, proxy.sdk_config().clone()).await;
    // Read and cleaned directly on moto: Lambda's polling of the queue is not under test.
    let sqs = aws_sdk_sqs::Client::new(moto.sdk_config());
    let queue_url = sqs
        .create_queue()
        .queue_name(unique_name("replies"))
        // A record the sender reports failed is offered again at once; the test moves its
        // clock instead of waiting out a visibility timeout.
        .attributes(
            aws_sdk_sqs::types::QueueAttributeName::VisibilityTimeout,
            "0",
        )
        .send()
        .await
        .expect("reply queue")
        .queue_url
        .expect("queue url");
    // Every row replies to the same sender: the policies' caps are lifted (the deployment
    // ceiling below only lowers them).
    let policies = PolicySet::from_list(None).expect("policies");
    let policies = PolicySet::new(
        policies
            .policies()
            .iter()
            .cloned()
            .map(|mut p| {
                p.reply_limits = ReplyLimits {
                    per_address: vec![],
                    per_domain: vec![],
                    per_policy: vec![],
                };
                p
            })
            .collect(),
    )
    .expect("policies without caps");
    let base = Intake::from_aws(
        &proxy.sdk_config_with_attempt_timeout(ATTEMPT_TIMEOUT),
        IntakeConfig {
            rate_limits: slamail_core::triage::loops::RateLimits {
                per_hour: 1_000,
                per_day: 1_000,
            },
            reply_queue_url: Some(queue_url.clone()),
            reply_queue_spread: 0,
            send_retry_pause: Duration::from_millis(20),
            ..env.intake.config.clone()
        },
        policies,
    );
    let intake = Intake {
        config: base.config,
        policies: base.policies,
        cases: base.cases,
        directory: base.directory,
        raw: base.raw,
        mailer: base.mailer,
        clock: RetryClock::default(),
        reply_queue: base.reply_queue,
    };
    Faulty {
        env,
        intake,
        proxy,
        sqs,
        queue_url,
    }
}

/// Runs the event as Lambda does: the invocation, then up to two retries a minute or two later.
/// Returns how many invocations it took, or the last error.
async fn with_retries(intake: &FaultIntake, event: &serde_json::Value) -> Result<usize, String> {
    let mut invocations = 1;
    let mut result = intake.handle_event(event).await;
    for gap in RETRY_GAPS_SECS {
        if result.is_ok() {
            break;
        }
        intake.clock.advance(TimeDelta::seconds(gap));
        invocations += 1;
        result = intake.handle_event(event).await;
    }
    result.map(|_| invocations).map_err(|e| e.to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_call_failing_once_ends_in_one_case_and_one_reply() {
    let Faulty {
        env, intake, proxy, ..
    } = fault_env().await;
    let (bytes, event) = first_sent_scenario();
    let mut failures = Vec::new();
    let mut table = Vec::new();
    for (call, op, nth) in CALLS {
        for fault in [Fault::Refuse, Fault::Throttle, Fault::Stall] {
            let row = format!("{call} × {fault:?}");
            let id = unique_name("fault");
            let event = with_fresh_id(&event, &id);
            // A message of its own (its own Message-ID), as every new case is.
            let bytes = with_header(&bytes, "Message-ID", &format!("<{id}@mail.acme.example>"));
            store(&env, &bytes, &event).await;
            proxy.clear_faults();
            proxy.fail_nth(op, nth, fault);
            let invocations = match with_retries(&intake, &event).await {
                Ok(n) => n,
                Err(e) => {
                    failures.push(format!("{row}: still failing after Lambda's retries: {e}"));
                    continue;
                }
            };
            let outcome = check_outcome(&env, &intake, &event, 1).await;
            table.push(format!(
                "{row:<55} {invocations} invocation(s) → {outcome:?}"
            ));
            match outcome {
                Ok(reply) if reply == expected_reply(call, fault) => {}
                Ok(reply) => failures.push(format!(
                    "{row}: reply recorded `{reply}`, expected `{}`",
                    expected_reply(call, fault)
                )),
                Err(e) => failures.push(format!("{row}: {e}")),
            }
        }
    }
    print_and_check(&table, &failures);
}

/// Exactly one case and `replies` replies sent, nothing left in flight, the raw message in S3;
/// `Ok` with the recorded reply state.
async fn check_outcome(
    env: &Env,
    intake: &FaultIntake,
    event: &serde_json::Value,
    replies: usize,
) -> Result<String, String> {
    let ses_id = ses_id_of(event);
    // Read moto directly: the proxy's faults are for the intake only.
    let store = slamail_aws::cases::CaseStore::new(env.moto.dynamodb(), env.intake.cases.table());
    let items = store
        .inbound_items(&ses_id)
        .await
        .map_err(|e| e.to_string())?;
    if items.len() != 1 {
        return Err(format!("{} inbound items", items.len()));
    }
    let item = &items[0];
    if item.state.as_str() != "done" || matches!(item.reply_state.as_str(), "sending" | "queued") {
        return Err(format!(
            "left {} with reply {}",
            item.state.as_str(),
            item.reply_state.as_str()
        ));
    }
    let case_id = item.case_id.clone().ok_or("no case bound")?;
    let cases = env
        .moto
        .dynamodb()
        .scan()
        .table_name(env.intake.cases.table())
        .filter_expression("sk = :case AND ses_message_id = :id")
        .expression_attribute_values(
            ":case",
            aws_sdk_dynamodb::types::AttributeValue::S("CASE".into()),
        )
        .expression_attribute_values(
            ":id",
            aws_sdk_dynamodb::types::AttributeValue::S(ses_id.clone()),
        )
        .send()
        .await
        .map_err(|e| e.to_string())?
        .count();
    if cases != 1 {
        return Err(format!("{cases} cases"));
    }
    let domain = format!("@{}>", intake.config.message_id_domain);
    let sent = env
        .moto
        .sent_emails()
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter(|raw| raw.contains(&format!("[{case_id}]")) && raw.contains(&domain))
        .count();
    if sent != replies {
        return Err(format!("{sent} replies sent, expected {replies}"));
    }
    env.moto
        .s3()
        .head_object()
        .bucket(&env.bucket)
        .key(format!("inbound/{ses_id}"))
        .send()
        .await
        .map_err(|e| format!("the raw message is gone: {e}"))?;
    let case = store
        .get_case(&case_id)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("the bound case is missing")?;
    Ok(match case.reply {
        ReplyOutcome::Sent { .. } => "sent",
        ReplyOutcome::Unknown { .. } => "unknown",
        ReplyOutcome::Pending => "pending",
        ReplyOutcome::Failed { .. } => "failed",
        ReplyOutcome::Suppressed { .. } => "suppressed",
        ReplyOutcome::Queued { .. } => "queued",
    }
    .to_string())
}

/// A claim whose release also fails (the invocation as good as died) is taken over by the retry
/// once its lease has run out, and not before.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failure_whose_release_also_fails_waits_for_the_lease() {
    let Faulty {
        env, intake, proxy, ..
    } = fault_env().await;
    let (bytes, event) = first_sent_scenario();
    let id = unique_name("norelease");
    let event = with_fresh_id(&event, &id);
    let bytes = with_header(&bytes, "Message-ID", &format!("<{id}@mail.acme.example>"));
    store(&env, &bytes, &event).await;
    proxy.fail_nth("DynamoDB.TransactWriteItems", 1, Fault::Refuse);
    // The release is the third UpdateItem (claim, case number, release).
    proxy.fail_nth("DynamoDB.UpdateItem", 3, Fault::Refuse);
    assert!(intake.handle_event(&event).await.is_err());
    let busy = intake.handle_event(&event).await;
    assert!(
        matches!(busy, Err(slamail_intake::IntakeError::Busy(_))),
        "leased until the lease ends: {busy:?}"
    );
    intake.clock.advance(TimeDelta::seconds(RETRY_GAPS_SECS[0]));
    let retry = intake.handle_event(&event).await.expect("the retry");
    assert!(
        matches!(&retry[0].outcome, Outcome::Created { case } if matches!(case.reply, ReplyOutcome::Sent { .. })),
        "{:?}",
        retry[0].outcome
    );
    assert_eq!(
        check_outcome(&env, &intake, &event, 1).await,
        Ok("sent".into())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_call_of_the_reply_queue_failing_once_ends_in_at_most_one_reply() {
    let f = fault_env().await;
    let (bytes, event) = first_sent_scenario();
    let sender = Sender {
        store: &f.intake.cases,
        mailer: &f.intake.mailer,
        clock: &f.intake.clock,
        rate: 1000.0,
    };
    let mut failures = Vec::new();
    let mut table = Vec::new();
    for (call, op, after_queueing) in QUEUE_CALLS {
        for fault in [Fault::Refuse, Fault::Throttle, Fault::Stall] {
            let row = format!("{call} × {fault:?}");
            let id = unique_name("qfault");
            let event = with_fresh_id(&event, &id);
            let bytes = with_header(&bytes, "Message-ID", &format!("<{id}@mail.acme.example>"));
            store(&f.env, &bytes, &event).await;
            f.proxy.clear_faults();
            // SES refuses every send of the invocation: the reply is queued.
            for _ in 0..=f.intake.config.send_retries {
                f.proxy.fail_next("SESv2.SendEmail", Fault::Throttle);
            }
            if !after_queueing {
                f.proxy.fail_next(op, fault);
            }
            let invocations = match with_retries(&f.intake, &event).await {
                Ok(n) => n,
                Err(e) => {
                    failures.push(format!("{row}: still failing after Lambda's retries: {e}"));
                    continue;
                }
            };
            f.proxy.clear_faults();
            if after_queueing {
                f.proxy.fail_next(op, fault);
            }
            let deliveries = drain(&f, &sender).await;
            let (want, replies) = expected_queued(call, fault);
            let outcome = match queue_left(&f).await {
                0 => check_outcome(&f.env, &f.intake, &event, replies).await,
                n => Err(format!("{n} records left in the queue")),
            };
            table.push(format!(
                "{row:<55} {invocations} invocation(s), {deliveries} queue deliveries → {outcome:?}"
            ));
            match outcome {
                Ok(reply) if reply == want => {}
                Ok(reply) => failures.push(format!(
                    "{row}: reply recorded `{reply}`, expected `{want}`"
                )),
                Err(e) => failures.push(format!("{row}: {e}")),
            }
        }
    }
    print_and_check(&table, &failures);
}

/// Hands the queue's records to the sender as Lambda's SQS event source does, one record per
/// batch, deleting what the sender settled; a record reported failed is offered again once the
/// queue's visibility timeout (here: the sender's lease) has passed on the test's clock. Returns
/// how many deliveries it made.
async fn drain(f: &Faulty, sender: &Sender<&CaseStore, &Mailer, &RetryClock>) -> usize {
    let mut deliveries = 0;
    for _ in 0..6 {
        let out = f
            .sqs
            .receive_message()
            .queue_url(&f.queue_url)
            .max_number_of_messages(1)
            .send()
            .await
            .expect("receive");
        let Some(m) = out.messages.unwrap_or_default().into_iter().next() else {
            break;
        };
        deliveries += 1;
        let record = serde_json::json!({"Records": [{
            "messageId": m.message_id.clone().unwrap_or_default(),
            "body": m.body.clone().unwrap_or_default()}]});
        let response = sender.handle_event(&record).await.expect("an SQS event");
        if response.batch_item_failures.is_empty() {
            f.sqs
                .delete_message()
                .queue_url(&f.queue_url)
                .receipt_handle(m.receipt_handle.unwrap_or_default())
                .send()
                .await
                .expect("delete");
        } else {
            f.intake
                .clock
                .advance(TimeDelta::seconds(slamail_replies::LEASE_SECS + 30));
        }
    }
    deliveries
}

/// Records still in the reply queue.
async fn queue_left(f: &Faulty) -> usize {
    let out = f
        .sqs
        .receive_message()
        .queue_url(&f.queue_url)
        .max_number_of_messages(10)
        .send()
        .await
        .expect("receive");
    out.messages.unwrap_or_default().len()
}

/// Prints a fault table (the file header's, as measured) and fails with every failed row.
fn print_and_check(table: &[String], failures: &[String]) {
    println!("{}", table.join("\n"));
    assert!(
        failures.is_empty(),
        "{}\n\nall rows:\n{}",
        failures.join("\n"),
        table.join("\n")
    );
}
