//! The directory adapter against DynamoDB (moto server, started by the harness): limits per tier
//! and with extras, the race for the last slot, eligibility, audit, downgrades, the one-query
//! sender lookup across organisations, and the idempotent import of the sample directory.

use crate::support;

mod domains;

use std::path::PathBuf;

use slamail_aws::directory::{
    Directory, DirectoryStoreError, MemberChanges, NewMember, NewOrg, OrgChanges,
};
use slamail_cli::directory::{import, read_import};
use slamail_core::directory::{Actor, AuditAction, DirectoryError, Role};
use slamail_core::ids::{EmailAddress, OrgId, PolicyId};
use slamail_core::policy::PolicySet;
use slamail_core::triage::tier::assign_tier;

fn day() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
}
use slamail_core::triage::{Authenticity, TierReason};
use slamail_tables::{TEMPLATE_YAML, create_tables_from_yaml};
use slamail_tests::{MotoServer, unique_name};

fn ops() -> Actor {
    Actor::Operator("test".into())
}

fn email(s: &str) -> EmailAddress {
    EmailAddress::parse(s).unwrap()
}

fn org(s: &str) -> OrgId {
    OrgId::parse(s).unwrap()
}

fn policies() -> PolicySet {
    PolicySet::builtin().unwrap()
}

async fn fresh() -> Directory {
    on(MotoServer::shared().dynamodb()).await
}

/// A fresh directory table on the one-request-at-a-time moto (see `support`).
async fn fresh_serial() -> Directory {
    on(support::serial_dynamodb()).await
}

async fn on(client: aws_sdk_dynamodb::Client) -> Directory {
    let table = unique_name("directory");
    create_tables_from_yaml(
        &client,
        TEMPLATE_YAML,
        &[("DirectoryTable", table.as_str())],
    )
    .await
    .expect("directory table");
    Directory::new(client, table)
}

async fn new_org(dir: &Directory, id: &str, policy: &str, tier: &str, extra: u32) -> OrgId {
    dir.create_org(
        &ops(),
        &policies(),
        NewOrg {
            id: org(id),
            name: format!("{id} Inc."),
            policy: PolicyId::parse(policy).unwrap(),
            tier: tier.into(),
            extra_contacts: extra,
            domains: vec![format!("{id}.example")],
            verified_domains: vec![],
        },
    )
    .await
    .expect("create org");
    org(id)
}

async fn add(dir: &Directory, o: &OrgId, who: &str, role: Role, verified: bool) -> EmailAddress {
    let e = email(who);
    dir.add_member(
        &ops(),
        NewMember {
            org: o.clone(),
            email: e.clone(),
            name: Some(who.split('@').next().unwrap_or("x").to_string()),
            role,
            verified,
        },
    )
    .await
    .expect("add member");
    e
}

/// Adds `n` verified members and designates them one by one; returns the outcomes.
async fn fill(dir: &Directory, o: &OrgId, n: usize) -> Vec<Result<(), DirectoryStoreError>> {
    let ps = policies();
    let mut out = Vec::new();
    for i in 0..n {
        let e = add(dir, o, &format!("p{i}@{o}.example"), Role::Member, true).await;
        out.push(dir.designate(&ops(), &ps, o, &e).await.map(|_| ()));
    }
    out
}

#[tokio::test]
async fn each_tier_allows_its_number_of_contacts() {
    let dir = fresh().await;
    for (id, policy, tier, limit) in [
        ("as-free", "activestate", "free", 0u32),
        ("as-team", "activestate", "team", 1),
        ("as-ent", "activestate", "Enterprise", 2),
        ("alc-std", "alectrona", "standard", 5),
        ("scalr-biz", "scalr", "business", 3),
    ] {
        let o = new_org(&dir, id, policy, tier, 0).await;
        let results = fill(&dir, &o, limit as usize + 1).await;
        let ok = results.iter().filter(|r| r.is_ok()).count();
        assert_eq!(ok, limit as usize, "{id}");
        let last = results.last().unwrap().as_ref().unwrap_err();
        assert_eq!(
            last,
            &DirectoryError::LimitReached {
                org: o.clone(),
                used: limit,
                limit
            },
            "{id}"
        );
        assert!(
            last.to_string()
                .contains(&format!("limit reached ({limit} of {limit})"))
        );
        assert_eq!(dir.contacts(&o).await.unwrap().len(), limit as usize);
        assert_eq!(dir.org(&o).await.unwrap().unwrap().designated_count, limit);
    }
}

#[tokio::test]
async fn purchased_extras_add_slots() {
    let dir = fresh().await;
    let ps = policies();
    let o = new_org(&dir, "extra", "activestate", "team", 2).await;
    let results = fill(&dir, &o, 4).await;
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 3);
    // A further grant opens one more slot.
    dir.update_org(
        &ops(),
        &ps,
        &o,
        &OrgChanges {
            extra_contacts: Some(3),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let e = email("p3@extra.example");
    dir.designate(&ops(), &ps, &o, &e).await.unwrap();
    assert_eq!(dir.contacts(&o).await.unwrap().len(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_racers_for_the_last_slot_exactly_one_wins() {
    let dir = fresh_serial().await;
    let ps = policies();
    let o = new_org(&dir, "race", "activestate", "enterprise", 0).await;
    let first = add(&dir, &o, "first@race.example", Role::Admin, true).await;
    dir.designate(&ops(), &ps, &o, &first).await.unwrap();
    let mut racers = Vec::new();
    for i in 0..8 {
        racers.push(add(&dir, &o, &format!("r{i}@race.example"), Role::Member, true).await);
    }
    let tasks: Vec<_> = racers
        .into_iter()
        .map(|e| {
            let (dir, ps, o) = (dir.clone(), ps.clone(), o.clone());
            tokio::spawn(async move {
                let actor = Actor::User(email("first@race.example"));
                dir.designate(&actor, &ps, &o, &e).await
            })
        })
        .collect();
    let mut wins = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => wins += 1,
            Err(e) => assert_eq!(
                e,
                DirectoryError::LimitReached {
                    org: o.clone(),
                    used: 2,
                    limit: 2
                }
            ),
        }
    }
    assert_eq!(wins, 1);
    assert_eq!(dir.contacts(&o).await.unwrap().len(), 2);
    assert_eq!(dir.org(&o).await.unwrap().unwrap().designated_count, 2);
}

#[tokio::test]
async fn only_verified_named_members_can_be_designated() {
    let dir = fresh().await;
    let ps = policies();
    let o = new_org(&dir, "elig", "alectrona", "standard", 0).await;
    let code = |r: Result<_, DirectoryStoreError>| r.map(|_| ()).unwrap_err().code();

    let third = add(
        &dir,
        &o,
        "consultant@elsewhere.example",
        Role::ThirdParty,
        true,
    )
    .await;
    assert_eq!(
        code(dir.designate(&ops(), &ps, &o, &third).await),
        "not-eligible"
    );

    let unverified = add(&dir, &o, "new@elig.example", Role::Member, false).await;
    assert_eq!(
        code(dir.designate(&ops(), &ps, &o, &unverified).await),
        "not-eligible"
    );
    assert!(dir.mark_verified(&o, &unverified).await.unwrap());
    assert!(!dir.mark_verified(&o, &unverified).await.unwrap());
    dir.designate(&ops(), &ps, &o, &unverified).await.unwrap();
    assert_eq!(
        code(dir.designate(&ops(), &ps, &o, &unverified).await),
        "already-designated"
    );

    let nameless = email("anon@elig.example");
    dir.add_member(
        &ops(),
        NewMember {
            org: o.clone(),
            email: nameless.clone(),
            name: None,
            role: Role::Member,
            verified: true,
        },
    )
    .await
    .unwrap();
    assert_eq!(
        code(dir.designate(&ops(), &ps, &o, &nameless).await),
        "not-eligible"
    );

    let stranger = email("stranger@elig.example");
    assert_eq!(
        code(dir.designate(&ops(), &ps, &o, &stranger).await),
        "not-a-member"
    );
    assert_eq!(
        code(dir.remove_contact(&ops(), &o, &third).await),
        "not-designated"
    );
    assert_eq!(
        code(dir.designate(&ops(), &ps, &org("nope"), &third).await),
        "unknown-org"
    );

    // A designated contact cannot be turned into an ineligible one behind the rules' back.
    let to_third = MemberChanges {
        role: Some(Role::ThirdParty),
        ..Default::default()
    };
    assert_eq!(
        code(dir.update_member(&ops(), &o, &unverified, &to_third).await),
        "invalid"
    );
    // Removing a designated member frees the slot.
    dir.remove_member(&ops(), &o, &unverified).await.unwrap();
    assert_eq!(dir.org(&o).await.unwrap().unwrap().designated_count, 0);
    assert!(dir.contacts(&o).await.unwrap().is_empty());
}

#[tokio::test]
async fn addresses_are_normalised_and_admins_stay_in_their_domains() {
    let dir = fresh().await;
    let ps = policies();
    let o = new_org(&dir, "norm", "activestate", "team", 0).await;
    let admin = Actor::User(email("boss@norm.example"));
    let r = dir
        .add_member(
            &admin,
            NewMember {
                org: o.clone(),
                email: email("eve@evil.example"),
                name: Some("Eve".into()),
                role: Role::Member,
                verified: false,
            },
        )
        .await;
    assert_eq!(r.unwrap_err().code(), "forbidden");
    add(&dir, &o, "Jane.Doe@NORM.example", Role::Member, true).await;
    let dup = dir
        .add_member(
            &ops(),
            NewMember {
                org: o.clone(),
                email: email("<jane.doe@norm.example>"),
                name: Some("Jane".into()),
                role: Role::Member,
                verified: true,
            },
        )
        .await;
    assert_eq!(dup.unwrap_err().code(), "member-exists");
    dir.designate(&ops(), &ps, &o, &email("JANE.DOE@norm.example"))
        .await
        .unwrap();
    let found = dir
        .memberships_of(&email(" Jane.Doe@Norm.Example "))
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert!(found[0].designated);
}

#[tokio::test]
async fn every_change_is_audited_with_before_and_after() {
    let dir = fresh().await;
    let ps = policies();
    let o = new_org(&dir, "audited", "scalr", "business", 0).await;
    let alice = add(&dir, &o, "alice@audited.example", Role::Admin, true).await;
    let by_alice = Actor::User(alice.clone());
    dir.designate(&by_alice, &ps, &o, &alice).await.unwrap();
    dir.remove_contact(&by_alice, &o, &alice).await.unwrap();
    dir.update_org(
        &ops(),
        &ps,
        &o,
        &OrgChanges {
            tier: Some("free".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    dir.remove_member(&ops(), &o, &alice).await.unwrap();

    let trail = dir.audit(&o).await.unwrap();
    let actions: Vec<AuditAction> = trail.iter().map(|e| e.action).collect();
    assert_eq!(
        actions,
        [
            AuditAction::CreateOrg,
            AuditAction::AddMember,
            AuditAction::Designate,
            AuditAction::RemoveContact,
            AuditAction::UpdateOrg,
            AuditAction::RemoveMember,
        ]
    );
    assert!(trail.windows(2).all(|w| w[0].at <= w[1].at));
    let designate = &trail[2];
    assert_eq!(designate.actor, "user:alice@audited.example");
    assert_eq!(designate.target.as_ref(), Some(&alice));
    assert_eq!(designate.before.as_ref().unwrap()["designated"], false);
    assert_eq!(designate.after.as_ref().unwrap()["designated"], true);
    let update = &trail[4];
    assert_eq!(update.actor, "operator:test");
    assert_eq!(update.before.as_ref().unwrap()["tier"], "business");
    assert_eq!(update.after.as_ref().unwrap()["tier"], "free");
    assert!(trail[0].before.is_none() && trail[5].after.is_none());
    // Audit items never show up as someone's membership.
    assert!(dir.memberships_of(&alice).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_downgrade_below_current_designations_is_refused() {
    let dir = fresh().await;
    let ps = policies();
    let o = new_org(&dir, "down", "activestate", "enterprise", 0).await;
    assert!(fill(&dir, &o, 2).await.iter().all(Result::is_ok));
    let to_team = OrgChanges {
        tier: Some("team".into()),
        ..Default::default()
    };
    let err = dir.update_org(&ops(), &ps, &o, &to_team).await.unwrap_err();
    assert_eq!(err.code(), "over-limit");
    assert!(err.to_string().contains("remove 1 first"), "{err}");
    let unchanged = dir.org(&o).await.unwrap().unwrap();
    assert_eq!(unchanged.tier.as_str(), "enterprise");

    // An extra contact makes the same downgrade fit.
    let with_extra = OrgChanges {
        tier: Some("team".into()),
        extra_contacts: Some(1),
        ..Default::default()
    };
    dir.update_org(&ops(), &ps, &o, &with_extra).await.unwrap();
    // Removing the designation and the extra makes a plain downgrade fit; members follow the tier.
    dir.remove_contact(&ops(), &o, &email("p1@down.example"))
        .await
        .unwrap();
    dir.update_org(
        &ops(),
        &ps,
        &o,
        &OrgChanges {
            extra_contacts: Some(0),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let m = dir.memberships_of(&email("p0@down.example")).await.unwrap();
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].tier.as_str(), "team");
    assert!(m[0].designated);
    // Down to Free: refused while one designation remains.
    let to_free = OrgChanges {
        tier: Some("free".into()),
        ..Default::default()
    };
    assert_eq!(
        dir.update_org(&ops(), &ps, &o, &to_free)
            .await
            .unwrap_err()
            .code(),
        "over-limit"
    );
}

fn sample_directory() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../samplemail/directory.toml")
}

#[tokio::test]
async fn the_sample_directory_imports_idempotently_and_the_highest_tier_wins() {
    let dir = fresh().await;
    let ps = policies();
    let file = read_import(&sample_directory()).unwrap();
    let first = import(&dir, &ps, &ops(), &file).await;
    assert!(first.errors.is_empty(), "{}", first.text());
    assert!(first.done.len() >= 15, "{}", first.text());
    let again = import(&dir, &ps, &ops(), &file).await;
    assert!(again.errors.is_empty(), "{}", again.text());
    assert!(again.done.is_empty(), "{}", again.text());

    let contacts: Vec<String> = dir
        .contacts(&org("acme"))
        .await
        .unwrap()
        .iter()
        .map(|m| m.email.to_string())
        .collect();
    assert_eq!(
        contacts,
        [
            "alice@acme.example",
            "bob@acme.example",
            "grace@contractor.example"
        ]
    );

    let activestate = ps.get(&PolicyId::parse("activestate").unwrap()).unwrap();
    let verified = Authenticity::Verified {
        how: "dmarc".into(),
    };
    // One address in two organisations of one policy: the highest tier wins.
    let grace = dir
        .memberships_of(&email("Grace@Contractor.example"))
        .await
        .unwrap();
    assert_eq!(grace.len(), 2);
    let t = assign_tier(activestate, &grace, &verified, day());
    assert_eq!(t.tier.as_str(), "enterprise");
    assert_eq!(t.reason, TierReason::DesignatedContact);
    assert_eq!(t.org.unwrap().org.as_str(), "acme");

    let carol = dir
        .memberships_of(&email("carol@acme.example"))
        .await
        .unwrap();
    assert_eq!(carol.len(), 1);
    assert!(!carol[0].designated);
    assert_eq!(carol[0].org_name, "Acme Corporation");
    let t = assign_tier(activestate, &carol, &verified, day());
    assert_eq!(t.reason, TierReason::NotDesignatedContact);

    for (who, tier) in [
        ("dave@globex.example", "team"),
        ("erin@initech.example", "standard"),
        ("frank@hooli.example", "business"),
    ] {
        let m = dir.memberships_of(&email(who)).await.unwrap();
        assert_eq!(m.len(), 1, "{who}");
        assert!(m[0].designated, "{who}");
        assert_eq!(m[0].tier.as_str(), tier, "{who}");
    }
    assert!(
        dir.memberships_of(&email("priya.raman@example.org"))
            .await
            .unwrap()
            .is_empty()
    );
    let orgs = dir.list_orgs().await.unwrap();
    assert_eq!(orgs.len(), 5);
}

#[tokio::test]
async fn operator_commands() {
    use slamail_cli::directory::{
        ContactCommand, MemberCommand, OrgCommand, contact_command, member_command, org_command,
    };
    let dir = fresh().await;
    let ps = policies();
    let jo = Actor::Operator("jo".into());
    let out = org_command(
        &dir,
        &ps,
        &jo,
        OrgCommand::Create {
            org: org("wayne"),
            name: "Wayne Enterprises".into(),
            policy: PolicyId::parse("activestate").unwrap(),
            tier: "team".into(),
            extra_contacts: 0,
            domains: vec!["wayne.example".into()],
            verified_domains: vec![],
        },
    )
    .await
    .unwrap();
    assert!(out.contains("contacts 0 of 1"), "{out}");
    let out = member_command(
        &dir,
        &jo,
        MemberCommand::Add {
            org: org("wayne"),
            email: email("bruce@wayne.example"),
            name: Some("Bruce".into()),
            role: Role::Admin,
            verified: true,
        },
    )
    .await
    .unwrap();
    assert!(out.contains("as admin"), "{out}");
    let designate = || ContactCommand::Designate {
        org: org("wayne"),
        email: email("bruce@wayne.example"),
    };
    contact_command(&dir, &ps, &jo, designate()).await.unwrap();
    let err = contact_command(&dir, &ps, &jo, designate())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("already"), "{err}");
    let out = contact_command(
        &dir,
        &ps,
        &jo,
        ContactCommand::List {
            org: org("wayne"),
            json: false,
        },
    )
    .await
    .unwrap();
    assert!(
        out.contains("1 of 1") && out.contains("bruce@wayne.example"),
        "{out}"
    );
    let err = org_command(
        &dir,
        &ps,
        &jo,
        OrgCommand::Update {
            org: org("wayne"),
            name: None,
            policy: None,
            tier: Some("free".into()),
            extra_contacts: None,
            domains: vec![],
            clear_domains: false,
            verified_domains: vec![],
            clear_verified_domains: false,
            term_start: None,
            term_end: None,
            clear_term: false,
            products: vec![],
            clear_products: false,
        },
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("remove 1 first"), "{err}");
    let out = org_command(
        &dir,
        &ps,
        &jo,
        OrgCommand::Show {
            org: org("wayne"),
            json: true,
        },
    )
    .await
    .unwrap();
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["contacts"]["used"], 1);
    assert_eq!(v["members"][0]["designated"], true);
    member_command(
        &dir,
        &jo,
        MemberCommand::Remove {
            org: org("wayne"),
            email: email("bruce@wayne.example"),
        },
    )
    .await
    .unwrap();
    let out = org_command(
        &dir,
        &ps,
        &jo,
        OrgCommand::Audit {
            org: org("wayne"),
            json: false,
        },
    )
    .await
    .unwrap();
    assert_eq!(out.lines().count(), 4, "{out}");
    assert!(out.lines().all(|l| l.contains("operator:jo")), "{out}");
    let out = org_command(&dir, &ps, &jo, OrgCommand::List { json: false })
        .await
        .unwrap();
    assert!(out.contains("wayne") && out.contains("0 of 1"), "{out}");
}

/// Issue 8 item 12: a role change passes the same rules as adding a member with that role.
#[tokio::test]
async fn a_role_change_passes_the_rules_of_adding_that_role() {
    let dir = fresh().await;
    let o = new_org(&dir, "roles", "activestate", "team", 0).await;
    let admin = add(&dir, &o, "boss@roles.example", Role::Admin, true).await;
    let by_admin = Actor::User(admin.clone());
    let outsider = add(&dir, &o, "x@gmail.example", Role::ThirdParty, true).await;
    for role in [Role::Member, Role::Admin] {
        let r = dir
            .update_member(
                &by_admin,
                &o,
                &outsider,
                &MemberChanges {
                    role: Some(role),
                    ..Default::default()
                },
            )
            .await;
        assert_eq!(r.map(|_| ()).unwrap_err().code(), "forbidden", "{role}");
    }
    let still = dir.member(&o, &outsider).await.unwrap().unwrap();
    assert_eq!(still.role, Role::ThirdParty);
    // An operator knows the contract and may make the outsider a member.
    let m = dir
        .update_member(
            &ops(),
            &o,
            &outsider,
            &MemberChanges {
                role: Some(Role::Member),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(m.role, Role::Member);
    // An unchanged role is not re-judged: the admin may rename the operator's choice.
    dir.update_member(
        &by_admin,
        &o,
        &outsider,
        &MemberChanges {
            name: Some("Xavier".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
}

/// Issue 8 item 13: the caller's own standing is part of every write they ask for. The API
/// authorised the admin; before the write lands the admin is demoted; the write is refused.
#[tokio::test]
async fn a_demoted_admin_cannot_write() {
    let dir = fresh().await;
    let ps = policies();
    let o = new_org(&dir, "demoted", "scalr", "business", 0).await;
    let zed = add(&dir, &o, "zed@demoted.example", Role::Admin, true).await;
    let bea = add(&dir, &o, "bea@demoted.example", Role::Member, true).await;
    let cy = add(&dir, &o, "cy@demoted.example", Role::Member, true).await;
    dir.designate(&ops(), &ps, &o, &cy).await.unwrap();
    // The API authorised zed as an admin; then an operator demotes zed.
    dir.update_member(
        &ops(),
        &o,
        &zed,
        &MemberChanges {
            role: Some(Role::Member),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let by_zed = Actor::User(zed.clone());
    let code = |r: Result<_, _>| r.map(|_| ()).unwrap_err();
    let err = code(dir.designate(&by_zed, &ps, &o, &bea).await);
    assert_eq!(err.code(), "forbidden", "{err}");
    let err = code(dir.remove_contact(&by_zed, &o, &cy).await);
    assert_eq!(err.code(), "forbidden", "{err}");
    let err = code(dir.remove_member(&by_zed, &o, &bea).await);
    assert_eq!(err.code(), "forbidden", "{err}");
    let to_admin = MemberChanges {
        role: Some(Role::Admin),
        ..Default::default()
    };
    let err = code(dir.update_member(&by_zed, &o, &zed, &to_admin).await);
    assert_eq!(err.code(), "forbidden", "{err}");
    // Nothing changed, and nothing was audited on zed's behalf.
    assert!(!dir.member(&o, &bea).await.unwrap().unwrap().designated);
    assert!(dir.member(&o, &cy).await.unwrap().unwrap().designated);
    let trail = dir.audit(&o).await.unwrap();
    assert!(trail.iter().all(|e| e.actor != by_zed.to_string()));
}

/// Issue 8 item 13: re-running an organisation update repairs member copies that an interrupted
/// propagation left stale, even when the organisation itself does not change.
#[tokio::test]
async fn rerunning_an_update_repairs_stale_member_copies() {
    let client = MotoServer::shared().dynamodb();
    let dir = on(client.clone()).await;
    let ps = policies();
    let o = new_org(&dir, "stale", "activestate", "enterprise", 0).await;
    let p = add(&dir, &o, "p@stale.example", Role::Member, true).await;
    dir.update_org(
        &ops(),
        &ps,
        &o,
        &OrgChanges {
            tier: Some("team".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    // The propagation was interrupted before it reached p: p's copy still says enterprise.
    client
        .update_item()
        .table_name(dir.table())
        .key(
            "pk",
            aws_sdk_dynamodb::types::AttributeValue::S("ORG#stale".into()),
        )
        .key(
            "sk",
            aws_sdk_dynamodb::types::AttributeValue::S("MEMBER#p@stale.example".into()),
        )
        .update_expression("SET #tier = :tier")
        .expression_attribute_names("#tier", "tier")
        .expression_attribute_values(
            ":tier",
            aws_sdk_dynamodb::types::AttributeValue::S("enterprise".into()),
        )
        .send()
        .await
        .unwrap();
    let tier_of_p = || async { dir.memberships_of(&p).await.unwrap()[0].tier.to_string() };
    assert_eq!(tier_of_p().await, "enterprise");
    // Re-running the same update (nothing changes on the organisation) repairs the copy.
    dir.update_org(
        &ops(),
        &ps,
        &o,
        &OrgChanges {
            tier: Some("team".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(tier_of_p().await, "team");
    // So does re-running the import: stale again, then an import that changes nothing.
    client
        .update_item()
        .table_name(dir.table())
        .key(
            "pk",
            aws_sdk_dynamodb::types::AttributeValue::S("ORG#stale".into()),
        )
        .key(
            "sk",
            aws_sdk_dynamodb::types::AttributeValue::S("MEMBER#p@stale.example".into()),
        )
        .update_expression("SET #tier = :tier")
        .expression_attribute_names("#tier", "tier")
        .expression_attribute_values(
            ":tier",
            aws_sdk_dynamodb::types::AttributeValue::S("enterprise".into()),
        )
        .send()
        .await
        .unwrap();
    let file: slamail_cli::directory::ImportFile = toml::from_str(
        "[[orgs]]\nid = 'stale'\nname = 'stale Inc.'\npolicy = 'activestate'\ntier = 'team'\n\
         domains = ['stale.example']\n",
    )
    .unwrap();
    let report = import(&dir, &ps, &ops(), &file).await;
    assert!(report.errors.is_empty(), "{}", report.text());
    assert!(report.done.is_empty(), "{}", report.text());
    assert_eq!(tier_of_p().await, "team");
    // The audit trail records one real change, not the repairs.
    let updates = dir
        .audit(&o)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == AuditAction::UpdateOrg)
        .count();
    assert_eq!(updates, 1);
}

/// An organisation's customers cannot lock themselves out: the last administrator can be neither
/// removed nor demoted by a customer (operators, who can always repair, still may).
#[tokio::test]
async fn the_last_administrator_stays() {
    let dir = fresh().await;
    let o = new_org(&dir, "lastadm", "scalr", "business", 0).await;
    let amy = add(&dir, &o, "amy@lastadm.example", Role::Admin, true).await;
    let by_amy = Actor::User(amy.clone());
    let err = dir.remove_member(&by_amy, &o, &amy).await.unwrap_err();
    assert_eq!(err.code(), "last-admin", "{err}");
    let demote = MemberChanges {
        role: Some(Role::Member),
        ..Default::default()
    };
    let err = dir
        .update_member(&by_amy, &o, &amy, &demote)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "last-admin", "{err}");
    // With a second administrator, amy may step down.
    let ben = add(&dir, &o, "ben@lastadm.example", Role::Admin, true).await;
    dir.update_member(&by_amy, &o, &amy, &demote).await.unwrap();
    let by_ben = Actor::User(ben.clone());
    let err = dir.remove_member(&by_ben, &o, &ben).await.unwrap_err();
    assert_eq!(err.code(), "last-admin", "{err}");
    dir.remove_member(&ops(), &o, &ben).await.unwrap();
}

/// A change waiting on its own thread; released and completed just before the first transaction
/// this client sends, so it lands between the adapter's reads and its write.
type Pending = (std::sync::mpsc::Sender<()>, std::thread::JoinHandle<()>);

#[derive(Debug)]
struct BeforeFirstTransaction(std::sync::Mutex<Option<Pending>>);

impl aws_sdk_dynamodb::config::Intercept for BeforeFirstTransaction {
    fn name(&self) -> &'static str {
        "BeforeFirstTransaction"
    }

    fn read_before_execution(
        &self,
        context: &aws_sdk_dynamodb::config::interceptors::BeforeSerializationInterceptorContextRef<
            '_,
        >,
        _cfg: &mut aws_sdk_dynamodb::config::ConfigBag,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsInput;
        if context
            .input()
            .downcast_ref::<TransactWriteItemsInput>()
            .is_some()
            && let Some((go, handle)) = self.0.lock().map_err(|e| e.to_string())?.take()
        {
            go.send(()).map_err(|e| e.to_string())?;
            handle
                .join()
                .map_err(|_| "the interleaved change panicked")?;
        }
        Ok(())
    }
}

/// Issue 8 item 13, the write's own condition: the admin passes every read, is demoted just
/// before the transaction is sent, and the transaction is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_demotion_between_read_and_write_is_refused() {
    let client = MotoServer::shared().dynamodb();
    let dir = on(client.clone()).await;
    let ps = policies();
    let o = new_org(&dir, "between", "scalr", "business", 0).await;
    let zed = add(&dir, &o, "zed@between.example", Role::Admin, true).await;
    let bea = add(&dir, &o, "bea@between.example", Role::Member, true).await;
    // The demotion waits until the interceptor releases it and then waits for it to finish.
    let (plain, org_id, demoted) = (dir.clone(), o.clone(), zed.clone());
    let (go_tx, go_rx) = std::sync::mpsc::channel::<()>();
    let demotion = std::thread::spawn(move || {
        if go_rx.recv().is_err() {
            return;
        }
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(plain.update_member(
            &ops(),
            &org_id,
            &demoted,
            &MemberChanges {
                role: Some(Role::Member),
                ..Default::default()
            },
        ))
        .unwrap();
    });
    let hook = BeforeFirstTransaction(std::sync::Mutex::new(Some((go_tx, demotion))));
    let conf = client.config().to_builder().interceptor(hook).build();
    let hooked = Directory::new(aws_sdk_dynamodb::Client::from_conf(conf), dir.table());

    let err = hooked
        .designate(&Actor::User(zed.clone()), &ps, &o, &bea)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "forbidden", "{err}");
    assert_eq!(
        dir.member(&o, &zed).await.unwrap().unwrap().role,
        Role::Member
    );
    assert!(!dir.member(&o, &bea).await.unwrap().unwrap().designated);
    assert_eq!(dir.org(&o).await.unwrap().unwrap().designated_count, 0);
}
