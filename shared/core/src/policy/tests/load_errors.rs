//! Policy files that must be refused, each with the file, the line and a plain reason.

use super::*;

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
fn hours_keys_name_single_days_and_groups() {
    use chrono::Weekday;

    let base_hours = "hours = { weekdays = [\"09:00-12:00\", \"13:00-17:00\"] }";
    let text = BASE.replace(
        base_hours,
        "hours = { mon = [\"09:00-12:00\"], sun = [\"10:00-11:00\"], weekend = [\"15:00-16:00\"] }",
    );
    let p = load_str(&text, "test.toml").unwrap();
    let hours = p.support_calendar().hours();
    let spans = |day| -> Vec<String> { hours.day(day).iter().map(|i| i.to_string()).collect() };
    assert_eq!(spans(Weekday::Mon), ["09:00-12:00"]);
    assert!(spans(Weekday::Tue).is_empty());
    assert_eq!(spans(Weekday::Sat), ["15:00-16:00"]);
    assert_eq!(spans(Weekday::Sun), ["10:00-11:00", "15:00-16:00"]);

    for key in ["Mon", "monday", "mo", "tues"] {
        let e = load_err(&BASE.replace(
            base_hours,
            &format!("hours = {{ {key} = [\"09:00-12:00\"] }}"),
        ));
        assert!(
            e.reason.contains(&format!("unknown day {key:?} in hours")),
            "{key}: {e}"
        );
    }
}

/// Issue 11, point 5: a tier's channel that a reply could not name is refused at load, with the
/// line of the tier.
#[test]
fn every_tier_channel_must_be_defined() {
    let text = BASE.replace(
        "label = \"Free\"\ndesignated_contacts = 0\nemail_support = true",
        "label = \"Free\"\ndesignated_contacts = 0\nemail_support = true\nchannels = [\"ticket\"]",
    );
    let e = load_err(&text);
    let tier_line = text.lines().position(|l| l == "[[tiers]]").unwrap() + 1;
    assert_eq!(e.line, Some(tier_line), "{e}");
    assert!(
        e.reason
            .contains("tier free lists channel \"ticket\", which [channels] does not define"),
        "{e}"
    );
    let ok = format!(
        "{text}\n[channels.ticket]\nname = \"through the portal\"\nurl = \"https://t.example\"\n"
    );
    let p = load_str(&ok, "test.toml").unwrap();
    assert_eq!(
        p.channel("ticket").unwrap().to_string(),
        "through the portal at https://t.example"
    );
    let both = format!(
        "{text}\n[channels.ticket]\nname = \"x\"\nurl = \"https://t.example\"\nphone = \"1\"\n"
    );
    assert!(
        load_err(&both)
            .reason
            .contains("exactly one of url, address or phone")
    );
}

#[test]
fn wording_templates_are_checked() {
    let text = format!("{BASE}\n[wording]\npromise = \"We answer within {{taget}}.\"\n");
    let e = load_err(&text);
    let line = text.lines().position(|l| l.contains("taget")).unwrap() + 1;
    assert_eq!(e.line, Some(line), "{e}");
    assert!(e.reason.contains("uses {taget}"), "{e}");
    let e = load_err(&format!(
        "{BASE}\n[wording]\npromise = \"We answer soon.\"\n"
    ));
    assert!(e.reason.contains("use {target}"), "{e}");
    let p = load_str(
        &format!("{BASE}\n[wording]\nseverity = \"Priority\"\ncontact = \"technical contact\"\n"),
        "test.toml",
    )
    .unwrap();
    assert_eq!(p.wording.contacts, "technical contacts");
    let e = load_err(&BASE.replace(
        "default_calendar = \"biz\"",
        "default_calendar = \"biz\"\nentitlement = \"everyone\"",
    ));
    assert!(
        e.reason
            .contains("\"designated-contacts\" or \"organisation-members\""),
        "{e}"
    );
}

#[test]
fn email_intake_and_aims_are_checked() {
    let e = load_err(&format!("{BASE}\n[email_intake]\ncovered = false\n"));
    assert!(e.reason.contains("needs channel"), "{e}");
    let e = load_err(&format!(
        "{BASE}\n[email_intake]\ncovered = false\nchannel = \"portal\"\ntext = \"Use {{channel}}.\"\n"
    ));
    assert!(
        e.reason.contains("\"portal\" is not defined in [channels]"),
        "{e}"
    );
    let e = load_err(&BASE.replace(
        "first_response = \"2 business hours\"",
        "first_response = \"2 business hours\"\naim = \"soon\"",
    ));
    assert!(
        e.reason
            .contains("aim is for a target that promises nothing"),
        "{e}"
    );
    let e = load_err(&format!(
        "{BASE}\n[[request_kinds]]\nid = \"x\"\nlabel = \"X\"\nkeywords = [\"sow\"]\nqueue = \"am\"\nreply = \"No.\"\n"
    ));
    assert!(e.reason.contains("too short"), "{e}");
    let e = load_err(&format!("{BASE}\n[security]\nguideline = true\n"));
    assert!(e.reason.contains("none is defined"), "{e}");
}

#[test]
fn builtin_channels_all_resolve() {
    for id in crate::policy::builtin_ids() {
        let p = builtin(id).unwrap();
        for t in &p.tiers {
            for c in t.channels.iter().filter(|c| c.as_str() != "email") {
                assert!(p.channel(c).is_some(), "{id}: {}: {c}", t.id);
            }
        }
    }
}

/// BASE with a `[warnings]` section and a notifying route.
fn with_warnings(points: &str, extra: &str) -> String {
    let mut text = BASE.replace(
        "[[routes]]\nqueue = \"all\"\n",
        "[[routes]]\nqueue = \"all\"\nnotify = { email = [\"sla@staff.example\"] }\n",
    );
    text.push_str(&format!("\n[warnings]\npoints = [{points}]\n{extra}"));
    text
}

#[test]
fn warning_points_are_parsed_ordered_and_defaulted() {
    let p = load_str(
        &with_warnings(
            r#"{ at = "breach" }, { at = "80%" }, { at = "Breach + 2 Business Hours", notify = "boss" }, { at = "25%" }"#,
            "[warnings.audiences.boss]\nsns = \"arn:aws:sns:eu-west-1:123456789012:oncall\"\n",
        ),
        "test.toml",
    )
    .unwrap();
    let labels: Vec<&str> = p.warnings.points.iter().map(|w| w.label.as_str()).collect();
    assert_eq!(
        labels,
        ["25%", "80%", "breach", "breach + 2 business hours"]
    );
    assert_eq!(
        p.warnings.points[3].audience,
        Audience::Named("boss".into())
    );
    // No [warnings]: 50%, 80%, breach, +1 business hour (lead), +4 business hours.
    let p = load_str(BASE, "test.toml").unwrap();
    let labels: Vec<&str> = p.warnings.points.iter().map(|w| w.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "50%",
            "80%",
            "breach",
            "breach + 1 business hour",
            "breach + 4 business hours"
        ]
    );
}

#[test]
fn bad_warning_points_and_targets_are_rejected_with_their_line() {
    for (points, extra, why) in [
        (r#"{ at = "100%" }"#, "", "1% to 99%"),
        (r#"{ at = "soon" }"#, "", "not a warning point"),
        (r#"{ at = "breach +" }"#, "", "breach + <amount>"),
        (
            r#"{ at = "breach + 3 months" }"#,
            "",
            "business or elapsed time",
        ),
        (r#"{ at = "50%" }, { at = "50 %" }"#, "", "listed twice"),
        (
            r#"{ at = "breach", notify = "cfo" }"#,
            "",
            "unknown audience \"cfo\"",
        ),
        (
            r#"{ at = "breach" }"#,
            "[warnings.audiences.boss]\nemail = [\"support@t.example\"]\n",
            "own support addresses",
        ),
        (
            r#"{ at = "breach" }"#,
            "[warnings.audiences.boss]\nsns = \"arn:aws:sqs:eu-west-1:123456789012:q\"\n",
            "not an SNS topic ARN",
        ),
        (
            r#"{ at = "breach" }"#,
            "[warnings.audiences.boss]\n",
            "no email address and no sns",
        ),
    ] {
        let text = with_warnings(points, extra);
        let e = load_err(&text);
        assert!(e.reason.contains(why), "{points} {extra}: {e}");
        assert!(e.line.is_some(), "{e}");
    }
    // A route that would mail its warnings to the support address itself.
    let e = load_err(&BASE.replace(
        "[[routes]]\nqueue = \"all\"\n",
        "[[routes]]\nqueue = \"all\"\nnotify = { email = [\"support@t.example\"] }\n",
    ));
    assert!(e.reason.contains("would come back in as a case"), "{e}");
}

#[test]
fn reply_limits_default_and_are_validated_with_their_line() {
    let p = load_str(BASE, "test.toml").unwrap();
    assert_eq!(p.reply_limits, crate::policy::ReplyLimits::default());
    let ok = format!("{BASE}\n[reply_limits]\nper_domain = [\"10 per hour, burst 10\"]\n");
    let p = load_str(&ok, "test.toml").unwrap();
    assert_eq!(p.reply_limits.per_domain.len(), 1);
    assert_eq!(p.reply_limits.per_domain[0].burst, 10);
    assert_eq!(
        p.reply_limits.per_address,
        crate::policy::ReplyLimits::default().per_address
    );
    for (extra, why) in [
        ("per_address = [\"5 an hour\"]", "is not a reply limit"),
        (
            "per_policy = [\"5 per hour\", \"9 per hour\"]",
            "two limits per hour",
        ),
        (
            "per_domain = [\"5 per day, burst 9\"]",
            "between 1 and the count",
        ),
        ("per_sender = [\"5 per day\"]", "unknown field"),
    ] {
        let text = format!("{BASE}\n[reply_limits]\n{extra}\n");
        let e = load_err(&text);
        assert!(e.reason.contains(why), "{extra}: {e}");
        assert_eq!(e.line, Some(text.lines().count()), "{extra}: {e}");
    }
}
