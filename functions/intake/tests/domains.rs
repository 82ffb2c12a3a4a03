//! Issue 11, point 4, through the intake over in-memory fakes: under Alectrona's
//! organisation-members entitlement, an authenticated address in a customer's *verified* domain
//! gets the customer's tier, and the directory's domain lookup is asked only when it can decide.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use slamail_core::case::{CaseRecord, RawLocation};
use slamail_core::directory::Organisation;
use slamail_core::ids::{EmailAddress, OrgId, PolicyId, TierId};
use slamail_core::policy::PolicySet;
use slamail_core::triage::Membership;
use slamail_intake::fakes::FakeIntake;
use slamail_intake::{IntakeConfig, Outcome};

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samplemail")
}

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-12-09T15:16:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

/// Initech (Alectrona Standard) lists `initech.example` and `initech-labs.example`, and has had
/// `verified` verified. Ivan is a listed member; nobody else is listed.
fn intake(verified: &[&str]) -> FakeIntake {
    let policies = PolicySet::from_list(None).expect("built-in policies");
    let config = IntakeConfig::new("raw", "inbound/", "cases", "directory");
    let intake = FakeIntake::fake(config, policies, now());
    let initech = Organisation {
        id: OrgId::parse("initech").unwrap(),
        name: "Initech".into(),
        policy: PolicyId::parse("alectrona").unwrap(),
        tier: TierId::parse("standard").unwrap(),
        extra_contacts: 0,
        domains: vec!["initech.example".into(), "initech-labs.example".into()],
        verified_domains: verified.iter().map(|d| d.to_string()).collect(),
        designated_count: 0,
        support_term: None,
        products: vec![],
    };
    intake.directory.add(
        EmailAddress::parse("ivan@initech.example").unwrap(),
        Membership {
            org: initech.id.clone(),
            org_name: initech.name.clone(),
            policy: initech.policy.clone(),
            tier: initech.tier.clone(),
            designated: false,
            third_party: false,
            by_domain: false,
            support_term: None,
            products: vec![],
        },
    );
    intake.directory.add_org(initech);
    intake
}

/// Sample 22 (Ivan at Initech writes to Alectrona, DMARC pass) sent from `from` instead; `dmarc`
/// is the receipt's DMARC verdict.
async fn send(intake: &FakeIntake, id: &str, from: &str, dmarc: &str) -> CaseRecord {
    // SES's Authentication-Results name the From domain that DMARC judged.
    let domain = from.split_once('@').map_or("", |(_, d)| d);
    let adapt = |text: String| {
        text.replace("ivan@initech.example", from).replace(
            "header.from=initech.example",
            &format!("header.from={domain}"),
        )
    };
    let eml = std::fs::read_to_string(samples().join("22-alectrona-colleague.eml")).unwrap();
    let bytes = adapt(eml).into_bytes();
    let event = std::fs::read_to_string(samples().join("22-alectrona-colleague.event.json"));
    let mut event: serde_json::Value = serde_json::from_str(&adapt(event.unwrap())).unwrap();
    let mail = event.pointer_mut("/Records/0/ses/mail").unwrap();
    mail["messageId"] = serde_json::json!(id);
    event["Records"][0]["ses"]["receipt"]["dmarcVerdict"]["status"] = serde_json::json!(dmarc);
    if dmarc != "PASS" {
        event["Records"][0]["ses"]["receipt"]["dkimVerdict"]["status"] = serde_json::json!("FAIL");
    }
    intake.raw.put(
        &RawLocation {
            bucket: "raw".into(),
            key: format!("inbound/{id}"),
        },
        bytes,
    );
    let processed = intake.handle_event(&event).await.expect("processed");
    let Outcome::Created { case } = &processed[0].outcome else {
        panic!("{:?}", processed[0].outcome)
    };
    intake.cases.stored_case(&case.case_id).expect("stored")
}

fn domain_lookups(intake: &FakeIntake) -> usize {
    intake
        .directory
        .calls()
        .iter()
        .filter(|c| **c == "domain_memberships_of")
        .count()
}

#[tokio::test]
async fn an_unlisted_address_in_a_verified_domain_gets_the_customers_tier() {
    let intake = intake(&["initech.example"]);
    let case = send(&intake, "d-1", "pat@initech.example", "PASS").await;
    assert_eq!(
        (case.tier.as_str(), case.tier_reason.as_str()),
        ("standard", "organisation-member")
    );
    assert_eq!(case.organisation.as_deref(), Some("initech"));
    assert!(case.due.is_some(), "Standard High runs a clock");
    assert_eq!(domain_lookups(&intake), 1);
    // A subdomain is in the verified domain.
    let case = send(&intake, "d-2", "pat@eu.initech.example", "PASS").await;
    assert_eq!(case.tier, "standard");
}

#[tokio::test]
async fn unverified_domains_strangers_and_unproven_mail_get_no_tier() {
    let intake = intake(&["initech.example"]);
    // Listed by Initech, but not verified.
    let case = send(&intake, "d-3", "pat@initech-labs.example", "PASS").await;
    assert_eq!(
        (case.tier.as_str(), case.tier_reason.as_str()),
        ("none", "unknown-sender")
    );
    assert_eq!(case.organisation, None);
    // Someone else's domain.
    let case = send(&intake, "d-4", "pat@riverside-dental.example", "PASS").await;
    assert_eq!(case.tier, "none");
    // The verified domain, but the message is not proven to come from it.
    let case = send(&intake, "d-5", "pat@initech.example", "FAIL").await;
    assert_eq!(
        (case.tier.as_str(), case.tier_reason.as_str()),
        ("none", "sender-not-verified")
    );
    assert_eq!(case.organisation, None);
}

#[tokio::test]
async fn the_domain_lookup_is_asked_only_when_it_can_decide() {
    let intake = intake(&["initech.example"]);
    // A listed member: their listing decides, one directory call.
    let case = send(&intake, "d-6", "ivan@initech.example", "PASS").await;
    assert_eq!(case.tier_reason, "organisation-member");
    assert_eq!(intake.directory.calls(), ["memberships_of"]);
    // ActiveState entitles designated contacts only: its domains are never asked about.
    let bytes = std::fs::read(samples().join("05-unknown-sender.eml")).unwrap();
    let mut event: serde_json::Value = serde_json::from_slice(
        &std::fs::read(samples().join("05-unknown-sender.event.json")).unwrap(),
    )
    .unwrap();
    event["Records"][0]["ses"]["mail"]["messageId"] = serde_json::json!("d-7");
    intake.raw.put(
        &RawLocation {
            bucket: "raw".into(),
            key: "inbound/d-7".into(),
        },
        bytes,
    );
    intake.handle_event(&event).await.expect("processed");
    assert_eq!(
        intake.directory.calls(),
        ["memberships_of", "memberships_of"]
    );
}
