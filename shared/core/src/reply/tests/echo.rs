//! What a reply repeats from the inbound message. A reply is DKIM-signed mail from the vendor, so
//! anything it echoes is text a stranger makes us send to whoever the From names: only a sender
//! proven to own the From address gets their display name and subject back (issue 8, item 9).

use chrono::{TimeZone, Utc};

use super::*;
use crate::message::InboundEmail;
use crate::policy::PolicySet;
use crate::triage::decide::decide;
use crate::triage::{Verdict, Verdicts};

const LURE: &str = "Claim your $5000 prize at http://spam.example/x";

/// The attack: a From domain without DMARC, SPF passing for the attacker's own envelope domain,
/// an attacker-chosen display name and subject.
fn message(dmarc: &str, dkim: &str) -> Vec<u8> {
    format!(
        "Authentication-Results: amazonses.com; spf=pass (spfCheck: domain of spam.example \
         designates 192.0.2.7 as permitted sender) client-ip=192.0.2.7; \
         envelope-from=bulk@spam.example; helo=spam.example; {dkim}; \
         dmarc={dmarc} header.from=nodmarc.example;\r\n\
         From: \"{LURE}\" <victim@nodmarc.example>\r\n\
         To: support@activestate.com\r\n\
         Subject: =?utf-8?q?You_won!_{}?=\r\n\
         Message-ID: <lure-1@spam.example>\r\n\
         References: <a@spam.example> <Claim-your-prize-at-spam.example@x>\r\n\r\nhello\r\n",
        "Visit_http://spam.example/x"
    )
    .into_bytes()
}

fn reply_to(raw: &[u8], verdicts: &Verdicts) -> RenderedReply {
    let policies = PolicySet::from_list(None).unwrap();
    let policy = builtin("activestate").unwrap();
    let email = InboundEmail::parse(raw);
    let now = Utc.with_ymd_and_hms(2026, 12, 2, 19, 0, 0).unwrap();
    let decision = decide(&policy, &policies, &email, verdicts, &[], now).unwrap();
    assert!(decision.reply.is_allowed(), "{:?}", decision.reply);
    let case_id = CaseId::new(&policy.case_prefix, 2026, 7);
    let input = decision
        .reply_input(&policy, &case_id, &email, now, "mail.slamail.example")
        .unwrap();
    render_reply(&input).unwrap()
}

/// Everything a recipient sees: the raw headers and the decoded subject, To and body.
fn visible(r: &RenderedReply) -> String {
    let parsed = parse_back(r);
    format!(
        "{}\n{:?}\n{:?}\n{}",
        raw_str(r),
        parsed.subject(),
        parsed.to(),
        parsed.body_text(0).unwrap_or_default()
    )
}

#[test]
fn an_unverified_sender_gets_no_echo_of_name_or_subject() {
    let gray = Verdicts {
        spf: Verdict::Pass,
        dkim: Verdict::Gray,
        dmarc: Verdict::Gray,
        ..Verdicts::all_pass()
    };
    let r = reply_to(&message("none", "dkim=none"), &gray);
    assert_eq!(r.to.as_str(), "victim@nodmarc.example");
    let seen = visible(&r);
    for word in ["prize", "5000", "won", "Claim"] {
        assert!(!seen.contains(word), "{word:?} echoed:\n{seen}");
    }
    // The only inbound text left is the one Message-ID that threads the reply: an identifier a
    // mail client never displays, bounded and checked by `threading::clean_id`.
    let without_threading: String = raw_str(&r)
        .split("\r\n")
        .filter(|l| !l.starts_with("In-Reply-To:") && !l.starts_with("References:"))
        .collect();
    assert!(!without_threading.contains("spam.example"), "{seen}");
    assert_eq!(
        header(&r, "References").as_deref(),
        Some("<lure-1@spam.example>")
    );
    assert_eq!(r.subject, "[AS-2026-000007] Your support request");
    assert_wire_clean(&r);
}

#[test]
fn a_verified_sender_still_gets_their_name_and_subject() {
    let r = reply_to(
        &message("pass", "dkim=pass header.d=nodmarc.example"),
        &Verdicts::all_pass(),
    );
    let seen = visible(&r);
    assert!(seen.contains("Claim your"), "{seen}");
    assert!(r.subject.contains("You won!"), "{}", r.subject);
}
