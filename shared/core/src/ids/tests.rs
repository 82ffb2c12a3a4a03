//! Parsing and normalising each id.

use super::*;

#[test]
fn email_is_normalised() {
    let a = EmailAddress::parse("  <Jane.Doe@Example.COM> ").unwrap();
    assert_eq!(a.as_str(), "jane.doe@example.com");
    assert_eq!(a.local_part(), "jane.doe");
    assert_eq!(a.domain(), "example.com");
    assert_eq!(a, EmailAddress::parse("jane.doe@example.com.").unwrap());
}

/// One canonical form for internationalised domains (lower-case punycode), so the directory,
/// the policies and DMARC/DKIM alignment all compare the same string.
#[test]
fn internationalised_domains_are_stored_as_punycode() {
    let unicode = EmailAddress::parse("Jane@Bücher.Example").unwrap();
    let puny = EmailAddress::parse("jane@XN--BCHER-KVA.example").unwrap();
    assert_eq!(unicode, puny);
    assert_eq!(unicode.as_str(), "jane@xn--bcher-kva.example");
    assert_eq!(unicode.domain(), "xn--bcher-kva.example");
    assert_eq!(
        EmailAddress::parse("support@例え.テスト").unwrap().domain(),
        "xn--r8jz45g.xn--zckzah"
    );
    // The local part is not a domain: it is only lower-cased.
    assert_eq!(
        EmailAddress::parse("Jörg@example.com").unwrap().as_str(),
        "jörg@example.com"
    );
    assert_eq!(
        canonical_domain("BÜCHER.example.").as_deref(),
        Some("xn--bcher-kva.example")
    );
    assert_eq!(
        canonical_domain("Example.COM").as_deref(),
        Some("example.com")
    );
    // The directory's organisation domains take the same form, whichever one was typed.
    let domains = crate::directory::validate_domains(&["Bücher.example".into()]).unwrap();
    assert_eq!(domains, ["xn--bcher-kva.example"]);
    assert!(crate::directory::rules::in_domains(&puny, &domains));
    assert!(crate::directory::rules::in_domains(
        &EmailAddress::parse("a@mail.bücher.example").unwrap(),
        &domains
    ));
}

#[test]
fn bad_emails_are_rejected_with_a_reason() {
    for bad in [
        "",
        "no-at-sign",
        "@example.com",
        "a@",
        "a b@example.com",
        "a@exa mple.com",
        "a@b@c.com",
        "a@-bad.com",
        "a@x..com",
        "a@example.com\r\nBcc: x@y.z",
    ] {
        assert!(EmailAddress::parse(bad).is_err(), "{bad:?} accepted");
    }
}

#[test]
fn slugs() {
    assert!(TierId::parse("enterprise").is_ok());
    assert!(TierId::parse("Enterprise").is_err());
    assert!(SeverityId::parse("p0").is_ok());
    assert!(SeverityId::parse("").is_err());
    assert!(SeverityId::parse("level 1").is_err());
}

#[test]
fn case_ids() {
    let p = CasePrefix::parse("AS").unwrap();
    let id = CaseId::new(&p, 2026, 123);
    assert_eq!(id.as_str(), "AS-2026-000123");
    assert_eq!(CaseId::parse("AS-2026-000123").unwrap(), id);
    assert_eq!(CaseId::new(&p, 2026, 1_234_567).as_str(), "AS-2026-1234567");
    for bad in [
        "AS-2026-12",
        "as-2026-000123",
        "AS-26-000123",
        "AS2026000123",
        "AS-2026-00012x",
    ] {
        assert!(CaseId::parse(bad).is_err(), "{bad}");
    }
    assert!(CasePrefix::parse("AS1").is_ok());
    assert!(CasePrefix::parse("1AS").is_err());
}
