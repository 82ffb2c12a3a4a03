//! Issue 11: each vendor's reply says what its own document says, in its words. Key sentences are
//! asserted whole, and the sentences another vendor would say are asserted absent.

use super::*;
use crate::policy::load_str;

fn business_days(policy: &Policy, days: u32, due: DateTime<Utc>) -> Deadline {
    let target = Target::BusinessDays {
        days,
        calendar: CalendarId::parse("business").unwrap(),
    };
    Deadline {
        target_words: target.words(),
        target,
        zone: policy.support_calendar().zone(),
        clock_start: Some(now()),
        due: Some(due),
    }
}

fn elapsed(minutes: u32, due: DateTime<Utc>) -> Deadline {
    let target = Target::Elapsed { minutes };
    Deadline {
        target_words: target.words(),
        target,
        zone: Tz::America__New_York,
        clock_start: Some(now()),
        due: Some(due),
    }
}

/// Scalr's built-in policy, but with email intake covered, as a vendor could write it: the hours
/// stated are those of the target that applies.
fn scalr_email_covered() -> Policy {
    let text = include_str!("../../../policies/scalr.toml");
    let start = text.find("[email_intake]").unwrap();
    let end = start + text[start..].find("\n\n[channels.portal]").unwrap();
    let text = format!(
        "{}[email_intake]\ncovered = true{}",
        &text[..start],
        &text[end..]
    );
    load_str(&text, "scalr-email.toml").unwrap()
}

#[test]
fn scalr_business_p0_states_24x7_not_office_hours() {
    let mut c = case("scalr", "business", TierReason::DesignatedContact, "p0");
    c.policy = scalr_email_covered();
    // Saturday 22:50 New York.
    c.deadline = elapsed(120, utc(2026, 11, 29, 5, 50));
    let t = render(&c).text;
    assert!(
        t.contains("Support hours: 24 hours a day, 7 days a week."),
        "{t}"
    );
    assert!(!t.contains("Support hours: Monday to Friday"), "{t}");
    assert!(
        t.contains("Priority: P0 (Blocker), as we understood your message."),
        "{t}"
    );
    assert!(
        t.contains(
            "Support tier: Business, because you are a technical contact of your organisation."
        ),
        "{t}"
    );
    assert!(!t.contains("designated contact"), "{t}");
    assert!(!t.contains("Severity"), "{t}");
}

#[test]
fn scalr_business_day_targets_quote_no_invented_hours() {
    let mut c = case("scalr", "business", TierReason::DesignatedContact, "p3");
    c.policy = scalr_email_covered();
    c.deadline = business_days(&c.policy, 1, utc(2026, 11, 25, 14, 0));
    let t = render(&c).text;
    assert!(t.contains("We will respond within 1 business day"), "{t}");
    // The seed publishes no business hours: the calendar is an assumption, never quoted.
    assert!(!t.contains("Support hours"), "{t}");
}

#[test]
fn scalr_emailed_request_points_to_the_portal_without_promising() {
    let mut c = case("scalr", "business", TierReason::DesignatedContact, "p0");
    c.no_clock = Some(NoClock::EmailNotCovered);
    let t = render(&c).text;
    assert!(t.contains("All support requests must be created by opening a support ticket via Scalr's web-based support portal (https://scalr.io for the SaaS system, or your On-prem Scalr)."), "{t}");
    assert!(
        t.contains("For a ticket opened there, the P0 (Blocker) response time is 2 hours (24x7)."),
        "{t}"
    );
    assert!(!t.contains("We will respond within"), "{t}");
    assert!(!t.contains("Support hours"), "{t}");
    // Free: the aim, stated as an aim.
    let mut c = case("scalr", "free", TierReason::UnknownSender, "p4");
    c.no_clock = Some(NoClock::EmailNotCovered);
    let t = render(&c).text;
    assert!(t.contains("https://scalr.io"), "{t}");
    assert!(t.contains("Scalr support will endeavour to respond within the same business day but cannot guarantee this."), "{t}");
    assert!(
        t.contains("your address is not registered as a technical contact"),
        "{t}"
    );
}

#[test]
fn alectrona_uses_commercially_reasonable_efforts_and_confirms_the_priority() {
    let mut c = case(
        "alectrona",
        "standard",
        TierReason::OrganisationMember,
        "urgent",
    );
    c.requested = true;
    c.deadline = business(&c.policy, 60, "1 business hour", utc(2026, 11, 24, 15, 0));
    let t = render(&c).text;
    assert!(
        t.contains(
            "Support tier: Standard, because your address belongs to a customer organisation."
        ),
        "{t}"
    );
    assert!(t.contains("Priority: Urgent, as requested in your message. Alectrona will determine whether the case is an Incident and its Priority Status, and will confirm it."), "{t}");
    assert!(t.contains("Alectrona will use commercially reasonable efforts to respond within 1 business hour — by Tue 24 Nov 2026, 10:00 EST."), "{t}");
    assert!(!t.to_lowercase().contains("we will respond within"), "{t}");
    assert!(!t.contains("designated contact"), "{t}");
    assert!(!t.contains("Severity"), "{t}");
    assert!(t.contains("Support hours: Monday to Friday, 09:00–17:30 (America/New_York), excluding US federal holidays."), "{t}");
    // An unknown sender is not told about designated contacts Alectrona does not have.
    let t = render(&case("alectrona", "none", TierReason::UnknownSender, "low")).text;
    assert!(
        t.contains("because your address does not belong to a customer organisation we know"),
        "{t}"
    );
    assert!(!t.contains("designated contact"), "{t}");
}

#[test]
fn activestate_free_is_told_no_hours() {
    for reason in [TierReason::UnknownSender, TierReason::NotDesignatedContact] {
        let t = render(&case("activestate", "free", reason, "minor")).text;
        assert!(!t.contains("Support hours"), "{t}");
        assert!(
            t.contains("Email is not a supported channel for the Free tier."),
            "{t}"
        );
        assert!(t.contains("Severity: Minor"), "{t}");
    }
}

#[test]
fn activestate_enterprise_critical_names_the_faster_channels_and_its_hours() {
    let mut c = case(
        "activestate",
        "enterprise",
        TierReason::DesignatedContact,
        "critical",
    );
    c.deadline = business(&c.policy, 120, "2 business hours", utc(2026, 11, 24, 16, 0));
    let t = render(&c).text;
    assert!(
        t.contains("We will respond within 2 business hours — by Tue 24 Nov 2026, 08:00 PST."),
        "{t}"
    );
    assert!(t.contains("For Critical and Severe requests you can also reach us by email at enterprise-support@activestate.com, by phone at 778.786.1102 or through the ActiveState Platform chat at https://platform.activestate.com."), "{t}");
    assert!(t.contains("Support hours: Monday to Friday, 08:00–17:00 (America/Los_Angeles), excluding US federal holidays."), "{t}");
    // Minor requests are not told about the faster channels.
    let mut c = case(
        "activestate",
        "enterprise",
        TierReason::DesignatedContact,
        "minor",
    );
    c.deadline = business_days(&c.policy, 1, utc(2026, 11, 25, 14, 0));
    let t = render(&c).text;
    assert!(!t.contains("778.786.1102"), "{t}");
}

#[test]
fn the_reply_comes_from_the_address_written_to() {
    let mut c = case(
        "activestate",
        "enterprise",
        TierReason::DesignatedContact,
        "minor",
    );
    c.support_address = Some(EmailAddress::parse("enterprise-support@activestate.com").unwrap());
    let r = render(&c);
    assert_eq!(r.from.as_str(), "enterprise-support@activestate.com");
    assert!(
        header(&r, "From")
            .unwrap()
            .contains("<enterprise-support@activestate.com>")
    );
    let t = render(&c).text;
    assert!(!t.contains("by email at enterprise-support@"), "{t}");
    c.severity = SeverityId::parse("critical").unwrap();
    c.deadline = business(&c.policy, 120, "2 business hours", utc(2026, 11, 24, 16, 0));
    let t = render(&c).text;
    assert!(t.contains("you can also reach us by phone at 778.786.1102 or through the ActiveState Platform chat"), "{t}");
    assert!(!t.contains("by email at enterprise-support@"), "{t}");
    c.support_address = Some(EmailAddress::parse("support@activestate.com").unwrap());
    assert_eq!(render(&c).from.as_str(), "support@activestate.com");
    // An address the policy does not govern never becomes the sender.
    c.support_address = Some(EmailAddress::parse("ceo@activestate.com").unwrap());
    assert_eq!(render(&c).from.as_str(), "support@activestate.com");
}

#[test]
fn outside_the_sla_and_term_ended_replies() {
    let mut c = case(
        "activestate",
        "enterprise",
        TierReason::DesignatedContact,
        "minor",
    );
    c.no_clock = Some(NoClock::OutsideSla("managed-distribution".into()));
    let t = render(&c).text;
    assert!(
        t.contains("handled by your Account Manager and require a Commercial Agreement"),
        "{t}"
    );
    assert!(!t.contains("We will respond within"), "{t}");
    assert!(!t.contains("Support hours"), "{t}");
    let t = render(&case(
        "activestate",
        "free",
        TierReason::SupportTermEnded,
        "minor",
    ))
    .text;
    assert!(
        t.contains(
            "Support tier: Free, because your organisation's support term does not cover this date."
        ),
        "{t}"
    );
}
