//! The SLA watch end to end against moto (docs/watch.md): cases opened by the real intake, the
//! watch's passes at chosen instants; each warning point fires once at its instant for business
//! hours, business days and 24x7 targets, across a closing time, a weekend, a holiday and a DST
//! change; pauses, resumptions and reclassifications move the points; a failed send is retried
//! and not duplicated; cases without a clock never warn. Then the month's attainment report,
//! through the CLI's reads and the admin API, where only the organisation's admins (and
//! operators) may read it.

use std::collections::BTreeSet;
use std::sync::Mutex;

use aws_lambda_events::apigw::ApiGatewayV2httpRequest;
use aws_lambda_events::encodings::Body;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use slamail_agents::Desk;
use slamail_aws::cases::{CaseStore, WarningState};
use slamail_aws::mailer::Mailer;
use slamail_contacts::{Settings, handle_with_reports};
use slamail_core::case::CaseRecord;
use slamail_core::ids::{CaseId, EmailAddress};
use slamail_core::report::{self, Month};
use slamail_core::watch::Warning;
use slamail_intake::{Intake, Outcome, Processed};
use slamail_tests::{MotoServer, repo_root, unique_name};
use slamail_watch::{Mode, NoSender, Sender, pass};

/// Records what it was asked to send; fails the first `fail` sends.
#[derive(Default)]
struct Recorder {
    sent: Mutex<Vec<(String, String, Vec<String>)>>,
    fail: Mutex<u32>,
}

impl Sender for Recorder {
    async fn send(&self, _from: &str, w: &Warning) -> Result<Vec<String>, String> {
        {
            let mut fail = self.fail.lock().unwrap();
            if *fail > 0 {
                *fail -= 1;
                return Err("SES throttled (injected)".into());
            }
        }
        let to = w.targets.email.iter().map(|e| e.to_string()).collect();
        self.sent
            .lock()
            .unwrap()
            .push((w.case_id.to_string(), w.point.clone(), to));
        Ok(vec![format!("ses:{}", w.key)])
    }
}

impl Recorder {
    fn take(&self) -> Vec<(String, String, Vec<String>)> {
        std::mem::take(&mut *self.sent.lock().unwrap())
    }
}

struct Env {
    intake: Intake,
    desk: Desk,
    store: CaseStore,
    bucket: String,
    recorder: Recorder,
}

async fn env() -> Env {
    env_with(slamail_core::policy::PolicySet::from_list(None).expect("policies")).await
}

/// The built-in policies, but Scalr's covering new requests by email: the only 24x7 targets
/// (P0-P2) are Scalr's, whose seed routes new requests through its portal.
fn with_scalr_by_email() -> slamail_core::policy::PolicySet {
    use slamail_core::policy::{PolicySet, builtin, load_str};
    let text = std::fs::read_to_string(repo_root().join("shared/core/policies/scalr.toml"))
        .expect("scalr policy")
        .lines()
        .filter(|l| {
            !l.starts_with("channel = \"portal\"")
                && !l.starts_with("text = \"All support requests")
        })
        .collect::<Vec<_>>()
        .join("\n")
        .replacen("covered = false", "covered = true", 1);
    let scalr = load_str(&text, "scalr-by-email.toml").expect("loads");
    PolicySet::new(vec![
        builtin("activestate").unwrap(),
        builtin("alectrona").unwrap(),
        scalr,
    ])
    .expect("policy set")
}

async fn env_with(policies: slamail_core::policy::PolicySet) -> Env {
    let moto = MotoServer::shared();
    let aws = moto.sdk_config().clone();
    let stack =
        super::support::provision(moto, &aws_sdk_dynamodb::Client::new(&aws), &policies).await;
    let config = super::support::intake_config(&stack, "w");
    let domain = config.message_id_domain.clone();
    let intake = Intake::from_aws(&aws, config, policies.clone());
    super::support::import_sample_directory(&intake).await;
    let store = CaseStore::new(aws_sdk_dynamodb::Client::new(&aws), &stack.cases);
    let desk = Desk {
        cases: store.clone(),
        mailer: Mailer::new(moto.sesv2(), "us-east-1", None),
        policies,
        message_id_domain: domain,
    };
    Env {
        intake,
        desk,
        store,
        bucket: stack.bucket,
        recorder: Recorder::default(),
    }
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("instant")
        .with_timezone(&Utc)
}

fn mail(from: &str, to: &str, subject: &str, extra: &str) -> Vec<u8> {
    let domain = from.split('@').nth(1).unwrap_or_default();
    format!(
        "Authentication-Results: amazonses.com; spf=pass envelope-from={from}; \
         dkim=pass header.i=@{domain}; dmarc=pass header.from={domain};\r\n\
         From: <{from}>\r\nTo: {to}\r\nMessage-ID: <{}@{domain}>\r\n\
         Subject: {subject}\r\n{extra}Content-Type: text/plain\r\n\r\nPlease help.\r\n",
        unique_name("m")
    )
    .into_bytes()
}

impl Env {
    async fn deliver(&self, bytes: Vec<u8>, when: &str) -> Processed {
        let ts = at(when).to_rfc3339();
        crate::support::deliver(&self.intake, &self.bucket, &bytes, &ts, "PASS").await
    }

    async fn open(&self, from: &str, to: &str, subject: &str, when: &str) -> CaseRecord {
        match self
            .deliver(mail(from, to, subject, ""), when)
            .await
            .outcome
        {
            Outcome::Created { case } => *case,
            other => panic!("{other:?}"),
        }
    }

    async fn case(&self, id: &CaseId) -> CaseRecord {
        self.store.get_case(id).await.expect("get").expect("exists")
    }

    /// One pass at `when`; the (point, recipients) it sent.
    async fn pass(&self, when: &str) -> Vec<(String, Vec<String>)> {
        let out = pass(
            &self.store,
            &self.desk.policies,
            &self.recorder,
            at(when),
            Mode::Send,
        )
        .await
        .expect("pass");
        assert!(out.errors.is_empty(), "{:?}", out.errors);
        self.recorder
            .take()
            .into_iter()
            .map(|(_, p, to)| (p, to))
            .collect()
    }

    /// The points a pass at `when` sent, by label.
    async fn points(&self, when: &str) -> Vec<String> {
        self.pass(when).await.into_iter().map(|(p, _)| p).collect()
    }
}

const BOB: &str = "bob@acme.example"; // acme (enterprise), designated
const DAVE: &str = "dave@globex.example"; // globex (team), designated
const FRANK: &str = "frank@hooli.example"; // hooli (scalr business)
const ENTERPRISE: &str = "enterprise-support@activestate.com";

fn sam() -> EmailAddress {
    EmailAddress::parse("sam@activestate.com").unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_point_fires_once_at_its_instant_across_a_closing_time() {
    let env = env().await;
    // Severe (4 business hours) on Mon 23 Nov 2026 14:10 PST: due Tue 09:10.
    let case = env
        .open(
            BOB,
            ENTERPRISE,
            "Severity Level 2: builds failing",
            "2026-11-23T14:10:00-08:00",
        )
        .await;
    assert_eq!(case.severity, "severe");
    assert_eq!(
        case.next_warning_utc.as_deref(),
        Some("2026-11-24T00:10:00Z")
    );
    assert!(env.points("2026-11-23T16:09:00-08:00").await.is_empty());
    let sent = env.pass("2026-11-23T16:10:00-08:00").await;
    assert_eq!(
        sent,
        [(
            "50%".to_string(),
            vec!["sla-enterprise-urgent@activestate.com".to_string()]
        )]
    );
    // Once: the same instant again, and a minute later, send nothing.
    assert!(env.points("2026-11-23T16:10:00-08:00").await.is_empty());
    assert!(env.points("2026-11-23T16:11:00-08:00").await.is_empty());
    // Filed under the next point: 80% is Tue 08:22 (2h50 Monday, 22 minutes Tuesday).
    assert_eq!(
        env.case(&case.case_id).await.next_warning_utc.as_deref(),
        Some("2026-11-24T16:22:00Z")
    );
    assert!(env.points("2026-11-24T08:21:00-08:00").await.is_empty());
    assert_eq!(env.points("2026-11-24T08:22:00-08:00").await, ["80%"]);
    assert_eq!(env.points("2026-11-24T09:10:00-08:00").await, ["breach"]);
    let lead = env.pass("2026-11-24T10:10:00-08:00").await;
    assert_eq!(
        lead,
        [(
            "breach + 1 business hour".to_string(),
            vec!["support-lead@activestate.com".to_string()]
        )]
    );
    let manager = env.pass("2026-11-24T13:10:00-08:00").await;
    assert_eq!(
        manager,
        [(
            "breach + 4 business hours".to_string(),
            vec!["support-manager@activestate.com".to_string()]
        )]
    );
    // Nothing left: out of the warning index.
    assert_eq!(env.case(&case.case_id).await.next_warning_utc, None);
    assert!(env.points("2026-11-30T12:00:00-08:00").await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn holiday_weekend_business_days_and_24x7_across_dst() {
    let env = env_with(with_scalr_by_email()).await;
    // Wed 25 Nov 15:00 PST, 4 business hours; Thanksgiving closed: 50% on Wednesday's closing
    // instant, 80% Fri 09:12, breach Fri 10:00.
    env.open(
        BOB,
        ENTERPRISE,
        "Severity Level 2: Thanksgiving",
        "2026-11-25T15:00:00-08:00",
    )
    .await;
    // Team minor (2 business days) Fri 30 Oct 10:00 PDT, across the DST change of Sun 1 Nov:
    // 50% Mon 2 Nov 10:00 PST, breach Tue 3 Nov 10:00 PST.
    env.open(
        DAVE,
        "support@activestate.com",
        "Minor issue: a question",
        "2026-10-30T10:00:00-07:00",
    )
    .await;
    // Scalr business P0 (2 hours, 24x7, pages after hours) Sun 1 Nov 00:30 EDT: 50% 01:30 EDT,
    // breach 01:30 EST (an hour later on the wall clock, two real hours after the start).
    let p0 = env
        .open(
            FRANK,
            "support@scalr.com",
            "[P0] Runs stuck in pending, production blocked",
            "2026-11-01T00:30:00-04:00",
        )
        .await;
    assert_eq!(
        (p0.tier.as_str(), p0.severity.as_str()),
        ("business", "p0"),
        "{p0:?}"
    );
    assert_eq!(p0.next_warning_utc.as_deref(), Some("2026-11-01T05:30:00Z"));

    assert!(
        env.points("2026-10-31T12:00:00-07:00").await.is_empty(),
        "the weekend passes quietly"
    );
    assert_eq!(env.points("2026-11-01T01:30:00-04:00").await, ["50%"]);
    // 80% = 96 minutes after 00:30 EDT = 01:06 EST.
    assert!(env.points("2026-11-01T01:05:00-05:00").await.is_empty());
    assert_eq!(env.points("2026-11-01T01:06:00-05:00").await, ["80%"]);
    assert!(env.points("2026-11-01T01:29:00-05:00").await.is_empty());
    assert_eq!(env.points("2026-11-01T01:30:00-05:00").await, ["breach"]);
    assert_eq!(
        env.points("2026-11-01T02:30:00-05:00").await,
        ["breach + 1 hour"]
    );
    assert_eq!(
        env.points("2026-11-01T05:30:00-05:00").await,
        ["breach + 4 hours"]
    );
    assert!(env.points("2026-11-02T09:59:00-08:00").await.is_empty());
    assert_eq!(env.points("2026-11-02T10:00:00-08:00").await, ["50%"]);
    // 80% (Mon 15:24) was never passed at: the breach pass finds both due, and the stale
    // reminder is superseded.
    assert_eq!(env.points("2026-11-03T10:00:00-08:00").await, ["breach"]);
    assert_eq!(
        env.points("2026-11-03T11:00:00-08:00").await,
        ["breach + 1 business hour"]
    );
    assert_eq!(
        env.points("2026-11-03T14:00:00-08:00").await,
        ["breach + 4 business hours"]
    );
    assert_eq!(env.points("2026-11-25T17:00:00-08:00").await, ["50%"]);
    assert!(
        env.points("2026-11-26T12:00:00-08:00").await.is_empty(),
        "Thanksgiving is closed"
    );
    assert_eq!(env.points("2026-11-27T09:12:00-08:00").await, ["80%"]);
    assert_eq!(env.points("2026-11-27T10:00:00-08:00").await, ["breach"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pause_resume_and_reclassification_move_the_points() {
    let env = env().await;
    let case = env
        .open(
            BOB,
            ENTERPRISE,
            "Severity Level 2: please look",
            "2026-11-23T14:10:00-08:00",
        )
        .await;
    let id = case.case_id.clone();
    // Waiting on the customer from 15:10 (1h used): no warning while waiting.
    env.desk
        .wait(
            &sam(),
            &id,
            "asked for logs",
            at("2026-11-23T15:10:00-08:00"),
        )
        .await
        .expect("wait");
    assert_eq!(env.case(&id).await.next_warning_utc, None);
    assert!(env.points("2026-11-23T16:10:00-08:00").await.is_empty());
    // The customer answers Tue 10:00: 3h left, due 13:00; 50% (2h counted) at 11:00.
    let reply = mail(BOB, ENTERPRISE, &format!("Re: [{id}] logs attached"), "");
    env.deliver(reply, "2026-11-24T10:00:00-08:00").await;
    assert!(env.points("2026-11-24T10:59:00-08:00").await.is_empty());
    // Reclassified to critical at 10:30 (2 business hours from Mon 14:10, pause out: due 11:00):
    // critical's own points: 50% at 10:00 and 75% at 10:30 are due at once (75% alone is sent).
    env.desk
        .priority(
            &sam(),
            &id,
            "critical",
            "customer outage",
            at("2026-11-24T10:30:00-08:00"),
        )
        .await
        .expect("priority");
    assert_eq!(env.points("2026-11-24T10:30:00-08:00").await, ["75%"]);
    assert_eq!(env.points("2026-11-24T11:00:00-08:00").await, ["breach"]);
    assert_eq!(
        env.points("2026-11-24T11:30:00-08:00").await,
        ["breach + 30 business minutes"]
    );
    // Answered: no more warnings; the case leaves the index.
    env.desk
        .reply(&sam(), &id, "Fixed.", at("2026-11-24T11:45:00-08:00"))
        .await
        .expect("reply");
    assert_eq!(env.case(&id).await.next_warning_utc, None);
    assert!(env.points("2026-11-24T16:00:00-08:00").await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_send_is_retried_and_not_duplicated() {
    let env = env().await;
    let case = env
        .open(
            BOB,
            ENTERPRISE,
            "Severity Level 2: failing",
            "2026-11-23T14:10:00-08:00",
        )
        .await;
    *env.recorder.fail.lock().unwrap() = 1;
    let out = pass(
        &env.store,
        &env.desk.policies,
        &env.recorder,
        at("2026-11-23T16:10:00-08:00"),
        Mode::Send,
    )
    .await
    .expect("pass");
    assert_eq!((out.sent.len(), out.failed.len()), (0, 1));
    // Still due: the next pass sends it, once.
    assert_eq!(
        env.case(&case.case_id).await.next_warning_utc.as_deref(),
        Some("2026-11-24T00:10:00Z")
    );
    assert_eq!(env.points("2026-11-23T16:11:00-08:00").await, ["50%"]);
    assert!(env.points("2026-11-23T16:12:00-08:00").await.is_empty());
    // A point claimed by an invocation that died mid-send is never sent again (at most once).
    let claimed = env
        .store
        .record_warning(
            &case.case_id,
            "000001#80%",
            WarningState::Sending,
            "queue",
            at("2026-11-24T08:22:00-08:00"),
        )
        .await
        .expect("claim");
    assert!(claimed);
    assert!(env.points("2026-11-24T08:23:00-08:00").await.is_empty());
    let recorded = env
        .store
        .warnings_recorded(&case.case_id)
        .await
        .expect("records");
    assert_eq!(
        recorded,
        BTreeSet::from(["000001#50%".to_string(), "000001#80%".to_string()])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_commitment_or_no_clock_no_warnings_and_a_dry_run_writes_nothing() {
    let env = env().await;
    // An unknown sender (free: forum only, no commitment) and an auto-submitted mail (no clock).
    let free = env
        .open(
            "someone@example.org",
            "support@activestate.com",
            "Help",
            "2026-11-23T09:00:00-08:00",
        )
        .await;
    assert_eq!(free.next_warning_utc, None);
    let auto = mail(
        BOB,
        ENTERPRISE,
        "Severity Level 1: Out of office",
        "Auto-Submitted: auto-replied\r\n",
    );
    let Outcome::Created { case: auto } =
        env.deliver(auto, "2026-11-23T09:00:00-08:00").await.outcome
    else {
        panic!("a case");
    };
    assert!(auto.no_clock.is_some(), "{:?}", auto.no_clock);
    assert_eq!(auto.next_warning_utc, None);
    // A follow-up to it does not start a clock the opening never had.
    env.deliver(
        mail(BOB, ENTERPRISE, &format!("Re: [{}] more", auto.case_id), ""),
        "2026-11-23T09:30:00-08:00",
    )
    .await;
    let after = env.case(&auto.case_id).await;
    assert_eq!(
        (after.due_utc.as_deref(), after.next_warning_utc.as_deref()),
        (None, None)
    );
    // A dry run reports what is due and records nothing.
    let real = env
        .open(
            BOB,
            ENTERPRISE,
            "Severity Level 2: real",
            "2026-11-23T09:00:00-08:00",
        )
        .await;
    let dry = pass(
        &env.store,
        &env.desk.policies,
        &NoSender,
        at("2026-11-23T11:00:00-08:00"),
        Mode::DryRun,
    )
    .await
    .expect("dry run");
    assert_eq!(
        dry.sent
            .iter()
            .map(|w| w.point.as_str())
            .collect::<Vec<_>>(),
        ["50%"]
    );
    assert_eq!(
        dry.index_items, 1,
        "only the due case is read from the index"
    );
    assert!(
        env.store
            .warnings_recorded(&real.case_id)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(!env.points("2026-11-30T12:00:00-08:00").await.is_empty());
    assert!(
        env.store
            .warnings_recorded(&free.case_id)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        env.store
            .warnings_recorded(&auto.case_id)
            .await
            .unwrap()
            .is_empty()
    );
}

fn api_event(email: Option<&str>, path: &str, query: &str) -> ApiGatewayV2httpRequest {
    let mut ctx = json!({
        "accountId": "123456789012", "apiId": "api", "domainName": "contacts.example",
        "http": { "method": "GET", "path": path, "protocol": "HTTP/1.1",
                  "sourceIp": "192.0.2.1", "userAgent": "test" },
        "requestId": "req-1", "routeKey": "$default", "stage": "$default",
        "time": "23/Nov/2026:13:00:00 +0000", "timeEpoch": 1_795_438_800_000i64,
    });
    if let Some(e) = email {
        let mut claims = json!({ "sub": "u-1", "email": e, "email_verified": "true" });
        if e.starts_with("ops@") {
            claims["cognito:groups"] = json!("[slamail-operators]");
        }
        ctx["authorizer"] = json!({ "jwt": { "claims": claims, "scopes": null } });
    }
    let (k, v) = query.split_once('=').unwrap_or(("", ""));
    serde_json::from_value(json!({
        "version": "2.0", "routeKey": "$default", "rawPath": path, "rawQueryString": query,
        "queryStringParameters": if k.is_empty() { json!({}) } else { json!({ k: v }) },
        "headers": {}, "requestContext": ctx, "isBase64Encoded": false,
    }))
    .expect("event")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_month_report_from_the_ledgers_and_only_for_the_orgs_admins() {
    let env = env().await;
    let a = env
        .open(
            BOB,
            ENTERPRISE,
            "Severity Level 2: one",
            "2026-11-23T09:00:00-08:00",
        )
        .await;
    env.desk
        .reply(
            &sam(),
            &a.case_id,
            "Answer.",
            at("2026-11-23T10:30:00-08:00"),
        )
        .await
        .expect("reply");
    env.open(
        BOB,
        ENTERPRISE,
        "Severity Level 2: two",
        "2026-11-25T15:00:00-08:00",
    )
    .await;
    env.open(
        DAVE,
        "support@activestate.com",
        "Minor: globex",
        "2026-11-23T09:00:00-08:00",
    )
    .await;
    env.open(
        BOB,
        ENTERPRISE,
        "Severity Level 2: december",
        "2026-12-01T09:00:00-08:00",
    )
    .await;
    let policy = env
        .desk
        .policies
        .get(&"activestate".parse().unwrap())
        .unwrap();
    let month: Month = "2026-11".parse().unwrap();
    let key = report::month_key(&policy.id, month.first_day());
    let acme = env
        .store
        .report_cases(&key, Some("acme"))
        .await
        .expect("acme's cases");
    assert_eq!(acme.len(), 2);
    let all = env.store.report_cases(&key, None).await.expect("all cases");
    assert_eq!(all.len(), 3);
    let r = report::compute(
        policy,
        month,
        Some("acme"),
        &acme,
        at("2026-12-02T00:00:00Z"),
    );
    let row = &r.rows[0];
    assert_eq!(
        (
            row.organisation.as_deref(),
            row.severity.as_str(),
            row.cases
        ),
        (Some("acme"), "severe", 2)
    );
    assert_eq!((row.first_response.met, row.first_response.missed), (1, 1));
    assert_eq!(row.first_response_minutes.median, Some(90));
    assert!(r.holidays.iter().any(|h| h.name.contains("Thanksgiving")));

    // The admin API: acme's admin and operators read it; a member, another org's admin and an
    // outsider are refused as on every org route.
    let dir = slamail_aws::directory::Directory::new(
        MotoServer::shared().dynamodb(),
        env.intake.config.directory_table.clone(),
    );
    let call = |who: Option<&'static str>, query: &'static str| {
        let (dir, store, policies) = (&dir, &env.store, &env.desk.policies);
        async move {
            let resp = handle_with_reports(
                dir,
                Some(store),
                policies,
                &Settings::default(),
                api_event(who, "/orgs/acme/report", query),
            )
            .await;
            let body: Value = match resp.body {
                Some(Body::Text(t)) => serde_json::from_str(&t).expect("JSON"),
                other => panic!("{other:?}"),
            };
            (resp.status_code, body)
        }
    };
    let (s, b) = call(Some("alice@acme.example"), "month=2026-11").await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["month"], "2026-11");
    assert_eq!(b["organisation"], "acme");
    assert_eq!(b["cases"], 2);
    assert_eq!(b["rows"][0]["first_response"]["met"], 1);
    assert!(b["breaches"].as_array().is_some() && b["holidays"].as_array().is_some());
    assert_eq!(
        call(Some("ops@vendor.example"), "month=2026-11").await.0,
        200
    );
    for who in [
        "carol@acme.example",
        "bob@acme.example",
        "dave@globex.example",
        "eve@evil.example",
    ] {
        let (s, b) = call(Some(who), "month=2026-11").await;
        assert_eq!(
            (s, b["code"].as_str()),
            (403, Some("forbidden")),
            "{who}: {b}"
        );
    }
    assert_eq!(call(None, "month=2026-11").await.0, 401);
    let (s, b) = call(Some("alice@acme.example"), "month=November").await;
    assert_eq!((s, b["code"].as_str()), (400, Some("bad-request")), "{b}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_notifier_mails_staff_and_publishes_to_the_topic() {
    use slamail_aws::notifier::Notifier;
    use slamail_core::policy::{NotifyTargets, SnsTopicArn};
    let env = env().await;
    let moto = MotoServer::shared();
    let sns = aws_sdk_sns::Client::new(moto.sdk_config());
    let topic = sns
        .create_topic()
        .name(unique_name("oncall"))
        .send()
        .await
        .expect("topic")
        .topic_arn
        .expect("arn");
    let case = env
        .open(
            BOB,
            ENTERPRISE,
            "Severity Level 2: notify",
            "2026-11-23T14:10:00-08:00",
        )
        .await;
    let dry = pass(
        &env.store,
        &env.desk.policies,
        &NoSender,
        at("2026-11-23T16:10:00-08:00"),
        Mode::DryRun,
    )
    .await
    .expect("dry run");
    let mut w = dry
        .sent
        .into_iter()
        .find(|w| w.case_id == case.case_id)
        .expect("50%");
    let staff = format!("{}@activestate.com", unique_name("oncall"));
    w.targets = NotifyTargets {
        email: vec![EmailAddress::parse(&staff).unwrap()],
        sns: Some(SnsTopicArn::parse(&topic).expect("moto's ARN")),
    };
    let notifier = Notifier::new(moto.sesv2(), sns, None);
    let ids = notifier
        .send("support@activestate.com", &w)
        .await
        .expect("sent");
    assert_eq!(ids.len(), 2, "{ids:?}");
    assert!(ids[0].starts_with("ses:") && ids[1].starts_with("sns:"));
    let mail = moto
        .sent_messages()
        .expect("moto")
        .into_iter()
        .find(|m| m.destinations.contains(&staff))
        .expect("the warning mail");
    assert_eq!(mail.source, "support@activestate.com");
    let subject = mail.subject.unwrap_or_default();
    assert!(
        subject.contains(case.case_id.as_str())
            && subject.contains("50% of the first response time"),
        "{subject}"
    );
    let body = mail.body.unwrap_or_default();
    assert!(
        !body.contains("Severity Level 2: notify"),
        "the customer's subject stays out of warnings"
    );
    // A topic that does not exist: the send fails with where and why (the pass then retries).
    w.targets = NotifyTargets {
        email: Vec::new(),
        sns: Some(SnsTopicArn::parse("arn:aws:sns:us-east-1:123456789012:no-such-topic").unwrap()),
    };
    let e = notifier
        .send("support@activestate.com", &w)
        .await
        .expect_err("no topic");
    assert!(e.to_string().contains("no-such-topic"), "{e}");
}
