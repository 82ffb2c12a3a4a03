//! The organisation's SLA report page in headless Chromium: two of Acme's cases opened by the
//! real intake in moto and answered through the agents' desk at fixed instants of November
//! 2026, read back by Acme's administrator through `slamail console`'s local server, which calls
//! the real contacts handler (`GET /orgs/acme/report?month=`) with the query string the browser
//! sent.
//!
//! ActiveState Enterprise Critical: 2 business hours, 08:00-17:00 Los Angeles on weekdays,
//! Thanksgiving (Thu 26 Nov 2026) closed. The browser runs in Asia/Tokyo.

use chrono::{DateTime, Utc};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use slamail_core::case::CaseRecord;
use slamail_core::ids::EmailAddress;

use super::agents::{Desked, agents_console};
use super::driver::Driver;
use super::{click, fetch_status, sign_in, wait_text};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("instant")
        .with_timezone(&Utc)
}

/// Two cases of November: one answered in time, one answered late across Thanksgiving.
async fn answered_cases(env: &Desked) -> (CaseRecord, CaseRecord) {
    let sam = EmailAddress::parse("sam@activestate.com").unwrap();
    // Tue 24 Nov 09:00 PST, due 11:00; answered 10:30: met, 90 business minutes.
    let met = env
        .open_case("2026-11-24T17:00:00.000Z", "met@acme.example")
        .await;
    // Wed 25 Nov 16:00 PST: one business hour on Wednesday, Thanksgiving closed, due Fri
    // 09:00; answered Fri 11:00: missed by 120 business minutes, answered after 60 + 180 =
    // 240. (The report reads the ledgers as of the real clock: every instant here is before
    // the day this test was written, so the figures never change.)
    let late = env
        .open_case("2026-11-26T00:00:00.000Z", "late@acme.example")
        .await;
    env.desk
        .reply(
            &sam,
            &met.case_id,
            "Restart the build service; a fix follows.",
            at("2026-11-24T18:30:00Z"),
        )
        .await
        .expect("reply in time");
    env.desk
        .reply(
            &sam,
            &late.case_id,
            "Sorry for the wait: restart the build service.",
            at("2026-11-27T19:00:00Z"),
        )
        .await
        .expect("late reply");
    (met, late)
}

async fn figure(c: &Client, severity: &str, key: &str) -> String {
    let css = format!(r#"#report-rows tr[data-severity="{severity}"] td[data-figure="{key}"]"#);
    c.find(Locator::Css(&css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"))
        .text()
        .await
        .unwrap()
}

/// Runs `act`, then waits until the page has drawn its main heading anew (the old one gone):
/// the report of the current month and of the month picked can read alike.
async fn redrawn(c: &Client, act: impl AsyncFnOnce()) {
    let old = c.find(Locator::Css("main h1")).await.unwrap();
    act().await;
    let deadline = std::time::Instant::now() + super::WAIT;
    while old.text().await.is_ok() {
        assert!(
            std::time::Instant::now() < deadline,
            "the page was not drawn again"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// The admin picks November 2026 with the keyboard and reads the month's figures.
async fn open_november(c: &Client, url: &str) {
    sign_in(c, url, "alice@acme.example", "").await;
    click(c, r##"#memberships a[href="#/orgs/acme"]"##).await;
    click(c, r##"#nav-report a[href="#/orgs/acme/report"]"##).await;
    // The current month in the policy's zone until another is picked.
    wait_text(c, "h1", "Acme Corporation: SLA report,").await;
    let field = c
        .wait()
        .at_most(super::WAIT)
        .for_element(Locator::Css("#report-month"))
        .await
        .unwrap();
    field.clear().await.unwrap();
    let enter = char::from(Key::Enter).to_string();
    redrawn(c, async || {
        field.send_keys(&format!("2026-11{enter}")).await.unwrap()
    })
    .await;
    wait_text(c, "h1", "Acme Corporation: SLA report, November 2026").await;
    wait_text(c, "#report-summary", "2 cases").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_reads_the_months_sla_report_and_a_member_is_refused_it() {
    let env = agents_console().await;
    let (_, late) = answered_cases(&env).await;
    let url = env.console.url();
    let driver = Driver::start();
    let c = driver.browser().await;
    open_november(&c, &url).await;

    assert_eq!(
        wait_text(&c, "#report-summary", "opened").await,
        "2 cases opened in November 2026. First responses: 1 met, 1 missed. 1 breach in all."
    );
    let figures = [
        ("cases", "2"),
        ("first-met", "1"),
        ("first-missed", "1"),
        ("update-met", "0"),
        ("update-missed", "0"),
        ("median", "90 min (1 h 30 min)"),
        ("p90", "240 min (4 h 00 min)"),
        ("pauses", "0 pauses, 0 min paused"),
        ("other", "none"),
    ];
    for (key, want) in figures {
        assert_eq!(figure(&c, "critical", key).await, want, "{key}");
    }
    let severity = c
        .find(Locator::Css(
            r#"#report-rows tr[data-severity="critical"] th"#,
        ))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(severity, "Critical");

    // The breach: its case, the due instant and the answer in the policy's zone with the
    // viewer's beside, and the business minutes over.
    let breach = c
        .find(Locator::Css(&format!(
            r#"#report-breaches tr[data-case="{}"]"#,
            late.case_id
        )))
        .await
        .expect("the late case is listed")
        .text()
        .await
        .unwrap();
    assert!(
        breach.contains("2026-11-27 09:00 PST (your time 2026-11-28 02:00 GMT+9)"),
        "{breach}"
    );
    assert!(
        breach.contains("2026-11-27 11:00 PST (your time 2026-11-28 04:00 GMT+9)"),
        "{breach}"
    );
    assert!(breach.contains("120 min over"), "{breach}");
    assert_eq!(
        c.find_all(Locator::Css("#report-breaches tbody tr"))
            .await
            .unwrap()
            .len(),
        1
    );
    let holidays = wait_text(&c, "#report-holidays", "Thanksgiving").await;
    assert!(
        holidays.contains("Thursday 2026-11-26 (America/Los_Angeles), not counted"),
        "{holidays}"
    );

    // Another month, with the keyboard: the previous month's button, then no cases.
    redrawn(&c, async || click(&c, "#report-prev").await).await;
    wait_text(&c, "h1", "October 2026").await;
    assert_eq!(
        wait_text(&c, "#report-summary", "No case").await,
        "No case was opened in October 2026."
    );

    // A member: no report in her navigation, and the API's refusal at its address.
    click(&c, "#sign-out").await;
    sign_in(&c, &url, "carol@acme.example", "").await;
    click(&c, "#memberships a").await;
    wait_text(&c, "h1", "Your standing in Acme Corporation").await;
    assert!(c.find(Locator::Css("#nav-report")).await.is_err());
    assert!(!c.source().await.unwrap().contains("SLA report"));
    c.goto(&format!("{url}#/orgs/acme/report/2026-11"))
        .await
        .unwrap();
    c.refresh().await.unwrap();
    let refused = wait_text(&c, "#org-error", "Refused:").await;
    assert!(
        refused.ends_with("Only the organisation's administrators see its SLA report."),
        "{refused}"
    );
    assert!(c.find(Locator::Css("#report-rows")).await.is_err());
    assert!(c.find(Locator::Css("#nav-report")).await.is_err());
    assert_eq!(
        fetch_status(&c, "/api/orgs/acme/report?month=2026-11").await,
        403
    );

    c.close().await.unwrap();
    env.console.stop().await;
}

/// Refreshes docs/console-report.png. Run by hand:
/// `cargo test -p slamail-tests --test integration -- --ignored report_screenshot`
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "writes docs/console-report.png; run by hand"]
async fn report_screenshot() {
    let env = agents_console().await;
    answered_cases(&env).await;
    let driver = Driver::start();
    let c = driver.browser().await;
    open_november(&c, &env.console.url()).await;
    wait_text(&c, "#report-holidays", "Thanksgiving").await;
    // Tall enough for the figures, the breach and the holiday under the heading.
    c.set_window_size(1200, 1250).await.unwrap();
    c.execute("window.scrollTo(0, 0);", vec![]).await.unwrap();
    let png = c.screenshot().await.unwrap();
    std::fs::write(super::repo().join("docs/console-report.png"), png).unwrap();
    c.close().await.unwrap();
    env.console.stop().await;
}
