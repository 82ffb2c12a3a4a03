//! Loading and validating policy files.
//!
//! Every mistake is reported with the file, the line and a plain-English reason, because the
//! people who write these files are support managers, and a policy that loads wrongly prints a
//! wrong promise in every auto-reply.
//!
//! [`load_str`] reads the file as written ([`raw`]) and then validates it one section at a time,
//! in the order the sections depend on each other: the policy's own addresses, [`calendars`],
//! [`severities`], [`tiers`], [`targets`], [`routes`], [`security_bands`], [`reply_limits`] and [`wording`] (the
//! vendor's words, channels, email intake, request kinds and security scope).

mod calendars;
mod context;
mod conversation;
mod raw;
mod reply_limits;
mod routes;
mod security_bands;
mod severities;
mod targets;
mod tiers;
mod warnings;
mod wording;

use std::path::Path;

use toml::Spanned;

use super::severity_names::Names as SeverityNames;
use super::{Policy, PolicyError, builtin, builtin_ids};
use crate::ids::{CasePrefix, EmailAddress, PolicyId};
use context::Ctx;
use raw::RawPolicy;

/// A policy file from disk.
pub fn load_file(path: &Path) -> Result<Policy, PolicyError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path)
        .map_err(|e| PolicyError::new(&name, None, format!("cannot read the file: {e}")))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| PolicyError::new(&name, None, "the file is not valid UTF-8 text"))?;
    load_str(&text, &name)
}

/// A built-in id, or else a path: what operators type after `--policy`.
pub fn load_named(id_or_path: &str) -> Result<Policy, PolicyError> {
    if builtin_ids().contains(&id_or_path) {
        return builtin(id_or_path);
    }
    let path = Path::new(id_or_path);
    if path.exists() {
        return load_file(path);
    }
    Err(PolicyError::new(
        id_or_path,
        None,
        format!(
            "neither a built-in policy ({}) nor an existing file",
            builtin_ids().join(", ")
        ),
    ))
}

/// Parses and validates a policy from TOML text; `name` is used in error messages.
pub fn load_str(text: &str, name: &str) -> Result<Policy, PolicyError> {
    let cx = Ctx { name, text };
    let raw: RawPolicy = toml::from_str(text).map_err(|e| {
        PolicyError::new(
            name,
            e.span().map(|s| cx.line_of(s.start)),
            e.message().trim().to_string(),
        )
    })?;

    let (id, case_prefix, addresses, reply_from) = identity(&cx, &raw)?;
    let (calendars, default_calendar) =
        calendars::calendars(&cx, &raw.calendars, &raw.default_calendar)?;
    let severities = severities::severities(&cx, &raw.severities)?;
    let default_severity = severities::severity_ref(&cx, &severities, &raw.default_severity)?;
    let (mut tiers, tier_calendars) = tiers::tiers(&cx, &raw.tiers, &severities, &calendars)?;
    let channels = wording::channels(&cx, &raw.channels)?;
    wording::tier_channels(&cx, &raw.tiers, &mut tiers, &channels, &severities)?;
    let default_tier = tiers::tier_ref(&cx, &tiers, &raw.default_tier)?;
    let targets = targets::targets(
        &cx,
        &raw.targets,
        &tiers,
        &severities,
        &targets::Calendars {
            defined: &calendars,
            of_tier: &tier_calendars,
            default: &default_calendar,
        },
    )?;
    let mut own = addresses.clone();
    own.push(reply_from.clone());
    let (routes, fallback_queue) = routes::routes(&cx, &raw.routes, &tiers, &severities, &own)?;
    let warnings = warnings::warnings(
        &cx,
        raw.warnings.as_ref(),
        &tiers,
        &severities,
        &default_calendar,
        &own,
    )?;
    let security_bands =
        security_bands::security_bands(&cx, &raw.security_bands, &default_calendar)?;
    let security_scope = wording::security(&cx, raw.security.as_ref(), !security_bands.is_empty())?;
    let entitlement = wording::entitlement(&cx, &raw)?;
    let policy_wording = wording::wording(&cx, raw.wording.as_ref())?;
    let email_intake = wording::email_intake(&cx, raw.email_intake.as_ref(), &channels)?;
    let request_kinds = wording::request_kinds(&cx, &raw.request_kinds)?;
    let unpublished_calendars = calendars::unpublished(&raw.calendars);
    let conversation = conversation::conversation(&cx, raw.conversation.as_ref(), &own)?;
    let version = version_of(&id, text);
    let reply_limits = reply_limits::reply_limits(&cx, raw.reply_limits.as_ref())?;

    Ok(Policy {
        id,
        name: raw.name,
        source: name.to_string(),
        case_prefix,
        addresses,
        reply_from,
        reply_name: raw.reply_name.unwrap_or_else(|| "Support".to_string()),
        default_tier,
        default_severity,
        tiers,
        severity_names: SeverityNames::of(&severities),
        severities,
        calendars,
        default_calendar,
        targets,
        routes,
        fallback_queue,
        security_bands,
        security_scope,
        channels,
        entitlement,
        wording: policy_wording,
        email_intake,
        request_kinds,
        unpublished_calendars,
        conversation,
        warnings,
        version,
        reply_limits,
    })
}

/// `<id>@<first 12 hex digits of the SHA-256 of the file>`: names the exact text a clock
/// ledger entry was computed under, so a later reader can tell whether the policy changed since.
fn version_of(id: &PolicyId, text: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(text.as_bytes());
    let hex: String = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
    format!("{id}@{hex}")
}

/// The policy's id, case prefix, the support addresses it governs and the address it replies from.
fn identity(
    cx: &Ctx<'_>,
    raw: &RawPolicy,
) -> Result<(PolicyId, CasePrefix, Vec<EmailAddress>, EmailAddress), PolicyError> {
    let id: PolicyId = cx.id(&raw.id)?;
    let case_prefix = CasePrefix::parse(raw.case_prefix.get_ref()).map_err(|_| {
        cx.err(
            &raw.case_prefix,
            format!(
                "case_prefix {:?} must be 1 to 8 upper-case letters or digits, starting with a letter",
                raw.case_prefix.get_ref()
            ),
        )
    })?;
    let addresses = addresses(cx, &raw.addresses)?;
    let reply_from: EmailAddress = cx.id(&raw.reply_from)?;
    Ok((id, case_prefix, addresses, reply_from))
}

fn addresses(
    cx: &Ctx<'_>,
    raw: &Spanned<Vec<Spanned<String>>>,
) -> Result<Vec<EmailAddress>, PolicyError> {
    if raw.get_ref().is_empty() {
        return Err(cx.err(
            raw,
            "addresses is empty: list the support addresses this policy governs",
        ));
    }
    let mut addresses = Vec::new();
    for a in raw.get_ref() {
        let addr: EmailAddress = cx.id(a)?;
        if addresses.contains(&addr) {
            return Err(cx.err(a, format!("support address {addr} is listed twice")));
        }
        addresses.push(addr);
    }
    Ok(addresses)
}
