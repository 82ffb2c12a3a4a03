//! Support policies as data.
//!
//! A policy is what a vendor promises: its tiers (with how many designated contacts each allows),
//! its severities (with the names customers use for them), which severities each tier covers, the
//! response targets per tier × severity, the calendars those targets run on, the routing of cases to
//! queues, and the security-fix targets by CVSS band. A new vendor is a new TOML file, never new
//! code: see `shared/core/policies/` for the format, and [`load`] for its validation.

mod builtin;
mod error;
mod load;
pub(crate) mod severity_names;
mod target;

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use crate::calendar::BusinessCalendar;
use crate::ids::{CalendarId, CasePrefix, EmailAddress, PolicyId, QueueId, SeverityId, TierId};
use severity_names::Names as SeverityNames;

pub use builtin::{builtin, builtin_ids};
pub use error::PolicyError;
pub use load::{load_file, load_named, load_str};
pub use target::{NoCommitment, Target, TargetParseError};

/// One vendor's support policy, validated.
#[derive(Debug, Clone)]
pub struct Policy {
    pub id: PolicyId,
    pub name: String,
    /// Where the policy came from: a file path or `built-in:<id>`, for messages.
    pub source: String,
    pub case_prefix: CasePrefix,
    /// The support addresses whose mail this policy governs (envelope recipients).
    pub addresses: Vec<EmailAddress>,
    pub reply_from: EmailAddress,
    pub reply_name: String,
    /// The tier of everyone who is not an authenticated designated contact.
    pub default_tier: TierId,
    /// The severity of a message that asks for none.
    pub default_severity: SeverityId,
    /// Tiers in the order the policy lists them (lowest first).
    pub tiers: Vec<Tier>,
    /// Severities from the most to the least severe. Severity detection matches the names these
    /// had at load, so a policy is not meant to be edited after loading.
    pub severities: Vec<Severity>,
    pub calendars: BTreeMap<CalendarId, BusinessCalendar>,
    /// The calendar that support hours are quoted from, and business targets use by default.
    pub default_calendar: CalendarId,
    targets: BTreeMap<(TierId, SeverityId), Targets>,
    pub routes: Vec<Route>,
    /// The queue of the catch-all (last) routing rule.
    fallback_queue: QueueId,
    pub security_bands: Vec<SecurityBand>,
    /// Where people without email support should go (e.g. a community forum).
    pub channels: BTreeMap<String, String>,
    /// `severities`' names as severity detection matches them, derived once at load because
    /// every inbound message needs them.
    severity_names: SeverityNames,
}

#[derive(Debug, Clone, Serialize)]
pub struct Tier {
    pub id: TierId,
    pub label: String,
    pub aliases: Vec<String>,
    /// How many designated contacts an organisation at this tier may register (before purchased extras).
    pub designated_contacts: u32,
    /// Whether this tier gets support by email at all (ActiveState Free: forum only).
    pub email_support: bool,
    /// Support channels, e.g. `email`, `phone`, `forum`.
    pub channels: Vec<String>,
    /// Severities this tier has a commitment for; others are clamped (see [`Policy::clamp`]).
    pub covers: Vec<SeverityId>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Severity {
    pub id: SeverityId,
    pub label: String,
    /// Other names customers use: "Level 1", "P0", "Urgent" …
    pub aliases: Vec<String>,
    pub description: String,
}

/// Which response a target is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Metric {
    /// From the case's receipt.
    FirstResponse,
    /// From the customer's latest follow-up on an open, already answered case.
    Update,
}

impl Metric {
    pub fn parse(text: &str) -> Option<Self> {
        match normalise_name(text).as_str() {
            "first response" | "first" | "new" | "new case" => Some(Self::FirstResponse),
            "update" | "in progress" | "in progress case" => Some(Self::Update),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::FirstResponse => "first-response",
            Self::Update => "update",
        }
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The targets of one tier × severity cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Targets {
    pub first_response: Target,
    /// `None` when the policy states no update target; the first-response target then applies.
    pub update: Option<Target>,
}

/// A routing rule: the first rule whose tiers and severities both match chooses the queue.
/// An empty list matches everything.
#[derive(Debug, Clone, Serialize)]
pub struct Route {
    pub queue: QueueId,
    pub tiers: Vec<TierId>,
    pub severities: Vec<SeverityId>,
}

/// A security-fix commitment for a CVSS range, counted in calendar months from public disclosure.
#[derive(Debug, Clone, Serialize)]
pub struct SecurityBand {
    pub id: String,
    pub label: String,
    /// Inclusive CVSS range, in tenths (9.0 → 90) so that bands compare exactly.
    pub min_tenths: u8,
    pub max_tenths: u8,
    /// Months after which the fix is expected (a warning), if any.
    pub warn_months: Option<u32>,
    /// Months after which the target is breached, if any.
    pub breach_months: Option<u32>,
}

/// The outcome of fitting a requested severity to what a tier covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Clamped {
    pub asked: SeverityId,
    pub assigned: SeverityId,
    /// Plain-English reason when `assigned != asked`.
    pub reason: Option<String>,
}

impl Policy {
    pub fn tier(&self, id: &TierId) -> Option<&Tier> {
        self.tiers.iter().find(|t| &t.id == id)
    }

    /// The severities' ids, labels and aliases as lower-case words, as they were at load.
    pub(crate) fn severity_names(&self) -> &SeverityNames {
        &self.severity_names
    }

    pub fn severity(&self, id: &SeverityId) -> Option<&Severity> {
        self.severities.iter().find(|s| &s.id == id)
    }

    /// Finds a tier by id, label or alias, in any case ("Enterprise", "business standard").
    pub fn find_tier(&self, name: &str) -> Option<&Tier> {
        let wanted = normalise_name(name);
        self.tiers.iter().find(|t| {
            t.id.as_str() == wanted
                || normalise_name(&t.label) == wanted
                || t.aliases.iter().any(|a| normalise_name(a) == wanted)
        })
    }

    /// Finds a severity by id, label or alias, in any case ("Level 1", "P0", "urgent").
    pub fn find_severity(&self, name: &str) -> Option<&Severity> {
        let wanted = normalise_name(name);
        self.severities.iter().find(|s| {
            s.id.as_str() == wanted
                || normalise_name(&s.label) == wanted
                || s.aliases.iter().any(|a| normalise_name(a) == wanted)
        })
    }

    /// Position of a severity from the most severe (0).
    pub fn severity_rank(&self, id: &SeverityId) -> Option<usize> {
        self.severities.iter().position(|s| &s.id == id)
    }

    pub fn targets(&self, tier: &TierId, severity: &SeverityId) -> Option<&Targets> {
        self.targets.get(&(tier.clone(), severity.clone()))
    }

    /// The target for a metric; an update falls back to the first-response target when the policy
    /// names no separate one. `None` when the tier has no commitment for that severity.
    pub fn target(&self, tier: &TierId, severity: &SeverityId, metric: Metric) -> Option<&Target> {
        let cell = self.targets(tier, severity)?;
        match metric {
            Metric::FirstResponse => Some(&cell.first_response),
            Metric::Update => Some(cell.update.as_ref().unwrap_or(&cell.first_response)),
        }
    }

    /// Fits the severity a sender asked for to what their tier covers.
    ///
    /// A tier that covers nothing keeps the asked severity (there is no commitment to clamp to).
    /// Otherwise an uncovered severity becomes the most severe covered one that is *less* severe
    /// than what was asked (a Team "critical" is handled as Minor); if the tier only covers more
    /// severe ones, the least severe of those.
    pub fn clamp(&self, tier: &Tier, asked: &SeverityId) -> Clamped {
        let unchanged = Clamped {
            asked: asked.clone(),
            assigned: asked.clone(),
            reason: None,
        };
        if tier.covers.is_empty() || tier.covers.contains(asked) {
            return unchanged;
        }
        let Some(asked_rank) = self.severity_rank(asked) else {
            return unchanged;
        };
        let covered: Vec<(usize, &SeverityId)> = tier
            .covers
            .iter()
            .filter_map(|s| self.severity_rank(s).map(|r| (r, s)))
            .collect();
        let pick = covered
            .iter()
            .filter(|(r, _)| *r > asked_rank)
            .min_by_key(|(r, _)| *r)
            .or_else(|| covered.iter().max_by_key(|(r, _)| *r));
        let Some((_, assigned)) = pick else {
            return unchanged;
        };
        let label = |id: &SeverityId| {
            self.severity(id)
                .map(|s| s.label.clone())
                .unwrap_or_else(|| id.to_string())
        };
        Clamped {
            asked: asked.clone(),
            assigned: (*assigned).clone(),
            reason: Some(format!(
                "the {} tier does not cover {} requests; handled as {}",
                tier.label,
                label(asked),
                label(assigned)
            )),
        }
    }

    /// The queue for a case, by the first matching routing rule.
    pub fn route(&self, tier: &TierId, severity: &SeverityId) -> &QueueId {
        self.routes
            .iter()
            .find(|r| {
                (r.tiers.is_empty() || r.tiers.contains(tier))
                    && (r.severities.is_empty() || r.severities.contains(severity))
            })
            .map(|r| &r.queue)
            // Validation guarantees a non-empty list ending in a catch-all rule.
            .unwrap_or(&self.fallback_queue)
    }

    /// The security band of a CVSS score (0.0–10.0), if the policy has one for it.
    pub fn security_band(&self, cvss: f64) -> Option<&SecurityBand> {
        if !(0.0..=10.0).contains(&cvss) {
            return None;
        }
        let tenths = (cvss * 10.0).round() as u8;
        self.security_bands
            .iter()
            .find(|b| (b.min_tenths..=b.max_tenths).contains(&tenths))
    }

    /// The calendar a business target runs on.
    pub fn calendar(&self, id: &CalendarId) -> Option<&BusinessCalendar> {
        self.calendars.get(id)
    }

    /// The calendar whose hours the auto-reply quotes.
    pub fn support_calendar(&self) -> &BusinessCalendar {
        // Validation guarantees the default calendar exists.
        &self.calendars[&self.default_calendar]
    }

    /// Whether an address is one of this policy's own (support or reply-from) addresses.
    pub fn is_own_address(&self, address: &EmailAddress) -> bool {
        &self.reply_from == address || self.addresses.contains(address)
    }

    /// Every (tier, severity) cell with its targets, in tier then severity order.
    pub fn target_table(&self) -> Vec<(&Tier, &Severity, Option<&Targets>)> {
        let mut rows = Vec::new();
        for tier in &self.tiers {
            for sev in &self.severities {
                rows.push((tier, sev, self.targets(&tier.id, &sev.id)));
            }
        }
        rows
    }
}

/// Lower-cases and collapses whitespace, `_` and `-` runs so that "Level  1", "level-1" and
/// "LEVEL_1" all name the same thing.
pub fn normalise_name(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text
        .split(|c: char| c.is_whitespace() || c == '_' || c == '-')
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

/// A set of policies, answering "which policy governs mail sent to these addresses?".
#[derive(Debug, Clone, Default)]
pub struct PolicySet {
    policies: Vec<Policy>,
}

impl PolicySet {
    /// Builds a set, refusing two policies that claim the same id or support address.
    pub fn new(policies: Vec<Policy>) -> Result<Self, PolicyError> {
        for (i, a) in policies.iter().enumerate() {
            for b in &policies[..i] {
                if a.id == b.id {
                    return Err(PolicyError::new(
                        &a.source,
                        None,
                        format!("policy id {} is also used by {}", a.id, b.source),
                    ));
                }
                if let Some(addr) = a.addresses.iter().find(|x| b.addresses.contains(x)) {
                    return Err(PolicyError::new(
                        &a.source,
                        None,
                        format!(
                            "support address {addr} is also claimed by policy {} ({})",
                            b.id, b.source
                        ),
                    ));
                }
            }
        }
        Ok(Self { policies })
    }

    /// Every built-in policy.
    pub fn builtin() -> Result<Self, PolicyError> {
        let policies = builtin_ids()
            .iter()
            .map(|id| builtin(id))
            .collect::<Result<Vec<_>, _>>()?;
        Self::new(policies)
    }

    /// The policies a deployment names, comma-separated built-in ids or paths (the functions'
    /// `POLICY_FILES`); nothing named means every built-in policy.
    pub fn from_list(list: Option<&str>) -> Result<Self, PolicyError> {
        let names: Vec<&str> = list
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .collect();
        if names.is_empty() {
            return Self::builtin();
        }
        Self::new(
            names
                .into_iter()
                .map(load_named)
                .collect::<Result<Vec<_>, _>>()?,
        )
    }

    pub fn policies(&self) -> &[Policy] {
        &self.policies
    }

    pub fn get(&self, id: &PolicyId) -> Option<&Policy> {
        self.policies.iter().find(|p| &p.id == id)
    }

    /// The policy of the first envelope recipient that is a support address, with that address.
    pub fn for_recipients<'a>(
        &self,
        recipients: impl IntoIterator<Item = &'a EmailAddress>,
    ) -> Option<(&Policy, &'a EmailAddress)> {
        recipients.into_iter().find_map(|r| {
            self.policies
                .iter()
                .find(|p| p.addresses.contains(r))
                .map(|p| (p, r))
        })
    }

    /// Whether the address belongs to any policy (support or reply-from): mail from it is our own.
    pub fn is_own_address(&self, address: &EmailAddress) -> bool {
        self.policies.iter().any(|p| p.is_own_address(address))
    }
}

#[cfg(test)]
mod tests;
