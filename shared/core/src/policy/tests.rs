use super::*;

fn sev(id: &str) -> SeverityId {
    SeverityId::parse(id).unwrap()
}

fn tier(id: &str) -> TierId {
    TierId::parse(id).unwrap()
}

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

#[test]
fn policy_set_finds_policy_by_recipient() {
    let set = PolicySet::builtin().unwrap();
    let other = EmailAddress::parse("someone@example.com").unwrap();
    let ent = EmailAddress::parse("Enterprise-Support@ActiveState.com").unwrap();
    let (p, addr) = set.for_recipients([&other, &ent]).unwrap();
    assert_eq!(p.id.as_str(), "activestate");
    assert_eq!(addr, &ent);
    assert!(set.for_recipients([&other]).is_none());
    assert!(set.is_own_address(&EmailAddress::parse("support@scalr.com").unwrap()));
}

#[test]
fn policy_set_rejects_shared_addresses() {
    let a = builtin("scalr").unwrap();
    let mut b = a.clone();
    b.id = PolicyId::parse("scalr2").unwrap();
    let err = PolicySet::new(vec![a, b]).unwrap_err();
    assert!(err.reason.contains("support@scalr.com"), "{err}");
}

/// A minimal valid policy, with `{}` markers the error tests replace.
const BASE: &str = r#"id = "t"
name = "Test"
case_prefix = "T"
addresses = ["support@t.example"]
reply_from = "support@t.example"
default_tier = "free"
default_severity = "low"
default_calendar = "biz"

[calendars.biz]
zone = "Europe/Paris"
holidays = []
hours = { weekdays = ["09:00-12:00", "13:00-17:00"] }

[[severities]]
id = "high"
label = "High"

[[severities]]
id = "low"
label = "Low"

[[tiers]]
id = "free"
label = "Free"
designated_contacts = 0
email_support = true
covers = []

[[tiers]]
id = "gold"
label = "Gold"
designated_contacts = 2
email_support = true
covers = ["high", "low"]

[[targets]]
tier = "gold"
severity = "high"
first_response = "2 business hours"

[[targets]]
tier = "gold"
severity = "low"
first_response = "1 business day"

[[routes]]
queue = "all"
"#;

fn load_err(text: &str) -> PolicyError {
    load_str(text, "test.toml").expect_err("the policy should be rejected")
}

#[test]
fn base_policy_is_valid() {
    let p = load_str(BASE, "test.toml").unwrap();
    assert_eq!(p.source, "test.toml");
}

#[test]
fn unknown_tier_in_a_target_names_file_and_line() {
    let text = BASE.replace(
        "tier = \"gold\"\nseverity = \"low\"",
        "tier = \"platinum\"\nseverity = \"low\"",
    );
    let e = load_err(&text);
    assert_eq!(e.source_name, "test.toml");
    let line = text.lines().position(|l| l.contains("platinum")).unwrap() + 1;
    assert_eq!(e.line, Some(line));
    assert!(e.reason.contains("unknown tier \"platinum\""), "{e}");
    assert!(e.to_string().starts_with(&format!("test.toml:{line}: ")));
}

#[test]
fn target_on_an_uncovered_severity_is_rejected() {
    let text = BASE.replace("covers = [\"high\", \"low\"]", "covers = [\"low\"]");
    let e = load_err(&text);
    assert!(e.reason.contains("does not cover high"), "{e}");
    assert!(e.line.is_some());
}

#[test]
fn covered_severity_without_target_is_rejected() {
    let text = BASE.replace(
        "[[targets]]\ntier = \"gold\"\nseverity = \"low\"\nfirst_response = \"1 business day\"\n",
        "",
    );
    let e = load_err(&text);
    assert!(e.reason.contains("covers severity low but no"), "{e}");
}

#[test]
fn unknown_time_zone_is_rejected() {
    let e = load_err(&BASE.replace("Europe/Paris", "PST"));
    assert!(e.reason.contains("not an IANA time zone"), "{e}");
    assert_eq!(e.line, Some(11));
}

#[test]
fn negative_amount_is_rejected() {
    let e = load_err(&BASE.replace("\"2 business hours\"", "\"-2 business hours\""));
    assert!(e.reason.contains("at least 1"), "{e}");
}

#[test]
fn negative_contact_limit_is_rejected() {
    let e = load_err(&BASE.replace("designated_contacts = 2", "designated_contacts = -1"));
    assert!(e.reason.contains("between 0 and 10000"), "{e}");
}

#[test]
fn overlapping_hours_are_rejected() {
    let e = load_err(&BASE.replace("\"13:00-17:00\"", "\"11:00-17:00\""));
    assert_eq!(e.line, Some(13), "{e}");
}

#[test]
fn syntax_errors_have_a_line() {
    let e = load_err(&BASE.replace("name = \"Test\"", "name = Test"));
    assert_eq!(e.line, Some(2), "{e}");
}

#[test]
fn unknown_fields_are_rejected() {
    let e = load_err(&BASE.replace("name = \"Test\"", "name = \"Test\"\nnmae = \"typo\""));
    assert!(e.reason.contains("nmae"), "{e}");
    assert_eq!(e.line, Some(3), "{e}");
}

#[test]
fn missing_catch_all_route_is_rejected() {
    let e = load_err(&BASE.replace("queue = \"all\"", "queue = \"all\"\ntiers = [\"gold\"]"));
    assert!(e.reason.contains("catch-all"), "{e}");
}

#[test]
fn duplicate_severity_alias_is_rejected() {
    let e = load_err(&BASE.replace(
        "id = \"low\"\nlabel = \"Low\"",
        "id = \"low\"\nlabel = \"Low\"\naliases = [\"HIGH\"]",
    ));
    assert!(e.reason.contains("already names severity high"), "{e}");
}

#[test]
fn overlapping_security_bands_are_rejected() {
    let text = format!(
        "{BASE}\n[[security_bands]]\nid = \"a\"\nlabel = \"A\"\ncvss = \"7.0-8.9\"\nbreach = \"6 months\"\n\n[[security_bands]]\nid = \"b\"\nlabel = \"B\"\ncvss = \"8.0-10.0\"\nbreach = \"3 months\"\n"
    );
    let e = load_err(&text);
    assert!(e.reason.contains("overlaps band a"), "{e}");
}

#[test]
fn bad_case_prefix_and_address() {
    let e = load_err(&BASE.replace("case_prefix = \"T\"", "case_prefix = \"t-1\""));
    assert!(e.reason.contains("case_prefix"), "{e}");
    let e = load_err(&BASE.replace(
        "reply_from = \"support@t.example\"",
        "reply_from = \"nobody\"",
    ));
    assert!(e.reason.contains("not an email address"), "{e}");
    assert_eq!(e.line, Some(5));
}

#[test]
fn missing_file_and_unknown_builtin() {
    let e = load_named("no-such-policy").unwrap_err();
    assert!(e.reason.contains("activestate"), "{e}");
    let e = load_file(std::path::Path::new("/nonexistent/p.toml")).unwrap_err();
    assert!(e.reason.contains("cannot read"), "{e}");
}

#[test]
fn policy_list_of_a_deployment() {
    assert_eq!(PolicySet::from_list(None).unwrap().policies().len(), 3);
    assert_eq!(PolicySet::from_list(Some(" ")).unwrap().policies().len(), 3);
    let two = PolicySet::from_list(Some("scalr, alectrona")).unwrap();
    assert_eq!(two.policies().len(), 2);
    assert!(PolicySet::from_list(Some("no-such-policy")).is_err());
}
