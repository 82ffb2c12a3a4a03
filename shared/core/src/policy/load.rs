//! Loading and validating policy files.
//!
//! Every mistake is reported with the file, the line and a plain-English reason, because the
//! people who write these files are support managers, and a policy that loads wrongly prints a
//! wrong promise in every auto-reply.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;

use chrono::NaiveDate;
use chrono_tz::Tz;
use serde::Deserialize;
use toml::Spanned;

use super::severity_names::Names as SeverityNames;
use super::{Policy, Route, SecurityBand, Severity, Target, Targets, Tier, normalise_name};
use crate::calendar::{BusinessCalendar, ClosedDate, HolidayRule, Interval, WeeklyHours};
use crate::ids::{CalendarId, CasePrefix, EmailAddress, PolicyId, QueueId, SeverityId, TierId};

/// A policy file that cannot be used, and exactly why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct PolicyError {
    pub source_name: String,
    /// 1-based line of the offending value, when known.
    pub line: Option<usize>,
    pub reason: String,
}

impl PolicyError {
    pub fn new(source_name: &str, line: Option<usize>, reason: impl Into<String>) -> Self {
        Self {
            source_name: source_name.to_string(),
            line,
            reason: reason.into(),
        }
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.source_name, line, self.reason),
            None => write!(f, "{}: {}", self.source_name, self.reason),
        }
    }
}

const BUILTIN: &[(&str, &str)] = &[
    (
        "activestate",
        include_str!("../../policies/activestate.toml"),
    ),
    ("alectrona", include_str!("../../policies/alectrona.toml")),
    ("scalr", include_str!("../../policies/scalr.toml")),
];

/// The ids of the policies shipped with slamail.
pub fn builtin_ids() -> Vec<&'static str> {
    BUILTIN.iter().map(|(id, _)| *id).collect()
}

/// A built-in policy by id.
pub fn builtin(id: &str) -> Result<Policy, PolicyError> {
    let (name, text) = BUILTIN
        .iter()
        .find(|(name, _)| *name == id)
        .ok_or_else(|| {
            PolicyError::new(
                id,
                None,
                format!(
                    "no built-in policy is called {id:?}; built-in policies: {}",
                    builtin_ids().join(", ")
                ),
            )
        })?;
    load_str(text, &format!("built-in:{name}"))
}

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

// ---- the file format, as written ----

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    id: Spanned<String>,
    name: String,
    case_prefix: Spanned<String>,
    addresses: Spanned<Vec<Spanned<String>>>,
    reply_from: Spanned<String>,
    reply_name: Option<String>,
    default_tier: Spanned<String>,
    default_severity: Spanned<String>,
    default_calendar: Spanned<String>,
    #[serde(default)]
    channels: BTreeMap<String, String>,
    calendars: BTreeMap<String, Spanned<RawCalendar>>,
    severities: Spanned<Vec<Spanned<RawSeverity>>>,
    tiers: Spanned<Vec<Spanned<RawTier>>>,
    #[serde(default)]
    targets: Vec<Spanned<RawTarget>>,
    routes: Spanned<Vec<Spanned<RawRoute>>>,
    #[serde(default)]
    security_bands: Vec<Spanned<RawBand>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCalendar {
    zone: Spanned<String>,
    #[serde(default)]
    holidays: Vec<Spanned<String>>,
    hours: BTreeMap<String, Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    closures: Vec<Spanned<RawClosure>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClosure {
    date: Spanned<String>,
    name: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSeverity {
    id: Spanned<String>,
    label: String,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    description: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTier {
    id: Spanned<String>,
    label: String,
    #[serde(default)]
    aliases: Vec<String>,
    designated_contacts: Spanned<i64>,
    email_support: bool,
    #[serde(default)]
    channels: Vec<String>,
    #[serde(default)]
    covers: Vec<Spanned<String>>,
    calendar: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    tier: Spanned<String>,
    severity: Spanned<String>,
    first_response: Spanned<String>,
    update: Option<Spanned<String>>,
    calendar: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRoute {
    queue: Spanned<String>,
    #[serde(default)]
    tiers: Vec<Spanned<String>>,
    #[serde(default)]
    severities: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBand {
    id: Spanned<String>,
    label: String,
    cvss: Spanned<String>,
    warn: Option<Spanned<String>>,
    breach: Option<Spanned<String>>,
}

// ---- validation ----

struct Ctx<'a> {
    name: &'a str,
    text: &'a str,
}

impl Ctx<'_> {
    fn line_of(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        self.text.as_bytes()[..end]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1
    }

    fn err<T>(&self, span: &Spanned<T>, reason: impl Into<String>) -> PolicyError {
        PolicyError::new(self.name, Some(self.line_of(span.span().start)), reason)
    }

    fn id<I, T: std::str::FromStr<Err = crate::ids::IdError>>(
        &self,
        raw: &Spanned<I>,
    ) -> Result<T, PolicyError>
    where
        I: AsRef<str>,
    {
        raw.get_ref()
            .as_ref()
            .parse::<T>()
            .map_err(|e| self.err(raw, e.to_string()))
    }
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
    if raw.addresses.get_ref().is_empty() {
        return Err(cx.err(
            &raw.addresses,
            "addresses is empty: list the support addresses this policy governs",
        ));
    }
    let mut addresses = Vec::new();
    for a in raw.addresses.get_ref() {
        let addr: EmailAddress = cx.id(a)?;
        if addresses.contains(&addr) {
            return Err(cx.err(a, format!("support address {addr} is listed twice")));
        }
        addresses.push(addr);
    }
    let reply_from: EmailAddress = cx.id(&raw.reply_from)?;

    // Calendars.
    let mut calendars = BTreeMap::new();
    for (cal_name, cal) in &raw.calendars {
        let cal_id = CalendarId::parse(cal_name).map_err(|e| cx.err(cal, e.to_string()))?;
        calendars.insert(cal_id, calendar(&cx, cal_name, cal)?);
    }
    if calendars.is_empty() {
        return Err(PolicyError::new(name, None, "no calendar is defined"));
    }
    let default_calendar: CalendarId = cx.id(&raw.default_calendar)?;
    if !calendars.contains_key(&default_calendar) {
        return Err(cx.err(
            &raw.default_calendar,
            format!("default_calendar \"{default_calendar}\" is not one of the calendars defined"),
        ));
    }

    // Severities, most severe first.
    let mut severities: Vec<Severity> = Vec::new();
    let mut names_seen: BTreeMap<String, String> = BTreeMap::new();
    for s in raw.severities.get_ref() {
        let s_ref = s.get_ref();
        let sid: SeverityId = cx.id(&s_ref.id)?;
        if severities.iter().any(|x| x.id == sid) {
            return Err(cx.err(&s_ref.id, format!("severity {sid} is defined twice")));
        }
        for alias in std::iter::once(sid.as_str())
            .chain(std::iter::once(s_ref.label.as_str()))
            .chain(s_ref.aliases.iter().map(String::as_str))
        {
            let key = normalise_name(alias);
            if let Some(other) = names_seen.get(&key)
                && other != sid.as_str()
            {
                return Err(cx.err(
                    s,
                    format!("severity name {alias:?} of {sid} already names severity {other}"),
                ));
            }
            names_seen.insert(key, sid.to_string());
        }
        severities.push(Severity {
            id: sid,
            label: s_ref.label.clone(),
            aliases: s_ref.aliases.clone(),
            description: s_ref.description.clone(),
        });
    }
    if severities.is_empty() {
        return Err(cx.err(&raw.severities, "no severity is defined"));
    }
    let sev_ref = |raw_id: &Spanned<String>| -> Result<SeverityId, PolicyError> {
        let sid: SeverityId = cx.id(raw_id)?;
        if severities.iter().any(|s| s.id == sid) {
            Ok(sid)
        } else {
            Err(cx.err(
                raw_id,
                format!(
                    "unknown severity \"{sid}\"; the severities are {}",
                    severities
                        .iter()
                        .map(|s| s.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ))
        }
    };
    let default_severity = sev_ref(&raw.default_severity)?;

    // Tiers.
    let mut tiers: Vec<Tier> = Vec::new();
    let mut tier_calendars: BTreeMap<TierId, CalendarId> = BTreeMap::new();
    for t in raw.tiers.get_ref() {
        let t_ref = t.get_ref();
        let tid: TierId = cx.id(&t_ref.id)?;
        if tiers.iter().any(|x| x.id == tid) {
            return Err(cx.err(&t_ref.id, format!("tier {tid} is defined twice")));
        }
        let contacts = *t_ref.designated_contacts.get_ref();
        if !(0..=10_000).contains(&contacts) {
            return Err(cx.err(
                &t_ref.designated_contacts,
                format!(
                    "designated_contacts of tier {tid} must be between 0 and 10000, not {contacts}"
                ),
            ));
        }
        let mut covers = Vec::new();
        for c in &t_ref.covers {
            let sid = sev_ref(c)?;
            if covers.contains(&sid) {
                return Err(cx.err(
                    c,
                    format!("tier {tid} lists severity {sid} twice in covers"),
                ));
            }
            covers.push(sid);
        }
        if let Some(c) = &t_ref.calendar {
            let cid: CalendarId = cx.id(c)?;
            if !calendars.contains_key(&cid) {
                return Err(cx.err(c, format!("tier {tid} uses unknown calendar \"{cid}\"")));
            }
            tier_calendars.insert(tid.clone(), cid);
        }
        tiers.push(Tier {
            id: tid,
            label: t_ref.label.clone(),
            aliases: t_ref.aliases.clone(),
            designated_contacts: contacts as u32,
            email_support: t_ref.email_support,
            channels: t_ref.channels.clone(),
            covers,
        });
    }
    if tiers.is_empty() {
        return Err(cx.err(&raw.tiers, "no tier is defined"));
    }
    let tier_ref = |raw_id: &Spanned<String>| -> Result<TierId, PolicyError> {
        let tid: TierId = cx.id(raw_id)?;
        if tiers.iter().any(|t| t.id == tid) {
            Ok(tid)
        } else {
            Err(cx.err(
                raw_id,
                format!(
                    "unknown tier \"{tid}\"; the tiers are {}",
                    tiers
                        .iter()
                        .map(|t| t.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ))
        }
    };
    let default_tier = tier_ref(&raw.default_tier)?;

    // Targets.
    let mut targets: BTreeMap<(TierId, SeverityId), Targets> = BTreeMap::new();
    for t in &raw.targets {
        let t_ref = t.get_ref();
        let tid = tier_ref(&t_ref.tier)?;
        let sid = sev_ref(&t_ref.severity)?;
        let tier = tiers
            .iter()
            .find(|x| x.id == tid)
            .ok_or_else(|| cx.err(&t_ref.tier, "unknown tier"))?;
        if !tier.covers.contains(&sid) {
            return Err(cx.err(
                &t_ref.severity,
                format!(
                    "a target for tier {tid} and severity {sid}, but tier {tid} does not cover {sid}: add it to the tier's covers or remove the target"
                ),
            ));
        }
        if targets.contains_key(&(tid.clone(), sid.clone())) {
            return Err(cx.err(
                t,
                format!("a second target for tier {tid} and severity {sid}"),
            ));
        }
        let cal = match &t_ref.calendar {
            Some(c) => {
                let cid: CalendarId = cx.id(c)?;
                if !calendars.contains_key(&cid) {
                    return Err(cx.err(c, format!("unknown calendar \"{cid}\"")));
                }
                cid
            }
            None => tier_calendars
                .get(&tid)
                .cloned()
                .unwrap_or_else(|| default_calendar.clone()),
        };
        let parse = |raw: &Spanned<String>| {
            Target::parse(raw.get_ref(), &cal).map_err(|e| cx.err(raw, e.to_string()))
        };
        let first_response = parse(&t_ref.first_response)?;
        let update = t_ref.update.as_ref().map(parse).transpose()?;
        for target in std::iter::once(&first_response).chain(update.iter()) {
            if matches!(target, Target::CalendarMonths { .. }) {
                return Err(cx.err(
                    &t_ref.first_response,
                    "a response target cannot be counted in months; months are for security_bands",
                ));
            }
        }
        targets.insert(
            (tid, sid),
            Targets {
                first_response,
                update,
            },
        );
    }
    for tier in &tiers {
        for sid in &tier.covers {
            if !targets.contains_key(&(tier.id.clone(), sid.clone())) {
                return Err(PolicyError::new(
                    name,
                    None,
                    format!(
                        "tier {} covers severity {sid} but no [[targets]] entry gives its response time",
                        tier.id
                    ),
                ));
            }
        }
    }

    // Routes.
    let mut routes = Vec::new();
    for r in raw.routes.get_ref() {
        let r_ref = r.get_ref();
        routes.push(Route {
            queue: r_ref
                .queue
                .get_ref()
                .parse::<QueueId>()
                .map_err(|e| cx.err(&r_ref.queue, e.to_string()))?,
            tiers: r_ref
                .tiers
                .iter()
                .map(&tier_ref)
                .collect::<Result<_, _>>()?,
            severities: r_ref
                .severities
                .iter()
                .map(&sev_ref)
                .collect::<Result<_, _>>()?,
        });
    }
    let fallback_queue = match routes.last() {
        Some(last) if last.tiers.is_empty() && last.severities.is_empty() => last.queue.clone(),
        _ => {
            return Err(cx.err(
                &raw.routes,
                "the last [[routes]] entry must be a catch-all (a queue with no tiers and no severities), so every case has a queue",
            ));
        }
    };

    // Security bands.
    let mut security_bands: Vec<SecurityBand> = Vec::new();
    for b in &raw.security_bands {
        let b_ref = b.get_ref();
        let (min, max) = cvss_range(b_ref.cvss.get_ref()).ok_or_else(|| {
            cx.err(
                &b_ref.cvss,
                format!(
                    "cvss {:?} must be a range like \"7.0-8.9\" within 0.0-10.0, low end first",
                    b_ref.cvss.get_ref()
                ),
            )
        })?;
        if let Some(other) = security_bands
            .iter()
            .find(|o| min <= o.max_tenths && o.min_tenths <= max)
        {
            return Err(cx.err(
                &b_ref.cvss,
                format!(
                    "cvss range {} overlaps band {} ({:.1}-{:.1})",
                    b_ref.cvss.get_ref(),
                    other.id,
                    other.min_tenths as f64 / 10.0,
                    other.max_tenths as f64 / 10.0
                ),
            ));
        }
        let months = |raw: &Option<Spanned<String>>| -> Result<Option<u32>, PolicyError> {
            let Some(raw) = raw else { return Ok(None) };
            match Target::parse(raw.get_ref(), &default_calendar) {
                Ok(Target::CalendarMonths { months }) => Ok(Some(months)),
                Ok(Target::None { .. }) => Ok(None),
                Ok(_) => Err(cx.err(
                    raw,
                    "security targets are counted in calendar months, e.g. \"3 months\"",
                )),
                Err(e) => Err(cx.err(raw, e.to_string())),
            }
        };
        let warn_months = months(&b_ref.warn)?;
        let breach_months = months(&b_ref.breach)?;
        if let (Some(w), Some(br)) = (warn_months, breach_months)
            && w > br
        {
            return Err(cx.err(b, "warn must not be later than breach"));
        }
        security_bands.push(SecurityBand {
            id: b_ref.id.get_ref().clone(),
            label: b_ref.label.clone(),
            min_tenths: min,
            max_tenths: max,
            warn_months,
            breach_months,
        });
    }

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
        channels: raw.channels,
    })
}

fn cvss_range(text: &str) -> Option<(u8, u8)> {
    let (lo, hi) = text.split_once('-')?;
    let tenths = |s: &str| -> Option<u8> {
        let v: f64 = s.trim().parse().ok()?;
        (0.0..=10.0).contains(&v).then(|| (v * 10.0).round() as u8)
    };
    let (lo, hi) = (tenths(lo)?, tenths(hi)?);
    (lo <= hi).then_some((lo, hi))
}

const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

fn calendar(
    cx: &Ctx<'_>,
    cal_name: &str,
    raw: &Spanned<RawCalendar>,
) -> Result<BusinessCalendar, PolicyError> {
    let r = raw.get_ref();
    let zone: Tz = r.zone.get_ref().parse().map_err(|_| {
        cx.err(
            &r.zone,
            format!(
                "calendar {cal_name}: {:?} is not an IANA time zone (write e.g. \"America/Los_Angeles\"; \"PST\" means Pacific civil time)",
                r.zone.get_ref()
            ),
        )
    })?;
    let mut rules = Vec::new();
    for h in &r.holidays {
        rules.push(
            HolidayRule::parse(h.get_ref())
                .map_err(|e| cx.err(h, format!("calendar {cal_name}: {e}")))?,
        );
    }
    let mut days: [Vec<Interval>; 7] = Default::default();
    for (day, intervals) in &r.hours {
        let targets: Vec<usize> = match day.as_str() {
            "weekdays" => (0..5).collect(),
            "weekend" => vec![5, 6],
            "daily" => (0..7).collect(),
            d => match WEEKDAYS.iter().position(|w| *w == d) {
                Some(i) => vec![i],
                None => {
                    return Err(cx.err(
                        intervals,
                        format!(
                            "calendar {cal_name}: unknown day {day:?} in hours; use mon … sun, weekdays, weekend or daily"
                        ),
                    ));
                }
            },
        };
        for text in intervals.get_ref() {
            let interval = Interval::parse(text.get_ref())
                .map_err(|e| cx.err(text, format!("calendar {cal_name}: {e}")))?;
            for &i in &targets {
                days[i].push(interval);
            }
        }
    }
    if days.iter().all(Vec::is_empty) {
        return Err(cx.err(
            raw,
            format!("calendar {cal_name}: no opening hours at all, so no business target could ever be met"),
        ));
    }
    let hours = WeeklyHours::new(days).map_err(|e| {
        // The error names the weekday; point at that day's line when it has one of its own.
        let line_of = r
            .hours
            .values()
            .next()
            .map(|v| cx.err(v, String::new()).line)
            .unwrap_or(None);
        PolicyError::new(cx.name, line_of, format!("calendar {cal_name}: {e}"))
    })?;
    let mut closures = Vec::new();
    let mut seen = BTreeSet::new();
    for c in &r.closures {
        let c_ref = c.get_ref();
        let date = NaiveDate::parse_from_str(c_ref.date.get_ref(), "%Y-%m-%d").map_err(|_| {
            cx.err(
                &c_ref.date,
                format!(
                    "calendar {cal_name}: closure date {:?} is not a date like 2025-12-24",
                    c_ref.date.get_ref()
                ),
            )
        })?;
        if !seen.insert(date) {
            return Err(cx.err(
                &c_ref.date,
                format!("calendar {cal_name}: closure {date} is listed twice"),
            ));
        }
        closures.push(ClosedDate {
            date,
            name: c_ref.name.clone(),
        });
    }
    Ok(BusinessCalendar::new(zone, hours, rules, closures))
}
