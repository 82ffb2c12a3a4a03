//! The `[[routes]]` list: the first rule whose tiers and severities match chooses a case's queue,
//! and the last must be a catch-all so that every case has one.

use toml::Spanned;

use super::context::Ctx;
use super::raw::RawRoute;
use super::severities::severity_ref;
use super::tiers::tier_ref;
use super::warnings::notify;
use crate::ids::{EmailAddress, QueueId};
use crate::policy::{PolicyError, Route, Severity, Tier};

/// The routes, and the catch-all's queue.
pub(super) fn routes(
    cx: &Ctx<'_>,
    raw: &Spanned<Vec<Spanned<RawRoute>>>,
    tiers: &[Tier],
    severities: &[Severity],
    own: &[EmailAddress],
) -> Result<(Vec<Route>, QueueId), PolicyError> {
    let mut routes = Vec::new();
    for r in raw.get_ref() {
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
                .map(|t| tier_ref(cx, tiers, t))
                .collect::<Result<_, _>>()?,
            severities: r_ref
                .severities
                .iter()
                .map(|s| severity_ref(cx, severities, s))
                .collect::<Result<_, _>>()?,
            notify: r_ref
                .notify
                .as_ref()
                .map(|n| notify(cx, n, own))
                .transpose()?
                .unwrap_or_default(),
            lead: r_ref
                .lead
                .as_ref()
                .map(|n| notify(cx, n, own))
                .transpose()?,
        });
    }
    let fallback_queue = match routes.last() {
        Some(last) if last.tiers.is_empty() && last.severities.is_empty() => last.queue.clone(),
        _ => {
            return Err(cx.err(
                raw,
                "the last [[routes]] entry must be a catch-all (a queue with no tiers and no severities), so every case has a queue",
            ));
        }
    };
    Ok((routes, fallback_queue))
}
