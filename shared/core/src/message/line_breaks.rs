//! Bare-CR line breaks: mail-parser reads such a message as one endless header line, so a message
//! whose bare CRs outnumber its LFs is rewritten to CRLF before either reader sees it.

/// More bare CRs than LFs: a classic-Mac or mangled message mail-parser cannot split into lines.
pub(super) fn bare_cr_dominates(raw: &[u8]) -> bool {
    // This runs on every message, so the common case (no more CRs than LFs, hence not more bare
    // ones) is decided by two counts that vectorise; only the rest pairs each CR with its next byte.
    let lf = count_byte(raw, b'\n');
    let cr = count_byte(raw, b'\r');
    if cr <= lf {
        return false;
    }
    let bare_cr = raw
        .windows(2)
        .filter(|w| w[0] == b'\r' && w[1] != b'\n')
        .count()
        + usize::from(raw.last() == Some(&b'\r'));
    bare_cr > lf
}

/// Byte counts in chunks small enough for `u8` tallies, which the compiler turns into wide
/// compares; a `usize` tally per byte does not vectorise.
fn count_byte(bytes: &[u8], needle: u8) -> usize {
    bytes
        .chunks(255)
        .map(|chunk| {
            usize::from(
                chunk
                    .iter()
                    .fold(0u8, |n, b| n.wrapping_add(u8::from(*b == needle))),
            )
        })
        .sum()
}

pub(super) fn bare_cr_to_crlf(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len() + raw.len() / 32);
    for (i, b) in raw.iter().enumerate() {
        out.push(*b);
        if *b == b'\r' && raw.get(i + 1) != Some(&b'\n') {
            out.push(b'\n');
        }
    }
    out
}
