//! Header fields as RFC 5322 writes them: words folded to 78 characters, mailboxes with display
//! names as atoms, quoted strings or encoded-words, and unstructured text that reads back exactly
//! as it was written.

use super::rfc2047::encoded_words;
use crate::ids::EmailAddress;

/// RFC 5322's recommended line length, which folding keeps to whenever a word allows it.
const FOLD_AT: usize = 78;

/// Writes header fields as words separated by single spaces, folding between words so lines
/// stay within 78 characters whenever the words allow it.
#[derive(Default)]
pub(super) struct HeaderWriter {
    pub(super) out: String,
}

impl HeaderWriter {
    pub(super) fn field(&mut self, name: &str, words: Vec<String>) {
        self.out.push_str(name);
        self.out.push(':');
        let mut line = name.len() + 1;
        for (i, word) in words.iter().enumerate() {
            if i > 0 && line + 1 + word.len() > FOLD_AT {
                self.out.push_str("\r\n");
                line = 0;
            }
            self.out.push(' ');
            self.out.push_str(word);
            line += 1 + word.len();
        }
        self.out.push_str("\r\n");
    }
}

/// `Display Name <address>`, or the bare address when there is no name.
pub(super) fn mailbox(name: &str, address: &EmailAddress) -> Vec<String> {
    if name.is_empty() {
        return vec![address.to_string()];
    }
    let mut words = phrase(name);
    words.push(format!("<{address}>"));
    words
}

/// A display name as header words: plain atoms when it is simple ASCII, a quoted string when it
/// holds specials such as ',' or '@' (which would otherwise split the address list), and
/// encoded-words when it is not ASCII.
fn phrase(name: &str) -> Vec<String> {
    if !name.is_ascii() || name.contains("=?") {
        return encoded_words(name);
    }
    let atext = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~ ".contains(c);
    if name.chars().all(atext) {
        return name.split(' ').map(str::to_string).collect();
    }
    let mut quoted = String::with_capacity(name.len() + 2);
    quoted.push('"');
    for c in name.chars() {
        if matches!(c, '"' | '\\') {
            quoted.push('\\');
        }
        quoted.push(c);
    }
    quoted.push('"');
    vec![quoted]
}

/// Unstructured text (a subject) as header words. ASCII text that could be mistaken for an
/// encoded-word is encoded too, so that it reads back exactly as written.
pub(super) fn unstructured(text: &str) -> Vec<String> {
    if text.is_ascii() && !text.contains("=?") {
        return text.split(' ').map(str::to_string).collect();
    }
    // The case tag stays readable; only what follows it needs encoding.
    let (head, tail) = match text.split_once("] ") {
        Some((tag, rest)) if tag.is_ascii() && !tag.contains("=?") => (tag, rest),
        _ => ("", text),
    };
    let mut words: Vec<String> = Vec::new();
    if !head.is_empty() {
        words.push(format!("{head}]"));
    }
    let (marker, body) = match tail.strip_prefix("Re: ") {
        Some(rest) => (Some("Re:"), rest),
        None => (None, tail),
    };
    words.extend(marker.map(str::to_string));
    words.extend(encoded_words(body));
    words
}
