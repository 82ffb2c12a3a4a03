//! The web console in a real browser: headless Chromium driven through chromedriver
//! (WebDriver, `fantoccini`), against `slamail console`'s local server, which calls the real
//! contacts handler against the directory in moto. `scripts/browser.sh` installs Debian's
//! `chromium` and `chromium-driver` when they are missing.
//!
//! The browser runs in Asia/Tokyo, the sample organisations' policies in America/Los_Angeles,
//! so a time shown in the wrong zone cannot pass.
//!
//! `cargo test -p slamail-tests --test console_browser -- --ignored screenshots` refreshes
//! `docs/console-*.png`.

#[path = "console_browser/agents.rs"]
mod agents;
#[path = "console_browser/driver.rs"]
mod driver;
#[path = "console_browser/oidc.rs"]
mod oidc;
#[path = "console_browser/report.rs"]
mod report;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::DateTime;
use driver::Driver;
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use serde_json::json;
use slamail_aws::directory::Directory;
use slamail_cli::console::{ConsoleContext, LocalConsole, start};
use slamail_cli::directory::{import, read_import};
use slamail_contacts::Settings;
use slamail_core::directory::Actor;
use slamail_core::policy::PolicySet;
use slamail_tables::{TEMPLATE_YAML, create_tables_from_yaml};
use slamail_tests::{MotoServer, unique_name};

const BROWSER_ZONE: &str = "Asia/Tokyo";
const WAIT: Duration = Duration::from_secs(15);

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The sample directory in a fresh table, served by a local console.
async fn console() -> LocalConsole {
    let client = MotoServer::shared().dynamodb();
    let table = unique_name("console");
    create_tables_from_yaml(
        &client,
        TEMPLATE_YAML,
        &[("DirectoryTable", table.as_str())],
    )
    .await
    .expect("directory table");
    let dir = Directory::new(client, table);
    let policies = PolicySet::builtin().unwrap();
    let file = read_import(&repo().join("samplemail/directory.toml")).unwrap();
    let report = import(&dir, &policies, &Actor::Operator("seed".into()), &file).await;
    assert!(report.errors.is_empty(), "{}", report.text());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let ctx = Arc::new(ConsoleContext::new(dir, policies, Settings::default()));
    start(listener, ctx).await.expect("the local console")
}

/// Waits until the element matched by `css` exists and its text contains `needle`.
async fn wait_text(c: &Client, css: &str, needle: &str) -> String {
    let deadline = Instant::now() + WAIT;
    loop {
        if let Ok(e) = c.find(Locator::Css(css)).await
            && let Ok(t) = e.text().await
            && t.contains(needle)
        {
            return t;
        }
        if Instant::now() > deadline {
            let main = match c.find(Locator::Css("main")).await {
                Ok(m) => m.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            panic!("no {css} with text {needle:?}; the page says:\n{main}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Types `text` into the field `css`.
async fn type_into(c: &Client, css: &str, text: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"))
        .send_keys(text)
        .await
        .unwrap_or_else(|e| panic!("cannot type into {css}: {e}"));
}

async fn click(c: &Client, css: &str) {
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("cannot click {css}: {e}"));
}

async fn sign_in(c: &Client, url: &str, email: &str, groups: &str) {
    c.goto(url).await.unwrap();
    let banner = wait_text(c, "#dev-banner", "DEVELOPMENT SIGN-IN").await;
    assert_eq!(banner, "DEVELOPMENT SIGN-IN — not for production");
    let field = c
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css("#dev-email"))
        .await
        .unwrap();
    field.send_keys(email).await.unwrap();
    type_into(c, "#dev-groups", groups).await;
    click(c, "#dev-signin-submit").await;
    wait_text(c, "#signed-in-as", email).await;
}

fn row_button(email: &str, key: &str) -> String {
    format!(r#"tr[data-email="{email}"] button[data-key="{key}:{email}"]"#)
}

async fn active_id(c: &Client) -> String {
    let e = c.active_element().await.unwrap();
    e.attr("id").await.unwrap().unwrap_or_default()
}

/// The API through the page's own session, as the browser sends it.
async fn fetch_status(c: &Client, path: &str) -> i64 {
    let script = r#"
        const s = JSON.parse(sessionStorage.getItem("slamail.session"));
        return fetch(arguments[0], { headers: { Authorization: `Bearer ${s.token}` } })
            .then((r) => r.status);"#;
    c.execute(script, vec![json!(path)])
        .await
        .unwrap()
        .as_i64()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_designates_a_contact_hits_the_limit_and_reads_the_audit_in_both_zones() {
    let console = console().await;
    let driver = Driver::start();
    let c = driver.browser().await;
    sign_in(&c, &console.url(), "alice@acme.example", "").await;

    click(&c, "#memberships a").await;
    wait_text(&c, "#contact-count", "3 of 3 designated contacts used").await;

    // Free a slot, then take it with carol: 3 of 3 again.
    click(&c, &row_button("bob@acme.example", "toggle")).await;
    wait_text(&c, "#contact-count", "2 of 3 designated contacts used").await;
    wait_text(
        &c,
        "#status",
        "Bob Laurent is no longer a designated contact.",
    )
    .await;
    click(&c, &row_button("carol@acme.example", "toggle")).await;
    wait_text(&c, "#contact-count", "3 of 3 designated contacts used").await;
    wait_text(
        &c,
        r#"tr[data-email="carol@acme.example"] td.designated"#,
        "Designated",
    )
    .await;

    // Bob again: the API refuses, and the refusal is shown in bob's row, next to his button,
    // which keeps the keyboard focus.
    click(&c, &row_button("bob@acme.example", "toggle")).await;
    let refusal = wait_text(
        &c,
        r#"tr[data-email="bob@acme.example"] .error"#,
        "Refused:",
    )
    .await;
    assert!(
        refusal.contains("designated contact limit reached (3 of 3) for acme"),
        "{refusal}"
    );
    assert!(refusal.contains("Remove a designation first"), "{refusal}");
    let other_rows = c
        .find(Locator::Css(
            r#"tr[data-email="carol@acme.example"] .error"#,
        ))
        .await
        .unwrap();
    assert_eq!(other_rows.text().await.unwrap(), "");
    assert_eq!(
        wait_text(&c, "#contact-count", "of 3").await,
        "3 of 3 designated contacts used"
    );
    let focused = c.active_element().await.unwrap();
    assert_eq!(
        focused.attr("data-key").await.unwrap().as_deref(),
        Some("toggle:bob@acme.example")
    );
    assert_eq!(
        focused.attr("aria-describedby").await.unwrap(),
        c.find(Locator::Css(r#"tr[data-email="bob@acme.example"] .error"#))
            .await
            .unwrap()
            .attr("id")
            .await
            .unwrap()
    );

    // Keyboard only: the add-member form in tab order, submitted with Enter.
    let tab = char::from(Key::Tab).to_string();
    c.find(Locator::Css("#add-email"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let email = c.active_element().await.unwrap();
    email
        .send_keys(&format!("hank@acme.example{tab}"))
        .await
        .unwrap();
    assert_eq!(active_id(&c).await, "add-name");
    c.active_element()
        .await
        .unwrap()
        .send_keys(&format!("Hank Wu{tab}"))
        .await
        .unwrap();
    assert_eq!(active_id(&c).await, "add-role");
    c.active_element()
        .await
        .unwrap()
        .send_keys(&tab)
        .await
        .unwrap();
    assert_eq!(active_id(&c).await, "add-submit");
    let enter = char::from(Key::Enter).to_string();
    c.active_element()
        .await
        .unwrap()
        .send_keys(&enter)
        .await
        .unwrap();
    wait_text(&c, r#"tr[data-email="hank@acme.example"]"#, "Not verified").await;
    wait_text(
        &c,
        "#status",
        "hank@acme.example was added to Acme Corporation.",
    )
    .await;

    // The audit trail, newest first, in the viewer's zone and the policy's.
    click(&c, r#".subnav a[href$="/audit"]"#).await;
    let header = wait_text(&c, "#audit thead", "Your time").await;
    assert!(header.contains("Your time (Asia/Tokyo)"), "{header}");
    assert!(
        header.contains("Policy time (America/Los_Angeles)"),
        "{header}"
    );
    let newest = wait_text(&c, "#audit tbody tr", "added a member").await;
    assert!(newest.contains("alice@acme.example"), "{newest}");
    assert!(newest.contains("hank@acme.example"), "{newest}");
    let local = c
        .find(Locator::Css("#audit tbody tr td.local time"))
        .await
        .unwrap();
    let policy = c
        .find(Locator::Css("#audit tbody tr td.policy time"))
        .await
        .unwrap();
    let at = DateTime::parse_from_rfc3339(&local.attr("datetime").await.unwrap().unwrap())
        .expect("an RFC 3339 time");
    assert_eq!(
        local.text().await.unwrap(),
        at.with_timezone(&chrono_tz::Asia::Tokyo)
            .format("%Y-%m-%d %H:%M")
            .to_string()
    );
    assert_eq!(
        policy.text().await.unwrap(),
        at.with_timezone(&chrono_tz::America::Los_Angeles)
            .format("%Y-%m-%d %H:%M")
            .to_string()
    );
    let designations = c.find_all(Locator::Css("#audit tbody tr")).await.unwrap();
    let mut texts = Vec::new();
    for r in designations {
        texts.push(r.text().await.unwrap());
    }
    assert!(
        texts
            .iter()
            .any(|t| t.contains("designated a contact") && t.contains("carol@acme.example")),
        "{texts:#?}"
    );

    c.close().await.unwrap();
    console.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_sees_only_their_own_standing_never_the_contacts() {
    let console = console().await;
    let driver = Driver::start();
    let c = driver.browser().await;
    sign_in(&c, &console.url(), "carol@acme.example", "").await;

    let home = wait_text(&c, "#memberships", "Acme Corporation").await;
    assert!(home.contains("You are not a designated contact."), "{home}");
    // Not an agent: no queue in the navigation.
    assert!(
        c.find(Locator::Css(r##"#nav a[href="#/agents"]"##))
            .await
            .is_err()
    );

    click(&c, "#memberships a").await;
    wait_text(&c, "h1", "Your standing in Acme Corporation").await;
    assert_eq!(wait_text(&c, "#own-designated", "No").await, "No");
    let secret = [
        "alice@acme.example",
        "bob@acme.example",
        "grace@contractor.example",
    ];
    let page = c.source().await.unwrap();
    for s in secret {
        assert!(!page.contains(s), "the page shows {s}");
    }
    // The admin views' addresses lead to the same standing page, not to the audit trail.
    c.goto(&format!("{}#/orgs/acme/audit", console.url()))
        .await
        .unwrap();
    c.refresh().await.unwrap();
    wait_text(&c, "h1", "Your standing in Acme Corporation").await;
    assert!(c.find(Locator::Css("#audit")).await.is_err());
    assert!(c.find(Locator::Css("#members")).await.is_err());
    // And the API refuses her, whatever the page does.
    assert_eq!(fetch_status(&c, "/api/orgs/acme/contacts").await, 403);
    assert_eq!(fetch_status(&c, "/api/orgs/acme/members").await, 403);
    assert_eq!(fetch_status(&c, "/api/orgs/acme/members/me").await, 200);

    // The pages come with the strict policy; a forged token gets what API Gateway answers.
    let csp = c
        .execute(
            r#"return fetch("/").then((r) => r.headers.get("content-security-policy"));"#,
            vec![],
        )
        .await
        .unwrap();
    let csp = csp.as_str().unwrap_or_default().to_string();
    assert!(
        csp.contains("script-src 'self';") && !csp.contains("unsafe"),
        "{csp}"
    );
    let forged = c
        .execute(
            r#"return fetch("/api/me", { headers: { Authorization: "Bearer forged" } }).then((r) => r.status);"#,
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(forged.as_i64(), Some(401));

    // Signed out, then in again as an agent: the queue has its place in the navigation.
    click(&c, "#sign-out").await;
    wait_text(&c, "#status", "Signed out.").await;
    sign_in(&c, &console.url(), "carol@acme.example", "slamail-agents").await;
    click(&c, r##"#nav a[href="#/agents"]"##).await;
    wait_text(&c, "h1", "Queue").await;

    c.close().await.unwrap();
    console.stop().await;
}

/// Refreshes docs/console-*.png. Run by hand:
/// `cargo test -p slamail-tests --test console_browser -- --ignored screenshots`
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "writes docs/console-*.png; run by hand"]
async fn screenshots() {
    let console = console().await;
    let driver = Driver::start();
    let c = driver.browser().await;
    let shot = async |name: &str| {
        let png = c.screenshot().await.unwrap();
        std::fs::write(repo().join(format!("docs/console-{name}.png")), png).unwrap();
    };
    c.goto(&console.url()).await.unwrap();
    wait_text(&c, "#dev-banner", "DEVELOPMENT").await;
    type_into(&c, "#dev-email", "alice@acme.example").await;
    shot("sign-in").await;
    click(&c, "#dev-signin-submit").await;
    click(&c, "#memberships a").await;
    wait_text(&c, "#contact-count", "3 of 3").await;
    click(&c, &row_button("bob@acme.example", "toggle")).await;
    wait_text(&c, "#contact-count", "2 of 3").await;
    click(&c, &row_button("carol@acme.example", "toggle")).await;
    wait_text(&c, "#contact-count", "3 of 3").await;
    click(&c, &row_button("bob@acme.example", "toggle")).await;
    wait_text(&c, r#"tr[data-email="bob@acme.example"] .error"#, "Refused").await;
    shot("admin").await;
    click(&c, r#".subnav a[href$="/audit"]"#).await;
    wait_text(&c, "#audit", "designated a contact").await;
    shot("audit").await;
    click(&c, "#sign-out").await;
    sign_in(&c, &console.url(), "carol@acme.example", "").await;
    click(&c, "#memberships a").await;
    wait_text(&c, "h1", "Your standing").await;
    shot("member").await;
    c.close().await.unwrap();
    console.stop().await;
}

/// CloudFront sends the deployed console's CSP from the template; the local console sends
/// `content_security_policy`. They must say the same, with the token endpoint as the one
/// extra place the pages may connect to.
#[test]
fn deployed_and_local_policies_agree() {
    let template = slamail_tables::TEMPLATE_YAML;
    let line = template
        .lines()
        .find(|l| l.trim_start().starts_with("ContentSecurityPolicy: !Sub"))
        .expect("the console's CSP in infra/template.yaml");
    let deployed = line
        .split_once("!Sub")
        .map(|(_, v)| v.trim().trim_matches('"'))
        .unwrap();
    assert_eq!(
        deployed,
        slamail_cli::console::content_security_policy(&["${ConsoleTokenEndpoint}"])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deployed_sign_in_is_oidc_with_pkce_and_sends_the_id_token() {
    let idp = oidc::Provider::start();
    let driver = Driver::start();
    let c = driver.browser().await;
    c.goto(&format!("http://127.0.0.1:{}/", idp.port))
        .await
        .unwrap();
    click(&c, "#oidc-signin").await;
    // Approved at once: back with a code, exchanged with the verifier, then the API.
    wait_text(&c, "#signed-in-as", "alice@acme.example").await;
    wait_text(&c, "#memberships", "Acme Corporation").await;
    let banner = c.find(Locator::Css("#dev-banner")).await.unwrap();
    assert_eq!(banner.text().await.unwrap(), "", "no development banner");
    assert!(c.find(Locator::Css("#dev-email")).await.is_err());
    let url = c.current_url().await.unwrap();
    assert!(
        url.query().is_none(),
        "the code is removed from the address: {url}"
    );
    // The groups come from the ID token.
    c.find(Locator::Css(r##"#nav a[href="#/agents"]"##))
        .await
        .unwrap();
    {
        let seen = idp.seen.lock().unwrap();
        assert_eq!(seen.verified_exchanges, 1);
        assert_eq!(
            seen.bearer.as_deref(),
            Some(format!("Bearer {}", idp.id_token).as_str())
        );
    }
    c.close().await.unwrap();
}
