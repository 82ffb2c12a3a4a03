//! The policy file format as written: TOML with every value's position kept, so that validation
//! can name the line of a mistake. Unknown keys are refused rather than ignored, because a
//! misspelt key would otherwise silently drop a promise.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPolicy {
    pub(super) id: Spanned<String>,
    pub(super) name: String,
    pub(super) case_prefix: Spanned<String>,
    pub(super) addresses: Spanned<Vec<Spanned<String>>>,
    pub(super) reply_from: Spanned<String>,
    pub(super) reply_name: Option<String>,
    pub(super) default_tier: Spanned<String>,
    pub(super) default_severity: Spanned<String>,
    pub(super) default_calendar: Spanned<String>,
    pub(super) entitlement: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) channels: BTreeMap<String, Spanned<RawChannel>>,
    pub(super) wording: Option<Spanned<RawWording>>,
    pub(super) email_intake: Option<Spanned<RawEmailIntake>>,
    #[serde(default)]
    pub(super) request_kinds: Vec<Spanned<RawRequestKind>>,
    pub(super) security: Option<Spanned<RawSecurity>>,
    pub(super) calendars: BTreeMap<String, Spanned<RawCalendar>>,
    pub(super) severities: Spanned<Vec<Spanned<RawSeverity>>>,
    pub(super) tiers: Spanned<Vec<Spanned<RawTier>>>,
    #[serde(default)]
    pub(super) targets: Vec<Spanned<RawTarget>>,
    pub(super) routes: Spanned<Vec<Spanned<RawRoute>>>,
    #[serde(default)]
    pub(super) security_bands: Vec<Spanned<RawBand>>,
    pub(super) conversation: Option<Spanned<RawConversation>>,
    pub(super) warnings: Option<Spanned<RawWarnings>>,
    pub(super) reply_limits: Option<RawReplyLimits>,
}

/// `[warnings]`: the SLA watch's points, their per-cell overrides and named audiences.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawWarnings {
    pub(super) points: Option<Spanned<Vec<Spanned<RawPoint>>>>,
    #[serde(default)]
    pub(super) overrides: Vec<Spanned<RawWarningOverride>>,
    #[serde(default)]
    pub(super) audiences: BTreeMap<String, Spanned<RawNotify>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPoint {
    pub(super) at: Spanned<String>,
    pub(super) notify: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawWarningOverride {
    pub(super) tier: Spanned<String>,
    pub(super) severity: Spanned<String>,
    pub(super) points: Spanned<Vec<Spanned<RawPoint>>>,
}

/// Notification targets: staff addresses and/or an SNS topic.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawNotify {
    #[serde(default)]
    pub(super) email: Vec<Spanned<String>>,
    pub(super) sns: Option<Spanned<String>>,
}

/// `[reply_limits]`: each list of `"N per hour|day[, burst B]"` replaces its default.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawReplyLimits {
    pub(super) per_address: Option<Spanned<Vec<Spanned<String>>>>,
    pub(super) per_domain: Option<Spanned<Vec<Spanned<String>>>>,
    pub(super) per_policy: Option<Spanned<Vec<Spanned<String>>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawConversation {
    #[serde(default)]
    pub(super) staff_addresses: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) staff_domains: Vec<Spanned<String>>,
    pub(super) reopen_days: Option<Spanned<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCalendar {
    pub(super) zone: Spanned<String>,
    #[serde(default)]
    pub(super) holidays: Vec<Spanned<String>>,
    pub(super) hours: BTreeMap<String, Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    pub(super) closures: Vec<Spanned<RawClosure>>,
    /// Whether these are the vendor's published hours (quoted in replies) or an assumption
    /// used only for counting.
    pub(super) published: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawClosure {
    pub(super) date: Spanned<String>,
    pub(super) name: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSeverity {
    pub(super) id: Spanned<String>,
    pub(super) label: String,
    #[serde(default)]
    pub(super) aliases: Vec<String>,
    #[serde(default)]
    pub(super) description: String,
    /// Whether the SLA watch sends this severity's warnings outside opening hours.
    #[serde(default)]
    pub(super) page_after_hours: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTier {
    pub(super) id: Spanned<String>,
    pub(super) label: String,
    #[serde(default)]
    pub(super) aliases: Vec<String>,
    pub(super) designated_contacts: Spanned<i64>,
    pub(super) email_support: bool,
    #[serde(default)]
    pub(super) channels: Vec<String>,
    #[serde(default)]
    pub(super) covers: Vec<Spanned<String>>,
    pub(super) calendar: Option<Spanned<String>>,
    pub(super) escalation: Option<Spanned<RawEscalation>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawEscalation {
    pub(super) severities: Vec<Spanned<String>>,
    pub(super) channels: Vec<Spanned<String>>,
}

/// A channel: a table naming it and how to reach it, or (the older form) just its URL.
#[derive(Deserialize)]
#[serde(untagged)]
pub(super) enum RawChannel {
    Url(String),
    Table(RawChannelTable),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawChannelTable {
    pub(super) name: String,
    pub(super) url: Option<String>,
    pub(super) address: Option<String>,
    pub(super) phone: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawWording {
    pub(super) severity: Option<String>,
    pub(super) contact: Option<String>,
    pub(super) contacts: Option<String>,
    pub(super) promise: Option<Spanned<String>>,
    pub(super) administrator: Option<String>,
    pub(super) requested: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawEmailIntake {
    pub(super) covered: bool,
    pub(super) channel: Option<Spanned<String>>,
    pub(super) text: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRequestKind {
    pub(super) id: Spanned<String>,
    pub(super) label: String,
    pub(super) keywords: Spanned<Vec<String>>,
    pub(super) queue: Spanned<String>,
    pub(super) reply: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSecurity {
    #[serde(default)]
    pub(super) products: Vec<String>,
    #[serde(default)]
    pub(super) keywords: Vec<String>,
    #[serde(default)]
    pub(super) guideline: bool,
    pub(super) disclosure: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTarget {
    pub(super) tier: Spanned<String>,
    pub(super) severity: Spanned<String>,
    pub(super) first_response: Spanned<String>,
    pub(super) update: Option<Spanned<String>>,
    pub(super) calendar: Option<Spanned<String>>,
    pub(super) aim: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRoute {
    pub(super) queue: Spanned<String>,
    #[serde(default)]
    pub(super) tiers: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) severities: Vec<Spanned<String>>,
    /// Who gets this queue's warnings.
    pub(super) notify: Option<Spanned<RawNotify>>,
    /// Who gets its escalations (`notify = "lead"`); `notify` when absent.
    pub(super) lead: Option<Spanned<RawNotify>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBand {
    pub(super) id: Spanned<String>,
    pub(super) label: String,
    pub(super) cvss: Spanned<String>,
    pub(super) warn: Option<Spanned<String>>,
    pub(super) breach: Option<Spanned<String>>,
}
