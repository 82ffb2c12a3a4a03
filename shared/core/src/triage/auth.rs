//! See [`super`].
//!
//! Only SES's own `Authentication-Results` is evidence: it is the topmost one, because SES
//! prepends it on receipt. Anything lower was written by whoever sent the message and may be
//! forged, so it is never read.
//!
//! DKIM alignment is exact: a signature by `example.com` proves `jane@example.com`, but not
//! `jane@support.example.com`, and a signature by `mail.example.com` does not prove
//! `jane@example.com` either. Relaxed alignment would need the Public Suffix List to find
//! organisational domains safely (`co.uk` is not an organisation); without it, exact is the only
//! answer that cannot be fooled. Domains that publish DMARC get relaxed alignment anyway, from
//! SES's DMARC verdict.

use crate::ids::EmailAddress;
use crate::message::{InboundEmail, strip_comments};

use super::{Authenticity, Verdict, Verdicts};

/// The authserv-id SES puts in the `Authentication-Results` it adds.
pub const SES_AUTHSERV_ID: &str = "amazonses.com";

/// The topmost `Authentication-Results`, when SES wrote it; `None` otherwise (a forged or
/// foreign header at the top is no evidence either).
pub fn topmost_ses_authentication_results(email: &InboundEmail) -> Option<&str> {
    let top = email.header("authentication-results")?;
    authserv_id(top)
        .eq_ignore_ascii_case(SES_AUTHSERV_ID)
        .then_some(top)
}

/// Verdicts for the S3-triggered path, where there is no Lambda event: from the topmost
/// `X-SES-Spam-Verdict` / `X-SES-Virus-Verdict` and the topmost SES `Authentication-Results`.
pub fn verdicts_from_ses_headers(email: &InboundEmail) -> Verdicts {
    let header_verdict = |name: &str| email.header(name).map(Verdict::parse).unwrap_or_default();
    let results = topmost_ses_authentication_results(email)
        .map(parse_results)
        .unwrap_or_default();
    let method_verdict = |method: &str| {
        let mine: Vec<&ResInfo> = results.iter().filter(|r| r.method == method).collect();
        // With several signatures one good one is enough, as for SES's own dkimVerdict.
        if mine.iter().any(|r| r.result == "pass") {
            return Verdict::Pass;
        }
        mine.first()
            .map(|r| result_verdict(&r.result))
            .unwrap_or_default()
    };
    Verdicts {
        spam: header_verdict("x-ses-spam-verdict"),
        virus: header_verdict("x-ses-virus-verdict"),
        spf: method_verdict("spf"),
        dkim: method_verdict("dkim"),
        dmarc: method_verdict("dmarc"),
        dmarc_policy: None,
    }
}

/// The domains, lower-cased, of every `dkim=pass` result: `header.d`, else the domain of
/// `header.i`.
pub fn dkim_pass_domains(auth_results: &str) -> Vec<String> {
    let mut domains: Vec<String> = Vec::new();
    for r in parse_results(auth_results) {
        if r.method != "dkim" || r.result != "pass" {
            continue;
        }
        let domain = r.prop("header.d").map(str::to_string).or_else(|| {
            r.prop("header.i")
                .map(|i| i.rsplit_once('@').map_or(i, |(_, d)| d).to_string())
        });
        if let Some(d) = domain.map(|d| normalise_domain(&d))
            && !d.is_empty()
            && !domains.contains(&d)
        {
            domains.push(d);
        }
    }
    domains
}

/// Whether the visible From is proven. See the module documentation for why alignment is exact.
pub fn authenticate(
    from: Option<&EmailAddress>,
    verdicts: &Verdicts,
    topmost_auth_results: Option<&str>,
) -> Authenticity {
    let Some(from) = from else {
        return Authenticity::Unverified {
            why: "the message has no usable From address".to_string(),
            failed: false,
        };
    };
    let domain = normalise_domain(from.domain());
    let results = topmost_auth_results.map(parse_results).unwrap_or_default();

    // SES checked DMARC for the From domain it read. If that is not the one we read, the From
    // header is ambiguous (two From lines, odd syntax) and the pass proves someone else.
    let dmarc_checked = results
        .iter()
        .filter(|r| r.method == "dmarc")
        .find_map(|r| r.prop("header.from"))
        .map(normalise_domain);
    if let Some(checked) = dmarc_checked
        && checked != domain
    {
        return Authenticity::Unverified {
            why: format!(
                "DMARC was checked for {checked}, but the From address is at {domain}: \
                 the From header is ambiguous or forged"
            ),
            failed: true,
        };
    }

    let forgery_sign = || {
        if verdicts.spf == Verdict::Fail {
            Some("SPF failed")
        } else if verdicts.dkim == Verdict::Fail {
            Some("DKIM failed")
        } else {
            None
        }
    };

    match &verdicts.dmarc {
        Verdict::Pass => Authenticity::Verified {
            how: format!("DMARC passed for {domain}"),
        },
        Verdict::Fail => Authenticity::Unverified {
            why: format!("DMARC failed for {domain}: the message is probably forged"),
            failed: true,
        },
        Verdict::Gray => {
            let aligned = topmost_auth_results
                .map(dkim_pass_domains)
                .unwrap_or_default()
                .contains(&domain);
            if aligned {
                Authenticity::Verified {
                    how: format!(
                        "{domain} publishes no DMARC policy, but the message carries a valid \
                         DKIM signature of {domain}"
                    ),
                }
            } else if let Some(sign) = forgery_sign() {
                Authenticity::Unverified {
                    why: format!(
                        "{domain} publishes no DMARC policy and {sign}: the message may be forged"
                    ),
                    failed: true,
                }
            } else {
                Authenticity::Unverified {
                    why: format!(
                        "{domain} publishes no DMARC policy and the message has no valid DKIM \
                         signature of {domain}"
                    ),
                    failed: false,
                }
            }
        }
        other => {
            let state = match other {
                Verdict::ProcessingFailed => "DMARC could not be checked".to_string(),
                Verdict::Unknown(v) if v.is_empty() => "there is no DMARC verdict".to_string(),
                Verdict::Unknown(v) => format!("the DMARC verdict {v:?} is not a pass"),
                _ => "DMARC did not pass".to_string(),
            };
            match forgery_sign() {
                Some(sign) => Authenticity::Unverified {
                    why: format!("{state} for {domain} and {sign}: the message may be forged"),
                    failed: true,
                },
                None => Authenticity::Unverified {
                    why: format!("{state} for {domain}"),
                    failed: false,
                },
            }
        }
    }
}

/// An `Authentication-Results` result maps to an SES-style verdict; values SES documents as
/// "not a pass" stay distinguishable from an outright fail.
fn result_verdict(result: &str) -> Verdict {
    match result {
        "pass" => Verdict::Pass,
        "fail" | "hardfail" | "policy" => Verdict::Fail,
        // No policy or a non-committal answer: evidence is missing, not contrary.
        "none" | "neutral" | "softfail" => Verdict::Gray,
        "temperror" | "permerror" => Verdict::ProcessingFailed,
        other => Verdict::Unknown(other.to_string()),
    }
}

fn normalise_domain(d: &str) -> String {
    d.trim()
        .trim_end_matches('.')
        .trim_matches('"')
        .to_ascii_lowercase()
}

fn authserv_id(auth_results: &str) -> String {
    // Only the first item is wanted; the rest of a long header need not be split.
    let head = &auth_results[..next_separator(auth_results).unwrap_or(auth_results.len())];
    strip_comments(head)
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string()
}

/// One `method=result prop=value…` item of an `Authentication-Results` header.
#[derive(Debug)]
struct ResInfo {
    method: String,
    result: String,
    props: Vec<(String, String)>,
}

impl ResInfo {
    fn prop(&self, name: &str) -> Option<&str> {
        self.props
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The results after the authserv-id. SES separates even `envelope-from` and `helo` with `;`,
/// so items that are not `method=result` followed by properties are simply skipped.
fn parse_results(auth_results: &str) -> Vec<ResInfo> {
    split_outside_comments(auth_results)
        .into_iter()
        .skip(1)
        .filter_map(|item| {
            let item = strip_comments(item);
            let mut tokens = item.split_whitespace();
            let (method, result) = tokens.next()?.split_once('=')?;
            let props = tokens
                .filter_map(|t| {
                    let (k, v) = t.split_once('=')?;
                    Some((k.to_ascii_lowercase(), v.trim_matches('"').to_string()))
                })
                .collect();
            Some(ResInfo {
                method: method.to_ascii_lowercase(),
                result: result.to_ascii_lowercase(),
                props,
            })
        })
        .collect()
}

/// Splits on `;` that are not inside a comment or a quoted string.
fn split_outside_comments(s: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let mut rest = s;
    while let Some(at) = next_separator(rest) {
        items.push(&rest[..at]);
        rest = &rest[at + 1..];
    }
    items.push(rest);
    items
}

/// The byte offset of the first `;` outside comments and quoted strings. Every other character,
/// escapes included, belongs to an item, so items are plain slices of the header value.
fn next_separator(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut quoted = false;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' if quoted || depth > 0 => escaped = true,
            '"' if depth == 0 => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted && depth > 0 => depth -= 1,
            ';' if !quoted && depth == 0 => return Some(i),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let e = email(
            "Authentication-Results: amazonses.com; spf=softfail; dkim=temperror; dmarc=none",
        );
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
}
