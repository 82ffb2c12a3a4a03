//! Threading (RFC 5322 3.6.4): the reply's own Message-ID, and the In-Reply-To and References
//! that place it in the customer's thread. Ids come from the inbound message, so anything that
//! could end a header or smuggle a second id disqualifies them.

use super::ReplyError;

/// Longer ids are not real Message-IDs, and would break the 998-character line limit.
const MAX_ID_LEN: usize = 250;
/// RFC 5322 3.6.4 allows trimming References; a long thread must not grow the header unboundedly.
pub(super) const MAX_REFERENCES: usize = 20;

pub(super) fn message_id_domain(domain: &str) -> Result<String, ReplyError> {
    let d = domain.trim().trim_end_matches('.');
    let ok = !d.is_empty()
        && d.len() <= 253
        && d.split('.').all(|label| {
            !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
    if ok {
        Ok(d.to_ascii_lowercase())
    } else {
        Err(ReplyError::MessageIdDomain(domain.to_string()))
    }
}

/// A message id fit for a header, or `None`: anything that could end the header, open a
/// comment or a second id, or is not ASCII, disqualifies it.
pub(super) fn clean_id(raw: &str) -> Option<&str> {
    let id = raw.trim();
    let id = id
        .strip_prefix('<')
        .and_then(|i| i.strip_suffix('>'))
        .unwrap_or(id);
    let ok = !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id.bytes().all(|b| {
            b.is_ascii_graphic() && !matches!(b, b'<' | b'>' | b'(' | b')' | b',' | b'"' | b'\\')
        });
    ok.then_some(id)
}

/// The customer's references, then their message id: the thread as a client expects it. The
/// first id (the thread's root) is kept when trimming, as RFC 5322 suggests.
pub(super) fn references<'a>(original: &'a [String], message_id: Option<&'a str>) -> Vec<&'a str> {
    let mut ids: Vec<&str> = Vec::new();
    for id in original
        .iter()
        .filter_map(|r| clean_id(r))
        .chain(message_id)
    {
        ids.retain(|seen| *seen != id);
        ids.push(id);
    }
    if ids.len() > MAX_REFERENCES {
        let tail = ids.split_off(ids.len() - (MAX_REFERENCES - 1));
        ids.truncate(1);
        ids.extend(tail);
    }
    ids
}
