//! Email addresses, in the one normalised spelling every comparison uses.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::IdError;

/// An email address, normalised: trimmed, without angle brackets, the local part lower-cased and
/// the domain in its canonical form ([`canonical_domain`]: lower-case ASCII, punycode for
/// internationalised labels), so that every comparison — DMARC/DKIM alignment, the directory,
/// the policies' addresses — sees one spelling of a domain.
///
/// Lower-casing the local part is a deliberate product choice: RFC 5321 lets a receiving server
/// treat local parts case-sensitively, but no mainstream provider does, and a designated contact
/// must not lose their tier because they typed `Jane@` instead of `jane@`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EmailAddress(String);

/// Appends `s` lower-cased. Addresses are nearly always ASCII, which needs no temporary string;
/// anything else keeps full Unicode lower-casing of the part on its own.
fn push_lowercase(out: &mut String, s: &str) {
    if s.is_ascii() {
        let start = out.len();
        out.push_str(s);
        out[start..].make_ascii_lowercase();
    } else {
        out.push_str(&s.to_lowercase());
    }
}

/// A domain in the one form every comparison uses: trimmed, without a trailing dot, lower-case
/// ASCII, internationalised labels in punycode (`bücher.example` → `xn--bcher-kva.example`).
///
/// SES writes the punycode form in `Authentication-Results` (`header.from`, `header.d`), while a
/// From header may carry either form; the directory and the policies hold whatever an operator
/// typed. Comparing one form everywhere is what lets a genuine internationalised sender verify.
/// `None` when the domain is empty or not a valid internationalised domain name (UTS #46).
pub fn canonical_domain(domain: &str) -> Option<String> {
    let d = domain.trim().trim_end_matches('.');
    if d.is_empty() {
        return None;
    }
    if d.is_ascii() {
        // ASCII needs no mapping; punycode labels are kept as written, only lower-cased.
        return Some(d.to_ascii_lowercase());
    }
    idna::domain_to_ascii_cow(d.as_bytes(), idna::AsciiDenyList::URL)
        .ok()
        .map(std::borrow::Cow::into_owned)
        .filter(|a| !a.is_empty())
}

impl EmailAddress {
    pub fn parse(raw: &str) -> Result<Self, IdError> {
        let trimmed = raw
            .trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .trim();
        let err = |why| IdError::Email(raw.to_string(), why);
        if trimmed.is_empty() {
            return Err(err("it is empty"));
        }
        if trimmed.len() > 254 {
            return Err(err("it is longer than 254 characters"));
        }
        if trimmed
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';'))
        {
            return Err(err(
                "it contains spaces, control characters or list separators",
            ));
        }
        let (local, domain) = trimmed
            .rsplit_once('@')
            .ok_or_else(|| err("it has no '@'"))?;
        if local.is_empty() {
            return Err(err("the part before '@' is empty"));
        }
        if local.len() > 64 {
            return Err(err("the part before '@' is longer than 64 characters"));
        }
        if local.contains('@') && !(local.starts_with('"') && local.ends_with('"')) {
            return Err(err("it has more than one '@'"));
        }
        let domain = domain.trim_end_matches('.');
        if domain.is_empty() {
            return Err(err("the domain is empty"));
        }
        if domain.split('.').any(|label| {
            label.is_empty()
                || label.starts_with('-')
                || label.ends_with('-')
                || !label
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
        }) {
            return Err(err("the domain is not a valid host name"));
        }
        let domain = canonical_domain(domain)
            .ok_or_else(|| err("the domain is not a valid internationalised domain name"))?;
        let mut address = String::with_capacity(local.len() + 1 + domain.len());
        push_lowercase(&mut address, local);
        address.push('@');
        address.push_str(&domain);
        Ok(Self(address))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn local_part(&self) -> &str {
        self.0.rsplit_once('@').map(|(l, _)| l).unwrap_or(&self.0)
    }

    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map(|(_, d)| d).unwrap_or("")
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

impl FromStr for EmailAddress {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for EmailAddress {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for EmailAddress {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}
