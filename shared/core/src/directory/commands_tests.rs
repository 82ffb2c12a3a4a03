use super::*;

fn ps() -> PolicySet {
    PolicySet::builtin().unwrap()
}

fn email(s: &str) -> EmailAddress {
    EmailAddress::parse(s).unwrap()
}

fn acme(tier: &str, designated: u32) -> Organisation {
    plan_new_org(
        &ps(),
        NewOrg {
            id: OrgId::parse("acme").unwrap(),
            name: " Acme ".into(),
            policy: PolicyId::parse("activestate").unwrap(),
            tier: tier.into(),
            extra_contacts: 0,
            domains: vec!["Acme.Example".into()],
            verified_domains: vec![],
        },
    )
    .map(|mut o| {
        o.designated_count = designated;
        o
    })
    .unwrap()
}

fn member(addr: &str, role: Role, designated: bool) -> Member {
    Member {
        org: OrgId::parse("acme").unwrap(),
        email: email(addr),
        name: Some("X".into()),
        role,
        verified: true,
        designated,
        designated_at: None,
    }
}

#[test]
fn new_organisations_are_validated() {
    let o = acme("Enterprise", 0);
    assert_eq!((o.name.as_str(), o.tier.as_str()), ("Acme", "enterprise"));
    assert_eq!(o.domains, ["acme.example"]);
    let bad = NewOrg {
        id: OrgId::parse("x").unwrap(),
        name: "X".into(),
        policy: PolicyId::parse("activestate").unwrap(),
        tier: "platinum".into(),
        extra_contacts: 0,
        domains: vec![],
        verified_domains: vec![],
    };
    let err = plan_new_org(&ps(), bad).unwrap_err();
    assert!(
        err.to_string().contains("tiers: free, team, enterprise"),
        "{err}"
    );
}

#[test]
fn org_updates_merge_validate_and_guard_the_limit() {
    let before = acme("enterprise", 2);
    let same = plan_org_update(&ps(), &before, &OrgChanges::default()).unwrap();
    assert_eq!(same.after, before);
    assert!(!same.changes_copies(&before));
    assert_eq!(same.limit, 2);
    let team = OrgChanges {
        tier: Some("Team".into()),
        ..Default::default()
    };
    assert_eq!(
        plan_org_update(&ps(), &before, &team).unwrap_err().code(),
        "over-limit"
    );
    let team_plus = OrgChanges {
        extra_contacts: Some(1),
        ..team
    };
    let plan = plan_org_update(&ps(), &before, &team_plus).unwrap();
    assert_eq!((plan.after.tier.as_str(), plan.limit), ("team", 2));
    assert!(plan.changes_copies(&before));
    // A policy without the kept tier id is refused.
    let alectrona = OrgChanges {
        policy: Some(PolicyId::parse("alectrona").unwrap()),
        ..Default::default()
    };
    assert_eq!(
        plan_org_update(&ps(), &before, &alectrona)
            .unwrap_err()
            .code(),
        "invalid"
    );
    let blank = OrgChanges {
        name: Some(" ".into()),
        ..Default::default()
    };
    assert!(plan_org_update(&ps(), &before, &blank).is_err());
}

/// Issue 11, point 4: a verification belongs to one of the organisation's domains, goes with
/// it, and the update names the lookup items to delete.
#[test]
fn verified_domains_follow_the_domains() {
    let before = acme("Enterprise", 0);
    let verify = OrgChanges {
        verified_domains: Some(vec!["ACME.example".into()]),
        ..OrgChanges::default()
    };
    let verified = plan_org_update(&ps(), &before, &verify).unwrap().after;
    assert_eq!(verified.verified_domains, ["acme.example"]);
    let elsewhere = OrgChanges {
        verified_domains: Some(vec!["other.example".into()]),
        ..OrgChanges::default()
    };
    assert!(matches!(
        plan_org_update(&ps(), &before, &elsewhere),
        Err(DirectoryError::Invalid(_))
    ));
    // Replacing the domains drops the verification of a domain that left.
    let moved = OrgChanges {
        domains: Some(vec!["acme.test".into()]),
        ..OrgChanges::default()
    };
    let plan = plan_org_update(&ps(), &verified, &moved).unwrap();
    assert!(plan.after.verified_domains.is_empty());
    assert_eq!(plan.dropped_verified_domains(&verified), ["acme.example"]);
    // Both at once: the new domain can be verified in the same change.
    let both = OrgChanges {
        domains: Some(vec!["acme.test".into()]),
        verified_domains: Some(vec!["acme.test".into()]),
        ..OrgChanges::default()
    };
    let plan = plan_org_update(&ps(), &verified, &both).unwrap();
    assert_eq!(plan.after.verified_domains, ["acme.test"]);
}

#[test]
fn adding_and_changing_a_role_follow_one_rule() {
    let o = acme("team", 0);
    let outsider = NewMember {
        org: o.id.clone(),
        email: email("x@gmail.example"),
        name: Some("X".into()),
        role: Role::ThirdParty,
        verified: false,
    };
    let m = plan_new_member(Standing::Admin, &o, &outsider).unwrap();
    for role in [Role::Member, Role::Admin] {
        let as_role = NewMember {
            role,
            ..outsider.clone()
        };
        let added = plan_new_member(Standing::Admin, &o, &as_role).map(|_| ());
        let change = MemberChanges {
            role: Some(role),
            ..Default::default()
        };
        let changed = plan_member_update(Standing::Admin, &o, &m, &change).map(|_| ());
        assert_eq!(added, changed, "{role}");
        assert_eq!(changed.unwrap_err().code(), "forbidden");
        assert!(plan_member_update(Standing::Operator, &o, &m, &change).is_ok());
    }
    // The role is judged only when it changes.
    let mut promoted = m.clone();
    promoted.role = Role::Member;
    let rename = MemberChanges {
        name: Some("Xavier".into()),
        role: Some(Role::Member),
        ..Default::default()
    };
    let after = plan_member_update(Standing::Admin, &o, &promoted, &rename).unwrap();
    assert_eq!(after.name.as_deref(), Some("Xavier"));
}

#[test]
fn designated_contacts_stay_eligible_through_updates() {
    let o = acme("team", 1);
    let d = member("d@acme.example", Role::Member, true);
    let to_third = MemberChanges {
        role: Some(Role::ThirdParty),
        ..Default::default()
    };
    assert_eq!(
        plan_member_update(Standing::Operator, &o, &d, &to_third)
            .unwrap_err()
            .code(),
        "invalid"
    );
    let unname = MemberChanges {
        name: Some(" ".into()),
        ..Default::default()
    };
    assert!(plan_member_update(Standing::Operator, &o, &d, &unname).is_err());
}
