//! Issue 11, point 4: "any address in the organisation's verified domains". The directory files
//! each verified domain under its organisations (written in the organisation's transaction) and
//! answers "which organisations own this domain?" with one Query, never a Scan.

use super::{email, fresh, ops, org, policies};

use slamail_aws::directory::{Directory, NewOrg, OrgChanges};
use slamail_cli::directory::{import, read_import};
use slamail_core::directory::Organisation;
use slamail_core::ids::PolicyId;
use slamail_core::triage::tier::assign_tier;
use slamail_core::triage::{Authenticity, Membership, TierReason};
use slamail_tests::{CountingProxy, MotoServer};

async fn initech(dir: &Directory, verified: &[&str]) -> Organisation {
    dir.create_org(
        &ops(),
        &policies(),
        NewOrg {
            id: org("initech"),
            name: "Initech".into(),
            policy: PolicyId::parse("alectrona").unwrap(),
            tier: "standard".into(),
            extra_contacts: 0,
            domains: vec!["initech.example".into(), "initech-labs.example".into()],
            verified_domains: verified.iter().map(|d| d.to_string()).collect(),
        },
    )
    .await
    .expect("create initech")
}

async fn by_domain(dir: &Directory, who: &str) -> Vec<Membership> {
    dir.domain_memberships_of(&email(who))
        .await
        .expect("domain lookup")
}

fn orgs_of(ms: &[Membership]) -> Vec<(String, String)> {
    let mut v: Vec<_> = ms
        .iter()
        .inspect(|m| assert!(m.by_domain && !m.designated && !m.third_party))
        .map(|m| (m.org.to_string(), m.tier.to_string()))
        .collect();
    v.sort();
    v
}

#[tokio::test]
async fn only_verified_domains_are_found_and_they_follow_every_change() {
    let dir = fresh().await;
    let ps = policies();
    let o = initech(&dir, &["initech.example"]).await;
    assert_eq!(o.verified_domains, ["initech.example"]);
    let standard = vec![("initech".to_string(), "standard".to_string())];
    assert_eq!(
        orgs_of(&by_domain(&dir, "pat@initech.example").await),
        standard
    );
    // A subdomain is in its parent domain.
    assert_eq!(
        orgs_of(&by_domain(&dir, "pat@eu.initech.example").await),
        standard
    );
    // Listed but not verified; someone else's; a look-alike.
    for who in [
        "pat@initech-labs.example",
        "pat@other.example",
        "pat@notinitech.example",
    ] {
        assert!(by_domain(&dir, who).await.is_empty(), "{who}");
    }
    // Domain items stay out of the address index and the organisation list.
    assert!(
        dir.memberships_of(&email("pat@initech.example"))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(dir.list_orgs().await.unwrap().len(), 1);

    // A change of terms reaches the domain items in the same transaction: no stale window.
    let term = slamail_core::support_term::SupportTerm::parse("2026-01-01", "2026-12-31").unwrap();
    dir.update_org(
        &ops(),
        &ps,
        &o.id,
        &OrgChanges {
            name: Some("Initech Corp".into()),
            support_term: Some(Some(term)),
            ..OrgChanges::default()
        },
    )
    .await
    .unwrap();
    let m = by_domain(&dir, "pat@initech.example").await;
    assert_eq!(
        (m[0].org_name.as_str(), m[0].support_term),
        ("Initech Corp", Some(term))
    );

    // Verifying the second domain, then dropping the first from the domains.
    dir.update_org(
        &ops(),
        &ps,
        &o.id,
        &OrgChanges {
            verified_domains: Some(vec![
                "initech.example".into(),
                "initech-labs.example".into(),
            ]),
            ..OrgChanges::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(by_domain(&dir, "pat@initech-labs.example").await.len(), 1);
    let after = dir
        .update_org(
            &ops(),
            &ps,
            &o.id,
            &OrgChanges {
                domains: Some(vec!["initech-labs.example".into()]),
                ..OrgChanges::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(after.verified_domains, ["initech-labs.example"]);
    assert!(by_domain(&dir, "pat@initech.example").await.is_empty());
    assert_eq!(by_domain(&dir, "pat@initech-labs.example").await.len(), 1);

    // Verifying a domain the organisation does not list is refused, and writes nothing.
    let err = dir
        .update_org(
            &ops(),
            &ps,
            &o.id,
            &OrgChanges {
                verified_domains: Some(vec!["evil.example".into()]),
                ..OrgChanges::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "invalid", "{err}");
    assert!(by_domain(&dir, "pat@evil.example").await.is_empty());

    // Unverifying removes the item; the domain stays listed.
    let after = dir
        .update_org(
            &ops(),
            &ps,
            &o.id,
            &OrgChanges {
                verified_domains: Some(vec![]),
                ..OrgChanges::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(after.domains, ["initech-labs.example"]);
    assert!(by_domain(&dir, "pat@initech-labs.example").await.is_empty());
    // The audit trail records the verification changes (before and after).
    let trail = dir.audit(&o.id).await.unwrap();
    assert!(trail.iter().any(|e| {
        e.after
            .as_ref()
            .is_some_and(|a| a["verified_domains"] == serde_json::json!(["initech-labs.example"]))
    }));
}

#[tokio::test]
async fn a_domain_of_several_organisations_and_the_tier_they_give() {
    let dir = fresh().await;
    initech(&dir, &["initech.example"]).await;
    // A second customer (another policy) verified the same domain.
    dir.create_org(
        &ops(),
        &policies(),
        NewOrg {
            id: org("initrode"),
            name: "Initrode".into(),
            policy: PolicyId::parse("activestate").unwrap(),
            tier: "enterprise".into(),
            extra_contacts: 0,
            domains: vec!["initech.example".into()],
            verified_domains: vec!["initech.example".into()],
        },
    )
    .await
    .unwrap();
    let ms = by_domain(&dir, "pat@initech.example").await;
    assert_eq!(
        orgs_of(&ms),
        vec![
            ("initech".to_string(), "standard".to_string()),
            ("initrode".to_string(), "enterprise".to_string())
        ]
    );
    let ps = policies();
    let verified = Authenticity::Verified {
        how: "dmarc pass".into(),
    };
    let day = super::day();
    // Alectrona (organisation-members): the verified domain entitles.
    let a = assign_tier(
        ps.get(&PolicyId::parse("alectrona").unwrap()).unwrap(),
        &ms,
        &verified,
        day,
    );
    assert_eq!(
        (a.tier.as_str(), a.reason),
        ("standard", TierReason::OrganisationMember)
    );
    // ActiveState (designated contacts): it counts for nothing.
    let a = assign_tier(
        ps.get(&PolicyId::parse("activestate").unwrap()).unwrap(),
        &ms,
        &verified,
        day,
    );
    assert_eq!(
        (a.tier.as_str(), a.reason),
        ("free", TierReason::UnknownSender)
    );
}

/// The lookup is one Query per candidate domain (one for a two-label domain), never a Scan.
#[tokio::test]
async fn the_lookup_is_one_query_per_candidate_domain() {
    let proxy = CountingProxy::start(MotoServer::shared()).expect("counting proxy");
    let dir = super::on(aws_sdk_dynamodb::Client::new(proxy.sdk_config())).await;
    initech(&dir, &["initech.example"]).await;
    proxy.reset();
    assert_eq!(by_domain(&dir, "pat@initech.example").await.len(), 1);
    assert_eq!(proxy.requests(), ["DynamoDB.Query"]);
    proxy.reset();
    assert_eq!(by_domain(&dir, "pat@eu.initech.example").await.len(), 1);
    assert_eq!(proxy.requests(), ["DynamoDB.Query", "DynamoDB.Query"]);
}

#[tokio::test]
async fn the_import_file_verifies_domains_idempotently() {
    let dir = fresh().await;
    let ps = policies();
    let path = std::env::temp_dir().join(format!("{}.toml", slamail_tests::unique_name("dom")));
    let file = |verified: &str| {
        format!(
            "[[orgs]]\nid = 'initech'\nname = 'Initech'\npolicy = 'alectrona'\n\
             tier = 'standard'\ndomains = ['initech.example']\nverified_domains = [{verified}]\n"
        )
    };
    std::fs::write(&path, file("'initech.example'")).unwrap();
    let plan = read_import(&path).unwrap();
    import(&dir, &ps, &ops(), &plan)
        .await
        .into_result()
        .unwrap();
    assert_eq!(by_domain(&dir, "pat@initech.example").await.len(), 1);
    let again = import(&dir, &ps, &ops(), &plan)
        .await
        .into_result()
        .unwrap();
    assert!(again.contains("0 change(s)"), "{again}");
    // A domain the file does not list among the organisation's domains is refused.
    std::fs::write(&path, file("'initech.example', 'evil.example'")).unwrap();
    let plan = read_import(&path).unwrap();
    let err = import(&dir, &ps, &ops(), &plan)
        .await
        .into_result()
        .unwrap_err();
    assert!(err.to_string().contains("evil.example"), "{err}");
    // Dropping it from the file's verified domains unverifies it.
    std::fs::write(&path, file("")).unwrap();
    let plan = read_import(&path).unwrap();
    import(&dir, &ps, &ops(), &plan)
        .await
        .into_result()
        .unwrap();
    assert!(by_domain(&dir, "pat@initech.example").await.is_empty());
    let _ = std::fs::remove_file(&path);
}
