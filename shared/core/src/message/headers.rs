//! Our own scanner of the top-level header block. It keeps every header in order, where
//! mail-parser's accessors return the last occurrence and the rules need the first (the topmost
//! `Authentication-Results`, the first `From`), and it enforces the caps on what a hostile message
//! may make us store.

use super::{MAX_HEADER_BYTES, MAX_HEADER_VALUE_BYTES, MAX_HEADERS};

pub(super) fn unfold_lossy(bytes: &[u8]) -> String {
    let unfolded: Vec<u8> = bytes
        .iter()
        .copied()
        .filter(|b| *b != b'\r' && *b != b'\n')
        .collect();
    String::from_utf8_lossy(&unfolded).trim().to_string()
}

pub(super) struct RawField {
    pub(super) name: String,
    pub(super) value: Vec<u8>,
}

/// The header block up to the first empty line, unfolded, within the caps. Lines that are not
/// `name: value` are skipped, as mail-parser does, so both readers see the same headers.
pub(super) fn scan_header_block(bytes: &[u8]) -> (Vec<RawField>, bool) {
    let mut fields: Vec<RawField> = Vec::new();
    let mut total = 0usize;
    let mut truncated = false;
    let mut current: Option<RawField> = None;

    let mut push = |field: RawField, fields: &mut Vec<RawField>, truncated: &mut bool| {
        let cost = field.name.len() + field.value.len();
        if fields.len() >= MAX_HEADERS || total + cost > MAX_HEADER_BYTES {
            *truncated = true;
            return;
        }
        total += cost;
        fields.push(field);
    };

    for line in bytes.split(|b| *b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.iter().all(|b| *b == b' ' || *b == b'\t') {
            if line.is_empty() {
                break;
            }
            // A whitespace-only line inside the block is a broken fold; the block goes on.
            continue;
        }
        if line.first().is_some_and(|b| *b == b' ' || *b == b'\t') {
            if let Some(field) = current.as_mut()
                && field.value.len() < MAX_HEADER_VALUE_BYTES
            {
                let room = MAX_HEADER_VALUE_BYTES - field.value.len();
                field.value.extend_from_slice(&line[..line.len().min(room)]);
            }
            continue;
        }
        let Some(colon) = line.iter().position(|b| *b == b':') else {
            continue;
        };
        let (name, rest) = line.split_at(colon);
        let name = trim_bytes(name);
        let valid_name =
            !name.is_empty() && name.iter().all(|b| b.is_ascii_graphic() && *b != b':');
        if !valid_name {
            continue;
        }
        if let Some(done) = current.take() {
            push(finish(done), &mut fields, &mut truncated);
        }
        let value = rest.get(1..).unwrap_or_default();
        current = Some(RawField {
            // A valid name is ASCII, so this never takes the lossy path.
            name: into_string_lossy(name.to_ascii_lowercase()),
            value: value[..value.len().min(MAX_HEADER_VALUE_BYTES)].to_vec(),
        });
        if truncated {
            break;
        }
    }
    if let Some(done) = current.take() {
        push(finish(done), &mut fields, &mut truncated);
    }
    (fields, truncated)
}

fn finish(mut field: RawField) -> RawField {
    let end = field
        .value
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(0, |e| e + 1);
    field.value.truncate(end);
    let start = field
        .value
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(field.value.len());
    field.value.drain(..start);
    field
}

/// The bytes as a `String`, without a copy when they are UTF-8 already.
pub(super) fn into_string_lossy(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

fn trim_bytes(b: &[u8]) -> &[u8] {
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    b.get(start..end).unwrap_or_default()
}
