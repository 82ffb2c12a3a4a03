//! The intake end to end against moto: every sample scenario, duplicate deliveries, and the
//! third-party corpora.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use slamail_core::case::ReplyOutcome;
use slamail_intake::fakes::Scenarios;
use slamail_intake::{Intake, IntakeError, Outcome, Processed};
use slamail_tests::{MotoServer, repo_root, unique_name};

mod errors;
mod faults;
mod field_caps;
mod policies;

fn samples() -> PathBuf {
    repo_root().join("samplemail")
}

fn corpus() -> PathBuf {
    repo_root().join("tests/fixtures/corpus")
}

struct Env {
    moto: &'static MotoServer,
    intake: Intake,
    bucket: String,
}

impl Env {
    /// Raw auto-replies this environment sent for a case. The moto server is shared and case
    /// numbers restart in every environment's table, so replies are told apart by the
    /// environment's own Message-ID domain.
    fn sent_for(&self, case_id: &str) -> Vec<String> {
        let domain = format!("@{}>", self.intake.config.message_id_domain);
        self.moto
            .sent_emails()
            .expect("moto sent mail")
            .into_iter()
            .filter(|raw| raw.contains(&format!("[{case_id}]")) && raw.contains(&domain))
            .collect()
    }
}

/// Fresh tables, bucket and SES identities (unique names: the moto server is shared), the sample
/// directory imported.
async fn env() -> Env {
    env_on(MotoServer::shared()).await
}

async fn env_on(moto: &'static MotoServer) -> Env {
    env_with(moto, moto.sdk_config().clone()).await
}

/// An environment whose intake reaches moto through `aws` (e.g. a counting proxy).
async fn env_with(moto: &'static MotoServer, aws: aws_config::SdkConfig) -> Env {
    let policies = slamail_core::policy::PolicySet::from_list(None).expect("built-in policies");
    let stack =
        super::support::provision(moto, &aws_sdk_dynamodb::Client::new(&aws), &policies).await;
    let intake = Intake::from_aws(&aws, super::support::intake_config(&stack, "m"), policies);
    super::support::import_sample_directory(&intake).await;
    let bucket = stack.bucket;
    Env {
        moto,
        intake,
        bucket,
    }
}

/// Gives every event its own SES message id, so tests sharing the moto server never collide.
fn with_fresh_id(event: &serde_json::Value, id: &str) -> serde_json::Value {
    let mut e = event.clone();
    if let Some(mail) = e
        .pointer_mut("/Records/0/ses/mail")
        .and_then(|m| m.as_object_mut())
    {
        mail.insert(
            "messageId".into(),
            serde_json::Value::String(id.to_string()),
        );
    }
    e
}

/// Puts the message where SES's S3 action would for this event.
async fn store(env: &Env, bytes: &[u8], event: &serde_json::Value) {
    let id = event
        .pointer("/Records/0/ses/mail/messageId")
        .and_then(|v| v.as_str())
        .unwrap_or_default();
    env.intake
        .raw
        .put(&env.bucket, &format!("inbound/{id}"), bytes.to_vec())
        .await
        .expect("put raw message");
}

async fn deliver(
    env: &Env,
    bytes: &[u8],
    event: &serde_json::Value,
) -> Result<Vec<Processed>, IntakeError> {
    store(env, bytes, event).await;
    env.intake.handle_event(event).await
}

fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap_or_else(|e| panic!("{path:?}: {e}")))
        .unwrap_or_else(|e| panic!("{path:?}: {e}"))
}

/// The decoded text body of a sent message.
fn body_of(raw: &str) -> String {
    let msg = mail_parser::MessageParser::default()
        .parse(raw.as_bytes())
        .expect("sent mail parses");
    msg.body_text(0).map(|b| b.into_owned()).unwrap_or_default()
}

fn header<'a>(raw: &'a str, name: &str) -> Option<&'a str> {
    let head = raw.split("\r\n\r\n").next().unwrap_or_default();
    head.split("\r\n")
        .find(|l| {
            l.split_once(':')
                .is_some_and(|(n, _)| n.eq_ignore_ascii_case(name))
        })
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_sample_scenario() {
    let env = env().await;
    let scenarios: Scenarios = toml::from_str(
        &std::fs::read_to_string(samples().join("scenarios.toml")).expect("scenarios.toml"),
    )
    .expect("scenarios.toml parses");
    assert!(
        scenarios.scenario.len() >= 14,
        "every scenario of the issue is sampled"
    );
    let mut failures = Vec::new();
    for (i, s) in scenarios.scenario.iter().enumerate() {
        let bytes = std::fs::read(samples().join(&s.eml)).expect("eml");
        let event = with_fresh_id(
            &read_json(&samples().join(&s.event)),
            &format!("{}-{i}", unique_name("s")),
        );
        let processed = deliver(&env, &bytes, &event)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", s.name));
        assert_eq!(processed.len(), 1, "{}", s.name);
        let case = match &processed[0].outcome {
            Outcome::Created { case } => case.clone(),
            Outcome::Appended { case_id, .. } => {
                // A bounce of an earlier reply lands on that case instead.
                assert_eq!(s.reply, "bounce", "{}: appended to {case_id}", s.name);
                continue;
            }
            other => panic!("{}: {other:?}", s.name),
        };
        // What was stored is what was returned.
        let stored = env
            .intake
            .cases
            .get_case(&case.case_id)
            .await
            .expect("get case")
            .expect("case stored");
        failures.extend(s.case_mismatches(&stored));
        let mut check = |what: &str, got: &str, want: &str| {
            if got != want {
                failures.push(format!("{}: {what} is {got:?}, expected {want:?}", s.name));
            }
        };
        let sent = env.sent_for(case.case_id.as_str());
        match (&stored.reply, s.reply.as_str()) {
            (ReplyOutcome::Sent { .. }, "sent") => {
                if sent.len() != 1 {
                    failures.push(format!("{}: {} replies sent", s.name, sent.len()));
                    continue;
                }
                let raw = &sent[0];
                let requester = stored.requester.clone().unwrap_or_default();
                check(
                    "reply To",
                    &header(raw, "To")
                        .unwrap_or_default()
                        .to_lowercase()
                        .contains(&requester)
                        .to_string(),
                    "true",
                );
                // The reply comes from the support address written to (issue 11).
                check(
                    "reply From",
                    &header(raw, "From")
                        .unwrap_or_default()
                        .to_lowercase()
                        .contains(&format!("<{}>", s.address))
                        .to_string(),
                    "true",
                );
                check(
                    "Auto-Submitted",
                    header(raw, "Auto-Submitted").unwrap_or(""),
                    "auto-replied",
                );
                if let Some(mid) = &stored.message_id {
                    check(
                        "In-Reply-To",
                        header(raw, "In-Reply-To").unwrap_or(""),
                        &format!("<{mid}>"),
                    );
                }
                let body = body_of(raw);
                let flat = body.split_whitespace().collect::<Vec<_>>().join(" ");
                check(
                    "body names the case",
                    &flat.contains(case.case_id.as_str()).to_string(),
                    "true",
                );
                match &stored.due {
                    // No SLA clock: nothing is promised for this email.
                    None if stored.no_clock.is_some() => check(
                        "body promises nothing",
                        &(!flat.contains("will respond within")).to_string(),
                        "true",
                    ),
                    Some(_) => check(
                        "body states the target",
                        &flat
                            .contains(&format!("within {}", stored.target))
                            .to_string(),
                        "true",
                    ),
                    None => check(
                        "body says no guarantee",
                        &flat.contains("no guaranteed response time").to_string(),
                        "true",
                    ),
                }
                for other in ["bob@acme.example", "alice@acme.example"] {
                    if requester != other && flat.contains(other) {
                        failures.push(format!("{}: reply discloses {other}", s.name));
                    }
                }
            }
            (ReplyOutcome::Suppressed { code, .. }, want) => {
                check("reply", code, want);
                check("replies sent", &sent.len().to_string(), "0");
            }
            (other, want) => failures.push(format!("{}: reply {other:?}, expected {want}", s.name)),
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Scenario 01 (a designated Enterprise contact, answered): its message and SES event.
fn first_sent_scenario() -> (Vec<u8>, serde_json::Value) {
    let bytes = std::fs::read(samples().join("01-enterprise-critical.eml")).expect("sample 01");
    let event = read_json(&samples().join("01-enterprise-critical.event.json"));
    (bytes, event)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicate_delivery_makes_one_case_and_one_reply() {
    let env = env().await;
    let (bytes, event) = first_sent_scenario();
    let event = with_fresh_id(&event, &unique_name("dup"));
    let first = deliver(&env, &bytes, &event).await.expect("first delivery");
    let Outcome::Created { case } = &first[0].outcome else {
        panic!("{:?}", first[0].outcome)
    };
    let second = deliver(&env, &bytes, &event)
        .await
        .expect("second delivery");
    assert!(
        matches!(&second[0].outcome, Outcome::Duplicate { case_id: Some(c) } if *c == case.case_id),
        "{:?}",
        second[0].outcome
    );
    assert_eq!(env.sent_for(case.case_id.as_str()).len(), 1);
    let messages = env
        .intake
        .cases
        .messages(&case.case_id)
        .await
        .expect("messages");
    assert_eq!(messages.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_duplicate_deliveries_make_one_case_and_one_reply() {
    // Atomic requests, as DynamoDB gives them: see MotoServer::start_serial.
    let env = Arc::new(env_on(MotoServer::shared_serial()).await);
    let (bytes, event) = first_sent_scenario();
    let event = with_fresh_id(&event, &unique_name("race"));
    store(&env, &bytes, &event).await;
    let mut tasks = Vec::new();
    for _ in 0..6 {
        let env = env.clone();
        let event = event.clone();
        tasks.push(tokio::spawn(async move {
            env.intake.handle_event(&event).await
        }));
    }
    let mut created = Vec::new();
    let mut busy = 0;
    for t in tasks {
        match t.await.expect("task") {
            Ok(p) => {
                if let Outcome::Created { case } = &p[0].outcome {
                    created.push(case.case_id.clone());
                }
            }
            Err(IntakeError::Busy(_)) => busy += 1,
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(
        created.len(),
        1,
        "exactly one delivery creates the case ({busy} were told to retry)"
    );
    // Lambda's retry of a busy delivery finds the message done.
    let retry = env.intake.handle_event(&event).await.expect("retry");
    assert!(matches!(retry[0].outcome, Outcome::Duplicate { .. }));
    assert_eq!(env.sent_for(created[0].as_str()).len(), 1);
}

fn corpus_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["mikel-mail", "cpython-email"] {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(corpus().join(dir))
            .expect("corpus folder")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .collect();
        entries.sort();
        files.extend(entries);
    }
    files
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_corpus_message_is_recorded_and_no_bounce_is_answered() {
    let env = env().await;
    let template = read_json(&corpus().join("events/aws-lambda-go__ses-lambda-event.json"));
    let files = corpus_files();
    assert!(files.len() >= 150, "{} corpus files", files.len());
    let mut bounces = 0;
    // (Message-ID, From) of every message recorded: a later file with both the same is the same
    // message delivered again, recorded as a duplicate (docs/clock.md).
    let mut seen: Vec<(String, String)> = Vec::new();
    for (i, path) in files.iter().enumerate() {
        let bytes = std::fs::read(path).expect("corpus file");
        let mut event = with_fresh_id(&template, &format!("{}-{i}", unique_name("corpus")));
        if let Some(r) = event.pointer_mut("/Records/0/ses/receipt/recipients") {
            *r = serde_json::json!(["support@activestate.com"]);
        }
        let processed = deliver(&env, &bytes, &event)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let email = slamail_core::message::InboundEmail::parse(&bytes);
        let is_bounce = slamail_core::triage::loops::is_bounce(&email).is_some();
        let identity = (
            email.message_id.clone().unwrap_or_default(),
            email
                .sender_address()
                .map(|a| a.to_string())
                .unwrap_or_default(),
        );
        if matches!(processed[0].outcome, Outcome::Created { .. }) {
            seen.push(identity.clone());
        }
        match &processed[0].outcome {
            Outcome::Created { case } => {
                assert_eq!(case.raw.key, format!("inbound/{}", case.ses_message_id));
                if is_bounce {
                    bounces += 1;
                    assert!(
                        !matches!(case.reply, ReplyOutcome::Sent { .. }),
                        "{}: a bounce was answered",
                        path.display()
                    );
                }
            }
            Outcome::Appended { .. } => assert!(is_bounce, "{}", path.display()),
            // The corpora hold conversations too (RFC 5322's examples answer each other).
            Outcome::Threaded { .. } => assert!(
                slamail_core::conversation::thread_ids(&email)
                    .iter()
                    .any(|id| seen.iter().any(|(m, _)| m == id))
                    || email.subject.as_deref().is_some_and(|s| s.contains("[AS-")),
                "{}: threaded into a case it does not reference",
                path.display()
            ),
            Outcome::Duplicate { .. } => assert!(
                !identity.0.is_empty() && seen.contains(&identity),
                "{}: a duplicate of nothing recorded",
                path.display()
            ),
            other => panic!("{}: not recorded: {other:?}", path.display()),
        }
    }
    assert!(bounces >= 5, "the corpora hold DSNs ({bounces} seen)");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bounced_reply_joins_its_case_and_holds_further_replies() {
    let env = env().await;
    let (bytes, event) = first_sent_scenario();
    let first = deliver(&env, &bytes, &with_fresh_id(&event, &unique_name("orig")))
        .await
        .expect("original message");
    let Outcome::Created { case } = &first[0].outcome else {
        panic!("{:?}", first[0].outcome)
    };
    let ReplyOutcome::Sent { ses_message_id, .. } = &case.reply else {
        panic!("no reply: {:?}", case.reply)
    };

    // The sample bounce, pointed at the reply SES actually sent and naming its recipient.
    let bounce = std::fs::read_to_string(samples().join("08-bounce-of-auto-reply.eml"))
        .expect("bounce sample")
        .replace(
            "0100019af0b2c6d4-7e3a1f58-2c94-4d0b-b6a3-91e5f0c2d7a8-000000",
            ses_message_id,
        )
        .replace(
            "heidi@globex.example",
            case.requester.as_deref().expect("requester"),
        );
    let bounce_event = with_fresh_id(
        &read_json(&samples().join("08-bounce-of-auto-reply.event.json")),
        &unique_name("bounce"),
    );
    let attached = deliver(&env, bounce.as_bytes(), &bounce_event)
        .await
        .expect("bounce");
    assert!(
        matches!(&attached[0].outcome, Outcome::Appended { case_id, .. } if *case_id == case.case_id),
        "{:?}",
        attached[0].outcome
    );
    let messages = env
        .intake
        .cases
        .messages(&case.case_id)
        .await
        .expect("messages");
    assert_eq!(messages.len(), 2, "the bounce is a message of the case");

    // The requester's next message (its own Message-ID: the same one again would be a
    // duplicate delivery) is recorded, but not answered while the address bounces.
    let next_bytes = String::from_utf8_lossy(&bytes)
        .replace(
            "B02F28D45BEE49417EAD.6d5d686a@mail.acme.example",
            "next-message@mail.acme.example",
        )
        .into_bytes();
    let again = deliver(
        &env,
        &next_bytes,
        &with_fresh_id(&event, &unique_name("again")),
    )
    .await
    .expect("next message");
    let Outcome::Created { case: next } = &again[0].outcome else {
        panic!("{:?}", again[0].outcome)
    };
    assert!(
        matches!(&next.reply, ReplyOutcome::Suppressed { code, .. } if code == "undeliverable"),
        "{:?}",
        next.reply
    );
    assert!(env.sent_for(next.case_id.as_str()).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_s3_triggered_path_reads_verdicts_from_the_stored_message() {
    let env = env().await;
    let bytes = std::fs::read(samples().join("01-enterprise-critical.eml")).expect("sample");
    let mut event = read_json(&samples().join("s3-put-01.event.json"));
    let id = unique_name("s3");
    if let Some(s3) = event.pointer_mut("/Records/0/s3") {
        s3["bucket"]["name"] = serde_json::json!(env.bucket);
        s3["object"]["key"] = serde_json::json!(format!("inbound/{id}"));
    }
    env.intake
        .raw
        .put(&env.bucket, &format!("inbound/{id}"), bytes)
        .await
        .expect("put");
    let processed = env.intake.handle_event(&event).await.expect("S3 event");
    let Outcome::Created { case } = &processed[0].outcome else {
        panic!("{:?}", processed[0].outcome)
    };
    // No envelope on this path: the policy comes from the To header, the verdicts from the
    // X-SES-* and topmost Authentication-Results headers SES wrote into the message.
    assert_eq!(case.policy, "activestate");
    assert_eq!(case.tier, "enterprise");
    assert_eq!(case.tier_reason, "designated-contact");
    assert!(case.verdicts.dmarc.is_pass(), "{:?}", case.verdicts);
    assert_eq!(case.due.as_deref(), Some("2026-11-30T16:10:00-08:00"));

    let setup = read_json(&samples().join("s3-setup-notification.event.json"));
    assert!(
        env.intake
            .handle_event(&setup)
            .await
            .expect("setup")
            .is_empty()
    );
}

/// The AWS requests one delivery of every sample scenario costs, counted at the emulator (a
/// counting proxy in front of moto). A new case with an auto-reply is the common path: at most 7
/// sequential round trips. One path pays an eighth: mail to an `organisation-members` policy
/// (Alectrona) from a sender no organisation under it lists, where the directory's domain
/// lookup (a second Query) decides whether a customer's verified domain entitles them (issue 11,
/// point 4; scenario 15). Every other scenario makes at most one directory Query.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aws_round_trips_per_scenario() {
    let policies = slamail_core::policy::PolicySet::builtin().expect("built-in policies");
    let moto = MotoServer::shared();
    let proxy = slamail_tests::CountingProxy::start(moto).expect("counting proxy");
    let env = env_with(moto, proxy.sdk_config().clone()).await;
    let scenarios: Scenarios = toml::from_str(
        &std::fs::read_to_string(samples().join("scenarios.toml")).expect("scenarios.toml"),
    )
    .expect("scenarios.toml parses");
    let mut table = Vec::new();
    let mut over = Vec::new();
    for (i, s) in scenarios.scenario.iter().enumerate() {
        let bytes = std::fs::read(samples().join(&s.eml)).expect("eml");
        let event = with_fresh_id(
            &read_json(&samples().join(&s.event)),
            &format!("{}-{i}", unique_name("rt")),
        );
        store(&env, &bytes, &event).await;
        proxy.reset();
        let processed = env
            .intake
            .handle_event(&event)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", s.name));
        let requests = proxy.requests();
        let sent = matches!(&processed[0].outcome,
            Outcome::Created { case } if matches!(case.reply, ReplyOutcome::Sent { .. }));
        table.push(format!(
            "{:<40} {:>2}  {}",
            s.name,
            requests.len(),
            requests.join(" ")
        ));
        let domain_lookup = policies
            .get(&slamail_core::ids::PolicyId::parse(&s.policy).expect("policy id"))
            .is_some_and(|p| {
                p.entitlement == slamail_core::policy::Entitlement::OrganisationMembers
            })
            && s.tier_reason == "unknown-sender";
        let queries = requests.iter().filter(|r| *r == "DynamoDB.Query").count();
        if queries > 1 + usize::from(domain_lookup) {
            over.push(format!("{}: {queries} directory queries", s.name));
        }
        let budget = 7 + usize::from(domain_lookup);
        if sent && requests.len() > budget {
            over.push(format!(
                "{}: {} requests (budget {budget})",
                s.name,
                requests.len()
            ));
        }
    }
    println!("{}", table.join("\n"));
    assert!(
        over.is_empty(),
        "a new case with an auto-reply costs more than 7 AWS requests (8 with the domain lookup), \
         or a scenario queries the directory more than it needs:\n{}\n\nper scenario:\n{}",
        over.join("\n"),
        table.join("\n")
    );
}

/// An environment whose intake reaches moto through a counting, fault-injecting proxy.
async fn env_behind_proxy() -> (Env, slamail_tests::CountingProxy) {
    let moto = MotoServer::shared();
    let proxy = slamail_tests::CountingProxy::start(moto).expect("counting proxy");
    (env_with(moto, proxy.sdk_config().clone()).await, proxy)
}

fn ses_id_of(event: &serde_json::Value) -> String {
    event
        .pointer("/Records/0/ses/mail/messageId")
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

/// Issue 8 item 1: a failure after the claim must not leave the message leased, or Lambda's
/// retry (about a minute later) is refused as "being processed" and the message is lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failure_after_the_claim_lets_the_retry_finish() {
    let (env, proxy) = env_behind_proxy().await;
    let (bytes, event) = first_sent_scenario();
    let event = with_fresh_id(&event, &unique_name("fail"));
    store(&env, &bytes, &event).await;
    proxy.fail_next("S3.GetObject", slamail_tests::Fault::Refuse);
    assert!(env.intake.handle_event(&event).await.is_err(), "S3 failed");
    let retry = env
        .intake
        .handle_event(&event)
        .await
        .expect("the retry finishes the job");
    let Outcome::Created { case } = &retry[0].outcome else {
        panic!("{:?}", retry[0].outcome)
    };
    assert!(
        matches!(case.reply, ReplyOutcome::Sent { .. }),
        "{:?}",
        case.reply
    );
    assert_eq!(env.sent_for(case.case_id.as_str()).len(), 1);
}

/// Issue 8 item 1: when the reply went out but its outcome could not be recorded, the retry
/// must not send again and must leave a visible, recorded outcome (not `sending` forever).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_whose_outcome_was_not_recorded_ends_recorded_on_retry() {
    let (env, proxy) = env_behind_proxy().await;
    let (bytes, event) = first_sent_scenario();
    let event = with_fresh_id(&event, &unique_name("unrec"));
    store(&env, &bytes, &event).await;
    proxy.fail_after("SESv2.SendEmail", slamail_tests::Fault::Refuse);
    assert!(
        env.intake.handle_event(&event).await.is_err(),
        "recording failed"
    );
    let retry = env.intake.handle_event(&event).await.expect("the retry");
    let case_id = match &retry[0].outcome {
        Outcome::Created { case } => case.case_id.clone(),
        Outcome::Duplicate { case_id: Some(c) } => c.clone(),
        other => panic!("{other:?}"),
    };
    let stored = env
        .intake
        .cases
        .get_case(&case_id)
        .await
        .expect("get case")
        .expect("case stored");
    assert!(
        matches!(stored.reply, ReplyOutcome::Unknown { .. }),
        "the case says what became of the reply: {:?}",
        stored.reply
    );
    let inbound = env
        .intake
        .cases
        .inbound(&ses_id_of(&event))
        .await
        .expect("inbound")
        .expect("inbound item");
    assert_eq!(inbound.state, slamail_aws::cases::InboundState::Done);
    assert_ne!(
        inbound.reply_state,
        slamail_aws::cases::ReplyState::Sending,
        "no message stays in `sending`"
    );
    assert_eq!(
        env.sent_for(case_id.as_str()).len(),
        1,
        "never a second reply"
    );
}

/// The record Lambda's on-failure destination puts on the dead-letter queue for an event whose
/// retries were exhausted, delivered back to the intake as an SQS event.
fn dead_letter_redrive(event: &serde_json::Value) -> serde_json::Value {
    let record = serde_json::json!({
        "version": "1.0",
        "timestamp": "2026-11-30T22:14:02.000Z",
        "requestContext": {
            "requestId": "e4b46cbf-b738-xmpl-8880-a18cdf61200e",
            "functionArn": "arn:aws:lambda:us-east-1:123456789012:function:slamail-intake:$LATEST",
            "condition": "RetriesExhausted",
            "approximateInvokeCount": 3
        },
        "requestPayload": event,
        "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
        "responsePayload": {"errorMessage": "reading s3://… failed", "errorType": "&slamail_intake::IntakeError"}
    });
    serde_json::json!({"Records": [{
        "messageId": "059f36b4-87a3-44ab-83d2-661975830a7d",
        "receiptHandle": "AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a",
        "body": record.to_string(),
        "attributes": {"ApproximateReceiveCount": "1"},
        "messageAttributes": {},
        "md5OfBody": "",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:slamail-IntakeDeadLetterQueue",
        "awsRegion": "us-east-1"
    }]})
}

/// Issue 8 item 1: a redrive from the dead-letter queue finishes the job.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redrive_from_the_dead_letter_queue_finishes_the_job() {
    let (env, proxy) = env_behind_proxy().await;
    let (bytes, event) = first_sent_scenario();
    let event = with_fresh_id(&event, &unique_name("dlq"));
    store(&env, &bytes, &event).await;
    proxy.fail_next("S3.GetObject", slamail_tests::Fault::Refuse);
    assert!(env.intake.handle_event(&event).await.is_err());
    let redriven = env
        .intake
        .handle_event(&dead_letter_redrive(&event))
        .await
        .expect("the redrive is processed");
    let Outcome::Created { case } = &redriven[0].outcome else {
        panic!("{:?}", redriven[0].outcome)
    };
    assert!(
        matches!(case.reply, ReplyOutcome::Sent { .. }),
        "{:?}",
        case.reply
    );
    assert_eq!(env.sent_for(case.case_id.as_str()).len(), 1);
    // Redriving again is a duplicate delivery.
    let again = env
        .intake
        .handle_event(&dead_letter_redrive(&event))
        .await
        .expect("second redrive");
    assert!(matches!(again[0].outcome, Outcome::Duplicate { .. }));
}

/// The intake's `Timeout` in the template.
fn template_intake_timeout() -> u64 {
    let text = std::fs::read_to_string(slamail_tables::template_path()).expect("template");
    let mut in_intake = false;
    for line in text.lines() {
        if line.starts_with("  ") && !line.starts_with("   ") {
            in_intake = line.trim_end() == "  IntakeFunction:";
        }
        if in_intake && let Some(v) = line.trim().strip_prefix("Timeout:") {
            return v.trim().parse().expect("a number of seconds");
        }
    }
    panic!("IntakeFunction has no Timeout");
}

/// Issue 8 item 1: the claim lease outlasts a live invocation (the function timeout) and ends
/// before Lambda's first asynchronous retry (about one minute after the failure).
#[test]
fn the_lease_outlasts_the_timeout_and_ends_before_the_first_retry() {
    let timeout = template_intake_timeout();
    assert!(
        timeout + 10 < 60,
        "Timeout {timeout}s leaves no room for a lease below 60 s"
    );
}
