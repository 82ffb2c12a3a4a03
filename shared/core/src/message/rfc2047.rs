//! Display text from a raw header value: RFC 2047 encoded-words decoded, undeclared 8-bit read as
//! Windows-1252, and control characters removed so that nothing read here can inject a header
//! into a reply.

use std::panic::{AssertUnwindSafe, catch_unwind};

use mail_parser::HeaderValue;
use mail_parser::decoders::charsets::map::charset_decoder;
use mail_parser::parsers::MessageStream;

/// Windows-1252 (what such senders nearly always mean), control characters dropped.
pub(super) fn decode_unstructured(raw: &[u8]) -> String {
    let decoded = if std::str::from_utf8(raw).is_err() && !contains(raw, b"=?") {
        charset_decoder(b"windows-1252")
            .map(|decode| decode(raw))
            .unwrap_or_else(|| String::from_utf8_lossy(raw).into_owned())
    } else {
        let mut line = raw.to_vec();
        line.extend_from_slice(b"\r\n");
        let value = catch_unwind(AssertUnwindSafe(|| {
            match MessageStream::new(&line).parse_unstructured() {
                HeaderValue::Text(t) => Some(t.into_owned()),
                _ => None,
            }
        }));
        match value {
            Ok(Some(t)) => t,
            Ok(None) => String::new(),
            Err(_) => String::from_utf8_lossy(raw).into_owned(),
        }
    };
    clean_text(&decoded)
}

/// Control characters out (a CR or LF here would become header injection in a reply), runs of
/// whitespace collapsed.
pub(super) fn clean_text(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
