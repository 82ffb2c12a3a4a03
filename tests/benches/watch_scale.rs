//! The SLA watch over 100,000 open cases against moto: how many items and requests one pass
//! reads, and its wall time. The cases are synthetic copies of one real case (opened by the
//! intake), received over a month, each with its ledger and its place in the warning index.
//! A pass must read only the cases whose next point has passed, whatever the table holds.
//!
//! `cargo bench -p slamail-tests --bench watch_scale` (BENCH_CASES=n for another size).
//! Wall times are moto's (which answers a GSI Query by walking the whole table in Python), so
//! they bound DynamoDB's from above; items and requests are what DynamoDB would see.

use std::time::Instant;

use aws_sdk_dynamodb::types::{AttributeValue, PutRequest, WriteRequest};
use chrono::{DateTime, Duration, TimeZone, Utc};
use futures::stream::{self, StreamExt};
use serde_json::json;
use slamail_aws::cases::CaseStore;
use slamail_core::clock::{self, LedgerEntry};
use slamail_core::ids::CaseId;
use slamail_core::policy::PolicySet;
use slamail_core::watch::{Warning, shard_of};
use slamail_intake::{Intake, IntakeConfig, Outcome};
use slamail_tests::{MotoServer, repo_root, unique_name};
use slamail_watch::{Mode, Sender, pass};

/// Counts; sends nothing.
struct Count;

impl Sender for Count {
    async fn send(&self, _from: &str, _w: &Warning) -> Result<Vec<String>, String> {
        Ok(Vec::new())
    }
}

type Item = std::collections::HashMap<String, AttributeValue>;

fn item<T: serde::Serialize>(v: &T, pk: &str, sk: &str) -> Item {
    let mut i: Item = serde_dynamo::to_item(v).expect("item");
    i.insert("pk".into(), AttributeValue::S(pk.into()));
    i.insert("sk".into(), AttributeValue::S(sk.into()));
    i
}

#[tokio::main(flavor = "multi_thread", worker_threads = 4)]
async fn main() {
    let n: usize = std::env::var("BENCH_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let moto = MotoServer::start().expect("moto");
    let aws = moto.sdk_config().clone();
    let ddb = aws_sdk_dynamodb::Client::new(&aws);
    let (cases, directory, bucket) = (unique_name("cases"), unique_name("dir"), unique_name("raw"));
    slamail_tables::create_tables_from_template(
        &ddb,
        slamail_tables::template_path(),
        &[("CasesTable", &cases), ("DirectoryTable", &directory)],
    )
    .await
    .expect("tables");
    moto.s3()
        .create_bucket()
        .bucket(&bucket)
        .send()
        .await
        .expect("bucket");
    let _ = moto
        .sesv2()
        .create_email_identity()
        .email_identity("activestate.com")
        .send()
        .await;
    let policies = PolicySet::from_list(None).expect("policies");
    let intake = Intake::from_aws(
        &aws,
        IntakeConfig::new(&bucket, "inbound/", &cases, &directory),
        policies.clone(),
    );
    let plan = slamail_cli::directory::read_import(&repo_root().join("samplemail/directory.toml"))
        .expect("directory");
    slamail_cli::directory::import(
        &intake.directory,
        &intake.policies,
        &slamail_core::directory::Actor::Operator("bench".into()),
        &plan,
    )
    .await
    .into_result()
    .expect("import");

    // One real case, opened by the intake: the template of every synthetic one.
    let raw = "Authentication-Results: amazonses.com; spf=pass; dkim=pass header.i=@acme.example; dmarc=pass header.from=acme.example;\r\n\
        From: <bob@acme.example>\r\nTo: enterprise-support@activestate.com\r\nMessage-ID: <bench@acme.example>\r\n\
        Subject: Severity Level 2: builds failing\r\nContent-Type: text/plain\r\n\r\nHelp.\r\n";
    intake
        .raw
        .put(&bucket, "inbound/bench", raw.as_bytes().to_vec())
        .await
        .expect("raw");
    let pass_v = json!({"status": "PASS"});
    let ts = "2026-10-30T17:00:00Z";
    let event = json!({"Records": [{"eventSource": "aws:ses", "ses": {"mail": {"messageId": "bench", "timestamp": ts},
        "receipt": {"timestamp": ts, "recipients": ["enterprise-support@activestate.com"], "spamVerdict": pass_v,
        "virusVerdict": pass_v, "spfVerdict": pass_v, "dkimVerdict": pass_v, "dmarcVerdict": pass_v}}}]});
    let template = match intake
        .handle_event(&event)
        .await
        .expect("processed")
        .remove(0)
        .outcome
    {
        Outcome::Created { case } => *case,
        other => panic!("{other:?}"),
    };
    let store = CaseStore::new(ddb.clone(), &cases);
    let conv = store
        .case_with_ledger(&template.case_id)
        .await
        .expect("read")
        .expect("case");
    let policy = policies.get(&"activestate".parse().unwrap()).unwrap();

    // n cases received over November (every minute of the day: mail arrives at night too).
    let month = Utc.with_ymd_and_hms(2026, 11, 1, 8, 0, 0).single().unwrap();
    let t = Instant::now();
    let mut items: Vec<Item> = Vec::with_capacity(2 * n);
    let mut seed: u64 = 7;
    for i in 0..n {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        let received = month + Duration::minutes(((seed >> 33) % (30 * 24 * 60)) as i64);
        let entry = LedgerEntry {
            at: received,
            ..conv.ledger[0].clone()
        };
        let view = clock::evaluate(std::slice::from_ref(&entry), policy).expect("ledger");
        let live = clock::live(policy, &view);
        let mut case = conv.case.clone();
        case.case_id = CaseId::parse(&format!("AS-2026-{:06}", i + 2)).unwrap();
        case.apply_live(&live);
        case.ledger_len = 1;
        let pk = format!("CASE#{}", case.case_id);
        assert_eq!(
            case.watch_shard.as_deref(),
            Some(shard_of(&case.case_id).as_str())
        );
        items.push(item(&case, &pk, "CASE"));
        items.push(item(&entry, &pk, "LEDGER#000001"));
    }
    let chunks: Vec<Vec<Item>> = items.chunks(25).map(<[Item]>::to_vec).collect();
    let table = cases.clone();
    stream::iter(chunks)
        .for_each_concurrent(8, |chunk| {
            let (ddb, table) = (ddb.clone(), table.clone());
            async move {
                let mut reqs: Vec<WriteRequest> = chunk
                    .into_iter()
                    .map(|i| {
                        WriteRequest::builder()
                            .put_request(PutRequest::builder().set_item(Some(i)).build().unwrap())
                            .build()
                    })
                    .collect();
                while !reqs.is_empty() {
                    let out = ddb
                        .batch_write_item()
                        .request_items(&table, reqs)
                        .send()
                        .await
                        .expect("batch write");
                    reqs = out
                        .unprocessed_items
                        .and_then(|mut u| u.remove(&table))
                        .unwrap_or_default();
                }
            }
        })
        .await;
    eprintln!(
        "seeded {n} open cases ({} items) in {:?}",
        2 * n,
        t.elapsed()
    );

    let run = |at: DateTime<Utc>| {
        let (store, policies) = (&store, &policies);
        async move {
            let t = Instant::now();
            let o = pass(store, policies, &Count, at, Mode::Send)
                .await
                .expect("pass");
            (o, t.elapsed())
        }
    };
    let report = |label: &str,
                  at: DateTime<Utc>,
                  o: &slamail_watch::Outcome,
                  d: std::time::Duration| {
        println!(
            "{label:<28} at {}  due cases read from the index: {:>5}  index requests: {:>2}  table requests: {:>6}  warnings: {:>5} (+{} superseded)  wall: {:>8.2?}",
            at.format("%a %d %b %H:%M UTC"),
            o.index_items,
            o.index_requests,
            o.table_requests,
            o.sent.len(),
            o.superseded.len(),
            d
        );
    };
    println!(
        "watch pass over {n} open cases (table: {} items)",
        2 * n + 5
    );
    // Monday 2 Nov, 10:00 PST: the weekend's mail reaches its 50% points (two business hours
    // after Monday's opening) all at once. Passes at that minute until the backlog is gone
    // (each capped at PER_SHARD per partition), then one a minute.
    let mut at = Utc
        .with_ymd_and_hms(2026, 11, 2, 18, 0, 0)
        .single()
        .unwrap();
    loop {
        let (o, d) = run(at).await;
        report("catch-up", at, &o, d);
        if o.index_items < 4 * slamail_watch::PER_SHARD as u64 {
            break;
        }
    }
    let mut total = (0, 0, 0, std::time::Duration::ZERO);
    let passes: u32 = 5;
    for _ in 0..passes {
        at += Duration::minutes(1);
        let (o, d) = run(at).await;
        report("steady state (every minute)", at, &o, d);
        total = (
            total.0 + o.index_items,
            total.1 + o.index_requests,
            total.2 + o.table_requests,
            total.3 + d,
        );
    }
    println!(
        "steady state, mean of {passes} passes: {:.1} due cases read, {:.1} index requests, {:.1} table requests, {:.2?} wall",
        total.0 as f64 / f64::from(passes),
        total.1 as f64 / f64::from(passes),
        total.2 as f64 / f64::from(passes),
        total.3 / passes
    );
}
