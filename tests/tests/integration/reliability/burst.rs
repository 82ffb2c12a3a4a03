//! Issue 8 item 15: a burst of inbound mail under SES's sending quota, against moto. The intake
//! runs at the concurrency Lambda would give it, the proxy refuses sends over the quota (429),
//! and the paced sender drains the reply queue. Figures of the full run: README "Reliability".

use slamail_aws::cases::InboundItem;

use super::*;

/// The figures of one burst run.
#[derive(Debug)]
struct BurstReport {
    messages: usize,
    concurrency: usize,
    ses_per_second: u32,
    intake_secs: f64,
    drain_secs: f64,
    /// Reading back every inbound item and moto's sent mail.
    verify_secs: f64,
    throttled: u64,
    queued: usize,
    dead_letters: usize,
    requests: BTreeMap<String, usize>,
    /// Mean time the emulator took per operation.
    timings: BTreeMap<String, (u64, Duration)>,
}

/// Item 15: `messages` inbound messages from distinct senders, `concurrency` intake invocations
/// at once, SES accepting `ses_per_second` sends a second (the proxy refuses the rest with 429).
/// Every message must end as a case with exactly one reply sent, none dead-lettered.
async fn burst(messages: usize, concurrency: usize, ses_per_second: u32) -> BurstReport {
    // Caps high enough that every message is answered: the worst case for SES's quota.
    let env = Arc::new(
        env(ReplyLimits {
            per_address: vec![],
            per_domain: vec![Rate::with_burst(100_000, RateWindow::Hour, 50_000).expect("rate")],
            per_policy: vec![Rate::with_burst(100_000, RateWindow::Hour, 50_000).expect("rate")],
        })
        .await,
    );
    let sqs = aws_sdk_sqs::Client::new(env.moto.sdk_config());
    let queue_url = sqs
        .create_queue()
        .queue_name(unique_name("replies"))
        .attributes(
            aws_sdk_sqs::types::QueueAttributeName::VisibilityTimeout,
            "1",
        )
        .send()
        .await
        .expect("reply queue")
        .queue_url
        .expect("queue url");
    let mut config = env.config();
    config.reply_queue_url = Some(queue_url.clone());
    config.reply_queue_spread = 1;
    config.send_retries = 1;
    config.send_retry_pause = Duration::from_millis(50);
    let ids: Vec<String> = (0..messages)
        .map(|i| format!("{}-{i}", unique_name("burst")))
        .collect();
    let mut events = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let from = format!("user{i}@customer{}.example", i % 40);
        events.push(env.message(id, &from).await);
    }
    env.proxy.reset();
    env.proxy.throttle("SESv2.SendEmail", ses_per_second);

    // The intake: `concurrency` invocations at a time; a failed one is retried twice (Lambda's
    // asynchronous retries), then it would be a dead letter.
    let started = Instant::now();
    let next = Arc::new(AtomicUsize::new(0));
    let events = Arc::new(events);
    let dead = Arc::new(AtomicUsize::new(0));
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let (env, next, events, dead, config) = (
            env.clone(),
            next.clone(),
            events.clone(),
            dead.clone(),
            config.clone(),
        );
        workers.push(tokio::spawn(async move {
            let intake = env.intake(config);
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(event) = events.get(i) else { break };
                let mut ok = false;
                for _ in 0..3 {
                    if intake.handle_event(event).await.is_ok() {
                        ok = true;
                        break;
                    }
                }
                if !ok {
                    dead.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    for w in workers {
        w.await.expect("intake worker");
    }
    let intake_secs = started.elapsed().as_secs_f64();
    // Progress on stderr: the full run takes many minutes.
    eprintln!("burst: intake phase {intake_secs:.1} s");

    // The paced sender: two invocations at a time (the event source's MaximumConcurrency), each
    // taking batches of up to ten from the queue until it is empty.
    let queued = inbound_items(&env)
        .await
        .values()
        .filter(|i| i.reply_state == ReplyState::Queued)
        .count();
    let drain_started = Instant::now();
    let sender = Arc::new(Sender {
        store: env.store(),
        mailer: Mailer::new(
            aws_sdk_sesv2::Client::new(env.proxy.sdk_config()),
            "us-east-1",
            None,
        ),
        clock: SystemClock,
        rate: f64::from(ses_per_second) / 2.0,
    });
    let mut drains = Vec::new();
    for _ in 0..2 {
        let (sqs, url, sender) = (sqs.clone(), queue_url.clone(), sender.clone());
        drains.push(tokio::spawn(
            async move { drain(&sqs, &url, &sender).await },
        ));
    }
    for d in drains {
        d.await.expect("sender worker");
    }
    let drain_secs = drain_started.elapsed().as_secs_f64();
    eprintln!("burst: {queued} queued replies, drained in {drain_secs:.1} s");

    // Every message is a finished case with one reply sent, once.
    let verify_started = Instant::now();
    let items = inbound_items(&env).await;
    let mut problems = Vec::new();
    let mut case_ids = BTreeSet::new();
    for id in ids.iter() {
        let Some(item) = items.get(id) else {
            problems.push(format!("{id}: no inbound item"));
            continue;
        };
        if item.state != InboundState::Done || item.reply_state != ReplyState::Sent {
            problems.push(format!("{id}: {:?} / {:?}", item.state, item.reply_state));
        }
        if let Some(c) = &item.case_id {
            case_ids.insert(c.to_string());
        }
    }
    assert!(
        problems.is_empty(),
        "{} unfinished:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert_eq!(case_ids.len(), messages, "one case per message, ids unique");
    eprintln!(
        "burst: {messages} inbound items read back in {:.1} s",
        verify_started.elapsed().as_secs_f64()
    );
    let sent = env.sent_by_case();
    let twice: Vec<_> = sent.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "replies sent twice: {twice:?}");
    assert_eq!(sent.len(), messages, "one reply per case");
    let verify_secs = verify_started.elapsed().as_secs_f64();
    let mut requests = BTreeMap::new();
    for r in env.proxy.requests() {
        *requests.entry(r).or_insert(0) += 1;
    }
    BurstReport {
        messages,
        concurrency,
        ses_per_second,
        intake_secs,
        drain_secs,
        verify_secs,
        throttled: env.proxy.throttled(),
        queued,
        dead_letters: dead.load(Ordering::Relaxed),
        requests,
        timings: env.proxy.timings(),
    }
}

/// Every inbound item of the cases table by SES message id, in one paginated Scan straight to
/// moto (not through the proxy, so the burst's request counts stay the pipeline's). A Query per
/// message would cost the emulator a pass over the whole table each: hours for 5,000 messages.
async fn inbound_items(env: &Env) -> BTreeMap<String, InboundItem> {
    let pages = env
        .moto
        .dynamodb()
        .scan()
        .table_name(&env.cases)
        .filter_expression("begins_with(pk, :inbound)")
        .expression_attribute_values(
            ":inbound",
            aws_sdk_dynamodb::types::AttributeValue::S("INBOUND#".into()),
        )
        .into_paginator()
        .items()
        .send()
        .collect::<Vec<_>>()
        .await;
    pages
        .into_iter()
        .map(|item| {
            let item: InboundItem = serde_dynamo::from_item(item.expect("scan the cases table"))
                .expect("an inbound item");
            (item.ses_message_id.clone(), item)
        })
        .collect()
}

/// Receives batches and hands them to the sender as Lambda's SQS event source would: records the
/// sender reports failed stay in the queue (visible again after the visibility timeout).
async fn drain(
    sqs: &aws_sdk_sqs::Client,
    url: &str,
    sender: &Sender<CaseStore, Mailer, SystemClock>,
) {
    let mut idle = 0;
    while idle < 3 {
        let out = sqs
            .receive_message()
            .queue_url(url)
            .max_number_of_messages(10)
            .wait_time_seconds(1)
            .send()
            .await
            .expect("receive");
        let messages = out.messages.unwrap_or_default();
        if messages.is_empty() {
            idle += 1;
            continue;
        }
        idle = 0;
        let records: Vec<_> = messages
            .iter()
            .map(|m| {
                serde_json::json!({"messageId": m.message_id.clone().unwrap_or_default(),
                                   "body": m.body.clone().unwrap_or_default()})
            })
            .collect();
        let response = sender
            .handle_event(&serde_json::json!({ "Records": records }))
            .await
            .expect("batch");
        let failed: BTreeSet<&str> = response
            .batch_item_failures
            .iter()
            .map(|f| f.item_identifier.as_str())
            .collect();
        for m in &messages {
            if !failed.contains(m.message_id.as_deref().unwrap_or_default()) {
                sqs.delete_message()
                    .queue_url(url)
                    .receipt_handle(m.receipt_handle.clone().unwrap_or_default())
                    .send()
                    .await
                    .expect("delete");
            }
        }
    }
}

fn print(r: &BurstReport) {
    println!(
        "burst: {} messages, {} intake invocations at once, SES quota {}/s\n\
         intake: {:.1} s ({:.1} messages/s), {} dead letters\n\
         SES refused {} sends (429); {} replies queued; queue drained in {:.1} s\n\
         verification (inbound items and sent mail read back): {:.1} s\n\
         requests: {:?}\n\
         mean emulator time per request: {}",
        r.messages,
        r.concurrency,
        r.ses_per_second,
        r.intake_secs,
        r.messages as f64 / r.intake_secs,
        r.dead_letters,
        r.throttled,
        r.queued,
        r.drain_secs,
        r.verify_secs,
        r.requests,
        r.timings
            .iter()
            .map(|(op, (_, mean))| format!("{op} {:.1} ms", mean.as_secs_f64() * 1000.0))
            .collect::<Vec<_>>()
            .join(", ")
    );
}

/// Item 15, the small run the suite makes: 200 messages, 16 invocations at once, SES at 5 a second.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_under_the_ses_quota_ends_with_every_reply_sent_once() {
    let report = burst(200, 16, 5).await;
    print(&report);
    assert_eq!(report.dead_letters, 0);
    assert!(report.throttled > 0, "SES throttled: {report:?}");
    assert!(report.queued > 0, "replies were queued: {report:?}");
}

/// Item 15, the full run (by hand; figures in README "Reliability"):
/// `cargo test -p slamail-tests --test integration reliability::burst::burst_5000 -- --ignored --nocapture`
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "a 5,000-message burst takes minutes; run by hand"]
async fn burst_5000() {
    // BURST_MESSAGES: a smaller run of the same shape, to try the command first;
    // BURST_SES_PER_SECOND: SES's quota (14, a new production account's, by default).
    let from_env = |name: &str, default: usize| {
        std::env::var(name)
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(default)
    };
    let messages = from_env("BURST_MESSAGES", 5000);
    let quota = u32::try_from(from_env("BURST_SES_PER_SECOND", 14)).expect("a quota");
    let report = burst(messages, 16, quota).await;
    print(&report);
    assert_eq!(report.dead_letters, 0);
}
