//! The `[reply_limits]` section: caps on auto-replies per address, per domain and per policy.
//! Each list is optional; a missing one keeps its default ([`ReplyLimits::default`]).

use toml::Spanned;

use super::context::Ctx;
use super::raw::RawReplyLimits;
use crate::policy::PolicyError;
use crate::policy::reply_limits::{Rate, ReplyLimits};

pub(super) fn reply_limits(
    cx: &Ctx<'_>,
    raw: Option<&RawReplyLimits>,
) -> Result<ReplyLimits, PolicyError> {
    let mut limits = ReplyLimits::default();
    let Some(raw) = raw else {
        return Ok(limits);
    };
    for (list, field, name) in [
        (&raw.per_address, &mut limits.per_address, "per_address"),
        (&raw.per_domain, &mut limits.per_domain, "per_domain"),
        (&raw.per_policy, &mut limits.per_policy, "per_policy"),
    ] {
        if let Some(list) = list {
            *field = rates(cx, list, name)?;
        }
    }
    Ok(limits)
}

fn rates(
    cx: &Ctx<'_>,
    list: &Spanned<Vec<Spanned<String>>>,
    name: &str,
) -> Result<Vec<Rate>, PolicyError> {
    let mut rates: Vec<Rate> = Vec::new();
    for text in list.get_ref() {
        let rate = Rate::parse(text.get_ref())
            .map_err(|why| cx.err(text, format!("reply_limits.{name}: {why}")))?;
        if rates.iter().any(|r| r.window == rate.window) {
            return Err(cx.err(
                text,
                format!(
                    "reply_limits.{name} has two limits per {}; keep one",
                    rate.window.as_str()
                ),
            ));
        }
        rates.push(rate);
    }
    Ok(rates)
}
