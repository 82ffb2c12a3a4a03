//! Structured header syntax that several rules read: RFC 5322 comments, and the type and
//! parameters of a Content-Type (RFC 2045).

use std::borrow::Cow;

/// `type/subtype` lower-cased, and the parameters with lower-cased names and unquoted values.
pub(crate) fn split_content_type(ct: &str) -> (String, Vec<(String, String)>) {
    let ct = strip_comments(ct);
    let mut pieces = ct.split(';');
    let mime = pieces
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let params = pieces
        .filter_map(|p| {
            let (k, v) = p.split_once('=')?;
            Some((
                k.trim().to_ascii_lowercase(),
                v.trim().trim_matches('"').trim().to_string(),
            ))
        })
        .collect();
    (mime, params)
}

/// Removes RFC 5322 comments `( … )`, nested ones too, outside quoted strings.
pub(crate) fn strip_comments(s: &str) -> Cow<'_, str> {
    // Without a '(' no comment can open, and every character would be copied as it is.
    if !s.contains('(') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut depth = 0usize;
    let mut quoted = false;
    let mut escaped = false;
    for c in s.chars() {
        if escaped {
            escaped = false;
            if depth == 0 {
                out.push(c);
            }
            continue;
        }
        match c {
            '\\' if quoted || depth > 0 => {
                escaped = true;
                if depth == 0 {
                    out.push(c);
                }
            }
            '"' if depth == 0 => {
                quoted = !quoted;
                out.push(c);
            }
            '(' if !quoted => depth += 1,
            ')' if !quoted && depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_stripped() {
        assert_eq!(strip_comments("a (b (c) d) e"), "a  e");
        assert_eq!(strip_comments("\"(kept)\" x"), "\"(kept)\" x");
        assert_eq!(strip_comments("unclosed (comment"), "unclosed ");
    }
}
