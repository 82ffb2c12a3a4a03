//! Fitting the severity a sender asked for to what their tier covers, with the reason in words
//! when it changes, so that the reply can say why.

use serde::Serialize;

use super::{Policy, Tier};
use crate::ids::SeverityId;

/// The outcome of fitting a requested severity to what a tier covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Clamped {
    pub asked: SeverityId,
    pub assigned: SeverityId,
    /// Plain-English reason when `assigned != asked`.
    pub reason: Option<String>,
}

impl Policy {
    /// Fits the severity a sender asked for to what their tier covers.
    ///
    /// A tier that covers nothing keeps the asked severity (there is no commitment to clamp to).
    /// Otherwise an uncovered severity becomes the most severe covered one that is *less* severe
    /// than what was asked (a Team "critical" is handled as Minor); if the tier only covers more
    /// severe ones, the least severe of those.
    pub fn clamp(&self, tier: &Tier, asked: &SeverityId) -> Clamped {
        let unchanged = Clamped {
            asked: asked.clone(),
            assigned: asked.clone(),
            reason: None,
        };
        if tier.covers.is_empty() || tier.covers.contains(asked) {
            return unchanged;
        }
        let Some(asked_rank) = self.severity_rank(asked) else {
            return unchanged;
        };
        let covered: Vec<(usize, &SeverityId)> = tier
            .covers
            .iter()
            .filter_map(|s| self.severity_rank(s).map(|r| (r, s)))
            .collect();
        let pick = covered
            .iter()
            .filter(|(r, _)| *r > asked_rank)
            .min_by_key(|(r, _)| *r)
            .or_else(|| covered.iter().max_by_key(|(r, _)| *r));
        let Some((_, assigned)) = pick else {
            return unchanged;
        };
        let label = |id: &SeverityId| {
            self.severity(id)
                .map(|s| s.label.clone())
                .unwrap_or_else(|| id.to_string())
        };
        Clamped {
            asked: asked.clone(),
            assigned: (*assigned).clone(),
            reason: Some(format!(
                "the {} tier does not cover {} requests; handled as {}",
                tier.label,
                label(asked),
                label(assigned)
            )),
        }
    }
}
