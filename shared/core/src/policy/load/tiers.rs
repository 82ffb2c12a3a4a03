//! The `[[tiers]]` list: designated-contact limits, channels, which severities each covers and the
//! calendar its targets run on when not the default.

use std::collections::BTreeMap;

use toml::Spanned;

use super::context::Ctx;
use super::raw::RawTier;
use super::severities::severity_ref;
use crate::calendar::BusinessCalendar;
use crate::ids::{CalendarId, TierId};
use crate::policy::{PolicyError, Severity, Tier};

/// The tiers, and the calendar of each tier that names one.
pub(super) fn tiers(
    cx: &Ctx<'_>,
    raw: &Spanned<Vec<Spanned<RawTier>>>,
    severities: &[Severity],
    calendars: &BTreeMap<CalendarId, BusinessCalendar>,
) -> Result<(Vec<Tier>, BTreeMap<TierId, CalendarId>), PolicyError> {
    let mut tiers: Vec<Tier> = Vec::new();
    let mut tier_calendars: BTreeMap<TierId, CalendarId> = BTreeMap::new();
    for t in raw.get_ref() {
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
            let sid = severity_ref(cx, severities, c)?;
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
            escalation: None,
            covers,
        });
    }
    if tiers.is_empty() {
        return Err(cx.err(raw, "no tier is defined"));
    }
    Ok((tiers, tier_calendars))
}

/// A tier id used elsewhere in the file, which must be one defined in `[[tiers]]`.
pub(super) fn tier_ref(
    cx: &Ctx<'_>,
    tiers: &[Tier],
    raw: &Spanned<String>,
) -> Result<TierId, PolicyError> {
    cx.reference(raw, tiers, |t| &t.id, ("tier", "tiers"))
}
