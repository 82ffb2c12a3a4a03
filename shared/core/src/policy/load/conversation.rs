//! `[conversation]`: the vendor's staff and the reopening window.

use toml::Spanned;

use super::context::Ctx;
use super::raw::RawConversation;
use crate::ids::EmailAddress;
use crate::policy::{Conversation, PolicyError};

/// Ten years: beyond that a reopening window is a typo.
const MAX_REOPEN_DAYS: i64 = 3650;

pub(super) fn conversation(
    cx: &Ctx<'_>,
    raw: Option<&Spanned<RawConversation>>,
    own: &[EmailAddress],
) -> Result<Conversation, PolicyError> {
    let Some(raw) = raw.map(Spanned::get_ref) else {
        return Ok(Conversation::default());
    };
    let mut staff_addresses = Vec::new();
    for a in &raw.staff_addresses {
        let addr: EmailAddress = cx.id(a)?;
        if own.contains(&addr) {
            return Err(cx.err(
                a,
                format!(
                    "{addr} is one of the policy's own addresses; mail from it is never an agent's"
                ),
            ));
        }
        if staff_addresses.contains(&addr) {
            return Err(cx.err(a, format!("staff address {addr} is listed twice")));
        }
        staff_addresses.push(addr);
    }
    let mut staff_domains: Vec<String> = Vec::new();
    for d in &raw.staff_domains {
        let domain = d
            .get_ref()
            .trim()
            .trim_start_matches('@')
            .to_ascii_lowercase();
        // A domain is checked by making an address of it.
        if domain.is_empty() || EmailAddress::parse(&format!("staff@{domain}")).is_err() {
            return Err(cx.err(d, format!("{:?} is not a domain name", d.get_ref())));
        }
        if staff_domains.contains(&domain) {
            return Err(cx.err(d, format!("staff domain {domain} is listed twice")));
        }
        staff_domains.push(domain);
    }
    let reopen_days = match &raw.reopen_days {
        None => 0,
        Some(n) if (0..=MAX_REOPEN_DAYS).contains(n.get_ref()) => *n.get_ref() as u32,
        Some(n) => {
            return Err(cx.err(
                n,
                format!("reopen_days must be between 0 (never) and {MAX_REOPEN_DAYS}"),
            ));
        }
    };
    Ok(Conversation {
        staff_addresses,
        staff_domains,
        reopen_days,
    })
}
