//! Support policies as data.
//!
//! A policy is what a vendor promises: its tiers (with how many designated contacts each allows),
//! its severities (with the names customers use for them), which severities each tier covers, the
//! response targets per tier × severity, the calendars those targets run on, the routing of cases to
//! queues, and the security-fix targets by CVSS band. A new vendor is a new TOML file, never new
//! code: see `shared/core/policies/` for the format, and `load` for its validation.
//!
//! One concept per file: [`target`] (a target as written), [`metric`] (which response it is
//! about), [`clamp`] (fitting an asked severity to a tier), [`routing`] (the queue of a case),
//! [`security`] (security-fix bands), [`reply_limits`] (caps on auto-replies), [`names`] (how names compare), [`set`] (the policies of a
//! deployment), `severity_names` (the words severity detection matches), [`builtin`](mod@builtin),
//! [`error`] and `load` (reading and validating a file, one section at a time).

pub mod builtin;
pub mod channel;
pub mod clamp;
pub mod conversation;
pub mod entitlement;
pub mod error;
mod load;
pub mod metric;
pub mod names;
pub mod reply_limits;
pub mod request_kind;
pub mod routing;
pub mod security;
pub mod set;
pub(crate) mod severity_names;
pub mod target;
pub mod warnings;
pub mod wording;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::calendar::BusinessCalendar;
use crate::ids::{CalendarId, CasePrefix, EmailAddress, PolicyId, QueueId, SeverityId, TierId};
use severity_names::Names as SeverityNames;

pub use builtin::{builtin, builtin_ids};
pub use channel::{Channel, ChannelContact, EmailIntake, Escalation};
pub use clamp::Clamped;
pub use conversation::Conversation;
pub use entitlement::Entitlement;
pub use error::PolicyError;
pub use load::{load_file, load_named, load_str};
pub use metric::Metric;
pub use names::normalise_name;
pub use reply_limits::{Rate, RateWindow, ReplyLimits};
pub use request_kind::RequestKind;
pub use routing::Route;
pub use security::{SecurityBand, SecurityScope};
pub use set::PolicySet;
pub use target::{NoCommitment, Target, TargetParseError};
pub use warnings::{Audience, NotifyTargets, PointAt, SnsTopicArn, WarningPoint, Warnings};
pub use wording::{Template, Wording};

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
    /// Which messages the security bands apply to, and how the vendor words them.
    pub security_scope: SecurityScope,
    /// The support channels tiers name, by id; every channel a tier lists (but `email`) is here.
    pub channels: BTreeMap<String, Channel>,
    /// Who gets an organisation's tier.
    pub entitlement: Entitlement,
    /// The vendor's words for what a reply names.
    pub wording: Wording,
    /// Whether an emailed new request is covered by the response times.
    pub email_intake: EmailIntake,
    /// Requests outside the SLA, checked in order.
    pub request_kinds: Vec<RequestKind>,
    /// Calendars whose hours the vendor does not publish (an assumption used for counting only):
    /// a reply never quotes them.
    pub unpublished_calendars: BTreeSet<CalendarId>,
    /// Staff and the reopening window (`[conversation]`).
    pub conversation: Conversation,
    /// The SLA watch's warning points and audiences (`[warnings]`).
    pub warnings: Warnings,
    /// `<id>@<hash of the file>`: which text of the policy was in force (see the clock ledger).
    pub version: String,
    /// `severities`' names as severity detection matches them, derived once at load because
    /// every inbound message needs them.
    severity_names: SeverityNames,
    /// Caps on auto-replies (per address, per domain, per policy).
    pub reply_limits: ReplyLimits,
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
    /// Faster channels its reply names for its most severe requests.
    pub escalation: Option<Escalation>,
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
    /// Whether the SLA watch sends this severity's warnings outside opening hours (others wait
    /// for the next opening).
    pub page_after_hours: bool,
}
/// The targets of one tier × severity cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Targets {
    pub first_response: Target,
    /// `None` when the policy states no update target; the first-response target then applies.
    pub update: Option<Target>,
    /// For a best-effort target: the aim the vendor states without guaranteeing it, quoted in
    /// the reply ("Scalr support will endeavour to respond within the same business day …").
    pub aim: Option<String>,
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
    /// names no separate one. `None` when the tier has no commitment for that severity. The SLA
    /// clock does not use this fallback: see [`Policy::update_target`].
    pub fn target(&self, tier: &TierId, severity: &SeverityId, metric: Metric) -> Option<&Target> {
        let cell = self.targets(tier, severity)?;
        match metric {
            Metric::FirstResponse => Some(&cell.first_response),
            Metric::Update => Some(cell.update.as_ref().unwrap_or(&cell.first_response)),
        }
    }
    /// The update (in-progress) target the policy states for a cell, and only a stated one: a
    /// policy without an update column promises no update time, so no update clock runs.
    pub fn update_target(&self, tier: &TierId, severity: &SeverityId) -> Option<&Target> {
        self.targets(tier, severity)?.update.as_ref()
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

    /// A calendar whose hours a reply may quote: one the vendor publishes.
    pub fn published_calendar(&self, id: &CalendarId) -> Option<&BusinessCalendar> {
        if self.unpublished_calendars.contains(id) {
            return None;
        }
        self.calendar(id)
    }

    /// A channel a tier names, as a reply names it.
    pub fn channel(&self, id: &str) -> Option<&Channel> {
        self.channels.get(id)
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

#[cfg(test)]
mod tests;
