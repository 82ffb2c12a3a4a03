//! The reply's subject: the case tag first, so that the customer's answer finds its case, and the
//! customer's own subject after a single "Re:", however many reply markers it already carried.

use super::sanitise::{cap_chars, sanitise};
use crate::ids::CaseId;

/// Caps on what an inbound message may put in our headers; a subject is for reading, and a
/// hostile 900 KB subject must not become a 900 KB reply.
const MAX_SUBJECT_CHARS: usize = 200;

/// `[AS-2026-000123] Re: <subject>`, without stacking "Re:" or our own tag.
pub(super) fn reply_subject(case_id: &CaseId, original: Option<&str>) -> String {
    let clean = sanitise(original.unwrap_or(""), usize::MAX);
    let tag = format!("[{case_id}]");
    let mut rest = clean.as_str();
    loop {
        rest = rest.trim_start();
        if let Some(head) = rest.get(..tag.len())
            && head.eq_ignore_ascii_case(&tag)
        {
            rest = &rest[tag.len()..];
            continue;
        }
        match reply_marker_len(rest) {
            Some(len) => rest = &rest[len..],
            None => break,
        }
    }
    let rest = cap_chars(rest.trim(), MAX_SUBJECT_CHARS);
    if rest.is_empty() {
        format!("{tag} Your support request")
    } else {
        format!("{tag} Re: {rest}")
    }
}

/// The length of a leading "Re:", "RE :", "Aw:", "Re[2]:" marker, if any.
fn reply_marker_len(s: &str) -> Option<usize> {
    let word_len = s.find(|c: char| !c.is_ascii_alphabetic())?;
    let word = s[..word_len].to_ascii_lowercase();
    if !matches!(word.as_str(), "re" | "aw" | "sv" | "antw") {
        return None;
    }
    let mut rest = &s[word_len..];
    if let Some(counter) = rest.strip_prefix('[').and_then(|r| r.split_once(']')) {
        if !counter.0.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        rest = counter.1;
    }
    let rest = rest.trim_start().strip_prefix(':')?;
    Some(s.len() - rest.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_do_not_stack() {
        let id = CaseId::parse("AS-2026-000123").unwrap();
        let s = |o: &str| reply_subject(&id, Some(o));
        assert_eq!(s("Re: RE: re : hello"), "[AS-2026-000123] Re: hello");
        assert_eq!(
            s("Re: [AS-2026-000123] Re: hello"),
            "[AS-2026-000123] Re: hello"
        );
        assert_eq!(s("AW: Re[2]: hello"), "[AS-2026-000123] Re: hello");
        assert_eq!(s("Fwd: hello"), "[AS-2026-000123] Re: Fwd: hello");
        assert_eq!(s("Regarding: x"), "[AS-2026-000123] Re: Regarding: x");
        assert_eq!(s("Re:"), "[AS-2026-000123] Your support request");
        assert_eq!(s("  \t "), "[AS-2026-000123] Your support request");
        assert_eq!(
            reply_subject(&id, None),
            "[AS-2026-000123] Your support request"
        );
        let long = s(&"a".repeat(5000));
        assert_eq!(long.chars().count(), "[AS-2026-000123] Re: ".len() + 201);
        assert!(s("a\u{202e}b\u{200b}c").ends_with("abc"));
    }
}
