//! The body's transfer encoding: quoted-printable (RFC 2045 6.7) keeps a UTF-8 reply 7-bit clean,
//! with lines no relay will rewrap.

/// Quoted-printable lines are at most 76 characters, the soft-break `=` included.
const QP_LINE: usize = 76;

#[cfg(test)]
pub(super) fn quoted_printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8 + 16);
    quoted_printable_into(text, &mut out);
    out
}

/// Quoted-printable with CRLF line ends (RFC 2045 6.7): every line is at most 76 characters and
/// whitespace at a line end is encoded, so no relay can alter the text.
/// Written into `out` so that the body lands after the header block without another copy.
pub(super) fn quoted_printable_into(text: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    // Every line, the last included, ends in CRLF; a final '\n' is that CRLF, not an empty line.
    for line in text.strip_suffix('\n').unwrap_or(text).split('\n') {
        let bytes = line.as_bytes();
        let literal = |i: usize| {
            let b = bytes[i];
            (b.is_ascii_graphic() && b != b'=') || (b == b' ' && i + 1 != bytes.len())
        };
        // Room is kept on every line for the '=' of a soft break.
        let width = QP_LINE - 1;
        let mut current = 0usize;
        let mut i = 0;
        while i < bytes.len() {
            if literal(i) {
                if current == width {
                    out.push_str("=\r\n");
                    current = 0;
                }
                // Literal text is copied a run at a time: it is nearly all of a reply.
                let mut end = i + 1;
                while end < bytes.len() && current + (end - i) < width && literal(end) {
                    end += 1;
                }
                // Literal bytes are ASCII, so both ends are character boundaries.
                out.push_str(&line[i..end]);
                current += end - i;
                i = end;
            } else {
                if current + 3 > width {
                    out.push_str("=\r\n");
                    current = 0;
                }
                let b = bytes[i];
                out.push('=');
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 0x0F)]));
                current += 3;
                i += 1;
            }
        }
        out.push_str("\r\n");
    }
}

#[cfg(test)]
mod tests {
    use mail_parser::MessageParser;

    use super::*;

    #[test]
    fn quoted_printable_round_trips_edge_lines() {
        let text = format!(
            "trailing space \nequals = sign\n{}\n{}\ttab\n",
            "x".repeat(200),
            "é".repeat(60)
        );
        let qp = quoted_printable(&text);
        assert!(qp.is_ascii());
        for line in qp.split("\r\n") {
            assert!(line.len() <= 76, "{line}");
            assert!(!line.ends_with(' ') && !line.ends_with('\t'), "{line:?}");
        }
        let raw = format!(
            "Subject: t\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n{qp}"
        );
        let m = MessageParser::default().parse(raw.as_bytes()).unwrap();
        assert_eq!(m.body_text(0).unwrap().replace("\r\n", "\n"), text);
    }
}
