//! Conversations end to end against moto (docs/clock.md): follow-ups threading by each header
//! and by tag, strangers quarantined, duplicates, agents acting through the desk and the HTTP
//! API, and every clock transition with its expected due instant in business time — the sample
//! conversation (`samplemail/conversation/`) step by step.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde_json::json;
use slamail_agents::{Desk, DeskError};
use slamail_aws::cases::CaseStore;
use slamail_aws::mailer::Mailer;
use slamail_core::case::{CaseRecord, MessageKind, ReplyOutcome};
use slamail_core::conversation::FollowUpKind;
use slamail_core::ids::{CaseId, EmailAddress, PolicyId, QueueId};
use slamail_intake::{Intake, Outcome, Processed};
use slamail_tests::{MotoServer, repo_root, unique_name};

mod long_cases;
mod queue_pages;

fn samples() -> PathBuf {
    repo_root().join("samplemail")
}

struct Env {
    moto: &'static MotoServer,
    intake: Intake,
    desk: Desk,
    bucket: String,
}

impl Env {
    /// Raw mail this environment sent (told apart by its Message-ID domain).
    fn sent(&self) -> Vec<String> {
        let domain = format!("@{}>", self.intake.config.message_id_domain);
        self.moto
            .sent_emails()
            .expect("moto sent mail")
            .into_iter()
            .filter(|raw| raw.contains(&domain))
            .collect()
    }

    async fn case(&self, id: &CaseId) -> CaseRecord {
        self.intake
            .cases
            .get_case(id)
            .await
            .expect("get case")
            .expect("case exists")
    }

    /// Delivers raw mail as SES would, at `at`, every verdict passing unless `dmarc` says.
    async fn deliver(&self, bytes: &[u8], at: &str, dmarc: &str) -> Processed {
        super::support::deliver(&self.intake, &self.bucket, bytes, at, dmarc).await
    }
}

async fn env() -> Env {
    let moto = MotoServer::shared();
    let aws = moto.sdk_config().clone();
    let policies = slamail_core::policy::PolicySet::from_list(None).expect("policies");
    let stack =
        super::support::provision(moto, &aws_sdk_dynamodb::Client::new(&aws), &policies).await;
    let config = super::support::intake_config(&stack, "m");
    let domain = config.message_id_domain.clone();
    let cases = stack.cases.clone();
    let intake = Intake::from_aws(&aws, config, policies.clone());
    super::support::import_sample_directory(&intake).await;
    let desk = Desk {
        cases: CaseStore::new(aws_sdk_dynamodb::Client::new(&aws), &cases),
        mailer: Mailer::new(moto.sesv2(), "us-east-1", None),
        policies,
        message_id_domain: domain,
    };
    Env {
        moto,
        intake,
        desk,
        bucket: stack.bucket,
    }
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("instant")
        .with_timezone(&Utc)
}

fn created(p: &Processed) -> CaseRecord {
    match &p.outcome {
        Outcome::Created { case } => (**case).clone(),
        other => panic!("{other:?}"),
    }
}

fn threaded(p: &Processed) -> (CaseId, FollowUpKind) {
    match &p.outcome {
        Outcome::Threaded { case_id, kind, .. } => (case_id.clone(), *kind),
        other => panic!("expected a follow-up, got {other:?}"),
    }
}

fn sam() -> EmailAddress {
    EmailAddress::parse("sam@activestate.com").unwrap()
}

/// A reply as a mail client writes it: our headers, CRLF.
fn mail(from: &str, domain: &str, message_id: &str, extra: &str, subject: &str) -> Vec<u8> {
    format!(
        "Authentication-Results: amazonses.com; spf=pass envelope-from={from}; \
         dkim=pass header.i=@{domain}; dmarc=pass header.from={domain};\r\n\
         From: <{from}>\r\nTo: support@activestate.com\r\nMessage-ID: <{message_id}>\r\n\
         Subject: {subject}\r\n{extra}Content-Type: text/plain\r\n\r\nThanks, more details here.\r\n"
    )
    .into_bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sample_conversation_step_by_step() {
    let env = env().await;
    let dir = samples().join("conversation");
    let script = slamail_cli::conversation::read_script(&dir).expect("script");
    let policy = env
        .intake
        .policies
        .get(&PolicyId::parse(&script.policy).unwrap())
        .expect("policy")
        .clone();
    let results = slamail_cli::conversation::run(
        &env.intake,
        &env.desk,
        &policy,
        &dir,
        &script,
        &unique_name("step"),
    )
    .await
    .expect("the conversation runs");
    let mismatches: Vec<String> = results.iter().flat_map(|r| r.mismatches()).collect();
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
    let case_id = results[0]
        .case_id
        .clone()
        .expect("the first step opens a case");
    let case = env.case(&case_id).await;

    // Mail: the auto-reply, the reclassification notice, and the new case's auto-reply; no
    // follow-up was answered, and nobody was told about the stranger.
    let sent = env.sent();
    assert_eq!(sent.len(), 3, "{sent:#?}");
    assert!(sent.iter().all(|m| !m.contains("mallory@evil.example")));
    let notice = sent
        .iter()
        .find(|m| m.contains("priority of case"))
        .expect("the requester is told about the reclassification");
    assert!(
        notice.contains("all 14 production pipelines are blocked"),
        "{notice}"
    );
    assert!(!notice.contains("Auto-Submitted"));

    // The stranger's message is on the case, marked unverified.
    let shown = env.desk.show(&sam(), &case_id).await.expect("show");
    let stranger = shown
        .messages
        .iter()
        .find(|m| {
            m.from
                .as_ref()
                .is_some_and(|f| f.as_str() == "mallory@evil.example")
        })
        .expect("the stranger's message is recorded");
    assert_eq!(stranger.kind, Some(MessageKind::Unverified));
    assert!(
        stranger
            .note
            .as_deref()
            .unwrap_or("")
            .contains("not a participant")
    );
    let kinds: Vec<&str> = shown.ledger.iter().map(|e| e.event.name()).collect();
    assert_eq!(
        kinds,
        [
            "start",
            "pause",
            "resume",
            "reclassify",
            "fulfil",
            "close",
            "reopen",
            "start",
            "breach",
            "fulfil",
            "close"
        ]
    );
    assert!(
        shown
            .ledger
            .iter()
            .all(|e| e.policy_version == policy.version)
    );
    assert_eq!(
        case.deadlines.len(),
        2,
        "the reclassification is in the history"
    );
    assert_eq!(case.severity, "critical");

    // `case show` text and `case explain`, from the ledger.
    let text = slamail_agents::timeline::render(&policy, &shown, at("2026-12-24T00:00:00Z"));
    assert!(text.contains("UNVERIFIED"), "{text}");
    assert!(text.contains("BREACH"), "{text}");
    let explain = env
        .desk
        .explain(&sam(), &case_id, at("2026-12-24T00:00:00Z"))
        .await
        .expect("explain");
    for want in [
        "Mon 30 Nov 2026  14:10–15:10 (1h00)",
        "Tue 1 Dec 2026  10:00–11:00 (1h00)",
        "paused: Mon 30 Nov 2026, 15:10 PST -> Tue 1 Dec 2026, 10:00 PST",
        "due: Tue 1 Dec 2026, 11:00 PST (2h00 of business time counted = the target)",
        "ended: answered Tue 1 Dec 2026, 10:45 PST (in time, 0h15 before the due instant)",
        "ended: answered Mon 7 Dec 2026, 11:30 PST (0h30 late)",
    ] {
        assert!(explain.contains(want), "missing {want:?} in:\n{explain}");
    }

    // The late reply's case refers to this one and is in its queue by its due instant.
    let new_case = results
        .last()
        .and_then(|r| r.case_id.clone())
        .expect("new case");
    let newer = env.case(&new_case).await;
    assert_eq!(newer.refers_to.as_ref(), Some(&case_id));
    let queue = env
        .desk
        .queue(
            &sam(),
            &policy.id,
            &QueueId::parse(&newer.queue).unwrap(),
            Some(at("2026-12-31T00:00:00Z")),
            10,
            None,
        )
        .await
        .expect("queue")
        .cases;
    assert_eq!(
        queue.iter().map(|c| c.case_id.clone()).collect::<Vec<_>>(),
        [new_case]
    );
}

/// The issue's new-user path: the auto-reply says "reply … keep [AS-…] in the subject"; a reply
/// with `Re: [id]` and In-Reply-To = our reply's Message-ID joins the case, by the id we set and
/// by the form SES assigns, and by the tag alone; no new case, no second auto-reply.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_users_reply_to_the_auto_reply_joins_the_case() {
    let env = env().await;
    let original = std::fs::read(samples().join("05-unknown-sender.eml")).expect("sample 05");
    let email = slamail_core::message::InboundEmail::parse(&original);
    let sender = email.sender_address().expect("sender").to_string();
    let domain = sender.split('@').nth(1).unwrap().to_string();
    let first = env
        .deliver(&original, "2026-12-02T19:05:00.000Z", "PASS")
        .await;
    let case = created(&first);
    let ReplyOutcome::Sent { message_ids, .. } = &case.reply else {
        panic!("{:?}", case.reply)
    };
    assert!(
        message_ids[0].ends_with(&format!("@{}", env.intake.config.message_id_domain)),
        "our own Message-ID is recorded first: {message_ids:?}"
    );
    assert!(message_ids[1].ends_with("@email.amazonses.com"));
    let sent_before = env.sent().len();
    let tag = format!(
        "Re: [{}] {}",
        case.case_id,
        case.subject.as_deref().unwrap_or_default()
    );
    for (n, (reply_to, subject)) in [
        (Some(&message_ids[0]), tag.clone()),
        (
            Some(&message_ids[1]),
            "Re: your acknowledgement".to_string(),
        ),
        (
            Some(&message_ids[2]),
            "Re: your acknowledgement".to_string(),
        ),
        (None, tag.clone()),
    ]
    .into_iter()
    .enumerate()
    {
        let extra = reply_to
            .map(|id| format!("In-Reply-To: <{id}>\r\nReferences: <{id}>\r\n"))
            .unwrap_or_default();
        let bytes = mail(
            &sender,
            &domain,
            &format!("reply-{n}@{domain}"),
            &extra,
            &subject,
        );
        let p = env
            .deliver(&bytes, "2026-12-02T20:00:00.000Z", "PASS")
            .await;
        assert_eq!(
            threaded(&p),
            (case.case_id.clone(), FollowUpKind::Customer),
            "reply {n}"
        );
    }
    assert_eq!(
        env.sent().len(),
        sent_before,
        "no auto-reply to a follow-up"
    );
    let stored = env.case(&case.case_id).await;
    assert_eq!(stored.message_count, 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn strangers_forgers_and_unknown_tags() {
    let env = env().await;
    let original = std::fs::read(samples().join("01-enterprise-critical.eml")).expect("01");
    let case = created(
        &env.deliver(&original, "2026-11-30T22:10:00.000Z", "PASS")
            .await,
    );
    let subject = format!("Re: [{}] builds", case.case_id);
    // The requester's address, unauthenticated: a stranger, whatever the From says.
    let forged = mail(
        "alice@acme.example",
        "acme.example",
        "forged@x.example",
        "",
        &subject,
    );
    let p = env
        .deliver(&forged, "2026-11-30T22:20:00.000Z", "FAIL")
        .await;
    assert_eq!(threaded(&p).1, FollowUpKind::Unverified);
    // Authenticated, but nobody on the case.
    let stranger = mail(
        "eve@other.example",
        "other.example",
        "eve@other.example",
        "",
        &subject,
    );
    let p = env
        .deliver(&stranger, "2026-11-30T22:25:00.000Z", "PASS")
        .await;
    assert_eq!(threaded(&p).1, FollowUpKind::Unverified);
    // A member of the requester's organisation who was not on the mail: a participant.
    let carol = mail(
        "carol@acme.example",
        "acme.example",
        "carol-1@acme.example",
        "",
        &subject,
    );
    let p = env
        .deliver(&carol, "2026-11-30T22:30:00.000Z", "PASS")
        .await;
    assert_eq!(threaded(&p).1, FollowUpKind::Customer);
    let stored = env.case(&case.case_id).await;
    assert_eq!(
        stored.due, case.due,
        "no unverified message moved the clock"
    );
    assert_eq!(env.sent().len(), 1, "only the original's auto-reply");

    // A tag naming no case, and one of another policy's prefix: new cases.
    for (n, tag) in ["[AS-2026-999999]", "[ALC-2026-000001]"].iter().enumerate() {
        let bytes = mail(
            "alice@acme.example",
            "acme.example",
            &format!("tag-{n}@acme.example"),
            "",
            &format!("Re: {tag} something else"),
        );
        let p = env
            .deliver(&bytes, "2026-11-30T22:40:00.000Z", "PASS")
            .await;
        assert_ne!(created(&p).case_id, case.case_id);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_message_id_under_a_second_ses_id_is_a_duplicate() {
    let env = env().await;
    let original = std::fs::read(samples().join("01-enterprise-critical.eml")).expect("01");
    let case = created(
        &env.deliver(&original, "2026-11-30T22:10:00.000Z", "PASS")
            .await,
    );
    let again = env
        .deliver(&original, "2026-11-30T22:10:05.000Z", "PASS")
        .await;
    assert!(
        matches!(&again.outcome, Outcome::Duplicate { case_id: Some(c) } if *c == case.case_id),
        "{:?}",
        again.outcome
    );
    assert_eq!(env.sent().len(), 1, "one auto-reply");
    // The same Message-ID from someone else never joins (or silences) that case.
    // (Bob's domain is Alice's, so the sample's DMARC result still authenticates him.)
    let other = String::from_utf8_lossy(&original).replace(
        "From: Alice Nguyen <alice@acme.example>",
        "From: Bob <bob@acme.example>",
    );
    let p = env
        .deliver(other.as_bytes(), "2026-11-30T22:11:00.000Z", "PASS")
        .await;
    assert_ne!(created(&p).case_id, case.case_id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agents_reply_through_ses_and_alectronas_update_clock_runs() {
    let env = env().await;
    // Alectrona urgent (erin, initech standard): new case 1 business hour, update 4.
    let original = std::fs::read(samples().join("11-alectrona-urgent.eml")).expect("11");
    let case = created(
        &env.deliver(&original, "2026-11-23T22:00:00.000Z", "PASS")
            .await,
    );
    assert_eq!(case.due.as_deref(), Some("2026-11-24T09:30:00-05:00"));
    let agent = EmailAddress::parse("lee@alectrona.com").unwrap();
    // Only the policy's staff act on its cases.
    let refused = env
        .desk
        .note(&sam(), &case.case_id, "hello", at("2026-11-24T14:00:00Z"))
        .await;
    assert!(
        matches!(refused, Err(DeskError::Forbidden { .. })),
        "{refused:?}"
    );

    let done = env
        .desk
        .reply(
            &agent,
            &case.case_id,
            "We are looking at it; restart the agent meanwhile.",
            at("2026-11-24T14:10:00Z"),
        )
        .await
        .expect("reply");
    assert_eq!(done.case.due, None, "the first response is fulfilled");
    let raw = env
        .sent()
        .into_iter()
        .find(|m| m.contains("restart the agent"))
        .expect("the reply went out through SES");
    let ReplyOutcome::Sent { message_ids, .. } = &case.reply else {
        panic!("{:?}", case.reply)
    };
    let mid = case.message_id.clone().expect("customer id");
    assert!(raw.contains(&format!("In-Reply-To: <{mid}>")), "{raw}");
    assert!(
        raw.contains(&format!("<{}>", message_ids[0])),
        "ours in References: {raw}"
    );
    assert!(raw.contains(&format!("[{}]", case.case_id)));
    assert!(!raw.contains("Auto-Submitted"));

    // The customer answers the agent's reply (by its SES form): the update target runs.
    let shown = env.desk.show(&agent, &case.case_id).await.expect("show");
    let ours = shown
        .messages
        .iter()
        .find(|m| m.kind == Some(MessageKind::AgentReply))
        .expect("the reply is recorded");
    let ses_form = ours.message_ids[1].clone();
    let follow = format!(
        "Authentication-Results: amazonses.com; dkim=pass header.i=@initech.example; \
         dmarc=pass header.from=initech.example;\r\nFrom: <erin@initech.example>\r\n\
         To: support@alectrona.com\r\nMessage-ID: <erin-2@initech.example>\r\n\
         In-Reply-To: <{ses_form}>\r\nSubject: Re: restarted\r\n\r\nStill down.\r\n"
    );
    let p = env
        .deliver(follow.as_bytes(), "2026-11-24T15:00:00.000Z", "PASS")
        .await;
    assert_eq!(threaded(&p).1, FollowUpKind::Customer);
    let stored = env.case(&case.case_id).await;
    // Tue 10:00 ET + 4 business hours = 14:00.
    assert_eq!(stored.due.as_deref(), Some("2026-11-24T14:00:00-05:00"));
    assert_eq!(stored.due_utc.as_deref(), Some("2026-11-24T19:00:00Z"));
    let queue = env
        .desk
        .queue(
            &agent,
            &PolicyId::parse("alectrona").unwrap(),
            &QueueId::parse(&stored.queue).unwrap(),
            None,
            10,
            None,
        )
        .await
        .expect("queue")
        .cases;
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0].due_metric.map(|m| m.as_str()), Some("update"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_agents_http_api_checks_the_group_and_the_policy() {
    let env = env().await;
    let original = std::fs::read(samples().join("01-enterprise-critical.eml")).expect("01");
    let case = created(
        &env.deliver(&original, "2026-11-30T22:10:00.000Z", "PASS")
            .await,
    );
    let request = |email: &str, groups: &str, method: &str, path: &str, body: Option<&str>| {
        serde_json::from_value::<aws_lambda_events::apigw::ApiGatewayV2httpRequest>(json!({
            "rawPath": path,
            "body": body,
            "isBase64Encoded": false,
            "requestContext": {"http": {"method": method, "path": path},
                "authorizer": {"jwt": {"claims": {"email": email, "email_verified": "true",
                    "cognito:groups": groups}, "scopes": null}}},
        }))
        .expect("request")
    };
    let call = |req| {
        slamail_agents::api::handle(&env.desk, "slamail-agents", req, at("2026-11-30T23:00:00Z"))
    };
    let path = format!("/cases/{}", case.case_id);
    let ok = call(request(
        "sam@activestate.com",
        "[slamail-agents]",
        "GET",
        &path,
        None,
    ))
    .await;
    assert_eq!(ok.status_code, 200);
    let not_agent = call(request(
        "sam@activestate.com",
        "[readers]",
        "GET",
        &path,
        None,
    ))
    .await;
    assert_eq!(not_agent.status_code, 403);
    let other_vendor = call(request(
        "lee@alectrona.com",
        "[slamail-agents]",
        "GET",
        &path,
        None,
    ))
    .await;
    assert_eq!(other_vendor.status_code, 403);
    let wait = call(request(
        "sam@activestate.com",
        "[slamail-agents]",
        "POST",
        &format!("{path}/wait"),
        Some(r#"{"reason":"asked for the solver output"}"#),
    ))
    .await;
    assert_eq!(wait.status_code, 200);
    let twice = call(request(
        "sam@activestate.com",
        "[slamail-agents]",
        "POST",
        &format!("{path}/wait"),
        Some(r#"{"reason":"again"}"#),
    ))
    .await;
    assert_eq!(twice.status_code, 409);
    assert_eq!(env.case(&case.case_id).await.status, "waiting");
    let explain = call(request(
        "sam@activestate.com",
        "[slamail-agents]",
        "GET",
        &format!("{path}/explain"),
        None,
    ))
    .await;
    assert_eq!(explain.status_code, 200);
}
