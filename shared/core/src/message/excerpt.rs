//! The start of the text body, bounded in lines and bytes: only for spotting a severity or a CVSS
//! score in the first lines, never stored whole and never logged.

use std::borrow::Cow;

use mail_parser::decoders::html::html_to_text;
use mail_parser::{Message, PartType};

use super::{BODY_EXCERPT_BYTES, BODY_EXCERPT_LINES};

pub(super) fn body_excerpt(msg: &Message<'_>) -> String {
    let text_part = msg
        .text_body
        .iter()
        .filter_map(|id| msg.parts.get(*id as usize))
        .find_map(|p| match &p.body {
            PartType::Text(t) => Some(Cow::Borrowed(t.as_ref())),
            _ => None,
        });
    let text = text_part.or_else(|| {
        msg.html_body
            .iter()
            .filter_map(|id| msg.parts.get(*id as usize))
            .find_map(|p| match &p.body {
                // Only the head of a huge HTML body is worth converting.
                PartType::Html(h) => Some(Cow::Owned(html_to_text(truncate_str(h, 64 * 1024)))),
                _ => None,
            })
    });
    let Some(text) = text else {
        return String::new();
    };
    let mut out = String::new();
    for line in text.lines().take(BODY_EXCERPT_LINES) {
        // Nearly every line is printable ASCII already; only the others need rebuilding.
        let line: Cow<'_, str> = if line.bytes().all(|b| (b' '..0x7f).contains(&b)) {
            Cow::Borrowed(line)
        } else {
            Cow::Owned(
                line.chars()
                    .map(|c| if c == '\t' { ' ' } else { c })
                    .filter(|c| !c.is_control())
                    .collect(),
            )
        };
        if out.len() + line.len() + 1 > BODY_EXCERPT_BYTES {
            out.push_str(truncate_str(
                &line,
                BODY_EXCERPT_BYTES.saturating_sub(out.len()),
            ));
            break;
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
fn truncate_str(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while end > 0 && !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or_default()
}
