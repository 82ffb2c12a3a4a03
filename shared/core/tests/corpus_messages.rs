//! Real third-party messages, many malformed: every one must become an `InboundEmail`, and the
//! delivery reports among them must never earn an auto-reply.

use std::fs;
use std::path::PathBuf;

use slamail_core::ids::EmailAddress;
use slamail_core::message::{InboundEmail, MAX_HEADER_BYTES, MAX_HEADERS};
use slamail_core::triage::auth::{
    authenticate, topmost_ses_authentication_results, verdicts_from_ses_headers,
};
use slamail_core::triage::loops::{ReplyDecision, SuppressReason, is_bounce, reply_decision};
use slamail_core::triage::{Authenticity, Verdicts};

/// The third-party corpus ships in the repository under `tests/fixtures/corpus` (licences there).
fn corpus_dir(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/corpus")
        .join(name)
}

fn corpus(name: &str) -> Vec<(String, Vec<u8>)> {
    let dir = corpus_dir(name);
    let mut files: Vec<(String, Vec<u8>)> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("corpus {} unreadable: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "eml" || x == "txt"))
        .map(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let bytes = fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (name, bytes)
        })
        .collect();
    files.sort();
    files
}

fn verified() -> Authenticity {
    Authenticity::Verified {
        how: "test".to_string(),
    }
}

fn not_own(_: &EmailAddress) -> bool {
    false
}

#[test]
fn every_corpus_message_parses() {
    let mut count = 0;
    for dir in ["mikel-mail", "cpython-email"] {
        for (name, bytes) in corpus(dir) {
            let email = InboundEmail::parse(&bytes);
            assert_eq!(email.size, bytes.len(), "{name}");
            assert!(email.headers.len() <= MAX_HEADERS, "{name}");
            assert!(
                !email.headers.is_empty() || email.parse_problem.is_some(),
                "{name}: no headers and no reason"
            );
            assert!(
                email
                    .subject
                    .as_deref()
                    .is_none_or(|s| !s.chars().any(char::is_control)),
                "{name}: control characters in subject"
            );
            serde_json::to_string(&email).unwrap_or_else(|e| panic!("{name}: {e}"));
            // The rest of triage must not panic on any of them either.
            let verdicts = verdicts_from_ses_headers(&email);
            let auth = authenticate(
                email.sender_address(),
                &verdicts,
                topmost_ses_authentication_results(&email),
            );
            let _ = reply_decision(&email, &verdicts, &auth, &not_own);
            count += 1;
        }
    }
    assert!(count >= 150, "only {count} corpus messages found");
}

#[test]
fn most_corpus_messages_have_a_sender_and_subject() {
    let mut with_from = 0;
    let mut with_subject = 0;
    let mut total = 0;
    for dir in ["mikel-mail", "cpython-email"] {
        for (_, bytes) in corpus(dir) {
            let email = InboundEmail::parse(&bytes);
            total += 1;
            with_from += usize::from(email.from.as_ref().is_some_and(|m| m.address.is_some()));
            with_subject += usize::from(email.subject.is_some());
        }
    }
    assert!(with_from * 10 >= total * 8, "{with_from}/{total} with From");
    assert!(
        with_subject * 10 >= total * 8,
        "{with_subject}/{total} with Subject"
    );
}

/// The delivery reports of the corpora, by name.
fn corpus_bounces() -> Vec<(String, Vec<u8>)> {
    let mut bounces: Vec<(String, Vec<u8>)> = corpus("mikel-mail")
        .into_iter()
        .filter(|(n, _)| {
            n.contains("multipart_report_emails__")
                || n == "emails__mime_emails__raw_email_with_mimepart_without_content_type.eml"
        })
        .collect();
    bounces.extend(
        corpus("cpython-email")
            .into_iter()
            .filter(|(n, _)| ["msg_05.txt", "msg_25.txt", "msg_43.txt"].contains(&n.as_str())),
    );
    bounces
}

#[test]
fn corpus_bounces_are_bounces() {
    let bounces = corpus_bounces();
    assert_eq!(bounces.len(), 9);
    for (name, bytes) in bounces {
        let email = InboundEmail::parse(&bytes);
        assert!(is_bounce(&email).is_some(), "{name} not seen as a bounce");
        let decision = reply_decision(&email, &Verdicts::all_pass(), &verified(), &not_own);
        assert!(
            matches!(
                decision,
                ReplyDecision::Suppressed(SuppressReason::Bounce(_))
            ),
            "{name}: {decision:?}"
        );
    }
}

#[test]
fn every_delivery_status_in_the_corpora_is_a_bounce() {
    for dir in ["mikel-mail", "cpython-email"] {
        for (name, bytes) in corpus(dir) {
            let lower = String::from_utf8_lossy(&bytes).to_ascii_lowercase();
            if lower.contains("report-type=delivery-status")
                || lower.contains("content-type: message/delivery-status")
            {
                let email = InboundEmail::parse(&bytes);
                assert!(is_bounce(&email).is_some(), "{name}");
                assert!(
                    !reply_decision(&email, &Verdicts::all_pass(), &verified(), &not_own)
                        .is_allowed(),
                    "{name}"
                );
            }
        }
    }
}

#[test]
fn bounces_name_the_original_message() {
    let find = |dir: &str, file: &str| {
        corpus(dir)
            .into_iter()
            .find(|(n, _)| n == file)
            .map(|(_, b)| InboundEmail::parse(&b))
            .unwrap_or_else(|| panic!("{file} missing"))
    };
    assert_eq!(
        find("cpython-email", "msg_43.txt")
            .bounce_original_message_id
            .as_deref(),
        Some("edab.7804f5cb8070@python.org")
    );
    assert_eq!(
        find("cpython-email", "msg_25.txt")
            .bounce_original_message_id
            .as_deref(),
        Some("01040616033903.00962@server")
    );
    assert_eq!(
        find(
            "mikel-mail",
            "emails__mime_emails__raw_email_with_mimepart_without_content_type.eml"
        )
        .bounce_original_message_id
        .as_deref(),
        Some("89d7557c0610181510r6fa5ebd8n66a7deec71ade118@mail.gmail.com")
    );
}

#[test]
fn empty_and_blank_input() {
    for raw in [&b""[..], b"\r\n\r\n", b"   "] {
        let email = InboundEmail::parse(raw);
        assert!(email.parse_problem.is_some(), "{raw:?}");
        assert!(email.from.is_none());
        assert_eq!(
            reply_decision(&email, &Verdicts::all_pass(), &verified(), &not_own),
            ReplyDecision::Suppressed(SuppressReason::NoSenderAddress)
        );
    }
}

#[test]
fn garbage_is_recorded_with_a_reason() {
    let email = InboundEmail::parse(b"\x00\xff\xfe this is not mail at all");
    assert!(email.parse_problem.is_some());
}

#[test]
fn bare_cr_message_is_recovered() {
    let raw = b"From: Jane <jane@example.com>\rTo: support@vendor.example\rSubject: Bare CR\r\
        Message-ID: <abc@example.com>\r\rHello,\rthe server is down.\r";
    let email = InboundEmail::parse(raw);
    assert!(
        email
            .parse_problem
            .as_deref()
            .is_some_and(|p| p.contains("bare CR"))
    );
    assert_eq!(
        email.sender_address().map(EmailAddress::as_str),
        Some("jane@example.com")
    );
    assert_eq!(email.subject.as_deref(), Some("Bare CR"));
    assert_eq!(email.message_id.as_deref(), Some("abc@example.com"));
    assert!(email.body_excerpt.contains("the server is down"));
}

#[test]
fn null_from() {
    let email = InboundEmail::parse(b"From: <>\r\nSubject: x\r\n\r\nbody\r\n");
    let from = email.from.as_ref().expect("From header recorded");
    assert_eq!(from.address, None);
    assert_eq!(from.raw, "<>");
    let auth = authenticate(email.sender_address(), &Verdicts::all_pass(), None);
    assert!(matches!(
        auth,
        Authenticity::Unverified { failed: false, .. }
    ));
    assert_eq!(
        reply_decision(&email, &Verdicts::all_pass(), &auth, &not_own),
        ReplyDecision::Suppressed(SuppressReason::NoSenderAddress)
    );
}

#[test]
fn two_megabyte_message() {
    let mut raw = b"From: jane@example.com\r\nSubject: big\r\n\r\n".to_vec();
    while raw.len() < 2 * 1024 * 1024 {
        raw.extend_from_slice(
            b"0123456789 abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ\r\n",
        );
    }
    let email = InboundEmail::parse(&raw);
    assert_eq!(email.size, raw.len());
    assert!(email.parse_problem.is_none());
    assert!(email.body_excerpt.len() <= 4096);
    assert!(email.body_excerpt.lines().count() <= 40);
}

#[test]
fn ten_thousand_headers_are_capped() {
    let mut raw = b"From: jane@example.com\r\nSubject: many\r\n".to_vec();
    for i in 0..10_000 {
        raw.extend_from_slice(format!("X-Filler-{i}: {}\r\n", "v".repeat(20)).as_bytes());
    }
    raw.extend_from_slice(b"\r\nbody\r\n");
    let email = InboundEmail::parse(&raw);
    assert!(email.headers.len() <= MAX_HEADERS);
    let bytes: usize = email.headers.iter().map(|(n, v)| n.len() + v.len()).sum();
    assert!(bytes <= MAX_HEADER_BYTES);
    assert!(email.headers_truncated);
    assert_eq!(email.header("subject"), Some("many"));
    assert!(email.sender_address().is_some());
}

#[test]
fn one_giant_header_is_capped() {
    let mut raw = b"From: jane@example.com\r\nX-Huge: ".to_vec();
    for _ in 0..200_000 {
        raw.extend_from_slice(b"aaaaaaaaa\r\n ");
    }
    raw.extend_from_slice(b"end\r\nSubject: after\r\n\r\nbody");
    let email = InboundEmail::parse(&raw);
    let bytes: usize = email.headers.iter().map(|(n, v)| n.len() + v.len()).sum();
    assert!(bytes <= MAX_HEADER_BYTES);
    assert_eq!(email.header("subject"), Some("after"));
}

#[test]
fn non_utf8_subjects_are_decoded() {
    let cases: [(&[u8], &str); 4] = [
        (
            b"Subject: =?ISO-8859-1?Q?Caf=E9_cr=E8me?=\r\n",
            "Café crème",
        ),
        (
            b"Subject: =?KOI8-R?B?8NLJ18XU?=\r\n",
            "\u{41f}\u{440}\u{438}\u{432}\u{435}\u{442}",
        ),
        // Raw 8-bit Latin-1, no encoded word at all.
        (b"Subject: Caf\xe9 cr\xe8me\r\n", "Café crème"),
        (
            b"Subject: =?utf-8?Q?line=0D=0ABcc:_x@y.example?=\r\n",
            "line Bcc: x@y.example",
        ),
    ];
    for (header, expected) in cases {
        let mut raw = b"From: jane@example.com\r\n".to_vec();
        raw.extend_from_slice(header);
        raw.extend_from_slice(b"\r\nbody\r\n");
        let email = InboundEmail::parse(&raw);
        assert_eq!(email.subject.as_deref(), Some(expected), "{header:?}");
    }
}

#[test]
fn first_from_counts_and_multiple_from_is_ambiguous() {
    let email = InboundEmail::parse(
        b"From: first@example.com\r\nFrom: second@example.com\r\nSubject: x\r\n\r\nbody",
    );
    assert_eq!(
        email
            .from
            .as_ref()
            .and_then(|m| m.address.as_ref())
            .map(EmailAddress::as_str),
        Some("first@example.com")
    );
    assert_eq!(email.from_count, 2);
    assert_eq!(email.sender_address(), None);
}

#[test]
fn identity_never_comes_from_reply_to_or_sender() {
    let email = InboundEmail::parse(
        b"From: <>\r\nReply-To: boss@customer.example\r\nSender: boss@customer.example\r\n\r\nx",
    );
    assert!(email.reply_to.as_ref().is_some_and(|m| m.address.is_some()));
    assert!(email.sender.as_ref().is_some_and(|m| m.address.is_some()));
    assert_eq!(email.sender_address(), None);
}

fn ses_message(auth_results: &[&str], from: &str) -> InboundEmail {
    let mut raw = String::new();
    for ar in auth_results {
        raw.push_str(&format!("Authentication-Results: {ar}\r\n"));
    }
    raw.push_str(&format!(
        "X-SES-Spam-Verdict: PASS\r\nX-SES-Virus-Verdict: PASS\r\nFrom: {from}\r\nSubject: x\r\n\r\nbody\r\n"
    ));
    InboundEmail::parse(raw.as_bytes())
}

fn authenticity_of(email: &InboundEmail) -> Authenticity {
    authenticate(
        email.sender_address(),
        &verdicts_from_ses_headers(email),
        topmost_ses_authentication_results(email),
    )
}

#[test]
fn forged_lower_authentication_results_are_ignored() {
    let email = ses_message(
        &[
            "amazonses.com; spf=pass; dkim=none; dmarc=none",
            "amazonses.com; spf=pass; dkim=pass header.d=customer.example; dmarc=pass header.from=customer.example",
        ],
        "ceo@customer.example",
    );
    assert!(matches!(
        authenticity_of(&email),
        Authenticity::Unverified { failed: false, .. }
    ));
    // A forged header on top is not SES's: no evidence at all.
    let email = ses_message(
        &[
            "mx.customer.example; dmarc=pass header.from=customer.example",
            "amazonses.com; spf=fail; dkim=fail; dmarc=fail header.from=customer.example",
        ],
        "ceo@customer.example",
    );
    assert_eq!(topmost_ses_authentication_results(&email), None);
    assert!(!authenticity_of(&email).is_verified());
}

#[test]
fn gray_with_aligned_dkim_is_verified() {
    let email = ses_message(
        &["amazonses.com; spf=pass; dkim=pass header.i=@customer.example; dmarc=none"],
        "Jane <jane@Customer.Example>",
    );
    assert!(authenticity_of(&email).is_verified());
}

#[test]
fn gray_with_unaligned_dkim_is_unverified_not_failed() {
    let email = ses_message(
        &["amazonses.com; spf=pass; dkim=pass header.d=bulkmailer.example; dmarc=none"],
        "jane@customer.example",
    );
    let auth = authenticity_of(&email);
    assert!(matches!(
        auth,
        Authenticity::Unverified { failed: false, .. }
    ));
    assert!(
        reply_decision(&email, &verdicts_from_ses_headers(&email), &auth, &not_own).is_allowed()
    );
}

#[test]
fn dmarc_fail_is_unverified_and_failed() {
    let email = ses_message(
        &["amazonses.com; spf=fail; dkim=fail; dmarc=fail header.from=customer.example"],
        "ceo@customer.example",
    );
    let auth = authenticity_of(&email);
    assert!(matches!(
        auth,
        Authenticity::Unverified { failed: true, .. }
    ));
    assert_eq!(
        reply_decision(&email, &verdicts_from_ses_headers(&email), &auth, &not_own),
        ReplyDecision::Suppressed(SuppressReason::UnverifiedFailedAuth)
    );
}

#[test]
fn threading_ids_are_bare() {
    let email = InboundEmail::parse(
        b"From: a@example.com\r\nMessage-ID: <m1@example.com>\r\n\
          In-Reply-To: <r1@vendor.example>\r\n\
          References: <r0@vendor.example>\r\n <r1@vendor.example>\r\n\
          Date: Tue, 24 Nov 2026 10:00:00 -0800\r\n\r\nbody",
    );
    assert_eq!(email.message_id.as_deref(), Some("m1@example.com"));
    assert_eq!(email.in_reply_to, vec!["r1@vendor.example"]);
    assert_eq!(
        email.references,
        vec!["r0@vendor.example", "r1@vendor.example"]
    );
    assert_eq!(
        email.date.map(|d| d.to_rfc3339()),
        Some("2026-11-24T18:00:00+00:00".to_string())
    );
    assert_eq!(
        email.header("references"),
        Some("<r0@vendor.example> <r1@vendor.example>")
    );
}

#[test]
fn html_only_body_is_stripped() {
    let email = InboundEmail::parse(
        b"From: a@example.com\r\nContent-Type: text/html\r\n\r\n<html><body><p>Severity: <b>critical</b></p></body></html>\r\n",
    );
    assert!(
        email.body_excerpt.contains("Severity: critical"),
        "{:?}",
        email.body_excerpt
    );
    assert!(!email.body_excerpt.contains('<'));
}
