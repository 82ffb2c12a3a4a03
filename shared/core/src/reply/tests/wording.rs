//! What the reply says for each tier reason, severity outcome and kind of promise.

use super::*;

#[test]
fn team_clamped() {
    let mut c = case(
        "activestate",
        "team",
        TierReason::DesignatedContact,
        "minor",
    );
    let team = c.policy.tier(&c.tier).unwrap().clone();
    let clamped = c
        .policy
        .clamp(&team, &SeverityId::parse("critical").unwrap());
    assert_eq!(clamped.assigned.as_str(), "minor");
    c.clamped = clamped.reason;
    c.deadline = Deadline {
        target: Target::BusinessDays {
            days: 2,
            calendar: CalendarId::parse("business").unwrap(),
        },
        target_words: "2 business days".into(),
        zone: Tz::America__Los_Angeles,
        clock_start: Some(now()),
        due: Some(Utc.with_ymd_and_hms(2026, 11, 27, 14, 0, 0).unwrap()),
    };
    let r = render(&c);
    assert_wire_clean(&r);
    let t = &r.text;
    assert!(t.contains("Support tier: Team, because"), "{t}");
    assert!(
        t.contains(
            "Severity: Minor. The Team tier does not cover Critical requests; handled as Minor."
        ),
        "{t}"
    );
    assert!(
        t.contains("We will respond within 2 business days — by Fri 27 Nov 2026, 06:00 PST."),
        "{t}"
    );
    assert_eq!(
        parse_back(&r).body_text(0).unwrap().replace("\r\n", "\n"),
        r.text
    );
}

#[test]
fn activestate_free_goes_to_the_forum() {
    let c = case("activestate", "free", TierReason::UnknownSender, "minor");
    let r = render(&c);
    assert_wire_clean(&r);
    let t = &r.text;
    assert!(
        t.contains(
            "Support tier: Free, because your address is not registered as a designated contact."
        ),
        "{t}"
    );
    assert!(
        t.contains("Your request has no guaranteed response time."),
        "{t}"
    );
    assert!(
        t.contains("Email is not a supported channel for the Free tier."),
        "{t}"
    );
    // Issue 11: the channel is named in ActiveState's words, with its link.
    assert!(
        t.contains("You can reach us through the ActiveState community forum at https://community.activestate.com."),
        "{t}"
    );
    assert!(!t.contains("We will respond within"), "{t}");
    assert!(!t.contains("best-effort"), "{t}");
}

#[test]
fn unverified_sender() {
    let c = case(
        "activestate",
        "free",
        TierReason::SenderNotVerified,
        "critical",
    );
    let r = render(&c);
    assert_wire_clean(&r);
    let t = &r.text;
    assert!(t.contains("Support tier: Free. We could not confirm your support tier because we could not verify that this message comes from your address."), "{t}");
    assert!(
        t.contains("If you did not send it, you can ignore this reply."),
        "{t}"
    );
    assert!(!t.contains("you are a designated contact"), "{t}");
    assert!(t.contains("no guaranteed response time"), "{t}");
}

#[test]
fn not_designated_member() {
    let c = case(
        "activestate",
        "free",
        TierReason::NotDesignatedContact,
        "minor",
    );
    let r = render(&c);
    assert_wire_clean(&r);
    let t = &r.text;
    assert!(
        t.contains(
            "Support tier: Free, because you are not a designated contact of your organisation."
        ),
        "{t}"
    );
    // Issue 11, point 11: where to look, in ActiveState's words, naming nobody.
    assert!(t.contains("You can identify your organisation's Administrator by logging in to the ActiveState Platform and reviewing the member list under Organizations > Members."), "{t}");
    // Under organisation-members (Alectrona) only a third party is a member without the tier.
    let c = case("alectrona", "none", TierReason::NotDesignatedContact, "low");
    let r = render(&c);
    assert_wire_clean(&r);
    let t = &r.text;
    assert!(
        t.contains(
            "Support tier: No support agreement, because your address is listed as a third party"
        ),
        "{t}"
    );
    assert!(t.contains("administrator can tell you who they are"), "{t}");
    // Alectrona's default tier keeps email support.
    assert!(!t.contains("Email is not a supported channel"), "{t}");
    assert!(
        t.contains("Support hours: Monday to Friday, 09:00–17:30 (America/New_York), excluding US federal holidays."),
        "{t}"
    );
    assert_eq!(header(&r, "X-Slamail-Loop").unwrap(), "alectrona");
}

#[test]
fn scalr_best_effort() {
    let mut c = case("scalr", "free", TierReason::UnknownSender, "p4");
    c.deadline = no_deadline(&c.policy, NoCommitment::BestEffort);
    c.subject = None;
    let r = render(&c);
    assert_wire_clean(&r);
    assert_eq!(r.subject, "[SCALR-2026-000123] Your support request");
    let t = &r.text;
    assert!(
        !t.contains("We will handle your request on a best-effort basis."),
        "{t}"
    );
    assert!(t.contains("Priority: P4 (Trivial)"), "{t}");
    // Issue 11, point 5: the Free tier's channel has its link, and "best efforts" is an aim.
    assert!(
        t.contains("You can reach us by opening a support ticket via Scalr's web-based support portal at https://scalr.io."),
        "{t}"
    );
    assert!(
        t.contains("Scalr support will endeavour to respond within the same business day but cannot guarantee this."),
        "{t}"
    );
    assert!(t.ends_with("-- \nScalr Support\n"), "{t}");
    assert_eq!(parse_back(&r).subject(), Some(r.subject.as_str()));
}

#[test]
fn scalr_business_24x7() {
    let mut c = case("scalr", "business", TierReason::DesignatedContact, "p0");
    c.deadline = Deadline {
        target: Target::Elapsed { minutes: 120 },
        target_words: "2 hours (24x7)".into(),
        zone: Tz::America__New_York,
        clock_start: Some(now()),
        due: Some(Utc.with_ymd_and_hms(2026, 11, 24, 16, 0, 0).unwrap()),
    };
    let r = render(&c);
    assert!(
        r.text
            .contains("We will respond within 2 hours (24x7) — by Tue 24 Nov 2026, 11:00 EST."),
        "{}",
        r.text
    );
}

#[test]
fn never_names_anyone_but_the_recipient() {
    for reason in [
        TierReason::DesignatedContact,
        TierReason::NotDesignatedContact,
        TierReason::UnknownSender,
        TierReason::SenderNotVerified,
    ] {
        let mut c = case("activestate", "free", reason, "minor");
        c.name = None;
        let r = render(&c);
        assert_wire_clean(&r);
        assert!(!r.text.contains('@'), "{reason:?}: {}", r.text);
    }
}
