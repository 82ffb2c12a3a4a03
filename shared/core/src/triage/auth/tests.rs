//! Authentication end to end: which header counts, how verdicts map, and when a From is proven.

use super::*;
use crate::message::InboundEmail;

const SES_AR: &str = "amazonses.com; spf=pass (spfCheck: domain of example.com designates \
    192.0.2.1 as permitted sender) client-ip=192.0.2.1; envelope-from=jane@example.com; \
    helo=mail.example.com; dkim=pass header.i=@example.com; dmarc=pass header.from=example.com;";

fn addr(s: &str) -> EmailAddress {
    EmailAddress::parse(s).expect("test address")
}

fn verdicts(spf: Verdict, dkim: Verdict, dmarc: Verdict) -> Verdicts {
    Verdicts {
        spam: Verdict::Pass,
        virus: Verdict::Pass,
        spf,
        dkim,
        dmarc,
        dmarc_policy: None,
    }
}

fn email(headers: &str) -> InboundEmail {
    InboundEmail::parse(format!("{headers}\r\n\r\nbody\r\n").as_bytes())
}

#[test]
fn topmost_ses_results_only() {
    let e = email(&format!(
        "Authentication-Results: {SES_AR}\r\nAuthentication-Results: evil.example; dmarc=pass\r\nFrom: jane@example.com"
    ));
    assert_eq!(topmost_ses_authentication_results(&e), Some(SES_AR));

    let forged_on_top = email(
        "Authentication-Results: mx.evil.example; dmarc=pass header.from=example.com\r\n\
         Authentication-Results: amazonses.com; dmarc=fail header.from=example.com\r\nFrom: jane@example.com",
    );
    assert_eq!(topmost_ses_authentication_results(&forged_on_top), None);

    let versioned = email("Authentication-Results: AmazonSES.com 1; spf=pass");
    assert!(topmost_ses_authentication_results(&versioned).is_some());

    let lookalike = email("Authentication-Results: amazonses.com.evil.example; spf=pass");
    assert_eq!(topmost_ses_authentication_results(&lookalike), None);
    assert_eq!(
        topmost_ses_authentication_results(&email("From: a@b.c")),
        None
    );
}

#[test]
fn verdicts_from_headers_use_the_topmost() {
    let e = email(&format!(
        "X-SES-Spam-Verdict: FAIL\r\nX-SES-Virus-Verdict: PASS\r\n\
         Authentication-Results: {SES_AR}\r\n\
         X-SES-Spam-Verdict: PASS\r\nX-SES-Virus-Verdict: FAIL\r\n\
         Authentication-Results: amazonses.com; spf=fail; dkim=fail; dmarc=fail"
    ));
    let v = verdicts_from_ses_headers(&e);
    assert_eq!(v.spam, Verdict::Fail);
    assert_eq!(v.virus, Verdict::Pass);
    assert_eq!(v.spf, Verdict::Pass);
    assert_eq!(v.dkim, Verdict::Pass);
    assert_eq!(v.dmarc, Verdict::Pass);
}

#[test]
fn missing_headers_are_unknown() {
    let v = verdicts_from_ses_headers(&email("From: a@example.com"));
    for x in [&v.spam, &v.virus, &v.spf, &v.dkim, &v.dmarc] {
        assert!(matches!(x, Verdict::Unknown(_)), "{x:?}");
    }
}

#[test]
fn result_values_map_to_verdicts() {
    let e =
        email("Authentication-Results: amazonses.com; spf=softfail; dkim=temperror; dmarc=none");
    let v = verdicts_from_ses_headers(&e);
    assert_eq!(v.spf, Verdict::Gray);
    assert_eq!(v.dkim, Verdict::ProcessingFailed);
    assert_eq!(v.dmarc, Verdict::Gray);
}

#[test]
fn dkim_domains() {
    assert_eq!(dkim_pass_domains(SES_AR), vec!["example.com"]);
    let ar = "amazonses.com; dkim=pass header.d=Sig.Example.ORG header.i=@x.example; \
              dkim=fail header.d=bad.example; dkim=pass (good) header.i=user@Other.example; \
              dkim=pass header.i=@other.example";
    assert_eq!(
        dkim_pass_domains(ar),
        vec!["sig.example.org", "other.example"]
    );
    assert!(dkim_pass_domains("amazonses.com; dkim=none").is_empty());
    assert!(dkim_pass_domains("").is_empty());
    assert!(dkim_pass_domains(";;;===;(((").is_empty());
}

#[test]
fn dmarc_pass_verifies() {
    let a = authenticate(
        Some(&addr("jane@example.com")),
        &verdicts(Verdict::Pass, Verdict::Pass, Verdict::Pass),
        Some(SES_AR),
    );
    assert!(a.is_verified(), "{a:?}");
    // The Lambda-event path may have no header at all.
    let a = authenticate(
        Some(&addr("jane@example.com")),
        &verdicts(Verdict::Pass, Verdict::Pass, Verdict::Pass),
        None,
    );
    assert!(a.is_verified());
}

#[test]
fn gray_with_aligned_dkim_verifies() {
    let ar = "amazonses.com; spf=pass; dkim=pass header.d=example.com; dmarc=none";
    let a = authenticate(
        Some(&addr("jane@example.com")),
        &verdicts(Verdict::Pass, Verdict::Pass, Verdict::Gray),
        Some(ar),
    );
    assert!(a.is_verified(), "{a:?}");
}

#[test]
fn gray_with_unaligned_dkim_is_unverified_not_failed() {
    for ar in [
        "amazonses.com; dkim=pass header.d=mailer.example.net; dmarc=none",
        // Parent and child domains do not count: alignment is exact.
        "amazonses.com; dkim=pass header.d=example.com; dmarc=none",
        "amazonses.com; dkim=pass header.d=a.b.example.com; dmarc=none",
        "amazonses.com; dkim=fail header.d=b.example.com; dmarc=none",
    ] {
        let a = authenticate(
            Some(&addr("jane@b.example.com")),
            &verdicts(Verdict::Pass, Verdict::Pass, Verdict::Gray),
            Some(ar),
        );
        assert_eq!(
            a,
            Authenticity::Unverified {
                why: "b.example.com publishes no DMARC policy and the message has no valid \
                      DKIM signature of b.example.com"
                    .to_string(),
                failed: false
            },
            "{ar}"
        );
    }
}

#[test]
fn gray_without_header_is_unverified() {
    let a = authenticate(
        Some(&addr("jane@example.com")),
        &verdicts(Verdict::Pass, Verdict::Pass, Verdict::Gray),
        None,
    );
    assert!(matches!(a, Authenticity::Unverified { failed: false, .. }));
}

#[test]
fn dmarc_fail_is_failed() {
    let a = authenticate(
        Some(&addr("jane@example.com")),
        &verdicts(Verdict::Pass, Verdict::Pass, Verdict::Fail),
        None,
    );
    assert!(matches!(a, Authenticity::Unverified { failed: true, .. }));
}

#[test]
fn spf_or_dkim_fail_without_dmarc_pass_is_failed() {
    for dmarc in [
        Verdict::Gray,
        Verdict::ProcessingFailed,
        Verdict::Unknown(String::new()),
    ] {
        for (spf, dkim) in [
            (Verdict::Fail, Verdict::Pass),
            (Verdict::Pass, Verdict::Fail),
        ] {
            let a = authenticate(
                Some(&addr("jane@example.com")),
                &verdicts(spf.clone(), dkim.clone(), dmarc.clone()),
                None,
            );
            assert!(
                matches!(a, Authenticity::Unverified { failed: true, .. }),
                "{dmarc:?} {a:?}"
            );
        }
    }
}

#[test]
fn missing_evidence_is_not_failed() {
    for dmarc in [Verdict::ProcessingFailed, Verdict::parse("SOMETHING_NEW")] {
        let a = authenticate(
            Some(&addr("jane@example.com")),
            &verdicts(Verdict::Gray, Verdict::Gray, dmarc),
            None,
        );
        assert!(matches!(a, Authenticity::Unverified { failed: false, .. }));
    }
    let a = authenticate(
        None,
        &verdicts(Verdict::Pass, Verdict::Pass, Verdict::Pass),
        None,
    );
    assert!(matches!(a, Authenticity::Unverified { failed: false, .. }));
}

#[test]
fn dmarc_for_another_domain_is_failed() {
    let ar = "amazonses.com; dmarc=pass header.from=evil.example";
    let a = authenticate(
        Some(&addr("ceo@customer.example")),
        &verdicts(Verdict::Pass, Verdict::Pass, Verdict::Pass),
        Some(ar),
    );
    assert!(
        matches!(a, Authenticity::Unverified { failed: true, .. }),
        "{a:?}"
    );
}

#[test]
fn forged_lower_results_are_ignored() {
    let e = email(
        "Authentication-Results: amazonses.com; spf=pass; dkim=pass header.d=mailer.example; dmarc=none\r\n\
         Authentication-Results: amazonses.com; dkim=pass header.d=customer.example; dmarc=pass\r\n\
         From: ceo@customer.example",
    );
    let v = verdicts_from_ses_headers(&e);
    assert_eq!(v.dmarc, Verdict::Gray);
    let a = authenticate(
        e.sender_address(),
        &v,
        topmost_ses_authentication_results(&e),
    );
    assert!(
        matches!(a, Authenticity::Unverified { failed: false, .. }),
        "{a:?}"
    );
}

#[test]
fn hostile_results_do_not_panic() {
    for ar in [
        "",
        ";",
        "amazonses.com",
        "amazonses.com; =",
        "amazonses.com; dkim=pass header.i=@",
        "amazonses.com; dkim=pass header.i=",
        "(((amazonses.com; \\",
        "amazonses.com; dkim=pass (unterminated header.d=x",
        "amazonses.com; \"quoted; dkim=pass header.d=example.com",
    ] {
        let _ = dkim_pass_domains(ar);
        let _ = authenticate(
            Some(&addr("a@example.com")),
            &verdicts(Verdict::Gray, Verdict::Gray, Verdict::Gray),
            Some(ar),
        );
    }
}

/// SES writes the punycode form of an internationalised From domain in `header.from` and in
/// DKIM's `header.d`; the From header carries the Unicode form. Both name the same domain.
#[test]
fn internationalised_domains_compare_in_one_form() {
    let unicode = addr("jane@bücher.example");
    let dmarc = "amazonses.com; spf=pass envelope-from=jane@xn--bcher-kva.example; \
                 dkim=pass header.i=@xn--bcher-kva.example; dmarc=pass header.from=xn--bcher-kva.example;";
    let a = authenticate(
        Some(&unicode),
        &verdicts(Verdict::Pass, Verdict::Pass, Verdict::Pass),
        Some(dmarc),
    );
    assert!(a.is_verified(), "{a:?}");

    let no_dmarc = "amazonses.com; spf=pass envelope-from=jane@xn--bcher-kva.example; \
                    dkim=pass header.d=xn--bcher-kva.example; dmarc=none header.from=xn--bcher-kva.example;";
    let a = authenticate(
        Some(&unicode),
        &verdicts(Verdict::Pass, Verdict::Pass, Verdict::Gray),
        Some(no_dmarc),
    );
    assert!(a.is_verified(), "{a:?}");

    // And the other way round: a Unicode `header.from` proves the punycode From.
    let a = authenticate(
        Some(&addr("jane@xn--bcher-kva.example")),
        &verdicts(Verdict::Pass, Verdict::Pass, Verdict::Pass),
        Some("amazonses.com; dmarc=pass header.from=BÜCHER.example;"),
    );
    assert!(a.is_verified(), "{a:?}");

    // A different domain is still a different domain.
    let a = authenticate(
        Some(&unicode),
        &verdicts(Verdict::Pass, Verdict::Pass, Verdict::Pass),
        Some("amazonses.com; dmarc=pass header.from=xn--bcher-kva.example.evil;"),
    );
    assert!(!a.is_verified(), "{a:?}");
}

#[test]
fn an_internationalised_from_header_is_verified_end_to_end() {
    let e = email(
        "Authentication-Results: amazonses.com; spf=pass; dkim=pass header.i=@xn--mnchen-3ya.example; \
         dmarc=pass header.from=xn--mnchen-3ya.example;\r\nFrom: Jörg <joerg@MÜNCHEN.example>",
    );
    let from = e.sender_address().expect("an IDN From is usable");
    assert_eq!(from.as_str(), "joerg@xn--mnchen-3ya.example");
    let a = authenticate(
        Some(from),
        &verdicts(Verdict::Pass, Verdict::Pass, Verdict::Pass),
        topmost_ses_authentication_results(&e),
    );
    assert!(a.is_verified(), "{a:?}");
}
