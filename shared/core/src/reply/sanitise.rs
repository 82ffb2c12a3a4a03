//! Text from the inbound message made safe for one line of our headers. Every such field is
//! untrusted: a CR or LF would be header injection, an invisible direction override would make a
//! subject display as something else, and a 900 KB subject must not become a 900 KB reply.

/// A display name or tier label is for reading; longer ones are cut.
pub(super) const MAX_NAME_CHARS: usize = 100;

/// Text from outside made safe for one header line: control characters (CR and LF above all)
/// and invisible direction overrides become spaces or vanish, runs of spaces collapse, and the
/// length is capped.
pub(super) fn sanitise(text: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max_chars.saturating_mul(4)));
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_control() || c.is_whitespace() {
            pending_space = !out.is_empty();
        } else if is_invisible(c) {
            continue;
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    cap_chars(&out, max_chars)
}

/// Format characters that reorder or hide text: they let a subject display as something else.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

pub(super) fn cap_chars(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((cut, _)) => format!("{}…", text[..cut].trim_end()),
        None => text.to_string(),
    }
}
