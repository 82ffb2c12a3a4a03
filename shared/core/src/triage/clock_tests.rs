//! Issue 11: which cases run an SLA clock, the request kinds outside the SLA, and the security
//! scope — through the whole triage of a message, as the intake runs it.

use chrono::{TimeZone, Utc};

use crate::ids::{OrgId, PolicyId, TierId};
use crate::message::InboundEmail;
use crate::policy::{PolicySet, builtin};
use crate::triage::decide::{Decision, decide};
use crate::triage::{Membership, TierReason, Verdicts};

fn acme(products: &[&str]) -> Membership {
    Membership {
        org: OrgId::parse("acme").unwrap(),
        org_name: "Acme".into(),
        policy: PolicyId::parse("activestate").unwrap(),
        tier: TierId::parse("enterprise").unwrap(),
        designated: true,
        third_party: false,
        by_domain: false,
        support_term: None,
        products: products.iter().map(|p| p.to_string()).collect(),
    }
}

fn triage(
    policy: &str,
    extra_headers: &str,
    subject: &str,
    body: &str,
    m: &[Membership],
) -> Decision {
    let raw = format!(
        "From: Bob <bob@acme.example>\r\nTo: support@{policy}.com\r\nSubject: {subject}\r\n\
         Message-ID: <x1@acme.example>\r\nDate: Mon, 30 Nov 2026 14:10:00 -0800\r\n{extra_headers}\
         \r\n{body}\r\n"
    );
    let email = InboundEmail::parse(raw.as_bytes());
    let p = builtin(policy).unwrap();
    let set = PolicySet::builtin().unwrap();
    let received = Utc.with_ymd_and_hms(2026, 11, 30, 22, 10, 0).unwrap();
    decide(&p, &set, &email, &Verdicts::all_pass(), m, received).unwrap()
}

#[test]
fn out_of_office_from_a_designated_contact_starts_no_clock() {
    let d = triage(
        "activestate",
        "Auto-Submitted: auto-replied\r\n",
        "Automatic reply: renewal quote",
        "I am out of the office until Monday.",
        &[acme(&[])],
    );
    assert_eq!(d.tier.reason, TierReason::DesignatedContact);
    assert_eq!(d.no_clock.as_ref().map(|c| c.code()), Some("automatic"));
    assert_eq!(d.deadline.due, None);
    assert!(
        d.deadline.target_words.contains("automatic message"),
        "{}",
        d.deadline.target_words
    );
    // The same message from a person runs the clock.
    let d = triage(
        "activestate",
        "",
        "Renewal quote",
        "Please send the quote.",
        &[acme(&[])],
    );
    assert_eq!(d.no_clock, None);
    assert!(d.deadline.due.is_some());
}

#[test]
fn requests_outside_the_sla_are_queued_without_a_clock() {
    let d = triage(
        "activestate",
        "",
        "Statement of Work for a customized build",
        "Hello, we would like a quote.",
        &[acme(&[])],
    );
    assert_eq!(d.request_kind.as_deref(), Some("managed-distribution"));
    assert_eq!(d.queue.as_str(), "account-manager");
    assert_eq!(d.no_clock.as_ref().map(|c| c.code()), Some("outside-sla"));
    assert_eq!(d.deadline.due, None);
    let d = triage("scalr", "", "Terraform bug: plan crashes", "Hi", &[]);
    assert_eq!(d.request_kind.as_deref(), Some("terraform-opa-bug"));
    let d = triage(
        "alectrona",
        "",
        "Question",
        "We need a training session for new admins.",
        &[],
    );
    assert_eq!(d.request_kind.as_deref(), Some("professional-services"));
    // An ordinary request mentioning Terraform is not a Terraform bug.
    let d = triage(
        "scalr",
        "",
        "Runs stuck",
        "Our Terraform runs are stuck in pending.",
        &[],
    );
    assert_eq!(d.request_kind, None);
}

#[test]
fn scalr_email_is_recorded_without_a_clock() {
    let d = triage("scalr", "", "[P0] production blocked", "Runs stuck.", &[]);
    assert_eq!(
        d.no_clock.as_ref().map(|c| c.code()),
        Some("email-not-covered")
    );
    assert_eq!(d.deadline.due, None);
}

#[test]
fn cvss_bands_only_within_the_security_scope() {
    // Neither the organisation's products nor the message name ActivePython 2.7: no band.
    let d = triage(
        "activestate",
        "",
        "CVE-2026-1234 CVSS 9.8 in openssl",
        "Please patch.",
        &[acme(&[])],
    );
    let s = d.security.unwrap();
    assert_eq!(s.cvss, 9.8);
    assert_eq!(s.band, None);
    // The message names the product.
    let d = triage(
        "activestate",
        "",
        "CVSS 9.8 in ActivePython 2.7",
        "Please patch.",
        &[acme(&[])],
    );
    assert_eq!(d.security.unwrap().band.as_deref(), Some("critical"));
    // The organisation has the product.
    let d = triage(
        "activestate",
        "",
        "CVE-2026-1234 CVSS 7.5",
        "Please patch.",
        &[acme(&["ActivePython 2.7"])],
    );
    assert_eq!(d.security.unwrap().band.as_deref(), Some("high"));
}
