//! The `[[targets]]` list: the first-response and update targets of each tier × severity cell the
//! tier covers, and the rule that every covered cell has one, so no reply promises nothing by
//! accident.

use std::collections::BTreeMap;

use toml::Spanned;

use super::context::Ctx;
use super::raw::RawTarget;
use super::severities::severity_ref;
use super::tiers::tier_ref;
use crate::calendar::BusinessCalendar;
use crate::ids::{CalendarId, SeverityId, TierId};
use crate::policy::{PolicyError, Severity, Target, Targets, Tier};

/// The calendars a target may run on, and which it runs on when it names none: its tier's, else
/// the policy's default.
pub(super) struct Calendars<'a> {
    pub(super) defined: &'a BTreeMap<CalendarId, BusinessCalendar>,
    pub(super) of_tier: &'a BTreeMap<TierId, CalendarId>,
    pub(super) default: &'a CalendarId,
}

pub(super) fn targets(
    cx: &Ctx<'_>,
    raw: &[Spanned<RawTarget>],
    tiers: &[Tier],
    severities: &[Severity],
    calendars: &Calendars<'_>,
) -> Result<BTreeMap<(TierId, SeverityId), Targets>, PolicyError> {
    let mut targets: BTreeMap<(TierId, SeverityId), Targets> = BTreeMap::new();
    for t in raw {
        let t_ref = t.get_ref();
        let tid = tier_ref(cx, tiers, &t_ref.tier)?;
        let sid = severity_ref(cx, severities, &t_ref.severity)?;
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
                if !calendars.defined.contains_key(&cid) {
                    return Err(cx.err(c, format!("unknown calendar \"{cid}\"")));
                }
                cid
            }
            None => calendars
                .of_tier
                .get(&tid)
                .cloned()
                .unwrap_or_else(|| calendars.default.clone()),
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
        let aim = match &t_ref.aim {
            Some(aim) if first_response.is_commitment() => {
                return Err(cx.err(
                    aim,
                    "aim is for a target that promises nothing (\"best effort\"); this target is a commitment",
                ));
            }
            Some(aim) if aim.get_ref().trim().is_empty() => {
                return Err(cx.err(
                    aim,
                    "aim is empty: write the vendor's sentence or leave it out",
                ));
            }
            aim => aim.as_ref().map(|a| a.get_ref().trim().to_string()),
        };
        targets.insert(
            (tid, sid),
            Targets {
                first_response,
                update,
                aim,
            },
        );
    }
    every_covered_cell_has_a_target(cx, tiers, &targets)?;
    Ok(targets)
}

fn every_covered_cell_has_a_target(
    cx: &Ctx<'_>,
    tiers: &[Tier],
    targets: &BTreeMap<(TierId, SeverityId), Targets>,
) -> Result<(), PolicyError> {
    for tier in tiers {
        for sid in &tier.covers {
            if !targets.contains_key(&(tier.id.clone(), sid.clone())) {
                return Err(PolicyError::new(
                    cx.name,
                    None,
                    format!(
                        "tier {} covers severity {sid} but no [[targets]] entry gives its response time",
                        tier.id
                    ),
                ));
            }
        }
    }
    Ok(())
}
