//! Looking things up in a loaded policy: names in any case, clamping, routing, security bands.

use super::*;

#[test]
fn names_and_aliases_in_any_case() {
    let p = builtin("activestate").unwrap();
    assert_eq!(p.find_severity("Level 1").unwrap().id, sev("critical"));
    assert_eq!(p.find_severity("LEVEL-2").unwrap().id, sev("severe"));
    assert_eq!(p.find_severity("minor").unwrap().id, sev("minor"));
    assert_eq!(p.find_tier("Enterprise").unwrap().id, tier("enterprise"));
    assert_eq!(p.find_tier("business standard").unwrap().id, tier("team"));
    assert!(p.find_tier("platinum").is_none());
    let s = builtin("scalr").unwrap();
    assert_eq!(s.find_severity("P0").unwrap().id, sev("p0"));
    assert_eq!(s.find_severity("blocker").unwrap().id, sev("p0"));
    let a = builtin("alectrona").unwrap();
    assert_eq!(a.find_severity("Urgent").unwrap().id, sev("urgent"));
}

#[test]
fn clamping_follows_the_tier() {
    let p = builtin("activestate").unwrap();
    let team = p.tier(&tier("team")).unwrap();
    let c = p.clamp(team, &sev("critical"));
    assert_eq!(c.assigned, sev("minor"));
    assert!(c.reason.unwrap().contains("does not cover Critical"));
    let ent = p.tier(&tier("enterprise")).unwrap();
    assert_eq!(p.clamp(ent, &sev("critical")).assigned, sev("critical"));
    // Free covers nothing: the asked severity is kept (there is nothing to clamp to).
    let free = p.tier(&tier("free")).unwrap();
    let c = p.clamp(free, &sev("severe"));
    assert_eq!(c.assigned, sev("severe"));
    assert_eq!(c.reason, None);

    let s = builtin("scalr").unwrap();
    let free = s.tier(&tier("free")).unwrap();
    assert_eq!(s.clamp(free, &sev("p0")).assigned, sev("p4"));
}

#[test]
fn routing_first_match_wins() {
    let p = builtin("activestate").unwrap();
    assert_eq!(
        p.route(&tier("enterprise"), &sev("critical")).as_str(),
        "enterprise-urgent"
    );
    assert_eq!(
        p.route(&tier("enterprise"), &sev("minor")).as_str(),
        "enterprise"
    );
    assert_eq!(p.route(&tier("team"), &sev("minor")).as_str(), "team");
    assert_eq!(p.route(&tier("free"), &sev("critical")).as_str(), "free");
}

#[test]
fn security_bands_by_cvss() {
    let p = builtin("activestate").unwrap();
    assert_eq!(p.security_band(9.8).unwrap().id, "critical");
    assert_eq!(p.security_band(9.0).unwrap().id, "critical");
    assert_eq!(p.security_band(8.9).unwrap().id, "high");
    assert_eq!(p.security_band(7.0).unwrap().breach_months, Some(6));
    assert_eq!(p.security_band(4.0).unwrap().id, "medium");
    assert_eq!(p.security_band(4.0).unwrap().breach_months, None);
    assert_eq!(p.security_band(0.1).unwrap().id, "low");
    assert!(p.security_band(0.0).is_none());
    assert!(p.security_band(11.0).is_none());
}
