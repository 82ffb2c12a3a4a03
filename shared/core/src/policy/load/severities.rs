//! The `[[severities]]` list, most severe first: ids, labels and the aliases customers use, no
//! name shared by two severities (or detection could not tell them apart).

use std::collections::BTreeMap;

use toml::Spanned;

use super::context::Ctx;
use super::raw::RawSeverity;
use crate::ids::SeverityId;
use crate::policy::{PolicyError, Severity, normalise_name};

pub(super) fn severities(
    cx: &Ctx<'_>,
    raw: &Spanned<Vec<Spanned<RawSeverity>>>,
) -> Result<Vec<Severity>, PolicyError> {
    let mut severities: Vec<Severity> = Vec::new();
    let mut names_seen: BTreeMap<String, String> = BTreeMap::new();
    for s in raw.get_ref() {
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
            page_after_hours: s_ref.page_after_hours,
        });
    }
    if severities.is_empty() {
        return Err(cx.err(raw, "no severity is defined"));
    }
    Ok(severities)
}

/// A severity id used elsewhere in the file, which must be one defined in `[[severities]]`.
pub(super) fn severity_ref(
    cx: &Ctx<'_>,
    severities: &[Severity],
    raw: &Spanned<String>,
) -> Result<SeverityId, PolicyError> {
    cx.reference(raw, severities, |s| &s.id, ("severity", "severities"))
}
