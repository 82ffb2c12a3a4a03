//! `[warnings]` and the routing rules' `notify` / `lead`: the SLA watch's points, per-cell
//! overrides and audiences. A point that cannot be placed in time, an audience that does not
//! exist, or a warning address that is one of the policy's own support addresses (whose mail the
//! intake would turn into a case, and so a loop) is refused at load.

use std::collections::BTreeMap;

use toml::Spanned;

use super::context::Ctx;
use super::raw::{RawNotify, RawPoint, RawWarnings};
use super::severities::severity_ref;
use super::tiers::tier_ref;
use crate::ids::{CalendarId, EmailAddress};
use crate::policy::{
    Audience, NotifyTargets, PointAt, PolicyError, Severity, SnsTopicArn, Target, Tier,
    WarningPoint, Warnings, normalise_name,
};

/// The points used when a policy has no `[warnings] points`: half and four fifths of the time,
/// the due instant, and escalations one business hour (the queue's lead) and four business hours
/// (the `manager` audience, else the lead) after it.
const DEFAULT_POINTS: [(&str, Option<&str>); 5] = [
    ("50%", None),
    ("80%", None),
    ("breach", None),
    ("breach + 1 business hour", Some("lead")),
    ("breach + 4 business hours", Some("manager")),
];

/// Notification targets as written.
pub(super) fn notify(
    cx: &Ctx<'_>,
    raw: &Spanned<RawNotify>,
    own: &[EmailAddress],
) -> Result<NotifyTargets, PolicyError> {
    let r = raw.get_ref();
    let mut email = Vec::new();
    for a in &r.email {
        let addr: EmailAddress = cx.id(a)?;
        if own.contains(&addr) {
            return Err(cx.err(
                a,
                format!(
                    "{addr} is one of this policy's own support addresses: a warning mailed there would come back in as a case; name a staff address"
                ),
            ));
        }
        if !email.contains(&addr) {
            email.push(addr);
        }
    }
    let sns = r
        .sns
        .as_ref()
        .map(|s| SnsTopicArn::parse(s.get_ref()).map_err(|e| cx.err(s, e)))
        .transpose()?;
    let targets = NotifyTargets { email, sns };
    if targets.is_empty() {
        return Err(cx.err(
            raw,
            "notification targets name no email address and no sns topic",
        ));
    }
    Ok(targets)
}

fn point_at(
    cx: &Ctx<'_>,
    raw: &Spanned<String>,
    calendar: &CalendarId,
) -> Result<(String, PointAt), PolicyError> {
    let text = normalise_name(raw.get_ref());
    if text == "breach" || text == "due" {
        return Ok(("breach".to_string(), PointAt::Breach));
    }
    if let Some(p) = text.strip_suffix('%') {
        let percent: u8 = p
            .trim()
            .parse()
            .ok()
            .filter(|p| (1..=99).contains(p))
            .ok_or_else(|| {
                cx.err(
                    raw,
                    format!(
                        "{:?}: a share of the target is a whole percentage from 1% to 99% (100% is \"breach\")",
                        raw.get_ref()
                    ),
                )
            })?;
        return Ok((format!("{percent}%"), PointAt::Percent { percent }));
    }
    if let Some(rest) = text.strip_prefix("breach") {
        let amount = rest.trim_start().strip_prefix('+').map(str::trim);
        let after = amount
            .filter(|a| !a.is_empty())
            .ok_or_else(|| {
                cx.err(
                    raw,
                    format!(
                        "{:?}: write an escalation as \"breach + <amount>\", e.g. \"breach + 1 business hour\"",
                        raw.get_ref()
                    ),
                )
            })
            .and_then(|a| Target::parse(a, calendar).map_err(|e| cx.err(raw, e.to_string())))?;
        if !matches!(
            after,
            Target::BusinessMinutes { .. } | Target::BusinessDays { .. } | Target::Elapsed { .. }
        ) {
            return Err(cx.err(
                raw,
                format!(
                    "{:?}: an escalation is an amount of business or elapsed time after the breach",
                    raw.get_ref()
                ),
            ));
        }
        let words = after.words().trim_end_matches(" (24x7)").to_string();
        return Ok((format!("breach + {words}"), PointAt::AfterBreach { after }));
    }
    Err(cx.err(
        raw,
        format!(
            "{:?} is not a warning point: write \"50%\", \"breach\" or \"breach + 1 business hour\"",
            raw.get_ref()
        ),
    ))
}

fn audience(
    cx: &Ctx<'_>,
    raw: Option<&Spanned<String>>,
    audiences: &BTreeMap<String, NotifyTargets>,
) -> Result<Audience, PolicyError> {
    let Some(raw) = raw else {
        return Ok(Audience::Queue);
    };
    match raw.get_ref().trim() {
        "queue" => Ok(Audience::Queue),
        "lead" => Ok(Audience::Lead),
        name if audiences.contains_key(name) => Ok(Audience::Named(name.to_string())),
        name => Err(cx.err(
            raw,
            format!(
                "unknown audience {name:?}: use \"queue\", \"lead\" or one of [warnings.audiences] ({})",
                audiences.keys().cloned().collect::<Vec<_>>().join(", ")
            ),
        )),
    }
}

/// A list of points: no point twice, in time order (shares rising, then the breach, then
/// escalations by their delay as written).
fn points(
    cx: &Ctx<'_>,
    raw: &Spanned<Vec<Spanned<RawPoint>>>,
    audiences: &BTreeMap<String, NotifyTargets>,
    calendar: &CalendarId,
) -> Result<Vec<WarningPoint>, PolicyError> {
    let mut out: Vec<WarningPoint> = Vec::new();
    for p in raw.get_ref() {
        let (label, at) = point_at(cx, &p.get_ref().at, calendar)?;
        if out.iter().any(|x| x.label == label) {
            return Err(cx.err(p, format!("warning point {label:?} is listed twice")));
        }
        out.push(WarningPoint {
            label,
            at,
            audience: audience(cx, p.get_ref().notify.as_ref(), audiences)?,
        });
    }
    out.sort_by_key(|p| match &p.at {
        PointAt::Percent { percent } => (0, u64::from(*percent)),
        PointAt::Breach => (1, 0),
        PointAt::AfterBreach { after } => (2, rough_minutes(after)),
    });
    Ok(out)
}

/// A delay's length for ordering escalations (a business day counts as a day).
fn rough_minutes(t: &Target) -> u64 {
    match t {
        Target::BusinessMinutes { minutes, .. } | Target::Elapsed { minutes } => {
            u64::from(*minutes)
        }
        Target::BusinessDays { days, .. } => u64::from(*days) * 24 * 60,
        Target::CalendarMonths { months } => u64::from(*months) * 31 * 24 * 60,
        Target::None { .. } => 0,
    }
}

fn defaults(
    audiences: &BTreeMap<String, NotifyTargets>,
    calendar: &CalendarId,
) -> Vec<WarningPoint> {
    DEFAULT_POINTS
        .iter()
        .map(|(at, to)| {
            let at_spanned = Spanned::new(0..0, at.to_string());
            let cx = Ctx {
                name: "built-in warning points",
                text: "",
            };
            // The defaults are constants that parse; `expect` would be a panic on no input.
            let (label, at) = point_at(&cx, &at_spanned, calendar)
                .unwrap_or(("breach".to_string(), PointAt::Breach));
            let audience = match to {
                None => Audience::Queue,
                Some("lead") => Audience::Lead,
                Some(name) if audiences.contains_key(*name) => Audience::Named(name.to_string()),
                Some(_) => Audience::Lead,
            };
            WarningPoint {
                label,
                at,
                audience,
            }
        })
        .collect()
}

/// `[warnings]`, or the defaults.
pub(super) fn warnings(
    cx: &Ctx<'_>,
    raw: Option<&Spanned<RawWarnings>>,
    tiers: &[Tier],
    severities: &[Severity],
    calendar: &CalendarId,
    own: &[EmailAddress],
) -> Result<Warnings, PolicyError> {
    let Some(raw) = raw else {
        return Ok(Warnings {
            points: defaults(&BTreeMap::new(), calendar),
            overrides: BTreeMap::new(),
            audiences: BTreeMap::new(),
        });
    };
    let r = raw.get_ref();
    let mut audiences = BTreeMap::new();
    for (name, n) in &r.audiences {
        if matches!(name.as_str(), "queue" | "lead") {
            return Err(cx.err(
                n,
                format!("audience {name:?} is reserved: \"queue\" and \"lead\" come from the routing rules"),
            ));
        }
        audiences.insert(name.clone(), notify(cx, n, own)?);
    }
    let default_points = match &r.points {
        Some(p) => points(cx, p, &audiences, calendar)?,
        None => defaults(&audiences, calendar),
    };
    let mut overrides = BTreeMap::new();
    for o in &r.overrides {
        let o_ref = o.get_ref();
        let tier = tier_ref(cx, tiers, &o_ref.tier)?;
        let severity = severity_ref(cx, severities, &o_ref.severity)?;
        let key = (tier.clone(), severity.clone());
        if overrides.contains_key(&key) {
            return Err(cx.err(
                o,
                format!("a second warnings override for tier {tier} and severity {severity}"),
            ));
        }
        overrides.insert(key, points(cx, &o_ref.points, &audiences, calendar)?);
    }
    Ok(Warnings {
        points: default_points,
        overrides,
        audiences,
    })
}
