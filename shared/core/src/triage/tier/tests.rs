//! Which tier a sender gets, and which senders get none.

use super::*;
use crate::ids::{OrgId, PolicyId};
use crate::policy::builtin;
use crate::support_term::SupportTerm;

fn member(org: &str, policy: &str, tier: &str, designated: bool) -> Membership {
    Membership {
        org: OrgId::parse(org).unwrap(),
        org_name: format!("{org} Inc."),
        policy: PolicyId::parse(policy).unwrap(),
        tier: TierId::parse(tier).unwrap(),
        designated,
        third_party: false,
        by_domain: false,
        support_term: None,
        products: vec![],
    }
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
}

fn verified() -> Authenticity {
    Authenticity::Verified {
        how: "dmarc pass".into(),
    }
}

fn unverified() -> Authenticity {
    Authenticity::Unverified {
        why: "dmarc fail".into(),
        failed: true,
    }
}

#[test]
fn designated_and_verified_gets_the_org_tier() {
    let p = builtin("activestate").unwrap();
    let m = member("acme", "activestate", "enterprise", true);
    let a = assign_tier(&p, std::slice::from_ref(&m), &verified(), day());
    assert_eq!(a.tier.as_str(), "enterprise");
    assert_eq!(a.reason, TierReason::DesignatedContact);
    assert_eq!(a.org, Some(m));
}

#[test]
fn designated_but_unverified_gets_the_default_tier() {
    let p = builtin("activestate").unwrap();
    let m = member("acme", "activestate", "enterprise", true);
    let a = assign_tier(&p, &[m], &unverified(), day());
    assert_eq!(a.tier.as_str(), "free");
    assert_eq!(a.reason, TierReason::SenderNotVerified);
    assert_eq!(a.org, None);
    let gray = Authenticity::Unverified {
        why: "gray without aligned dkim".into(),
        failed: false,
    };
    let m = member("acme", "activestate", "team", true);
    assert_eq!(
        assign_tier(&p, &[m], &gray, day()).reason,
        TierReason::SenderNotVerified
    );
}

#[test]
fn member_not_designated_gets_the_default_tier_with_the_org() {
    let p = builtin("activestate").unwrap();
    let m = member("acme", "activestate", "enterprise", false);
    for auth in [verified(), unverified()] {
        let a = assign_tier(&p, std::slice::from_ref(&m), &auth, day());
        assert_eq!(a.tier.as_str(), "free");
        assert_eq!(a.reason, TierReason::NotDesignatedContact);
        assert_eq!(a.org.as_ref(), Some(&m));
    }
}

#[test]
fn unknown_sender_gets_the_default_tier() {
    let p = builtin("alectrona").unwrap();
    let a = assign_tier(&p, &[], &verified(), day());
    assert_eq!(a.tier.as_str(), "none");
    assert_eq!(a.reason, TierReason::UnknownSender);
    assert_eq!(a.org, None);
}

#[test]
fn several_orgs_the_highest_tier_wins_ties_by_org_id() {
    let p = builtin("activestate").unwrap();
    let ms = [
        member("zeta", "activestate", "team", true),
        member("omega", "activestate", "enterprise", true),
        member("alpha", "activestate", "enterprise", true),
        member("beta", "activestate", "free", true),
    ];
    let a = assign_tier(&p, &ms, &verified(), day());
    assert_eq!(a.tier.as_str(), "enterprise");
    assert_eq!(a.org.unwrap().org.as_str(), "alpha");
    // Membership order does not matter.
    let mut rev = ms.clone();
    rev.reverse();
    assert_eq!(
        assign_tier(&p, &rev, &verified(), day())
            .org
            .unwrap()
            .org
            .as_str(),
        "alpha"
    );
    // A designated contact of a team org who is a plain member of an enterprise org gets team.
    let mixed = [
        member("big", "activestate", "enterprise", false),
        member("small", "activestate", "team", true),
    ];
    let a = assign_tier(&p, &mixed, &verified(), day());
    assert_eq!(a.tier.as_str(), "team");
    assert_eq!(a.reason, TierReason::DesignatedContact);
    // Plain member of several: the org recorded is the highest-tier one.
    let plain = [
        member("b", "activestate", "team", false),
        member("a", "activestate", "enterprise", false),
    ];
    let a = assign_tier(&p, &plain, &verified(), day());
    assert_eq!(a.reason, TierReason::NotDesignatedContact);
    assert_eq!(a.org.unwrap().org.as_str(), "a");
}

#[test]
fn other_policies_and_unknown_tiers_are_ignored() {
    let p = builtin("scalr").unwrap();
    let other = member("acme", "activestate", "enterprise", true);
    let a = assign_tier(&p, &[other], &verified(), day());
    assert_eq!(a.tier.as_str(), "free");
    assert_eq!(a.reason, TierReason::UnknownSender);
    // A tier Scalr does not define is not trusted, not even as a plain membership.
    let bogus = member("acme", "scalr", "enterprise", true);
    let a = assign_tier(&p, std::slice::from_ref(&bogus), &verified(), day());
    assert_eq!(a.reason, TierReason::UnknownSender);
    assert_eq!(a.tier.as_str(), "free");
    let good = member("zzz", "scalr", "business", true);
    let a = assign_tier(&p, &[bogus, good], &verified(), day());
    assert_eq!(a.tier.as_str(), "business");
    assert_eq!(a.org.unwrap().org.as_str(), "zzz");
}

/// Issue 11, point 4: Alectrona's "Any Customer" — an authenticated member (or an address in
/// the organisation's domains) gets the tier; a third party does not; nothing unverified does.
#[test]
fn organisation_members_mode_entitles_members_and_domains() {
    let p = builtin("alectrona").unwrap();
    let plain = member("initech", "alectrona", "standard", false);
    let a = assign_tier(&p, std::slice::from_ref(&plain), &verified(), day());
    assert_eq!(a.tier.as_str(), "standard");
    assert_eq!(a.reason, TierReason::OrganisationMember);
    let designated = member("initech", "alectrona", "standard", true);
    let a = assign_tier(&p, &[designated], &verified(), day());
    assert_eq!(a.reason, TierReason::OrganisationMember);
    let domain = Membership {
        by_domain: true,
        ..member("initech", "alectrona", "standard", false)
    };
    let a = assign_tier(&p, std::slice::from_ref(&domain), &verified(), day());
    assert_eq!(a.tier.as_str(), "standard");
    let a = assign_tier(&p, std::slice::from_ref(&domain), &unverified(), day());
    assert_eq!(a.tier.as_str(), "none");
    assert_eq!(a.reason, TierReason::SenderNotVerified);
    let third = Membership {
        third_party: true,
        ..member("initech", "alectrona", "standard", false)
    };
    let a = assign_tier(&p, &[third], &verified(), day());
    assert_eq!(a.tier.as_str(), "none");
    assert_eq!(a.reason, TierReason::NotDesignatedContact);
    // Under designated-contacts an address merely in a domain is nobody.
    let p = builtin("activestate").unwrap();
    let domain = Membership {
        by_domain: true,
        ..member("acme", "activestate", "enterprise", false)
    };
    let a = assign_tier(&p, &[domain], &verified(), day());
    assert_eq!(a.reason, TierReason::UnknownSender);
    // ... and a plain member still gets Free.
    let a = assign_tier(
        &p,
        &[member("acme", "activestate", "enterprise", false)],
        &verified(),
        day(),
    );
    assert_eq!(a.tier.as_str(), "free");
}

/// Issue 11, point 4: "any address in the organisation's verified domains" — built from the
/// directory's rule, so a listed but unverified domain, someone else's domain, an
/// unauthenticated message, a listed third party and a designated-contacts policy all stay
/// out.
#[test]
fn verified_domains_entitle_only_unlisted_authenticated_senders_under_alectrona() {
    use crate::directory::{Organisation, domain_membership};
    use crate::ids::EmailAddress;
    let org = |policy: &str, tier: &str, verified: &[&str]| Organisation {
        id: OrgId::parse("initech").unwrap(),
        name: "Initech".into(),
        policy: PolicyId::parse(policy).unwrap(),
        tier: TierId::parse(tier).unwrap(),
        extra_contacts: 0,
        domains: vec!["initech.example".into(), "initech-labs.example".into()],
        verified_domains: verified.iter().map(|d| d.to_string()).collect(),
        designated_count: 0,
        support_term: None,
        products: vec![],
    };
    let alectrona = builtin("alectrona").unwrap();
    let initech = org("alectrona", "standard", &["initech.example"]);
    let found = |o: &Organisation, who: &str| {
        domain_membership(o, &EmailAddress::parse(who).unwrap())
            .into_iter()
            .collect::<Vec<_>>()
    };
    // Nobody listed pat: the lookup is worth a request, and the verified domain entitles.
    assert!(needs_domain_lookup(&alectrona, &[]));
    let pat = found(&initech, "pat@initech.example");
    let a = assign_tier(&alectrona, &pat, &verified(), day());
    assert_eq!(a.tier.as_str(), "standard");
    assert_eq!(a.reason, TierReason::OrganisationMember);
    assert_eq!(a.org.unwrap().org.as_str(), "initech");
    // A subdomain of a verified domain is in it.
    let eu = found(&initech, "pat@eu.initech.example");
    assert_eq!(
        assign_tier(&alectrona, &eu, &verified(), day())
            .tier
            .as_str(),
        "standard"
    );
    // Not authenticated: no tier, and the organisation is not named.
    let a = assign_tier(&alectrona, &pat, &unverified(), day());
    assert_eq!(a.tier.as_str(), "none");
    assert_eq!(a.reason, TierReason::SenderNotVerified);
    assert_eq!(a.org, None);
    // A domain the organisation lists but has not had verified, and someone else's domain.
    for who in ["pat@initech-labs.example", "pat@riverside-dental.example"] {
        let a = assign_tier(&alectrona, &found(&initech, who), &verified(), day());
        assert_eq!(
            (a.tier.as_str(), a.reason),
            ("none", TierReason::UnknownSender)
        );
    }
    // A third party Initech lists stays one inside its domain: no lookup, and a domain
    // membership handed in anyway does not entitle.
    let listed = Membership {
        third_party: true,
        ..member("initech", "alectrona", "standard", false)
    };
    assert!(!needs_domain_lookup(
        &alectrona,
        std::slice::from_ref(&listed)
    ));
    let mut both = vec![listed];
    both.extend(found(&initech, "consultant@initech.example"));
    let a = assign_tier(&alectrona, &both, &verified(), day());
    assert_eq!(
        (a.tier.as_str(), a.reason),
        ("none", TierReason::NotDesignatedContact)
    );
    // A listing under another policy does not stop the lookup.
    let elsewhere = member("acme", "activestate", "enterprise", false);
    assert!(needs_domain_lookup(&alectrona, &[elsewhere]));
    // ActiveState entitles designated contacts only: no lookup, and domains count for nothing.
    let activestate = builtin("activestate").unwrap();
    assert!(!needs_domain_lookup(&activestate, &[]));
    let acme = org("activestate", "enterprise", &["initech.example"]);
    let a = assign_tier(
        &activestate,
        &found(&acme, "pat@initech.example"),
        &verified(),
        day(),
    );
    assert_eq!(
        (a.tier.as_str(), a.reason),
        ("free", TierReason::UnknownSender)
    );
}

/// Issue 11, point 10: outside its support term an organisation's people get the default
/// tier, with the reason; inside it (both ends included) they get its tier.
#[test]
fn support_term_bounds_the_tier() {
    let p = builtin("activestate").unwrap();
    let term = SupportTerm::parse("2026-01-01", "2026-11-30").unwrap();
    let m = Membership {
        support_term: Some(term),
        ..member("acme", "activestate", "enterprise", true)
    };
    let on = |d: u32, mo: u32| NaiveDate::from_ymd_opt(2026, mo, d).unwrap();
    let a = assign_tier(&p, std::slice::from_ref(&m), &verified(), on(30, 11));
    assert_eq!(a.tier.as_str(), "enterprise");
    let a = assign_tier(&p, std::slice::from_ref(&m), &verified(), on(1, 12));
    assert_eq!(a.tier.as_str(), "free");
    assert_eq!(a.reason, TierReason::SupportTermEnded);
    assert_eq!(a.reason.as_str(), "support-term-ended");
    assert_eq!(a.org.as_ref().unwrap().org.as_str(), "acme");
    // An unverified message never learns about the organisation's term.
    let a = assign_tier(&p, std::slice::from_ref(&m), &unverified(), on(1, 12));
    assert_eq!(a.reason, TierReason::SenderNotVerified);
    // Another organisation in its term still counts.
    let other = member("zeta", "activestate", "team", true);
    let a = assign_tier(&p, &[m, other], &verified(), on(1, 12));
    assert_eq!(a.tier.as_str(), "team");
}
