//! Severity detection against the built-in policies: every shape, every name, the negatives, and
//! hostile input. The shape tests use the built-in policies with the aliases a vendor may add in
//! its own file ("Sev 2", "Urgent", "P1" …); the built-in files keep only the seeds' names.

use super::*;
use crate::policy::{Policy, builtin, load_str};

/// The built-in policy plus the aliases customers commonly write, as a vendor's own file would add
/// them: the shapes are the detector's, the names the vendor's.
fn with_vendor_aliases(policy: &str) -> Policy {
    let (text, extra): (&str, &[(&str, &str)]) = match policy {
        "activestate" => (
            include_str!("../../../policies/activestate.toml"),
            &[
                (
                    "\"Level 1\",",
                    "\"Severity 1\", \"Sev 1\", \"Sev1\", \"S1\", \"Urgent\",",
                ),
                (
                    "\"Level 2\",",
                    "\"Severity 2\", \"Sev 2\", \"Sev2\", \"S2\", \"High\", \"Major\",",
                ),
                (
                    "\"Level 3\",",
                    "\"Severity 3\", \"Sev 3\", \"Sev3\", \"S3\", \"Low\", \"Normal\", \"General Inquiry\",",
                ),
            ],
        ),
        "alectrona" => (
            include_str!("../../../policies/alectrona.toml"),
            &[
                (
                    "\"Urgent (Emergency)\",",
                    "\"Critical\", \"P1\", \"Priority 1\",",
                ),
                ("[\"High Priority\"", "[\"P2\", \"Priority 2\", \"Major\","),
                (
                    "[\"Medium Priority\"",
                    "[\"P3\", \"Priority 3\", \"Normal\", \"Moderate\",",
                ),
                ("[\"Low Priority\"", "[\"P4\", \"Priority 4\", \"Minor\","),
            ],
        ),
        "scalr" => (
            include_str!("../../../policies/scalr.toml"),
            &[("\"Blocker\"]", "\"Sev 0\", ")],
        ),
        _ => panic!("no such built-in policy {policy}"),
    };
    let mut text = text.to_string();
    for (anchor, added) in extra {
        assert!(text.contains(anchor), "{policy}: {anchor}");
        // An anchor that opens the list ("[\"High Priority\"") keeps its bracket first.
        let replacement = match anchor.strip_prefix('[') {
            Some(rest) => format!("{added} {rest}"),
            None => format!("{added} {anchor}"),
        };
        text = text.replacen(anchor, &replacement, 1);
    }
    load_str(&text, &format!("{policy}-with-aliases.toml")).unwrap()
}

fn subject(policy: &str, text: &str) -> Option<String> {
    let p = with_vendor_aliases(policy);
    detect_severity(&p, Some(text), "").map(|d| d.severity.to_string())
}

fn body(policy: &str, text: &str) -> Option<String> {
    let p = with_vendor_aliases(policy);
    detect_severity(&p, None, text).map(|d| d.severity.to_string())
}

/// Issue 11, point 3: the built-in policies know only the names the seeds use, so an "URGENT:"
/// subject from an ActiveState Enterprise contact is not a 2-business-hour Critical.
#[test]
fn builtin_policies_know_only_the_seeds_names() {
    let detect = |policy: &str, text: &str| {
        detect_severity(&builtin(policy).unwrap(), Some(text), "").map(|d| d.severity.to_string())
    };
    for text in [
        "URGENT: site down",
        "[Sev 2] slow",
        "High - cannot build",
        "Major - x",
        "[S1] down",
    ] {
        assert_eq!(detect("activestate", text), None, "{text:?}");
    }
    assert_eq!(
        detect("activestate", "Level 1: all builds fail").as_deref(),
        Some("critical")
    );
    assert_eq!(
        detect("activestate", "[Severe Impact] builds").as_deref(),
        Some("severe")
    );
    for text in [
        "[P1] outage",
        "Critical: outage",
        "Priority: Moderate",
        "P4 - question",
    ] {
        assert_eq!(detect("alectrona", text), None, "{text:?}");
    }
    assert_eq!(
        detect("alectrona", "Urgent (Emergency): outage").as_deref(),
        Some("urgent")
    );
    assert_eq!(
        detect("alectrona", "[High Priority] slow").as_deref(),
        Some("high")
    );
    assert_eq!(detect("scalr", "Sev 0 - prod down"), None);
    assert_eq!(
        detect("scalr", "Priority 0 - prod down").as_deref(),
        Some("p0")
    );
}

#[test]
fn activestate_subject_forms() {
    let cases = [
        ("[P1] build broken", None),
        ("[Critical] build broken", Some("critical")),
        ("Build broken [LEVEL 1]", Some("critical")),
        ("(Level 2) installer fails", Some("severe")),
        ("(Sev 2) installer fails", Some("severe")),
        ("[sev1] down", Some("critical")),
        ("[S3] question", Some("minor")),
        ("[Critical Impact] all down", Some("critical")),
        ("[General Inquiry] licences", Some("minor")),
        ("Severity: Critical - platform down", Some("critical")),
        ("Platform down, severity: high", Some("severe")),
        ("Priority: urgent", Some("critical")),
        ("Priority = 2", Some("severe")),
        ("Severity: 3 question about builds", Some("minor")),
        ("[Severity: minor] question", Some("minor")),
        ("Sev: 1 all builds fail", Some("critical")),
        ("Impact: Severe", Some("severe")),
        ("Severity level: Major", Some("severe")),
        ("URGENT: site down", Some("critical")),
        ("urgent - site down", Some("critical")),
        ("Re: URGENT: site down", Some("critical")),
        ("RE: Fwd: Critical: runtime crash", Some("critical")),
        ("[AS-2026-000123] Re: Severe: still failing", Some("severe")),
        ("Level 2 outage in our builds", Some("severe")),
        ("Major - cannot build", Some("severe")),
    ];
    for (text, want) in cases {
        assert_eq!(subject("activestate", text).as_deref(), want, "{text:?}");
    }
}

#[test]
fn scalr_and_alectrona_subject_forms() {
    let scalr = [
        ("[P0] prod down", Some("p0")),
        ("P0 - prod down", Some("p0")),
        ("p1: runs stuck", Some("p1")),
        ("[P0 (Blocker)] everything", Some("p0")),
        ("(Blocker) everything", Some("p0")),
        ("[Trivial] docs typo", Some("p4")),
        ("Priority: 2", Some("p2")),
        ("Priority 3 - question", Some("p3")),
        ("Sev 0 - prod down", Some("p0")),
        ("Severity: 1", Some("p1")),
    ];
    for (text, want) in scalr {
        assert_eq!(subject("scalr", text).as_deref(), want, "{text:?}");
    }
    let alectrona = [
        ("[P1] outage", Some("urgent")),
        ("[Emergency] outage", Some("urgent")),
        ("Urgent (Emergency): outage", Some("urgent")),
        ("Priority: Moderate", Some("medium")),
        ("P4 - question", Some("low")),
        ("Priority: 2", Some("high")),
    ];
    for (text, want) in alectrona {
        assert_eq!(subject("alectrona", text).as_deref(), want, "{text:?}");
    }
}

#[test]
fn every_builtin_name_is_found_in_a_tag() {
    for id in crate::policy::builtin_ids() {
        let p = builtin(id).unwrap();
        for sev in &p.severities {
            let names = std::iter::once(sev.id.to_string())
                .chain(std::iter::once(sev.label.clone()))
                .chain(sev.aliases.iter().cloned());
            for name in names {
                let text = format!("[{}] help", name.to_uppercase());
                let got = detect_severity(&p, Some(&text), "").map(|d| d.severity);
                assert_eq!(got.as_ref(), Some(&sev.id), "{id}: {text:?}");
                let text = format!("Severity: {name}");
                let got = detect_severity(&p, None, &text).map(|d| d.severity);
                assert_eq!(got.as_ref(), Some(&sev.id), "{id}: body {text:?}");
            }
        }
    }
}

#[test]
fn negatives() {
    let none = [
        ("activestate", "this is not critical"),
        ("activestate", "Critical vulnerability in openssl?"),
        ("activestate", "critical-path build question"),
        ("activestate", "Level 10 of the tutorial"),
        ("activestate", "Severity: not critical"),
        ("activestate", "It is not level 1, just a question"),
        ("activestate", "Urgently need help"),
        (
            "activestate",
            "[Critical bug in installer on Windows 11 when proxy is set up]",
        ),
        ("activestate", "question about (high availability)"),
        ("activestate", "High CPU usage"),
        ("scalr", "P10 runs"),
        ("scalr", "MP1 module"),
        ("scalr", "[P10] runs"),
        ("scalr", "[MP1]"),
        ("scalr", "P1x - weird"),
        ("scalr", "Priority: 7"),
        ("alectrona", "Level 1 support"),
        ("alectrona", "P1-2 range"),
        ("alectrona", ""),
        ("alectrona", "[]()[(:"),
    ];
    for (policy, text) in none {
        assert_eq!(subject(policy, text), None, "{policy}: {text:?}");
    }
}

#[test]
fn body_only_explicit_forms_in_first_lines() {
    assert_eq!(
        body("activestate", "Hello,\n\nSeverity: Critical\n").as_deref(),
        Some("critical")
    );
    assert_eq!(
        body("activestate", "Hi\n- Priority: high\n").as_deref(),
        Some("severe")
    );
    assert_eq!(
        body("activestate", "Hi\nImpact: Minor\n").as_deref(),
        Some("minor")
    );
    assert_eq!(
        body("activestate", "We think this is Level 2 for us.").as_deref(),
        Some("severe")
    );
    // Prose and tags do not count in the body.
    assert_eq!(
        body("activestate", "This is critical for us. Urgent!"),
        None
    );
    assert_eq!(body("activestate", "URGENT: site down"), None);
    assert_eq!(body("scalr", "[P0] in body"), None);
    assert_eq!(body("activestate", "this is not critical"), None);
    assert_eq!(body("activestate", "The severity: critical"), None);
    // Quoted history is someone else's request.
    assert_eq!(body("activestate", "> Severity: Critical\nthanks"), None);
    // Past the first lines, nothing counts.
    let mut long = String::new();
    for i in 0..20 {
        long.push_str(&format!("line {i}\n\n"));
    }
    long.push_str("Severity: Critical\n");
    assert_eq!(body("activestate", &long), None);
    let mut fourteen = String::new();
    for i in 0..14 {
        fourteen.push_str(&format!("line {i}\n\n"));
    }
    fourteen.push_str("Severity: Critical\n");
    assert_eq!(body("activestate", &fourteen).as_deref(), Some("critical"));
}

#[test]
fn subject_beats_body_and_reports_the_match() {
    let p = with_vendor_aliases("activestate");
    let d = detect_severity(&p, Some("[Sev 2] slow builds"), "Severity: Critical").unwrap();
    assert_eq!(d.severity.as_str(), "severe");
    assert_eq!(d.matched, "[Sev 2]");
    assert_eq!(d.source, SeveritySource::Subject);
    let d = detect_severity(&p, Some("slow builds"), "Severity: Critical\n").unwrap();
    assert_eq!(d.severity.as_str(), "critical");
    assert_eq!(d.matched, "Severity: Critical");
    assert_eq!(d.source, SeveritySource::Body);
    let d = detect_severity(&p, Some("URGENT: down"), "").unwrap();
    assert_eq!(d.matched, "URGENT:");
    // The earliest shape in the subject wins.
    let d = detect_severity(&p, Some("[Level 3] was Level 1"), "").unwrap();
    assert_eq!(d.severity.as_str(), "minor");
    let scalr = builtin("scalr").unwrap();
    let d = detect_severity(&scalr, Some("P0 - prod down"), "").unwrap();
    assert_eq!(d.matched, "P0 -");
}

#[test]
fn hostile_input_does_not_panic() {
    let p = builtin("activestate").unwrap();
    let nasty = [
        "[".repeat(5000),
        "é[".repeat(3000),
        "Severity:".repeat(1000),
        "Level ".repeat(1000),
        "\u{0}\r\n[\u{202e}P1]".to_string(),
        "Severity: 🙂".to_string(),
        "ß".repeat(2000),
    ];
    for text in &nasty {
        let _ = detect_severity(&p, Some(text), text);
        let _ = detect_cvss(text);
    }
}

proptest::proptest! {
    #[test]
    fn any_text_is_scanned_without_panicking(subject in ".{0,400}", body in "(.{0,80}\n){0,30}") {
        for id in crate::policy::builtin_ids() {
            let p = builtin(id).unwrap();
            let _ = detect_severity(&p, Some(&subject), &body);
        }
        if let Some(score) = detect_cvss(&subject) {
            proptest::prop_assert!((0.0..=10.0).contains(&score));
        }
    }
}
