//! Issue 8 item 2: fault injection. Every AWS call a new case with an auto-reply makes is failed
//! once — refused with a service fault (HTTP 500), refused with the service's throttling error,
//! and carried out by moto but stalled past the client's attempt timeout (the caller cannot know
//! it took effect) — by the counting proxy in front of moto, so the SDK takes its real error
//! paths. Lambda's retries are simulated as they happen: the same event again, one minute later
//! and then two more (the test's clock moves, so a claim left leased by a lost answer has run
//! out, as `lease.rs` guarantees). After them, each row must have exactly one case, exactly one
//! auto-reply sent, nothing `processing` or `sending`, and the raw message still in S3.
//!
//! | call (in order)                          | 500 refused        | throttled          | stalled past timeout                        |
//! |------------------------------------------|--------------------|--------------------|---------------------------------------------|
//! | S3 GetObject (the message)               | retry → sent       | retry → sent       | retry → sent                                |
//! | DynamoDB UpdateItem (claim)              | retry → sent       | retry → sent       | claimed unanswered: retry after lease → sent |
//! | DynamoDB Query (memberships)             | retry → sent       | retry → sent       | retry → sent                                |
//! | DynamoDB UpdateItem (case number)        | retry → sent       | retry → sent       | number used: retry takes the next → sent     |
//! | DynamoDB TransactWriteItems (open case)  | retry → sent       | retry → sent       | case written, reply freed: retry sends → sent |
//! | SESv2 SendEmail (the reply)              | retry → sent       | retry → sent       | sent, answer lost → recorded `unknown`       |
//! | DynamoDB TransactWriteItems (record)     | retry → `unknown`  | retry → `unknown`  | recorded, answer lost → retry: duplicate → sent |
//!
//! `unknown` is the honest record when the reply was handed to SES and its outcome could not be
//! recorded: it is never sent a second time (the case says "it may have been sent"). Before the
//! fix that came with this suite, the stalled case write left the reply `sending`, so the retry
//! recorded it `unknown` and no reply was ever sent.

use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use slamail_core::case::ReplyOutcome;
use slamail_core::intake::ports::Clock;
use slamail_intake::{Intake, IntakeConfig, Outcome};
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

/// How the reply must end up recorded for a row of the table above.
fn expected_reply(call: &str, fault: Fault) -> &'static str {
    match (call, fault) {
        ("SESv2 SendEmail (the reply)", Fault::Stall) => "unknown",
        ("TransactWriteItems (record)", Fault::Refuse | Fault::Throttle) => "unknown",
        _ => "sent",
    }
}

async fn fault_env() -> (Env, FaultIntake, CountingProxy) {
    // A server of its own: the shared one serves one request at a time, so under the whole
    // suite an ordinary call can wait behind other tests' calls longer than the attempt timeout,
    // and a fault the row did not inject would change its outcome.
    static OWN: std::sync::OnceLock<MotoServer> = std::sync::OnceLock::new();
    let moto = OWN.get_or_init(|| MotoServer::start_serial().expect("moto for the fault suite"));
    let proxy = CountingProxy::start(moto).expect("proxy");
    // Set up without the timeout: only the intake's calls are under test.
    let env = env_with(moto, proxy.sdk_config().clone()).await;
    let base = Intake::from_aws(
        &proxy.sdk_config_with_attempt_timeout(ATTEMPT_TIMEOUT),
        IntakeConfig {
            // Every row replies to the same sender.
            rate_limits: slamail_core::triage::loops::RateLimits {
                per_hour: 1_000,
                per_day: 1_000,
            },
            ..env.intake.config.clone()
        },
        slamail_core::policy::PolicySet::from_list(None).expect("policies"),
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
    (env, intake, proxy)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_call_failing_once_ends_in_one_case_and_one_reply() {
    let (env, intake, proxy) = fault_env().await;
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
            let mut invocations = 1;
            let mut result = intake.handle_event(&event).await;
            for gap in RETRY_GAPS_SECS {
                if result.is_ok() {
                    break;
                }
                intake.clock.advance(TimeDelta::seconds(gap));
                invocations += 1;
                result = intake.handle_event(&event).await;
            }
            if let Err(e) = &result {
                failures.push(format!("{row}: still failing after Lambda's retries: {e}"));
                continue;
            }
            let outcome = check_outcome(&env, &intake, &event).await;
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
    println!("{}", table.join("\n"));
    assert!(
        failures.is_empty(),
        "{}\n\nall rows:\n{}",
        failures.join("\n"),
        table.join("\n")
    );
}

/// Exactly one case and one reply sent, nothing left in flight, the raw message in S3; `Ok` with
/// the recorded reply state.
async fn check_outcome(
    env: &Env,
    intake: &FaultIntake,
    event: &serde_json::Value,
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
    if item.state.as_str() != "done" || item.reply_state.as_str() == "sending" {
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
    if sent != 1 {
        return Err(format!("{sent} replies sent"));
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
    let (env, intake, proxy) = fault_env().await;
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
        check_outcome(&env, &intake, &event).await,
        Ok("sent".into())
    );
}
