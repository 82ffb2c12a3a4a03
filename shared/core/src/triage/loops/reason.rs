//! Why no auto-reply is sent: in words for the support engineer, and as a stable code for records
//! and metrics.

use serde::Serialize;

use super::LOOP_HEADER;
use super::rate::RateScope;
pub use crate::policy::reply_limits::RateWindow;

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
    /// A report other than a bounce (abuse feedback, read receipt…): its kind.
    Report(String),
    /// A subject that only machines write: what kind of machine mail, and the phrase.
    MachineSubject {
        kind: String,
        phrase: String,
    },
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
    /// The recipient marked an earlier reply as spam; which case's reply, and when.
    Complained(BouncedReply),
}

/// A cap on auto-replies that was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RateLimitHit {
    pub scope: RateScope,
    pub window: RateWindow,
    pub limit: u32,
}

/// The bounce that holds replies to an address: which case's reply bounced, and when (as
/// recorded; either may be missing from an old record).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BouncedReply {
    pub case_id: Option<crate::ids::CaseId>,
    pub at: Option<String>,
}

/// " of case X" and " at T", each empty when the record lacks it.
fn of_case_at(b: &BouncedReply) -> (String, String) {
    let case = b
        .case_id
        .as_ref()
        .map(|c| format!(" of case {c}"))
        .unwrap_or_default();
    let at =
        b.at.as_deref()
            .map(|t| format!(" at {t}"))
            .unwrap_or_default();
    (case, at)
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
            Self::Report(kind) => {
                format!("the message is a report written by a mail system ({kind})")
            }
            Self::MachineSubject { kind, phrase } => {
                format!("the subject starts with \"{phrase}\": the message is {kind}")
            }
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
            Self::RateLimited(hit) => {
                let whom = match hit.scope {
                    RateScope::Address => "to one address",
                    RateScope::Domain => "to one domain",
                    RateScope::Policy => "from this support policy in total",
                };
                format!(
                    "too many automatic replies: at most {} per {} {whom}",
                    hit.limit,
                    hit.window.as_str()
                )
            }
            Self::Undeliverable(b) => {
                let (case, at) = of_case_at(b);
                format!(
                    "a recent automatic reply to this address bounced (a reply{case} bounced{at})"
                )
            }
            Self::Complained(b) => {
                let (case, at) = of_case_at(b);
                format!(
                    "the recipient marked an automatic reply{case} as spam{at}: no automatic \
                     reply goes to this address again"
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
            Self::Report(_) => "report",
            Self::MachineSubject { .. } => "machine-subject",
            Self::OwnMail => "own-mail",
            Self::LoopHeader => "loop-header",
            Self::NoReplySender(_) => "no-reply-sender",
            Self::NoSenderAddress => "no-sender-address",
            Self::Spam => "spam",
            Self::Virus => "virus",
            Self::UnverifiedFailedAuth => "unverified-failed-auth",
            Self::RateLimited(_) => "rate-limited",
            Self::Undeliverable(_) => "undeliverable",
            Self::Complained(_) => "complained",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::triage::loops::ReplyDecision;

    #[test]
    fn reasons_serialize_with_their_code() {
        let all = [
            SuppressReason::AutoSubmitted("auto-replied".into()),
            SuppressReason::Precedence("bulk".into()),
            SuppressReason::MailingList("list-id".into()),
            SuppressReason::AutoResponseSuppress,
            SuppressReason::AutoReplyHeader("x-loop".into()),
            SuppressReason::Bounce("x".into()),
            SuppressReason::Report("multipart/report; report-type=feedback-report".into()),
            SuppressReason::MachineSubject {
                kind: "an automatic reply".into(),
                phrase: "automatic reply".into(),
            },
            SuppressReason::OwnMail,
            SuppressReason::LoopHeader,
            SuppressReason::NoReplySender("noreply@x.example".into()),
            SuppressReason::NoSenderAddress,
            SuppressReason::Spam,
            SuppressReason::Virus,
            SuppressReason::UnverifiedFailedAuth,
            SuppressReason::RateLimited(RateLimitHit {
                scope: RateScope::Domain,
                window: RateWindow::Day,
                limit: 20,
            }),
            SuppressReason::Undeliverable(BouncedReply {
                case_id: None,
                at: None,
            }),
            SuppressReason::Complained(BouncedReply {
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
