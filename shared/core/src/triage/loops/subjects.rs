//! Subjects that only machines write: auto-replies that mark themselves with nothing but a
//! localised subject prefix, delivery-failure notices from mail systems that set no header we
//! could read, and abuse complaints.
//!
//! Anchoring, decided once for every phrase: a phrase matches only at the **very start** of the
//! subject (after leading spaces, case-insensitively, runs of spaces counted as one), and only
//! when the phrase ends there — at the end of the subject or at punctuation (`:`, `(`, `[`, `-`,
//! `.`, `,`, `!`) — so that "Auto reply: …" matches and "auto reply not working" does not. A
//! subject that starts with "Re:", "Fwd:" or any other marker is a person answering or
//! forwarding, so "Re: Automatic reply: …" is always answered. A bracketed tag at the start
//! ("[Auto-Reply] …") is read the same way. A few mail gateways answer a message with "RE: " and
//! its subject and append a fixed failure marker; those markers ([`SUFFIXES`]) match only as
//! the very end of the subject, whatever precedes them.

/// How a phrase must end for it to be the whole marker.
#[derive(Clone, Copy)]
enum Ends {
    /// At the end of the subject or at punctuation.
    Boundary,
    /// Only at a colon ("Auto:" but not "Auto-renewal").
    Colon,
    /// Anywhere: the phrase is fixed text followed by variable text.
    Anything,
}

/// What kind of machine mail a subject phrase marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubjectKind {
    AutoReply,
    DeliveryFailure,
    AbuseComplaint,
}

impl SubjectKind {
    pub fn words(self) -> &'static str {
        match self {
            Self::AutoReply => "an automatic reply",
            Self::DeliveryFailure => "a delivery failure notice",
            Self::AbuseComplaint => "an abuse complaint report",
        }
    }
}

use Ends::{Anything, Boundary, Colon};
use SubjectKind::{AbuseComplaint, AutoReply, DeliveryFailure};

/// Lower-case phrases. Localised auto-reply prefixes are those of the mail clients' own
/// out-of-office features (Outlook, Apple Mail, Gmail, Lotus/HCL Notes, Thunderbird add-ons…).
const PHRASES: &[(&str, Ends, SubjectKind)] = &[
    ("auto", Colon, AutoReply),
    ("auto reply", Boundary, AutoReply),
    ("auto-reply", Boundary, AutoReply),
    ("autoreply", Boundary, AutoReply),
    ("auto response", Boundary, AutoReply),
    ("auto-response", Boundary, AutoReply),
    ("autoresponse", Boundary, AutoReply),
    ("automatic reply", Boundary, AutoReply),
    ("automatic response", Boundary, AutoReply),
    ("automated reply", Boundary, AutoReply),
    ("automated response", Boundary, AutoReply),
    ("out of office", Boundary, AutoReply),
    ("out of office reply", Boundary, AutoReply),
    ("out of office autoreply", Boundary, AutoReply),
    ("out of office auto reply", Boundary, AutoReply),
    ("out of the office", Boundary, AutoReply),
    ("vacation reply", Boundary, AutoReply),
    ("away from my mail", Boundary, AutoReply),
    ("abwesenheitsnotiz", Boundary, AutoReply),
    ("automatische antwort", Boundary, AutoReply),
    ("réponse automatique", Boundary, AutoReply),
    ("reponse automatique", Boundary, AutoReply),
    ("absence du bureau", Boundary, AutoReply),
    ("risposta automatica", Boundary, AutoReply),
    ("respuesta automática", Boundary, AutoReply),
    ("respuesta automatica", Boundary, AutoReply),
    ("resposta automática", Boundary, AutoReply),
    ("resposta automatica", Boundary, AutoReply),
    ("automatisch antwoord", Boundary, AutoReply),
    ("autosvar", Boundary, AutoReply),
    ("automatisk svar", Boundary, AutoReply),
    ("automaattinen vastaus", Boundary, AutoReply),
    ("automatyczna odpowiedź", Boundary, AutoReply),
    ("automatická odpověď", Boundary, AutoReply),
    ("otomatik yanıt", Boundary, AutoReply),
    ("автоответ", Boundary, AutoReply),
    ("автоматический ответ", Boundary, AutoReply),
    ("自動応答", Boundary, AutoReply),
    ("自動返信", Boundary, AutoReply),
    ("自动回复", Boundary, AutoReply),
    ("自動回覆", Boundary, AutoReply),
    ("자동 응답", Boundary, AutoReply),
    ("undeliverable", Boundary, DeliveryFailure),
    ("undeliverable mail", Boundary, DeliveryFailure),
    ("undelivered mail", Boundary, DeliveryFailure),
    (
        "undelivered mail returned to sender",
        Boundary,
        DeliveryFailure,
    ),
    ("returned mail", Boundary, DeliveryFailure),
    ("mail delivery failed", Boundary, DeliveryFailure),
    ("mail delivery failure", Boundary, DeliveryFailure),
    ("delivery failure", Boundary, DeliveryFailure),
    ("delivery failure notification", Boundary, DeliveryFailure),
    ("delivery status notification", Boundary, DeliveryFailure),
    ("delivery notification", Boundary, DeliveryFailure),
    ("failure notice", Boundary, DeliveryFailure),
    ("mail could not be delivered", Boundary, DeliveryFailure),
    ("message could not be delivered", Boundary, DeliveryFailure),
    ("nondeliverable mail", Boundary, DeliveryFailure),
    ("non-delivery notification", Boundary, DeliveryFailure),
    ("mail system error", Boundary, DeliveryFailure),
    // Microsoft's junk-mail reporting programme (JMRP) sends its complaints without ARF.
    ("complaint about message from", Anything, AbuseComplaint),
];

/// Fixed markers that gateways append to the subject of a failure notice (lower-case).
const SUFFIXES: &[(&str, SubjectKind)] = &[
    ("(delivery failed)", DeliveryFailure),
    ("(undeliverable)", DeliveryFailure),
];

/// The kind of machine mail the subject marks, and the phrase, or `None`.
pub fn machine_subject(subject: &str) -> Option<(SubjectKind, &'static str)> {
    let text: String = normalise(subject);
    if let Some((phrase, kind)) = SUFFIXES.iter().find(|(p, _)| text.ends_with(p)) {
        return Some((*kind, *phrase));
    }
    let mut candidates = vec![text.as_str()];
    // "[Auto-Reply] …": the tag's text, read as a whole subject.
    if let Some(tag) = text.strip_prefix('[').and_then(|t| t.split_once(']')) {
        candidates.push(tag.0.trim());
    }
    candidates.into_iter().find_map(|c| {
        PHRASES
            .iter()
            .filter(|(phrase, ends, _)| {
                c.strip_prefix(phrase)
                    .is_some_and(|rest| ends_well(rest, *ends))
            })
            // The longest phrase names the marker best ("out of office reply" over "out of office").
            .max_by_key(|(phrase, _, _)| phrase.len())
            .map(|(phrase, _, kind)| (*kind, *phrase))
    })
}

/// Lower-cased, trimmed, with every run of whitespace as one space.
fn normalise(subject: &str) -> String {
    subject
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn ends_well(rest: &str, ends: Ends) -> bool {
    let next = rest.trim_start().chars().next();
    match ends {
        Anything => true,
        Colon => matches!(next, Some(':' | '：')),
        Boundary => matches!(
            next,
            None | Some(':' | '：' | '(' | '[' | '-' | '.' | ',' | '!' | '—' | '–')
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn machine_subjects_at_the_start() {
        for s in [
            "Automatic reply: Builds fail",
            "AUTOMATIC REPLY:Builds fail",
            "Auto reply: x",
            "Auto-Reply: x",
            "Autoreply",
            "AUTO: Jane Doe is out of the office (returning 2026-12-01)",
            "Out of Office: Builds fail",
            "Out of Office AutoReply: x",
            "Out of office",
            "Out of Office - back Monday",
            "  Abwesenheitsnotiz: Builds fail",
            "Réponse automatique : Builds fail",
            "自動応答: Builds fail",
            "自動応答：ビルド",
            "Автоответ: x",
            "[Auto-Reply] Builds fail",
            "Undeliverable: Builds fail",
            "Undelivered Mail Returned to Sender",
            "Delivery Status Notification (Failure)",
            "Returned mail: see transcript for details",
            "Mail delivery failed: returning message to sender",
            "failure notice",
            "complaint about message from 192.0.2.1",
            "Delivery failure notification",
            "RE: Your message awaits moderator approval : non remis (delivery failed)",
        ] {
            assert!(machine_subject(s).is_some(), "{s:?}");
        }
    }

    #[test]
    fn people_are_not_machines() {
        for s in [
            "Re: auto reply not working",
            "RE: Automatic reply: Builds fail",
            "Fwd: Out of Office: x",
            "auto reply not working",
            "Autoreply rules",
            "Automatic replies: how to disable",
            "Auto-renewal of our licence",
            "Automation question",
            "Out of office hours outage",
            "Undeliverable messages in the queue",
            "Returned mail from your server",
            "Delivery status notifications are missing",
            "failure notices in the SDK",
            "[URGENT] Out of office",
            "Delivery failure notifications are missing",
            "Re: delivery failed (again)",
            "",
        ] {
            assert!(machine_subject(s).is_none(), "{s:?}");
        }
    }
}
