//! The `[[security_bands]]` list: security-fix commitments by CVSS range, counted in calendar
//! months from public disclosure. Ranges may not overlap, so a score has at most one band.

use toml::Spanned;

use super::context::Ctx;
use super::raw::RawBand;
use crate::ids::CalendarId;
use crate::policy::{PolicyError, SecurityBand, Target};

pub(super) fn security_bands(
    cx: &Ctx<'_>,
    raw: &[Spanned<RawBand>],
    default_calendar: &CalendarId,
) -> Result<Vec<SecurityBand>, PolicyError> {
    let mut security_bands: Vec<SecurityBand> = Vec::new();
    for b in raw {
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
            match Target::parse(raw.get_ref(), default_calendar) {
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
    Ok(security_bands)
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
