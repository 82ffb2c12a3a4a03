//! Bounded text: every field taken from an email and stored is capped before it is stored.
//!
//! A sender controls the size of every header. DynamoDB refuses an item over 400 KB and a key over
//! 2,048 bytes, so an unbounded field (a legally folded 450 KB display name, a 3 KB Message-ID)
//! would make the case write fail on every attempt: no case, no reply, the dead-letter queue. The
//! full message stays in S3; what a case stores is capped here, at the limits below (also listed
//! in the README), truncated on a character boundary and marked so a reader knows text is missing.
//!
//! Message-IDs are looked up by [`MessageIdKey`] (a digest of the whole id), never by their text,
//! so a capped id still finds its case and no id is too long to be a key.

use std::fmt;
use std::ops::Deref;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Ends a truncated value, so a reader knows the rest is only in the raw message.
pub const TRUNCATION_MARKER: &str = "…[truncated]";

/// The limits, in UTF-8 bytes (marker included).
pub mod limits {
    /// A display name (`From: "name" <address>`): names are short; 256 bytes keeps any real one.
    pub const DISPLAY_NAME: usize = 256;
    /// A subject: RFC 5322's 998-byte line limit, which real subjects stay within.
    pub const SUBJECT: usize = 998;
    /// A Message-ID as text on a case (the lookup key is its digest): RFC 5322's line limit.
    pub const MESSAGE_ID: usize = 998;
    /// The words severity detection matched ("Level 1", "P0"), quoted back on the case.
    pub const MATCHED: usize = 256;
    /// A note about a message (why parsing struggled, why it is unroutable, what a bounce was),
    /// which may quote the message's own headers or recipient list.
    pub const NOTE: usize = 2_048;
}

/// Text of at most `MAX` bytes. Built from any text by truncating it (on a character boundary,
/// with [`TRUNCATION_MARKER`]); stored and read back as a plain string.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub struct Bounded<const MAX: usize>(String);

/// A display name from a message.
pub type DisplayName = Bounded<{ limits::DISPLAY_NAME }>;
/// A subject from a message.
pub type Subject = Bounded<{ limits::SUBJECT }>;
/// A Message-ID from a message, as text.
pub type MessageIdText = Bounded<{ limits::MESSAGE_ID }>;
/// Words matched in a message.
pub type Matched = Bounded<{ limits::MATCHED }>;
/// A note that may quote a message.
pub type Note = Bounded<{ limits::NOTE }>;

impl<const MAX: usize> Bounded<MAX> {
    /// The limit in bytes.
    pub const MAX_BYTES: usize = MAX;

    /// `text`, truncated to `MAX` bytes if longer.
    pub fn new(text: impl Into<String>) -> Self {
        let mut text = text.into();
        if text.len() > MAX {
            let keep = text.floor_char_boundary(MAX.saturating_sub(TRUNCATION_MARKER.len()));
            text.truncate(keep);
            text.push_str(TRUNCATION_MARKER);
        }
        Self(text)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }

    /// Whether text was cut off.
    pub fn is_truncated(&self) -> bool {
        self.0.ends_with(TRUNCATION_MARKER)
    }
}

impl<const MAX: usize> From<String> for Bounded<MAX> {
    fn from(text: String) -> Self {
        Self::new(text)
    }
}

impl<const MAX: usize> From<&str> for Bounded<MAX> {
    fn from(text: &str) -> Self {
        Self::new(text)
    }
}

impl<const MAX: usize> From<Bounded<MAX>> for String {
    fn from(b: Bounded<MAX>) -> Self {
        b.0
    }
}

impl<const MAX: usize> Deref for Bounded<MAX> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl<const MAX: usize> AsRef<str> for Bounded<MAX> {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl<const MAX: usize> fmt::Display for Bounded<MAX> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<const MAX: usize> fmt::Debug for Bounded<MAX> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl<const MAX: usize> PartialEq<str> for Bounded<MAX> {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl<const MAX: usize> PartialEq<&str> for Bounded<MAX> {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

/// The key a Message-ID is looked up by: the SHA-256 of the canonical id (surrounding space and
/// angle brackets removed), in lowercase hex. 64 bytes whatever the id's length, so no id is too
/// long to be a key, and an id capped on a case still finds it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MessageIdKey(String);

impl MessageIdKey {
    pub fn of(message_id: &str) -> Self {
        let digest = Sha256::digest(canonical_message_id(message_id).as_bytes());
        let mut hex = String::with_capacity(64);
        for b in digest.iter() {
            hex.push(char::from(HEX[usize::from(b >> 4)]));
            hex.push(char::from(HEX[usize::from(b & 0xf)]));
        }
        Self(hex)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for MessageIdKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// A Message-ID as compared: `<a@b>` and ` a@b ` are the same id.
pub fn canonical_message_id(message_id: &str) -> &str {
    let t = message_id.trim();
    t.strip_prefix('<')
        .and_then(|t| t.strip_suffix('>'))
        .unwrap_or(t)
        .trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_kept_whole() {
        let s = Subject::new("Builds fail on Windows");
        assert_eq!(s, "Builds fail on Windows");
        assert!(!s.is_truncated());
    }

    #[test]
    fn long_text_is_cut_on_a_char_boundary_and_marked() {
        // Three-byte characters, so the limit falls inside one.
        let long = "€".repeat(1_000);
        let s = DisplayName::new(long.clone());
        assert!(s.len() <= limits::DISPLAY_NAME, "{}", s.len());
        assert!(s.ends_with(TRUNCATION_MARKER));
        assert!(long.starts_with(s.trim_end_matches(TRUNCATION_MARKER)));
        assert!(s.is_truncated());
        let exact = "a".repeat(limits::DISPLAY_NAME);
        assert_eq!(DisplayName::new(exact.clone()).as_str(), exact);
    }

    #[test]
    fn stored_values_are_capped_when_read_back() {
        let json = serde_json::to_string(&"x".repeat(5_000)).expect("json");
        let back: Note = serde_json::from_str(&json).expect("a string");
        assert!(back.len() <= limits::NOTE);
        assert_eq!(
            serde_json::to_value(Note::new("n")).expect("json"),
            serde_json::json!("n")
        );
    }

    #[test]
    fn message_id_keys_are_digests_of_the_canonical_id() {
        let k = MessageIdKey::of("<abc@example.com>");
        assert_eq!(k, MessageIdKey::of(" abc@example.com "));
        assert_ne!(k, MessageIdKey::of("abd@example.com"));
        assert_eq!(k.as_str().len(), 64);
        // SHA-256 of "abc" (FIPS 180-2's example).
        assert_eq!(
            MessageIdKey::of("abc").as_str(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(MessageIdKey::of(&"x".repeat(10_000)).as_str().len(), 64);
    }
}
