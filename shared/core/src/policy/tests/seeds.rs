//! The built-in policies say what the vendors' published policies say.

use super::*;

#[test]
fn builtin_policies_load() {
    let set = PolicySet::builtin().unwrap();
    assert_eq!(set.policies().len(), 3);
    for p in set.policies() {
        assert!(p.tier(&p.default_tier).is_some());
        assert!(p.severity(&p.default_severity).is_some());
    }
}

#[test]
fn activestate_targets_match_the_seed() {
    let p = builtin("activestate").unwrap();
    let words = |t: &str, s: &str| {
        p.target(&tier(t), &sev(s), Metric::FirstResponse)
            .map(Target::words)
    };
    assert_eq!(
        words("enterprise", "critical").as_deref(),
        Some("2 business hours")
    );
    assert_eq!(
        words("enterprise", "severe").as_deref(),
        Some("4 business hours")
    );
    assert_eq!(
        words("enterprise", "minor").as_deref(),
        Some("1 business day")
    );
    assert_eq!(words("team", "minor").as_deref(), Some("2 business days"));
    assert_eq!(words("team", "critical"), None);
    assert_eq!(words("free", "minor"), None);
    let limits: Vec<u32> = p.tiers.iter().map(|t| t.designated_contacts).collect();
    assert_eq!(limits, vec![0, 1, 2]);
    assert!(!p.tier(&tier("free")).unwrap().email_support);
}

#[test]
fn alectrona_has_update_targets() {
    let p = builtin("alectrona").unwrap();
    let t = |s: &str, m| p.target(&tier("standard"), &sev(s), m).unwrap().words();
    assert_eq!(t("low", Metric::FirstResponse), "8 business hours");
    assert_eq!(t("low", Metric::Update), "32 business hours");
    assert_eq!(t("urgent", Metric::FirstResponse), "1 business hour");
    assert_eq!(t("urgent", Metric::Update), "4 business hours");
}

#[test]
fn scalr_mixes_clocks() {
    let p = builtin("scalr").unwrap();
    let b = tier("business");
    assert_eq!(
        p.target(&b, &sev("p0"), Metric::FirstResponse),
        Some(&Target::Elapsed { minutes: 120 })
    );
    assert!(matches!(
        p.target(&b, &sev("p4"), Metric::FirstResponse),
        Some(Target::BusinessDays { days: 2, .. })
    ));
    // Without a separate update target, the first-response one applies.
    assert_eq!(
        p.target(&b, &sev("p2"), Metric::Update),
        Some(&Target::Elapsed { minutes: 720 })
    );
    assert!(
        !p.target(&tier("free"), &sev("p4"), Metric::FirstResponse)
            .unwrap()
            .is_commitment()
    );
}
