//! RFC 2047 encoded-words, for the header text that is not plain ASCII.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;

/// An encoded-word may be 75 characters: `=?UTF-8?B?` and `?=` leave 63, i.e. 45 bytes of text.
const ENCODED_WORD_BYTES: usize = 45;

/// RFC 2047 B encoded-words, split between characters so each stays within 75 characters.
/// Whitespace between adjacent encoded-words is not part of the text, so folding between them
/// is invisible to the reader.
pub(super) fn encoded_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut start = 0;
    let mut end = 0;
    for (i, c) in text.char_indices() {
        if i + c.len_utf8() - start > ENCODED_WORD_BYTES {
            words.push(encode_word(&text[start..end]));
            start = i;
        }
        end = i + c.len_utf8();
    }
    if end > start {
        words.push(encode_word(&text[start..end]));
    }
    words
}

fn encode_word(chunk: &str) -> String {
    format!("=?UTF-8?B?{}?=", BASE64.encode(chunk.as_bytes()))
}
