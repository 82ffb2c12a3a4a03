//! Newtypes for values that cross a boundary (a policy file, an email header, a DynamoDB item,
//! a CLI flag). Each is parsed once, at the edge, so the rest of the code can trust it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

/// Why a value could not become one of the newtypes of this module.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IdError {
    #[error("{0:?} is not an email address: {1}")]
    Email(String, &'static str),
    #[error(
        "{0:?} is not a valid {1} id: use lower-case letters, digits, '-' or '_' (1 to 64 characters)"
    )]
    Slug(String, &'static str),
    #[error("{0:?} is not a case id like AS-2026-000123")]
    CaseId(String),
}

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

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

macro_rules! slug_id {
    ($(#[$meta:meta])* $name:ident, $what:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            pub fn parse(raw: &str) -> Result<Self, IdError> {
                if is_slug(raw) {
                    Ok(Self(raw.to_string()))
                } else {
                    Err(IdError::Slug(raw.to_string(), $what))
                }
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.pad(&self.0)
            }
        }

        impl FromStr for $name {
            type Err = IdError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = String::deserialize(d)?;
                Self::parse(&raw).map_err(serde::de::Error::custom)
            }
        }
    };
}

slug_id!(
    /// A policy's id, e.g. `activestate`.
    PolicyId,
    "policy"
);
slug_id!(
    /// A tier's id within a policy, e.g. `enterprise`.
    TierId,
    "tier"
);
slug_id!(
    /// A severity's id within a policy, e.g. `critical` or `p0`.
    SeverityId,
    "severity"
);
slug_id!(
    /// A queue name from a policy's routing rules.
    QueueId,
    "queue"
);
slug_id!(
    /// A calendar's name within a policy.
    CalendarId,
    "calendar"
);
slug_id!(
    /// An organisation's id in the directory, e.g. `acme`.
    OrgId,
    "organisation"
);

/// A human-readable case id: `<PREFIX>-<YEAR>-<NUMBER>`, e.g. `AS-2026-000123`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CaseId(String);

impl CaseId {
    /// Builds a case id from its parts; the number is zero-padded to six digits and grows past
    /// that rather than wrapping.
    pub fn new(prefix: &CasePrefix, year: i32, number: u64) -> Self {
        Self(format!("{}-{year:04}-{number:06}", prefix.as_str()))
    }

    pub fn parse(raw: &str) -> Result<Self, IdError> {
        let err = || IdError::CaseId(raw.to_string());
        let mut parts = raw.splitn(3, '-');
        let (Some(prefix), Some(year), Some(number)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(err());
        };
        CasePrefix::parse(prefix).map_err(|_| err())?;
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err());
        }
        if number.len() < 6 || number.len() > 20 || !number.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err());
        }
        Ok(Self(raw.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CaseId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

impl FromStr for CaseId {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for CaseId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for CaseId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

/// The prefix of a policy's case ids: 1 to 8 upper-case ASCII letters or digits, starting with a
/// letter (`AS`, `ALC`, `SCALR`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CasePrefix(String);

impl CasePrefix {
    pub fn parse(raw: &str) -> Result<Self, IdError> {
        let ok = (1..=8).contains(&raw.len())
            && raw.starts_with(|c: char| c.is_ascii_uppercase())
            && raw
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
        if ok {
            Ok(Self(raw.to_string()))
        } else {
            Err(IdError::Slug(raw.to_string(), "case prefix"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CasePrefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_normalised() {
        let a = EmailAddress::parse("  <Jane.Doe@Example.COM> ").unwrap();
        assert_eq!(a.as_str(), "jane.doe@example.com");
        assert_eq!(a.local_part(), "jane.doe");
        assert_eq!(a.domain(), "example.com");
        assert_eq!(a, EmailAddress::parse("jane.doe@example.com.").unwrap());
    }

    /// One canonical form for internationalised domains (lower-case punycode), so the directory,
    /// the policies and DMARC/DKIM alignment all compare the same string.
    #[test]
    fn internationalised_domains_are_stored_as_punycode() {
        let unicode = EmailAddress::parse("Jane@Bücher.Example").unwrap();
        let puny = EmailAddress::parse("jane@XN--BCHER-KVA.example").unwrap();
        assert_eq!(unicode, puny);
        assert_eq!(unicode.as_str(), "jane@xn--bcher-kva.example");
        assert_eq!(unicode.domain(), "xn--bcher-kva.example");
        assert_eq!(
            EmailAddress::parse("support@例え.テスト").unwrap().domain(),
            "xn--r8jz45g.xn--zckzah"
        );
        // The local part is not a domain: it is only lower-cased.
        assert_eq!(
            EmailAddress::parse("Jörg@example.com").unwrap().as_str(),
            "jörg@example.com"
        );
        assert_eq!(
            canonical_domain("BÜCHER.example.").as_deref(),
            Some("xn--bcher-kva.example")
        );
        assert_eq!(
            canonical_domain("Example.COM").as_deref(),
            Some("example.com")
        );
        // The directory's organisation domains take the same form, whichever one was typed.
        let domains = crate::directory::validate_domains(&["Bücher.example".into()]).unwrap();
        assert_eq!(domains, ["xn--bcher-kva.example"]);
        assert!(crate::directory::rules::in_domains(&puny, &domains));
        assert!(crate::directory::rules::in_domains(
            &EmailAddress::parse("a@mail.bücher.example").unwrap(),
            &domains
        ));
    }

    #[test]
    fn bad_emails_are_rejected_with_a_reason() {
        for bad in [
            "",
            "no-at-sign",
            "@example.com",
            "a@",
            "a b@example.com",
            "a@exa mple.com",
            "a@b@c.com",
            "a@-bad.com",
            "a@x..com",
            "a@example.com\r\nBcc: x@y.z",
        ] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn slugs() {
        assert!(TierId::parse("enterprise").is_ok());
        assert!(TierId::parse("Enterprise").is_err());
        assert!(SeverityId::parse("p0").is_ok());
        assert!(SeverityId::parse("").is_err());
        assert!(SeverityId::parse("level 1").is_err());
    }

    #[test]
    fn case_ids() {
        let p = CasePrefix::parse("AS").unwrap();
        let id = CaseId::new(&p, 2026, 123);
        assert_eq!(id.as_str(), "AS-2026-000123");
        assert_eq!(CaseId::parse("AS-2026-000123").unwrap(), id);
        assert_eq!(CaseId::new(&p, 2026, 1_234_567).as_str(), "AS-2026-1234567");
        for bad in [
            "AS-2026-12",
            "as-2026-000123",
            "AS-26-000123",
            "AS2026000123",
            "AS-2026-00012x",
        ] {
            assert!(CaseId::parse(bad).is_err(), "{bad}");
        }
        assert!(CasePrefix::parse("AS1").is_ok());
        assert!(CasePrefix::parse("1AS").is_err());
    }
}
