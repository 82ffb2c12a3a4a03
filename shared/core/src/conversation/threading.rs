//! What a message points at: the Message-IDs of `In-Reply-To` and `References` (RFC 5322 3.6.4),
//! and a `[case id]` tag in its subject. Both come from the sender and are untrusted: ids are
//! bounded in length and number, and only the routed policy's own case prefix is a tag.

use crate::ids::{CaseId, CasePrefix};
use crate::message::InboundEmail;

/// At most this many referenced ids are looked up: a long thread's newest ids are the ones that
/// name our messages, and a hostile message must not turn into an unbounded lookup.
pub const MAX_THREAD_IDS: usize = 20;
/// Longer ids are not real Message-IDs (and would not fit a key).
const MAX_ID_LEN: usize = 250;

/// A Message-ID as stored and looked up: without angle brackets or surrounding space; `None`
/// when it is empty, too long, or not printable ASCII.
pub fn normalise_id(raw: &str) -> Option<&str> {
    let id = raw.trim();
    let id = id
        .strip_prefix('<')
        .and_then(|i| i.strip_suffix('>'))
        .unwrap_or(id)
        .trim();
    let ok = !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'<' && b != b'>');
    ok.then_some(id)
}

/// The ids a message answers, most specific first: `In-Reply-To`, then `References` from the
/// newest (last) to the oldest; duplicates dropped, at most [`MAX_THREAD_IDS`].
pub fn thread_ids(email: &InboundEmail) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    let candidates = email
        .in_reply_to
        .iter()
        .chain(email.references.iter().rev());
    for raw in candidates {
        if ids.len() == MAX_THREAD_IDS {
            break;
        }
        if let Some(id) = normalise_id(raw)
            && Some(id) != email.message_id.as_deref().and_then(normalise_id)
            && !ids.iter().any(|seen| seen == id)
        {
            ids.push(id.to_string());
        }
    }
    ids
}

/// The first `[PREFIX-YYYY-NNNNNN]` tag in a subject whose prefix is `prefix`. A tag of another
/// prefix is not ours to follow (another policy's case starts a new case).
pub fn subject_tag(subject: &str, prefix: &CasePrefix) -> Option<CaseId> {
    let mut rest = subject;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let close = after.find(']')?;
        let inner = after[..close].trim();
        if let Ok(id) = CaseId::parse(inner)
            && id
                .as_str()
                .split('-')
                .next()
                .is_some_and(|p| p == prefix.as_str())
        {
            return Some(id);
        }
        rest = &after[close + 1..];
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email(headers: &str) -> InboundEmail {
        InboundEmail::parse(format!("{headers}\r\n\r\nbody\r\n").as_bytes())
    }

    #[test]
    fn in_reply_to_comes_first_then_references_newest_first() {
        let e = email(
            "From: a@b.example\r\nMessage-ID: <self@b.example>\r\nIn-Reply-To: <ours@slamail.test>\r\n\
             References: <root@b.example> <mid@x.example> <ours@slamail.test> <self@b.example>",
        );
        assert_eq!(
            thread_ids(&e),
            ["ours@slamail.test", "mid@x.example", "root@b.example"]
        );
    }

    #[test]
    fn references_are_bounded() {
        let refs: Vec<String> = (0..500).map(|i| format!("<r{i}@x.example>")).collect();
        let e = email(&format!(
            "From: a@b.example\r\nReferences: {}",
            refs.join(" ")
        ));
        let ids = thread_ids(&e);
        assert_eq!(ids.len(), MAX_THREAD_IDS);
        assert_eq!(ids[0], "r499@x.example");
    }

    #[test]
    fn junk_ids_are_dropped() {
        assert_eq!(normalise_id(" <a@b> "), Some("a@b"));
        assert_eq!(normalise_id("<>"), None);
        assert_eq!(normalise_id(&format!("<{}@b>", "x".repeat(300))), None);
        assert_eq!(normalise_id("<a b@c>"), None);
    }

    #[test]
    fn only_our_prefix_is_a_tag() {
        let p = CasePrefix::parse("AS").unwrap();
        assert_eq!(
            subject_tag("Re: [AS-2026-000017] builds", &p).map(|c| c.to_string()),
            Some("AS-2026-000017".to_string())
        );
        assert_eq!(
            subject_tag("Re: [Level 1] [ AS-2026-000017 ] x", &p).map(|c| c.to_string()),
            Some("AS-2026-000017".to_string())
        );
        assert_eq!(subject_tag("Re: [ALC-2026-000001] x", &p), None);
        assert_eq!(subject_tag("Re: [AS-2026-1] x", &p), None);
        assert_eq!(subject_tag("Re: [AS-2026-000017 unterminated", &p), None);
        assert_eq!(subject_tag("no tag", &p), None);
    }
}
