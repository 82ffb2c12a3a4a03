//! The reply on the wire: every header, threading, encoding, and what hostile inbound text becomes.

use super::*;
use crate::reply::threading::MAX_REFERENCES;

#[test]
fn enterprise_critical() {
    let mut c = case(
        "activestate",
        "enterprise",
        TierReason::DesignatedContact,
        "critical",
    );
    let due = Utc.with_ymd_and_hms(2026, 11, 24, 18, 0, 0).unwrap();
    c.deadline = business(&c.policy, 120, "2 business hours", due);
    c.references = vec!["root@mail.customer.example".into()];
    let r = render(&c);
    assert_wire_clean(&r);
    assert_eq!(r.subject, "[AS-2026-000123] Re: Builds fail on Windows");
    assert_eq!(r.to.as_str(), "jane@customer.example");
    assert_eq!(r.from.as_str(), "support@activestate.com");
    assert_eq!(
        header(&r, "From").unwrap(),
        "ActiveState Support <support@activestate.com>"
    );
    assert_eq!(
        header(&r, "To").unwrap(),
        "Jane Doe <jane@customer.example>"
    );
    assert_eq!(
        header(&r, "Subject").unwrap(),
        "[AS-2026-000123] Re: Builds fail on Windows"
    );
    assert_eq!(
        header(&r, "Date").unwrap(),
        "Tue, 24 Nov 2026 14:00:00 +0000"
    );
    assert_eq!(
        header(&r, "Message-ID").unwrap(),
        format!(
            "<AS-2026-000123.{}.slamail@mail.slamail.example>",
            now().timestamp_millis()
        )
    );
    assert_eq!(
        header(&r, "In-Reply-To").unwrap(),
        "<CAF=abc123@mail.customer.example>"
    );
    assert_eq!(
        header(&r, "References").unwrap(),
        "<root@mail.customer.example> <CAF=abc123@mail.customer.example>"
    );
    assert_eq!(header(&r, "Auto-Submitted").unwrap(), "auto-replied");
    assert_eq!(header(&r, "X-Auto-Response-Suppress").unwrap(), "All");
    assert_eq!(header(&r, "Precedence").unwrap(), "bulk");
    assert_eq!(header(&r, "X-Slamail-Loop").unwrap(), "activestate");
    assert_eq!(header(&r, "MIME-Version").unwrap(), "1.0");
    assert_eq!(
        header(&r, "Content-Type").unwrap(),
        "text/plain; charset=utf-8"
    );
    assert_eq!(
        header(&r, "Content-Transfer-Encoding").unwrap(),
        "quoted-printable"
    );
    let t = &r.text;
    assert!(t.starts_with("Hello Jane Doe,\n"), "{t}");
    assert!(t.contains("opened case AS-2026-000123."), "{t}");
    assert!(
        t.contains(
            "Support tier: Enterprise, because you are a designated contact of your organisation."
        ),
        "{t}"
    );
    assert!(t.contains("Severity: Critical, as we understood"), "{t}");
    assert!(
        t.contains("We will respond within 2 business hours — by Tue 24 Nov 2026, 10:00 PST."),
        "{t}"
    );
    assert!(
        t.contains("Support hours: Monday to Friday, 08:00–17:00 (America/Los_Angeles), excluding US federal holidays."),
        "{t}"
    );
    assert!(t.contains("keep [AS-2026-000123] in the subject"), "{t}");
    assert!(!t.contains("guaranteed"), "{t}");

    let m = parse_back(&r);
    assert_eq!(m.subject(), Some(r.subject.as_str()));
    assert_eq!(m.body_text(0).unwrap().replace("\r\n", "\n"), r.text);
    let from = m.from().unwrap().first().unwrap();
    assert_eq!(from.name(), Some("ActiveState Support"));
    assert_eq!(from.address(), Some("support@activestate.com"));
    assert_eq!(
        m.to().unwrap().first().unwrap().address(),
        Some("jane@customer.example")
    );
    assert_eq!(
        m.in_reply_to().as_text(),
        Some("CAF=abc123@mail.customer.example")
    );
    let refs: Vec<&str> = m
        .references()
        .as_text_list()
        .unwrap()
        .iter()
        .map(|s| s.as_ref())
        .collect();
    assert_eq!(
        refs,
        [
            "root@mail.customer.example",
            "CAF=abc123@mail.customer.example"
        ]
    );
    assert_eq!(
        m.header_raw("X-Slamail-Loop").map(str::trim),
        Some("activestate")
    );
    assert_eq!(
        m.header_raw("Auto-Submitted").map(str::trim),
        Some("auto-replied")
    );
}

#[test]
fn header_injection_is_defused() {
    let mut c = case("activestate", "free", TierReason::UnknownSender, "minor");
    c.subject = Some("hi\r\nBcc: victim@x.com\r\n\r\nbody".into());
    c.name = Some("Eve\r\nBcc: victim@x.com".into());
    c.message_id = Some("abc@x\r\nBcc: victim@x.com".into());
    c.references = vec![
        "ok@x".into(),
        "<also-ok@x>".into(),
        "bad id@x".into(),
        "bad>id@x".into(),
        "bad\nid@x".into(),
        "".into(),
        "x".repeat(300),
        "nön-ascii@x".into(),
    ];
    let r = render(&c);
    assert_wire_clean(&r);
    let raw = raw_str(&r);
    let head = raw.split("\r\n\r\n").next().unwrap();
    assert!(
        !head
            .split("\r\n")
            .any(|l| l.to_ascii_lowercase().starts_with("bcc")),
        "{head}"
    );
    assert_eq!(r.subject, "[AS-2026-000123] Re: hi Bcc: victim@x.com body");
    assert_eq!(header(&r, "In-Reply-To"), None);
    assert_eq!(header(&r, "References").unwrap(), "<ok@x> <also-ok@x>");
    let m = parse_back(&r);
    assert_eq!(m.subject(), Some(r.subject.as_str()));
    assert!(m.header("Bcc").is_none());
    let to = m.to().unwrap().first().unwrap();
    assert_eq!(to.address(), Some("jane@customer.example"));
    assert_eq!(m.to().unwrap().iter().count(), 1);
    assert_eq!(to.name(), Some("Eve Bcc: victim@x.com"));
}

#[test]
fn non_ascii_subject_and_name_are_encoded() {
    let mut c = case("activestate", "free", TierReason::UnknownSender, "minor");
    let long = "Привет, сборка не работает — ошибка при установке пакета numpy ".repeat(2);
    c.subject = Some(format!("RE: Re: {long}"));
    c.name = Some("Zoë Ångström, PhD".into());
    let r = render(&c);
    assert_wire_clean(&r);
    let want = format!("[AS-2026-000123] Re: {}", long.trim_end());
    assert_eq!(r.subject, want);
    let subject_raw = header(&r, "Subject").unwrap();
    assert!(subject_raw.starts_with("[AS-2026-000123] Re: =?UTF-8?B?"));
    let m = parse_back(&r);
    assert_eq!(m.subject(), Some(want.as_str()));
    let to = m.to().unwrap().first().unwrap();
    assert_eq!(to.name(), Some("Zoë Ångström, PhD"));
    assert_eq!(to.address(), Some("jane@customer.example"));
    assert!(r.text.starts_with("Hello Zoë Ångström, PhD,\n"));
    assert_eq!(m.body_text(0).unwrap().replace("\r\n", "\n"), r.text);
}

#[test]
fn ascii_specials_and_lookalike_encoded_words_read_back_literally() {
    let mut c = case("activestate", "free", TierReason::UnknownSender, "minor");
    c.subject = Some("=?utf-8?q?not_decoded?= please".into());
    c.name = Some("Doe, Jane \"JD\" <ceo@evil.example>".into());
    let r = render(&c);
    assert_wire_clean(&r);
    let m = parse_back(&r);
    assert_eq!(
        m.subject(),
        Some("[AS-2026-000123] Re: =?utf-8?q?not_decoded?= please")
    );
    assert_eq!(m.to().unwrap().iter().count(), 1);
    let to = m.to().unwrap().first().unwrap();
    assert_eq!(to.address(), Some("jane@customer.example"));
    assert_eq!(to.name(), Some("Doe, Jane \"JD\" <ceo@evil.example>"));
}

#[test]
fn long_reference_chains_are_folded_and_trimmed() {
    let mut c = case("activestate", "free", TierReason::UnknownSender, "minor");
    c.references = (0..40)
        .map(|i| format!("msg{i}@mail.example.com"))
        .collect();
    c.references.push("CAF=abc123@mail.customer.example".into());
    let r = render(&c);
    assert_wire_clean(&r);
    let refs = header(&r, "References").unwrap();
    let ids: Vec<&str> = refs.split(' ').collect();
    assert_eq!(ids.len(), MAX_REFERENCES);
    assert_eq!(ids[0], "<msg0@mail.example.com>");
    assert_eq!(
        ids[MAX_REFERENCES - 1],
        "<CAF=abc123@mail.customer.example>"
    );
    assert_eq!(ids.iter().filter(|i| i.contains("CAF=abc123")).count(), 1);
    let m = parse_back(&r);
    assert_eq!(m.references().as_text_list().unwrap().len(), MAX_REFERENCES);
}

#[test]
fn refuses_what_cannot_be_sent() {
    let mut c = case("activestate", "free", TierReason::UnknownSender, "minor");
    c.to = EmailAddress::parse("support@activestate.com").unwrap();
    assert!(matches!(try_render(&c), Err(ReplyError::OwnAddress(_))));
    c.to = EmailAddress::parse("jöe@example.com").unwrap();
    assert!(matches!(
        try_render(&c),
        Err(ReplyError::NonAsciiAddress(_))
    ));
    let mut c = case("activestate", "free", TierReason::UnknownSender, "minor");
    let input = |domain| ReplyInput {
        policy: &c.policy,
        case_id: &c.case_id,
        to: &c.to,
        support_address: None,
        to_name: None,
        original_subject: None,
        original_message_id: None,
        original_references: &[],
        tier: c.policy.tier(&c.tier).unwrap(),
        tier_reason: c.reason,
        severity: c.policy.severity(&c.severity).unwrap(),
        clamped_reason: None,
        severity_requested: false,
        no_clock: None,
        deadline: &c.deadline,
        now: now(),
        message_id_domain: domain,
    };
    for bad in ["", "a b", "x>@y", "..", "exa\r\nmple.com"] {
        assert!(
            matches!(
                render_reply(&input(bad)),
                Err(ReplyError::MessageIdDomain(_))
            ),
            "{bad:?}"
        );
    }
    let r = render_reply(&input("Mail.Example.COM.")).unwrap();
    assert!(
        header(&r, "Message-ID")
            .unwrap()
            .ends_with("@mail.example.com>")
    );
    // Without a name or thread, the reply still stands.
    assert_eq!(header(&r, "To").unwrap(), "jane@customer.example");
    assert_eq!(header(&r, "References"), None);
    assert!(r.text.starts_with("Hello,\n"));
    c.name = None;
}

proptest::proptest! {
    #[test]
    fn any_inbound_text_gives_a_clean_reply(
        subject in proptest::option::of(".{0,300}"),
        name in proptest::option::of(".{0,150}"),
        message_id in proptest::option::of(".{0,60}"),
        references in proptest::collection::vec(".{0,40}", 0..30),
    ) {
        let mut c = case("activestate", "free", TierReason::UnknownSender, "minor");
        c.subject = subject;
        c.name = name;
        c.message_id = message_id;
        c.references = references;
        let r = render(&c);
        assert_wire_clean(&r);
        let m = parse_back(&r);
        proptest::prop_assert_eq!(m.subject(), Some(r.subject.as_str()));
        proptest::prop_assert_eq!(m.to().and_then(|a| a.first()).and_then(|a| a.address()),
            Some("jane@customer.example"));
        proptest::prop_assert_eq!(m.body_text(0).unwrap().replace("\r\n", "\n"), r.text.clone());
    }
}
