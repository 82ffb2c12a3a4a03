use super::*;
use crate::ids::PolicyId;

fn org_id(s: &str) -> OrgId {
    OrgId::parse(s).unwrap()
}

fn email(s: &str) -> EmailAddress {
    EmailAddress::parse(s).unwrap()
}

fn member(role: Role, verified: bool, name: Option<&str>, designated: bool) -> Member {
    Member {
        org: org_id("acme"),
        email: email("x@acme.example"),
        name: name.map(str::to_string),
        role,
        verified,
        designated,
        designated_at: None,
    }
}

fn org(policy: &str, tier: &str, extra: u32, designated: u32) -> Organisation {
    Organisation {
        id: org_id("acme"),
        name: "Acme".into(),
        policy: PolicyId::parse(policy).unwrap(),
        tier: TierId::parse(tier).unwrap(),
        extra_contacts: extra,
        domains: vec!["acme.example".into()],
        verified_domains: vec![],
        designated_count: designated,
        support_term: None,
        products: vec![],
    }
}

#[test]
fn limits_follow_the_policy_tiers_plus_extras() {
    let ps = PolicySet::builtin().unwrap();
    let lim = |p: &str, t: &str, extra| org_limit(&ps, &org(p, t, extra, 0)).unwrap();
    assert_eq!(lim("activestate", "free", 0), 0);
    assert_eq!(lim("activestate", "team", 0), 1);
    assert_eq!(lim("activestate", "enterprise", 0), 2);
    assert_eq!(lim("activestate", "enterprise", 3), 5);
    assert_eq!(lim("activestate", "free", 1), 1);
    assert!(org_limit(&ps, &org("activestate", "platinum", 0, 0)).is_err());
    assert!(org_limit(&ps, &org("nobody", "team", 0, 0)).is_err());
    let tier = ps
        .get(&PolicyId::parse("activestate").unwrap())
        .unwrap()
        .find_tier("enterprise")
        .unwrap();
    assert_eq!(contact_limit(tier, u32::MAX), u32::MAX);
}

#[test]
fn free_slot_and_the_limit_message() {
    let a = org_id("acme");
    assert!(check_free_slot(&a, 1, 2).is_ok());
    let err = check_free_slot(&a, 2, 2).unwrap_err();
    assert_eq!(err.code(), "limit-reached");
    assert!(err.to_string().contains("limit reached (2 of 2)"), "{err}");
    assert!(check_free_slot(&a, 0, 0).is_err());
    assert!(check_free_slot(&a, 3, 2).is_err());
}

#[test]
fn who_can_be_designated() {
    let (a, e) = (org_id("acme"), email("x@acme.example"));
    let ok = member(Role::Member, true, Some("X"), false);
    assert!(check_designatable(&a, &e, Some(&ok)).is_ok());
    let admin = member(Role::Admin, true, Some("X"), false);
    assert!(check_designatable(&a, &e, Some(&admin)).is_ok());
    let code = |m: Option<&Member>| check_designatable(&a, &e, m).unwrap_err().code();
    assert_eq!(code(None), "not-a-member");
    assert_eq!(
        code(Some(&member(Role::ThirdParty, true, Some("X"), false))),
        "not-eligible"
    );
    assert_eq!(
        code(Some(&member(Role::Member, false, Some("X"), false))),
        "not-eligible"
    );
    assert_eq!(
        code(Some(&member(Role::Member, true, None, false))),
        "not-eligible"
    );
    assert_eq!(
        code(Some(&member(Role::Member, true, Some("  "), false))),
        "not-eligible"
    );
    assert_eq!(
        code(Some(&member(Role::Member, true, Some("X"), true))),
        "already-designated"
    );
}

#[test]
fn downgrades_below_current_designations_are_refused() {
    let o = org("activestate", "enterprise", 0, 2);
    let team = TierId::parse("team").unwrap();
    let err = check_limit_change(&o, &team, 0, 1).unwrap_err();
    assert_eq!(err.code(), "over-limit");
    assert!(err.to_string().contains("remove 1 first"), "{err}");
    assert!(check_limit_change(&o, &team, 1, 2).is_ok());
    assert!(check_limit_change(&org("activestate", "enterprise", 0, 1), &team, 0, 1).is_ok());
}

#[test]
fn designated_members_stay_eligible() {
    let d = member(Role::Member, true, Some("X"), true);
    assert!(check_member_change(&d, Role::Admin, Some("X"), true).is_ok());
    assert!(check_member_change(&d, Role::ThirdParty, Some("X"), true).is_err());
    assert!(check_member_change(&d, Role::Member, Some("X"), false).is_err());
    assert!(check_member_change(&d, Role::Member, None, true).is_err());
    let n = member(Role::Member, true, Some("X"), false);
    assert!(check_member_change(&n, Role::ThirdParty, None, false).is_ok());
}

#[test]
fn admins_give_roles_only_to_their_own_domains() {
    let o = org("activestate", "team", 0, 0);
    let inside = email("bob@acme.example");
    let sub = email("bob@eu.acme.example");
    let outside = email("eve@evilacme.example");
    assert!(check_member_role(Standing::Admin, &o, &inside, Role::Member).is_ok());
    assert!(check_member_role(Standing::Admin, &o, &sub, Role::Admin).is_ok());
    assert!(check_member_role(Standing::Admin, &o, &outside, Role::Member).is_err());
    assert!(check_member_role(Standing::Admin, &o, &outside, Role::Admin).is_err());
    assert!(check_member_role(Standing::Admin, &o, &outside, Role::ThirdParty).is_ok());
    assert!(check_member_role(Standing::Operator, &o, &outside, Role::Member).is_ok());
    assert!(check_new_member(Standing::Admin, &o, &outside, Role::Member).is_err());
    let mut open = o.clone();
    open.domains.clear();
    assert!(check_member_role(Standing::Admin, &open, &outside, Role::Member).is_ok());
}

#[test]
fn customers_keep_an_administrator() {
    let mut amy = member(Role::Admin, true, Some("Amy"), false);
    amy.email = email("amy@acme.example");
    let mut ben = member(Role::Admin, true, Some("Ben"), false);
    ben.email = email("ben@acme.example");
    let mut cy = member(Role::Member, true, Some("Cy"), false);
    cy.email = email("cy@acme.example");

    assert!(loses_an_admin(Standing::Admin, &amy, None));
    assert!(loses_an_admin(Standing::Admin, &amy, Some(Role::Member)));
    assert!(!loses_an_admin(Standing::Admin, &amy, Some(Role::Admin)));
    assert!(!loses_an_admin(Standing::Admin, &cy, None));
    assert!(!loses_an_admin(Standing::Operator, &amy, None));

    let alone = [amy.clone(), cy.clone()];
    let err = other_admin(&amy, &alone, None).unwrap_err();
    assert_eq!(err.code(), "last-admin");
    assert!(err.to_string().contains("last administrator"), "{err}");
    let two = [amy.clone(), ben.clone(), cy.clone()];
    assert_eq!(other_admin(&amy, &two, None).unwrap().email, ben.email);
    assert_eq!(
        other_admin(&ben, &two, Some(&amy.email)).unwrap().email,
        amy.email
    );
}

#[test]
fn domain_lookup_keys_are_the_domain_and_its_parents() {
    assert_eq!(
        domain_lookup_keys(&email("a@eu.acme.example")),
        vec!["eu.acme.example".to_string(), "acme.example".to_string()]
    );
    assert_eq!(
        domain_lookup_keys(&email("a@acme.example")),
        vec!["acme.example".to_string()]
    );
    // Deep domains: only parents a verified domain can be.
    let keys = domain_lookup_keys(&email("a@x.y.z.w.v.acme.example"));
    assert_eq!(keys.len(), super::super::MAX_VERIFIED_DOMAIN_LABELS - 1);
    assert_eq!(keys.first().map(String::as_str), Some("z.w.v.acme.example"));
    assert_eq!(keys.last().map(String::as_str), Some("acme.example"));
}

#[test]
fn only_verified_domains_make_a_domain_membership() {
    let mut o = org("alectrona", "standard", 0, 0);
    o.domains = vec!["acme.example".into(), "acme-labs.example".into()];
    o.verified_domains = vec!["acme.example".into()];
    let m = domain_membership(&o, &email("pat@eu.acme.example")).unwrap();
    assert!(m.by_domain && !m.designated && !m.third_party);
    assert_eq!(m.tier.as_str(), "standard");
    // Listed but not verified, or someone else's: nothing.
    assert!(domain_membership(&o, &email("pat@acme-labs.example")).is_none());
    assert!(domain_membership(&o, &email("pat@notacme.example")).is_none());
    o.verified_domains.clear();
    assert!(domain_membership(&o, &email("pat@acme.example")).is_none());
}
