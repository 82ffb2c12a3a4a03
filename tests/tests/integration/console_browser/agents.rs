//! The agents' pages in headless Chromium: cases opened by the real intake in moto, the queue
//! and case pages served by `slamail console`'s local server, which calls the real agents
//! handler (and mails replies through moto's SES).
//!
//! The console's clock is fixed at Saturday 28 Nov 2026, 10:00 Los Angeles: ActiveState's
//! support hours (08:00-17:00 weekdays) are closed, so every business clock stands still until
//! Monday 08:00 PST, which is Tuesday 01:00 in the browser's Asia/Tokyo.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use slamail_agents::Desk;
use slamail_aws::cases::CaseStore;
use slamail_aws::directory::Directory;
use slamail_aws::mailer::Mailer;
use slamail_cli::console::{AgentsApi, ConsoleContext, LocalConsole, start};
use slamail_contacts::Settings;
use slamail_core::case::CaseRecord;
use slamail_core::policy::PolicySet;
use slamail_intake::{Intake, Outcome};
use slamail_tests::MotoServer;

use super::driver::Driver;
use super::{click, repo, type_into, wait_text};

const AGENT: &str = "sam@activestate.com";
/// Saturday 10:00 PST.
const NOW: &str = "2026-11-28T18:00:00Z";

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("instant")
        .with_timezone(&Utc)
}

pub(super) struct Desked {
    pub(super) console: LocalConsole,
    intake: Intake,
    bucket: String,
    /// The agents' desk on the console's tables, for acting at instants of a test's choosing.
    pub(super) desk: Desk,
}

/// Fresh tables, the sample directory, and a console serving both APIs (the agents' at the
/// fixed clock) and the organisations' reports.
pub(super) async fn agents_console() -> Desked {
    agents_console_paged(slamail_agents::api::DEFAULT_QUEUE_PAGE).await
}

/// [`agents_console`] whose queue pages hold `queue_page` cases.
async fn agents_console_paged(queue_page: usize) -> Desked {
    let moto = MotoServer::shared();
    let aws = moto.sdk_config().clone();
    let client = aws_sdk_dynamodb::Client::new(&aws);
    let policies = PolicySet::builtin().expect("policies");
    let stack = crate::support::provision(moto, &client, &policies).await;
    let config = crate::support::intake_config(&stack, "m");
    let domain = config.message_id_domain.clone();
    let crate::support::Stack {
        cases,
        directory,
        bucket,
    } = stack;
    let intake = Intake::from_aws(&aws, config, policies.clone());
    crate::support::import_sample_directory(&intake).await;
    let new_desk = || Desk {
        cases: CaseStore::new(client.clone(), &cases),
        mailer: Mailer::new(moto.sesv2(), "us-east-1", None),
        policies: policies.clone(),
        message_id_domain: domain.clone(),
    };
    let desk = new_desk();
    let own_desk = new_desk();
    let now = at(NOW);
    let agents = AgentsApi {
        desk,
        group: "slamail-agents".into(),
        now: Box::new(move || now),
        queue_page,
    };
    let ctx = ConsoleContext::new(
        Directory::new(client.clone(), directory),
        policies,
        Settings::default(),
    )
    .with_reports(CaseStore::new(client, &cases))
    .with_agents(agents);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let console = start(listener, Arc::new(ctx))
        .await
        .expect("the local console");
    Desked {
        console,
        intake,
        bucket,
        desk: own_desk,
    }
}

impl Desked {
    /// Delivers sample 01 (Acme's designated contact, ActiveState enterprise critical: 2
    /// business hours) as SES would at `received`, under its own Message-ID.
    pub(super) async fn open_case(&self, received: &str, message_id: &str) -> CaseRecord {
        let sample = std::fs::read_to_string(repo().join("samplemail/01-enterprise-critical.eml"))
            .expect("sample 01");
        let bytes = sample
            .lines()
            .map(|l| {
                if l.to_ascii_lowercase().starts_with("message-id:") {
                    format!("Message-ID: <{message_id}>")
                } else {
                    l.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\r\n");
        match self.deliver(bytes.as_bytes(), received).await {
            Outcome::Created { case } => *case,
            other => panic!("{other:?}"),
        }
    }

    async fn deliver(&self, bytes: &[u8], received: &str) -> Outcome {
        crate::support::deliver(&self.intake, &self.bucket, bytes, received, "PASS")
            .await
            .outcome
    }

    /// Three cases of one queue: due Fri 16:00 (breached by Saturday), Mon 08:30 (30 of its
    /// 120 business minutes left) and Mon 09:30 (90 left); and a stranger's mail with the last
    /// one's tag, recorded as unverified. Enterprise Critical's first warning point is at 50%
    /// of the target (the policy's `[[warnings.overrides]]`): the second case passed it on
    /// Friday (warning), the third reaches it Monday 08:30 (on track on Saturday). Before the
    /// warning came from the policy it was "a quarter left", which put the same two cases on the
    /// same sides of it.
    async fn three_cases(&self) -> [CaseRecord; 3] {
        let breached = self
            .open_case("2026-11-27T22:00:00.000Z", "b@acme.example")
            .await;
        let warning = self
            .open_case("2026-11-27T23:30:00.000Z", "w@acme.example")
            .await;
        let on_track = self
            .open_case("2026-11-28T00:30:00.000Z", "o@acme.example")
            .await;
        let stranger = std::fs::read_to_string(
            repo().join("samplemail/conversation/03-stranger-with-the-tag.eml"),
        )
        .expect("sample stranger")
        .replace("{{case}}", on_track.case_id.as_str())
        .replace('\n', "\r\n");
        let threaded = self
            .deliver(stranger.as_bytes(), "2026-11-28T01:00:00.000Z")
            .await;
        assert!(matches!(threaded, Outcome::Threaded { .. }), "{threaded:?}");
        [breached, warning, on_track]
    }
}

async fn sign_in_as_agent(c: &Client, url: &str) {
    c.goto(url).await.unwrap();
    let field = c
        .wait()
        .at_most(super::WAIT)
        .for_element(Locator::Css("#dev-email"))
        .await
        .unwrap();
    field.send_keys(AGENT).await.unwrap();
    click(c, "#dev-agent").await;
    click(c, "#dev-signin-submit").await;
    wait_text(c, "#signed-in-as", AGENT).await;
}

/// Goes straight to ActiveState's `queue` page.
async fn open_queue(c: &Client, console: &str, queue: &str) {
    c.goto(&format!("{console}#/agents/queues/activestate/{queue}"))
        .await
        .unwrap();
}

async fn text(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"))
        .text()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_works_the_queue_and_fulfils_the_first_response() {
    let env = agents_console().await;
    let [breached, warning, on_track] = env.three_cases().await;
    assert_eq!(breached.queue, on_track.queue);
    let driver = Driver::start();
    let c = driver.browser().await;
    sign_in_as_agent(&c, &env.console.url()).await;

    // The queues of the policies sam is staff of; the queue sorted by the next due instant.
    click(&c, r##"#nav a[href="#/agents"]"##).await;
    wait_text(&c, "h1", "Queues").await;
    click(
        &c,
        &format!(
            r##"#queues a[href="#/agents/queues/activestate/{}"]"##,
            on_track.queue
        ),
    )
    .await;
    let row = |case: &CaseRecord| format!(r#"tr[data-case="{}"] .countdown"#, case.case_id);
    let first = wait_text(&c, &row(&on_track), "left").await;
    assert!(first.contains("On track"), "{first}");
    assert!(first.contains("1h 30m 00s left"), "{first}");
    assert!(first.contains("(business time)"), "{first}");
    assert!(
        first.contains("clock paused until Mon 08:00 PST (your time Tue 01:00 GMT+9)"),
        "{first}"
    );
    let warned = text(&c, &row(&warning)).await;
    assert!(
        warned.contains("Warning") && warned.contains("0h 30m 00s left"),
        "{warned}"
    );
    let late = text(&c, &row(&breached)).await;
    assert!(
        late.contains("BREACHED") && late.contains("overdue by 1h 00m 00s"),
        "{late}"
    );
    // Readable without colour: each standing is a word, and also a class for the colour.
    let standing = c
        .find(Locator::Css(&row(&breached)))
        .await
        .unwrap()
        .attr("data-standing")
        .await
        .unwrap();
    assert_eq!(standing.as_deref(), Some("breached"));
    let order: Vec<String> = {
        let mut ids = Vec::new();
        for r in c.find_all(Locator::Css("#queue tbody tr")).await.unwrap() {
            ids.push(r.attr("data-case").await.unwrap().unwrap_or_default());
        }
        ids
    };
    assert_eq!(
        order,
        [&breached, &warning, &on_track].map(|x| x.case_id.to_string())
    );
    // The due instant in the policy's zone, the viewer's beside it.
    let due = text(
        &c,
        &format!(r#"tr[data-case="{}"] .when"#, on_track.case_id),
    )
    .await;
    assert_eq!(
        due,
        "2026-11-30 09:30 PST (your time 2026-12-01 02:30 GMT+9)"
    );

    // The case: its countdown, the conversation with the stranger marked, the ledger.
    click(&c, &format!(r#"a[data-key="case:{}"]"#, on_track.case_id)).await;
    wait_text(&c, "h1", on_track.case_id.as_str()).await;
    let countdown = wait_text(&c, "#case-countdown", "left").await;
    assert!(
        countdown.contains("clock paused until Mon 08:00 PST"),
        "{countdown}"
    );
    let conversation = text(&c, "#conversation").await;
    assert!(
        conversation.contains("Customer (opened the case) — alice@acme.example"),
        "{conversation}"
    );
    assert!(
        conversation.contains("UNVERIFIED sender") && conversation.contains("mallory@evil.example"),
        "{conversation}"
    );
    assert!(
        text(&c, "#explain").await.contains("start first response"),
        "the ledger in words"
    );

    // A refusal in plain words beside the control that caused it, the focus kept there.
    type_into(&c, "#reopen-reason", "the customer asked").await;
    click(&c, "#do-reopen").await;
    let refused = wait_text(&c, "#err-reopen", "Refused:").await;
    assert_eq!(
        refused,
        "Refused: the case is not closed. Only a closed case can be reopened."
    );
    assert_eq!(text(&c, "#err-reply").await, "");
    let focused = c.active_element().await.unwrap();
    assert_eq!(
        focused.attr("id").await.unwrap().as_deref(),
        Some("do-reopen")
    );

    // The reply, with the keyboard only: type, Tab to the button, Enter.
    c.find(Locator::Css("#reply-text"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let tab = char::from(Key::Tab).to_string();
    let enter = char::from(Key::Enter).to_string();
    c.active_element()
        .await
        .unwrap()
        .send_keys(&format!(
            "We are on it: restart the build service meanwhile.{tab}"
        ))
        .await
        .unwrap();
    assert_eq!(
        c.active_element()
            .await
            .unwrap()
            .attr("id")
            .await
            .unwrap()
            .as_deref(),
        Some("do-reply")
    );
    c.active_element()
        .await
        .unwrap()
        .send_keys(&enter)
        .await
        .unwrap();
    wait_text(&c, "#status", "The reply was mailed and recorded.").await;
    let outcome = wait_text(
        &c,
        r#"#cycles tr[data-metric="first-response"] .outcome"#,
        "Fulfilled",
    )
    .await;
    assert_eq!(
        outcome,
        "Fulfilled (met) at 2026-11-28 10:00 PST (your time 2026-11-29 03:00 GMT+9)"
    );
    assert!(
        text(&c, "#case-countdown")
            .await
            .starts_with("Nothing is due"),
        "nothing due from us after the answer"
    );
    let conversation = text(&c, "#conversation").await;
    assert!(
        conversation.contains("Agent reply (mailed)")
            && conversation.contains("restart the build service"),
        "{conversation}"
    );
    assert!(text(&c, "#explain").await.contains("fulfil first response"));
    // The focus is back on the button that acted.
    let focused = c.active_element().await.unwrap();
    assert_eq!(
        focused.attr("id").await.unwrap().as_deref(),
        Some("do-reply")
    );

    c.close().await.unwrap();
    env.console.stop().await;
}

/// Refreshes docs/console-queue.png and docs/console-case.png. Run by hand:
/// `cargo test -p slamail-tests --test integration -- --ignored agent_screenshots`
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "writes docs/console-queue.png and docs/console-case.png; run by hand"]
async fn agent_screenshots() {
    let env = agents_console().await;
    let [_, _, on_track] = env.three_cases().await;
    let driver = Driver::start();
    let c = driver.browser().await;
    let shot = async |name: &str| {
        let png = c.screenshot().await.unwrap();
        std::fs::write(repo().join(format!("docs/console-{name}.png")), png).unwrap();
    };
    sign_in_as_agent(&c, &env.console.url()).await;
    open_queue(&c, &env.console.url(), &on_track.queue).await;
    wait_text(&c, "#queue tbody", "left").await;
    shot("queue").await;
    click(&c, &format!(r#"a[data-key="case:{}"]"#, on_track.case_id)).await;
    wait_text(&c, "#case-countdown", "left").await;
    c.execute("window.scrollTo(0, 0);", vec![]).await.unwrap();
    shot("case").await;
    c.close().await.unwrap();
    env.console.stop().await;
}

/// A queue longer than a page: the first page, then the rest on "Show more cases", in due
/// order, the button gone once nothing is left.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_queue_shows_more_cases_on_request() {
    let env = agents_console_paged(2).await;
    let [breached, warning, on_track] = env.three_cases().await;
    let driver = Driver::start();
    let c = driver.browser().await;
    sign_in_as_agent(&c, &env.console.url()).await;
    open_queue(&c, &env.console.url(), &on_track.queue).await;
    let row = |case: &CaseRecord| format!(r#"tr[data-case="{}"] .countdown"#, case.case_id);
    wait_text(&c, &row(&warning), "left").await;
    let order = |c: Client| async move {
        let mut ids = Vec::new();
        for r in c.find_all(Locator::Css("#queue tbody tr")).await.unwrap() {
            ids.push(r.attr("data-case").await.unwrap().unwrap_or_default());
        }
        ids
    };
    assert_eq!(
        order(c.clone()).await,
        [&breached, &warning].map(|x| x.case_id.to_string())
    );
    let more = c.find(Locator::Css("#queue-more")).await.unwrap();
    assert!(more.is_displayed().await.unwrap(), "a next page is offered");

    click(&c, "#queue-more").await;
    wait_text(&c, &row(&on_track), "left").await;
    assert_eq!(
        order(c.clone()).await,
        [&breached, &warning, &on_track].map(|x| x.case_id.to_string())
    );
    let more = c.find(Locator::Css("#queue-more")).await.unwrap();
    assert!(!more.is_displayed().await.unwrap(), "nothing more to show");
    c.close().await.unwrap();
}
