//! See [`super`].
//!
//! Every rule here exists to stop one kind of harm: mail loops with other robots (auto-replies,
//! lists, bounces), backscatter to forged senders, and floods to one address. A suppressed reply
//! never means a lost message: the case is recorded either way.

use serde::Serialize;

use crate::ids::EmailAddress;
use crate::message::InboundEmail;

use super::{Authenticity, Verdict, Verdicts};

/// Our own loop header, set on every auto-reply; its value is the policy id or our reply address.
pub const LOOP_HEADER: &str = "X-Slamail-Loop";

/// Why no auto-reply is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", content = "detail", rename_all = "kebab-case")]
pub enum SuppressReason {
    /// The `Auto-Submitted` value.
    AutoSubmitted(String),
    /// The `Precedence` / `X-Precedence` value.
    Precedence(String),
    /// The list header's name.
    MailingList(String),
    AutoResponseSuppress,
    /// The auto-reply header's name.
    AutoReplyHeader(String),
    /// What made it a bounce.
    Bounce(String),
    OwnMail,
    LoopHeader,
    /// The sender's address.
    NoReplySender(String),
    NoSenderAddress,
    Spam,
    Virus,
    UnverifiedFailedAuth,
    /// Which limit.
    RateLimited(RateLimitHit),
    /// A recent reply to this address bounced; what is known about it.
    Undeliverable(BouncedReply),
}

/// A per-sender cap on auto-replies that was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RateLimitHit {
    pub window: RateWindow,
    pub limit: u32,
}

/// The window a reply cap counts over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RateWindow {
    Hour,
    Day,
}

impl RateWindow {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hour => "hour",
            Self::Day => "day",
        }
    }
}

/// The bounce that holds replies to an address: which case's reply bounced, and when (as
/// recorded; either may be missing from an old record).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BouncedReply {
    pub case_id: Option<crate::ids::CaseId>,
    pub at: Option<String>,
}

impl SuppressReason {
    /// The sentence a support engineer reads on the case.
    pub fn words(&self) -> String {
        match self {
            Self::AutoSubmitted(v) => {
                format!("the message was sent automatically (Auto-Submitted: {v})")
            }
            Self::Precedence(v) => format!("the message is bulk or list mail (Precedence: {v})"),
            Self::MailingList(h) => format!("the message came through a mailing list ({h})"),
            Self::AutoResponseSuppress => {
                "the sender asked not to receive automatic replies (X-Auto-Response-Suppress)"
                    .to_string()
            }
            Self::AutoReplyHeader(h) => {
                format!("the message is itself an automatic reply or machine-generated ({h})")
            }
            Self::Bounce(why) => format!("the message is a delivery failure report: {why}"),
            Self::OwnMail => "the message comes from one of our own addresses".to_string(),
            Self::LoopHeader => format!(
                "the message carries our own {LOOP_HEADER} header: replying would start a loop"
            ),
            Self::NoReplySender(a) => format!("the sender {a} does not accept replies"),
            Self::NoSenderAddress => "the message has no usable From address".to_string(),
            Self::Spam => "SES classified the message as spam".to_string(),
            Self::Virus => "SES found a virus in the message".to_string(),
            Self::UnverifiedFailedAuth => {
                "the sender's authentication failed, so the From address is probably forged"
                    .to_string()
            }
            Self::RateLimited(hit) => format!(
                "too many automatic replies to this sender: at most {} per {} to one address",
                hit.limit,
                hit.window.as_str()
            ),
            Self::Undeliverable(b) => {
                let case = b
                    .case_id
                    .as_ref()
                    .map(|c| format!(" of case {c}"))
                    .unwrap_or_default();
                let at =
                    b.at.as_deref()
                        .map(|t| format!(" at {t}"))
                        .unwrap_or_default();
                format!(
                    "a recent automatic reply to this address bounced (a reply{case} bounced{at})"
                )
            }
        }
    }

    /// A stable kebab-case code for records and metrics.
    pub fn code(&self) -> &'static str {
        match self {
            Self::AutoSubmitted(_) => "auto-submitted",
            Self::Precedence(_) => "precedence",
            Self::MailingList(_) => "mailing-list",
            Self::AutoResponseSuppress => "auto-response-suppress",
            Self::AutoReplyHeader(_) => "auto-reply-header",
            Self::Bounce(_) => "bounce",
            Self::OwnMail => "own-mail",
            Self::LoopHeader => "loop-header",
            Self::NoReplySender(_) => "no-reply-sender",
            Self::NoSenderAddress => "no-sender-address",
            Self::Spam => "spam",
            Self::Virus => "virus",
            Self::UnverifiedFailedAuth => "unverified-failed-auth",
            Self::RateLimited(_) => "rate-limited",
            Self::Undeliverable(_) => "undeliverable",
        }
    }
}

/// Whether an auto-reply may be sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "decision", content = "reason", rename_all = "kebab-case")]
pub enum ReplyDecision {
    Allowed,
    Suppressed(SuppressReason),
}

impl ReplyDecision {
    pub fn is_allowed(&self) -> bool {
        matches!(self, Self::Allowed)
    }
}

/// Headers that only auto-responders and machine senders set; presence alone decides.
const AUTO_REPLY_HEADERS: &[&str] = &[
    "x-autoreply",
    "x-autorespond",
    "x-autoreply-from",
    "x-mail-autoreply",
    "x-autogenerated",
    "x-loop",
    "x-fc-machinegenerated",
];

/// Whether an auto-reply may be sent to this message, by the rules of `intake-rules.md` in order
/// of precedence (the first that matches decides). Rate limits are separate: see [`rate_limit`].
///
/// The sender is `email.sender_address()`: a message with several From mailboxes has no usable
/// sender, because it is unclear which of them the verdicts are about.
pub fn reply_decision(
    email: &InboundEmail,
    verdicts: &Verdicts,
    authenticity: &Authenticity,
    own: &dyn Fn(&EmailAddress) -> bool,
) -> ReplyDecision {
    match suppress_reason(email, verdicts, authenticity, own) {
        Some(reason) => ReplyDecision::Suppressed(reason),
        None => ReplyDecision::Allowed,
    }
}

fn suppress_reason(
    email: &InboundEmail,
    verdicts: &Verdicts,
    authenticity: &Authenticity,
    own: &dyn Fn(&EmailAddress) -> bool,
) -> Option<SuppressReason> {
    if verdicts.virus == Verdict::Fail {
        return Some(SuppressReason::Virus);
    }
    if verdicts.spam == Verdict::Fail {
        return Some(SuppressReason::Spam);
    }
    if let Some(why) = is_bounce(email) {
        return Some(SuppressReason::Bounce(why));
    }
    if let Some(v) = email
        .headers_named("auto-submitted")
        .find(|v| first_word(v) != "no")
    {
        return Some(SuppressReason::AutoSubmitted(v.to_string()));
    }
    if let Some(v) = ["precedence", "x-precedence"]
        .iter()
        .flat_map(|name| email.headers_named(name))
        .find(|v| {
            matches!(
                first_word(v).as_str(),
                "bulk" | "junk" | "list" | "auto_reply" | "auto-reply"
            )
        })
    {
        return Some(SuppressReason::Precedence(v.to_string()));
    }
    // `Mailing-List` is what ezmlm and old list servers send instead of `List-*`.
    if let Some((name, _)) = email
        .headers
        .iter()
        .find(|(n, _)| n.starts_with("list-") || n == "mailing-list")
    {
        return Some(SuppressReason::MailingList(name.clone()));
    }
    if email.headers_named("x-auto-response-suppress").any(|v| {
        v.split([',', ' ', '\t'])
            .map(|t| t.trim().to_ascii_lowercase())
            .any(|t| matches!(t.as_str(), "all" | "autoreply" | "oof"))
    }) {
        return Some(SuppressReason::AutoResponseSuppress);
    }
    if let Some((name, _)) = email
        .headers
        .iter()
        .find(|(n, _)| AUTO_REPLY_HEADERS.contains(&n.as_str()))
    {
        return Some(SuppressReason::AutoReplyHeader(name.clone()));
    }
    if email.has_header(LOOP_HEADER) {
        return Some(SuppressReason::LoopHeader);
    }
    // The first From even when there are several: if it is ours, the message is ours.
    let from = email.from.as_ref().and_then(|m| m.address.as_ref());
    if from.is_some_and(own) {
        return Some(SuppressReason::OwnMail);
    }
    if let Some(a) = from.filter(|a| is_no_reply_local_part(a.local_part())) {
        return Some(SuppressReason::NoReplySender(a.to_string()));
    }
    if email.sender_address().is_none() {
        return Some(SuppressReason::NoSenderAddress);
    }
    if matches!(authenticity, Authenticity::Unverified { failed: true, .. }) {
        return Some(SuppressReason::UnverifiedFailedAuth);
    }
    None
}

/// Why the message is a bounce (a delivery status notification or another report from a mail
/// system), or `None`.
pub fn is_bounce(email: &InboundEmail) -> Option<String> {
    if email.has_null_return_path() {
        return Some("the envelope sender is null (Return-Path: <>)".to_string());
    }
    if email.is_delivery_report() {
        return Some("it is a delivery status report (multipart/report)".to_string());
    }
    if email.has_delivery_status_part {
        return Some("it contains a delivery status part".to_string());
    }
    if email.has_header("x-failed-recipients") {
        return Some("it names failed recipients (X-Failed-Recipients)".to_string());
    }
    let from = email.from.as_ref().and_then(|m| m.address.as_ref());
    if let Some(a) = from.filter(|a| is_mail_system(a.local_part())) {
        return Some(format!("it comes from the mail system ({a})"));
    }
    let envelope = email
        .return_path
        .as_deref()
        .and_then(|rp| EmailAddress::parse(rp).ok());
    if let Some(a) = envelope.filter(|a| is_mail_system(a.local_part())) {
        return Some(format!("its envelope sender is the mail system ({a})"));
    }
    None
}

/// Per-sender caps on auto-replies, on top of the one-reply-per-case rule the caller keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RateLimits {
    pub per_hour: u32,
    pub per_day: u32,
}

impl Default for RateLimits {
    /// 5 an hour, 20 a day: a person opening several cases in a row still hears back on each,
    /// while a robot we failed to recognise gets at most 20 messages a day from us — far below
    /// Zammad's 100 in 10 hours, because our replies carry no answer, only an acknowledgement.
    fn default() -> Self {
        Self {
            per_hour: 5,
            per_day: 20,
        }
    }
}

/// `Some` when one more auto-reply to this sender would exceed a limit.
pub fn rate_limit(
    sent_last_hour: u32,
    sent_last_day: u32,
    limits: RateLimits,
) -> Option<SuppressReason> {
    if sent_last_hour >= limits.per_hour {
        return Some(SuppressReason::RateLimited(RateLimitHit {
            window: RateWindow::Hour,
            limit: limits.per_hour,
        }));
    }
    if sent_last_day >= limits.per_day {
        return Some(SuppressReason::RateLimited(RateLimitHit {
            window: RateWindow::Day,
            limit: limits.per_day,
        }));
    }
    None
}

/// The first token of a header value, lower-cased, without comments or parameters.
fn first_word(value: &str) -> String {
    crate::message::strip_comments(value)
        .split([';', ' ', '\t', ','])
        .find(|t| !t.is_empty())
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// The local part without a `+tag`, so `noreply+bounces@` is still `noreply`.
fn base_local_part(local: &str) -> String {
    local
        .split('+')
        .next()
        .unwrap_or(local)
        .trim_matches('"')
        .to_ascii_lowercase()
}

fn is_mail_system(local: &str) -> bool {
    matches!(
        base_local_part(local).as_str(),
        "mailer-daemon" | "postmaster"
    )
}

/// noreply, no-reply, no_reply, do-not-reply, donotreply… and the mailbox names that belong to
/// machines or administrators, plus list plumbing (`owner-*`, `*-request`).
fn is_no_reply_local_part(local: &str) -> bool {
    let base = base_local_part(local);
    if base.starts_with("owner-") || base.ends_with("-request") {
        return true;
    }
    let squashed: String = base
        .chars()
        .filter(|c| !matches!(c, '-' | '_' | '.'))
        .collect();
    squashed.starts_with("noreply")
        || squashed.ends_with("noreply")
        || squashed.starts_with("donotreply")
        || matches!(
            squashed.as_str(),
            "mailerdaemon" | "postmaster" | "abuse" | "root"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verified() -> Authenticity {
        Authenticity::Verified {
            how: "test".to_string(),
        }
    }

    fn not_own(_: &EmailAddress) -> bool {
        false
    }

    fn email(extra: &str) -> InboundEmail {
        InboundEmail::parse(
            format!(
                "From: Jane <jane@customer.example>\r\nTo: support@vendor.example\r\n\
                 Subject: help\r\n{extra}\r\nhello\r\n"
            )
            .as_bytes(),
        )
    }

    fn decide(extra: &str) -> ReplyDecision {
        reply_decision(&email(extra), &Verdicts::all_pass(), &verified(), &not_own)
    }

    fn code(extra: &str) -> Option<&'static str> {
        match decide(extra) {
            ReplyDecision::Allowed => None,
            ReplyDecision::Suppressed(r) => Some(r.code()),
        }
    }

    #[test]
    fn plain_mail_is_answered() {
        assert_eq!(decide(""), ReplyDecision::Allowed);
    }

    #[test]
    fn virus_then_spam_come_first() {
        let e = email("Auto-Submitted: auto-replied\r\n");
        let mut v = Verdicts::all_pass();
        v.spam = Verdict::Fail;
        v.virus = Verdict::Fail;
        assert_eq!(
            reply_decision(&e, &v, &verified(), &not_own),
            ReplyDecision::Suppressed(SuppressReason::Virus)
        );
        v.virus = Verdict::Pass;
        assert_eq!(
            reply_decision(&e, &v, &verified(), &not_own),
            ReplyDecision::Suppressed(SuppressReason::Spam)
        );
        v.spam = Verdict::Gray;
        assert_eq!(
            reply_decision(&email(""), &v, &verified(), &not_own),
            ReplyDecision::Allowed
        );
    }

    #[test]
    fn auto_submitted() {
        assert_eq!(
            code("Auto-Submitted: auto-replied\r\n"),
            Some("auto-submitted")
        );
        assert_eq!(
            code("auto-submitted: Auto-Generated\r\n"),
            Some("auto-submitted")
        );
        assert_eq!(code("Auto-Submitted:\r\n"), Some("auto-submitted"));
        assert_eq!(code("Auto-Submitted: no\r\n"), None);
        assert_eq!(code("Auto-Submitted: No (a person wrote this)\r\n"), None);
    }

    #[test]
    fn precedence() {
        for v in ["bulk", "junk", "list", "auto_reply", "BULK"] {
            assert_eq!(
                code(&format!("Precedence: {v}\r\n")),
                Some("precedence"),
                "{v}"
            );
            assert_eq!(
                code(&format!("X-Precedence: {v}\r\n")),
                Some("precedence"),
                "{v}"
            );
        }
        assert_eq!(code("Precedence: first-class\r\n"), None);
        assert_eq!(code("Precedence: special-delivery\r\n"), None);
    }

    #[test]
    fn mailing_lists() {
        assert_eq!(
            code("List-Id: <dev.lists.example>\r\n"),
            Some("mailing-list")
        );
        assert_eq!(
            code("List-Unsubscribe: <mailto:u@lists.example>\r\n"),
            Some("mailing-list")
        );
        assert_eq!(
            code("LIST-POST: <mailto:p@lists.example>\r\n"),
            Some("mailing-list")
        );
        assert_eq!(
            code("Mailing-List: contact x@y.example\r\n"),
            Some("mailing-list")
        );
        assert_eq!(code("Listing: 4 bedrooms\r\n"), None);
    }

    #[test]
    fn auto_response_suppress() {
        for v in [
            "All",
            "OOF",
            "AutoReply",
            "DR, RN, NRN, OOF, AutoReply",
            "dr,all",
        ] {
            assert_eq!(
                code(&format!("X-Auto-Response-Suppress: {v}\r\n")),
                Some("auto-response-suppress"),
                "{v}"
            );
        }
        assert_eq!(code("X-Auto-Response-Suppress: DR, RN, NRN\r\n"), None);
    }

    #[test]
    fn auto_reply_headers() {
        for h in [
            "X-Autoreply",
            "X-Autorespond",
            "X-AutoReply-From",
            "X-Mail-Autoreply",
            "X-Autogenerated",
            "X-Loop",
            "X-FC-MachineGenerated",
        ] {
            assert_eq!(
                code(&format!("{h}: yes\r\n")),
                Some("auto-reply-header"),
                "{h}"
            );
        }
        assert_eq!(code("X-Mailer: Thunderbird\r\n"), None);
    }

    #[test]
    fn bounces() {
        assert_eq!(code("Return-Path: <>\r\n"), Some("bounce"));
        assert_eq!(code("Return-Path: < >\r\n"), Some("bounce"));
        assert_eq!(code("Return-Path: <jane@customer.example>\r\n"), None);
        assert_eq!(code("X-Failed-Recipients: a@b.example\r\n"), Some("bounce"));
        assert_eq!(
            code("Content-Type: multipart/report; report-type=\"Delivery-Status\"; boundary=x\r\n"),
            Some("bounce")
        );
        assert_eq!(
            code(
                "Content-Type: multipart/report; report-type=disposition-notification; boundary=x\r\n"
            ),
            None
        );
        for from in ["MAILER-DAEMON@mx.example", "postmaster@mx.example"] {
            let e = InboundEmail::parse(format!("From: {from}\r\n\r\nx").as_bytes());
            assert!(is_bounce(&e).is_some(), "{from}");
        }
        let e = InboundEmail::parse(
            b"From: a@x.example\r\nReturn-Path: <MAILER-DAEMON@mx.example>\r\n\r\nx",
        );
        assert!(is_bounce(&e).is_some());
        assert!(is_bounce(&email("")).is_none());
    }

    #[test]
    fn loop_header_and_own_mail() {
        assert_eq!(code("X-Slamail-Loop: activestate\r\n"), Some("loop-header"));
        assert_eq!(
            code("x-slamail-loop: support@vendor.example\r\n"),
            Some("loop-header")
        );
        let e = email("");
        let own = |a: &EmailAddress| a.as_str() == "jane@customer.example";
        assert_eq!(
            reply_decision(&e, &Verdicts::all_pass(), &verified(), &own),
            ReplyDecision::Suppressed(SuppressReason::OwnMail)
        );
    }

    #[test]
    fn no_reply_senders() {
        for local in [
            "noreply",
            "no-reply",
            "No_Reply",
            "donotreply",
            "do-not-reply",
            "do.not.reply",
            "noreply+abc",
            "notifications-noreply",
            "abuse",
            "root",
            "owner-dev",
            "dev-request",
        ] {
            let e = InboundEmail::parse(format!("From: {local}@x.example\r\n\r\nx").as_bytes());
            assert!(
                !reply_decision(&e, &Verdicts::all_pass(), &verified(), &not_own).is_allowed(),
                "{local}"
            );
        }
        for local in [
            "reply", "norene", "rooter", "abuser", "owner", "request", "jane",
        ] {
            let e = InboundEmail::parse(format!("From: {local}@x.example\r\n\r\nx").as_bytes());
            assert!(
                reply_decision(&e, &Verdicts::all_pass(), &verified(), &not_own).is_allowed(),
                "{local}"
            );
        }
    }

    #[test]
    fn no_sender_address() {
        for raw in [
            "To: a@b.example\r\n\r\nx",
            "From: <>\r\n\r\nx",
            "From: not an address\r\n\r\nx",
            "From: a@x.example, b@y.example\r\n\r\nx",
            "From: a@x.example\r\nFrom: b@y.example\r\n\r\nx",
        ] {
            let e = InboundEmail::parse(raw.as_bytes());
            assert_eq!(
                reply_decision(&e, &Verdicts::all_pass(), &verified(), &not_own),
                ReplyDecision::Suppressed(SuppressReason::NoSenderAddress),
                "{raw:?}"
            );
        }
    }

    #[test]
    fn failed_authentication() {
        let e = email("");
        let failed = Authenticity::Unverified {
            why: "x".to_string(),
            failed: true,
        };
        let missing = Authenticity::Unverified {
            why: "x".to_string(),
            failed: false,
        };
        assert_eq!(
            reply_decision(&e, &Verdicts::all_pass(), &failed, &not_own),
            ReplyDecision::Suppressed(SuppressReason::UnverifiedFailedAuth)
        );
        assert!(reply_decision(&e, &Verdicts::all_pass(), &missing, &not_own).is_allowed());
    }

    #[test]
    fn rate_limits() {
        let l = RateLimits::default();
        assert_eq!(
            l,
            RateLimits {
                per_hour: 5,
                per_day: 20
            }
        );
        assert_eq!(rate_limit(0, 0, l), None);
        assert_eq!(rate_limit(4, 19, l), None);
        assert_eq!(rate_limit(5, 5, l).map(|r| r.code()), Some("rate-limited"));
        assert_eq!(rate_limit(1, 20, l).map(|r| r.code()), Some("rate-limited"));
        assert!(
            rate_limit(
                0,
                0,
                RateLimits {
                    per_hour: 0,
                    per_day: 0
                }
            )
            .is_some()
        );
    }

    #[test]
    fn reasons_serialize_with_their_code() {
        let all = [
            SuppressReason::AutoSubmitted("auto-replied".into()),
            SuppressReason::Precedence("bulk".into()),
            SuppressReason::MailingList("list-id".into()),
            SuppressReason::AutoResponseSuppress,
            SuppressReason::AutoReplyHeader("x-loop".into()),
            SuppressReason::Bounce("x".into()),
            SuppressReason::OwnMail,
            SuppressReason::LoopHeader,
            SuppressReason::NoReplySender("noreply@x.example".into()),
            SuppressReason::NoSenderAddress,
            SuppressReason::Spam,
            SuppressReason::Virus,
            SuppressReason::UnverifiedFailedAuth,
            SuppressReason::RateLimited(RateLimitHit {
                window: RateWindow::Day,
                limit: 20,
            }),
            SuppressReason::Undeliverable(BouncedReply {
                case_id: None,
                at: None,
            }),
        ];
        for r in all {
            let json = serde_json::to_value(&r).expect("serializes");
            assert_eq!(json["code"], r.code());
            assert!(!r.words().is_empty());
        }
        let d = serde_json::to_value(ReplyDecision::Allowed).expect("serializes");
        assert_eq!(d["decision"], "allowed");
    }
}
