//! Parsing the free-text parts of directory requests: display names and mail domains.

use super::error::DirectoryError;
use crate::ids::EmailAddress;

const MAX_NAME: usize = 200;
const MAX_DOMAINS: usize = 50;
/// Each verified domain is stored as one item written in the organisation's own transaction
/// (DynamoDB allows 100 actions per transaction: a change may put all and delete as many).
pub const MAX_VERIFIED_DOMAINS: usize = 20;
/// The intake looks a sender's domain up by its parent domains of at most this many labels (one
/// request each), so a verified domain may not be deeper.
pub const MAX_VERIFIED_DOMAIN_LABELS: usize = 5;

/// A display name: trimmed, 1 to 200 characters, no control characters.
pub fn validate_name(what: &str, raw: &str) -> Result<String, DirectoryError> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(DirectoryError::Invalid(format!("{what} is empty")));
    }
    if name.chars().count() > MAX_NAME {
        return Err(DirectoryError::Invalid(format!(
            "{what} is longer than {MAX_NAME} characters"
        )));
    }
    if name.chars().any(char::is_control) {
        return Err(DirectoryError::Invalid(format!(
            "{what} contains control characters"
        )));
    }
    Ok(name.to_string())
}

/// A person's optional name: blank means none.
pub fn validate_person_name(raw: Option<&str>) -> Result<Option<String>, DirectoryError> {
    match raw {
        Some(n) if !n.trim().is_empty() => validate_name("the name", n).map(Some),
        _ => Ok(None),
    }
}

/// Mail domains: lower-cased host names, deduplicated and sorted.
pub fn validate_domains(raw: &[String]) -> Result<Vec<String>, DirectoryError> {
    if raw.len() > MAX_DOMAINS {
        return Err(DirectoryError::Invalid(format!(
            "at most {MAX_DOMAINS} domains"
        )));
    }
    let mut out = Vec::with_capacity(raw.len());
    for d in raw {
        let d = d.trim().trim_start_matches('@');
        // The address parser already knows what a host name is.
        let probe = EmailAddress::parse(&format!("postmaster@{d}"))
            .map_err(|_| DirectoryError::Invalid(format!("{d:?} is not a domain name")))?;
        if !probe.domain().contains('.') {
            return Err(DirectoryError::Invalid(format!(
                "{d:?} is not a fully qualified domain name"
            )));
        }
        out.push(probe.domain().to_string());
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Verified domains: each one of the organisation's `domains` (already validated), at most
/// [`MAX_VERIFIED_DOMAINS`] of at most [`MAX_VERIFIED_DOMAIN_LABELS`] labels; deduplicated and
/// sorted.
pub fn validate_verified_domains(
    domains: &[String],
    raw: &[String],
) -> Result<Vec<String>, DirectoryError> {
    let verified = validate_domains(raw)?;
    if let Some(d) = verified.iter().find(|d| !domains.contains(d)) {
        return Err(DirectoryError::Invalid(format!(
            "{d:?} is not one of the organisation's domains ({}): add it to the domains first",
            if domains.is_empty() {
                "none".to_string()
            } else {
                domains.join(", ")
            }
        )));
    }
    if verified.len() > MAX_VERIFIED_DOMAINS {
        return Err(DirectoryError::Invalid(format!(
            "at most {MAX_VERIFIED_DOMAINS} verified domains"
        )));
    }
    if let Some(d) = verified
        .iter()
        .find(|d| d.split('.').count() > MAX_VERIFIED_DOMAIN_LABELS)
    {
        return Err(DirectoryError::Invalid(format!(
            "{d:?} has more than {MAX_VERIFIED_DOMAIN_LABELS} labels: verify its parent domain"
        )));
    }
    Ok(verified)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::Role;

    #[test]
    fn validation() {
        assert_eq!(validate_name("name", "  Acme  ").unwrap(), "Acme");
        assert!(validate_name("name", " ").is_err());
        assert!(validate_name("name", "a\u{7}b").is_err());
        assert!(validate_name("name", &"x".repeat(201)).is_err());
        assert_eq!(validate_person_name(Some(" ")).unwrap(), None);
        assert_eq!(
            validate_domains(&[
                "Acme.Example".into(),
                "@acme.example".into(),
                "b.example".into()
            ])
            .unwrap(),
            vec!["acme.example".to_string(), "b.example".to_string()]
        );
        assert!(validate_domains(&["localhost".into()]).is_err());
        assert!(validate_domains(&["bad domain.com".into()]).is_err());
        assert_eq!(Role::parse("Third Party"), Some(Role::ThirdParty));
        assert_eq!(Role::parse("third-party"), Some(Role::ThirdParty));
        assert_eq!(Role::parse("owner"), None);
    }

    #[test]
    fn verified_domains_are_among_the_domains() {
        let own = vec!["acme.example".to_string(), "eu.acme.example".to_string()];
        assert_eq!(
            validate_verified_domains(&own, &["ACME.example".into()]).unwrap(),
            vec!["acme.example".to_string()]
        );
        let err = validate_verified_domains(&own, &["evil.example".into()]).unwrap_err();
        assert!(
            err.to_string()
                .contains("not one of the organisation's domains")
        );
        assert!(validate_verified_domains(&[], &["acme.example".into()]).is_err());
        let deep = vec!["a.b.c.d.acme.example".to_string()];
        assert!(validate_verified_domains(&deep, &deep).is_err());
    }
}
