//! See [`super`].
//!
//! Only SES's own `Authentication-Results` is evidence: it is the topmost one, because SES
//! prepends it on receipt. Anything lower was written by whoever sent the message and may be
//! forged, so it is never read.
//!
//! DKIM alignment is exact: a signature by `example.com` proves `jane@example.com`, but not
//! `jane@support.example.com`, and a signature by `mail.example.com` does not prove
//! `jane@example.com` either. Relaxed alignment would need the Public Suffix List to find
//! organisational domains safely (`co.uk` is not an organisation); without it, exact is the only
//! answer that cannot be fooled. Domains that publish DMARC get relaxed alignment anyway, from
//! SES's DMARC verdict.//!
//! [`results`] reads an `Authentication-Results` header (RFC 8601); [`ses_verdicts`] rebuilds
//! SES's verdicts from a stored message's headers for the S3-triggered path.

pub mod results;
pub mod ses_verdicts;

#[cfg(test)]
mod tests;

use super::{Authenticity, Verdict, Verdicts};
use crate::ids::EmailAddress;

pub use results::{SES_AUTHSERV_ID, dkim_pass_domains, topmost_ses_authentication_results};
pub use ses_verdicts::verdicts_from_ses_headers;

use results::{normalise_domain, parse_results};

/// Whether the visible From is proven. See the module documentation for why alignment is exact.
pub fn authenticate(
    from: Option<&EmailAddress>,
    verdicts: &Verdicts,
    topmost_auth_results: Option<&str>,
) -> Authenticity {
    let Some(from) = from else {
        return Authenticity::Unverified {
            why: "the message has no usable From address".to_string(),
            failed: false,
        };
    };
    let domain = normalise_domain(from.domain());
    let results = topmost_auth_results.map(parse_results).unwrap_or_default();

    // SES checked DMARC for the From domain it read. If that is not the one we read, the From
    // header is ambiguous (two From lines, odd syntax) and the pass proves someone else.
    let dmarc_checked = results
        .iter()
        .filter(|r| r.method == "dmarc")
        .find_map(|r| r.prop("header.from"))
        .map(normalise_domain);
    if let Some(checked) = dmarc_checked
        && checked != domain
    {
        return Authenticity::Unverified {
            why: format!(
                "DMARC was checked for {checked}, but the From address is at {domain}: \
                 the From header is ambiguous or forged"
            ),
            failed: true,
        };
    }

    let forgery_sign = || {
        if verdicts.spf == Verdict::Fail {
            Some("SPF failed")
        } else if verdicts.dkim == Verdict::Fail {
            Some("DKIM failed")
        } else {
            None
        }
    };

    match &verdicts.dmarc {
        Verdict::Pass => Authenticity::Verified {
            how: format!("DMARC passed for {domain}"),
        },
        Verdict::Fail => Authenticity::Unverified {
            why: format!("DMARC failed for {domain}: the message is probably forged"),
            failed: true,
        },
        Verdict::Gray => {
            let aligned = topmost_auth_results
                .map(dkim_pass_domains)
                .unwrap_or_default()
                .contains(&domain);
            if aligned {
                Authenticity::Verified {
                    how: format!(
                        "{domain} publishes no DMARC policy, but the message carries a valid \
                         DKIM signature of {domain}"
                    ),
                }
            } else if let Some(sign) = forgery_sign() {
                Authenticity::Unverified {
                    why: format!(
                        "{domain} publishes no DMARC policy and {sign}: the message may be forged"
                    ),
                    failed: true,
                }
            } else {
                Authenticity::Unverified {
                    why: format!(
                        "{domain} publishes no DMARC policy and the message has no valid DKIM \
                         signature of {domain}"
                    ),
                    failed: false,
                }
            }
        }
        other => {
            let state = match other {
                Verdict::ProcessingFailed => "DMARC could not be checked".to_string(),
                Verdict::Unknown(v) if v.is_empty() => "there is no DMARC verdict".to_string(),
                Verdict::Unknown(v) => format!("the DMARC verdict {v:?} is not a pass"),
                _ => "DMARC did not pass".to_string(),
            };
            match forgery_sign() {
                Some(sign) => Authenticity::Unverified {
                    why: format!("{state} for {domain} and {sign}: the message may be forged"),
                    failed: true,
                },
                None => Authenticity::Unverified {
                    why: format!("{state} for {domain}"),
                    failed: false,
                },
            }
        }
    }
}
