//! Security-fix bands: commitments by CVSS range, counted in calendar months from disclosure.

use serde::Serialize;

use super::Policy;

/// A security-fix commitment for a CVSS range, counted in calendar months from public disclosure.
#[derive(Debug, Clone, Serialize)]
pub struct SecurityBand {
    pub id: String,
    pub label: String,
    /// Inclusive CVSS range, in tenths (9.0 → 90) so that bands compare exactly.
    pub min_tenths: u8,
    pub max_tenths: u8,
    /// Months after which the fix is expected (a warning), if any.
    pub warn_months: Option<u32>,
    /// Months after which the target is breached, if any.
    pub breach_months: Option<u32>,
}

impl Policy {
    /// The security band of a CVSS score (0.0–10.0), if the policy has one for it.
    pub fn security_band(&self, cvss: f64) -> Option<&SecurityBand> {
        if !(0.0..=10.0).contains(&cvss) {
            return None;
        }
        let tenths = (cvss * 10.0).round() as u8;
        self.security_bands
            .iter()
            .find(|b| (b.min_tenths..=b.max_tenths).contains(&tenths))
    }
}

/// Which messages the security bands apply to, and how the vendor words them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SecurityScope {
    /// The products the commitments cover, as the directory names an organisation's products.
    /// Empty with no keywords: every message is in scope.
    pub products: Vec<String>,
    /// Lower-case phrases that put a message in scope ("activepython 2.7").
    pub keywords: Vec<String>,
    /// The vendor calls its times guidelines: they are targets, never "breached".
    pub guideline: bool,
    /// How the vendor defines the date the months count from.
    pub disclosure: Option<String>,
}

impl SecurityScope {
    /// Whether the scope limits anything.
    pub fn is_limited(&self) -> bool {
        !self.products.is_empty() || !self.keywords.is_empty()
    }

    /// Whether one of an organisation's products is one the commitments cover.
    pub fn covers_product(&self, products: &[String]) -> bool {
        products.iter().any(|p| {
            self.products
                .iter()
                .any(|s| super::normalise_name(s) == super::normalise_name(p))
        })
    }
}
