//! SES's verdicts without a Lambda event: on the S3-triggered path only the stored message is known,
//! and SES has written its verdicts into its headers.

use super::results::{ResInfo, parse_results, result_verdict, topmost_ses_authentication_results};
use crate::message::InboundEmail;
use crate::triage::{Verdict, Verdicts};

/// Verdicts for the S3-triggered path, where there is no Lambda event: from the topmost
/// `X-SES-Spam-Verdict` / `X-SES-Virus-Verdict` and the topmost SES `Authentication-Results`.
pub fn verdicts_from_ses_headers(email: &InboundEmail) -> Verdicts {
    let header_verdict = |name: &str| email.header(name).map(Verdict::parse).unwrap_or_default();
    let results = topmost_ses_authentication_results(email)
        .map(parse_results)
        .unwrap_or_default();
    let method_verdict = |method: &str| {
        let mine: Vec<&ResInfo> = results.iter().filter(|r| r.method == method).collect();
        // With several signatures one good one is enough, as for SES's own dkimVerdict.
        if mine.iter().any(|r| r.result == "pass") {
            return Verdict::Pass;
        }
        mine.first()
            .map(|r| result_verdict(&r.result))
            .unwrap_or_default()
    };
    Verdicts {
        spam: header_verdict("x-ses-spam-verdict"),
        virus: header_verdict("x-ses-virus-verdict"),
        spf: method_verdict("spf"),
        dkim: method_verdict("dkim"),
        dmarc: method_verdict("dmarc"),
        dmarc_policy: None,
    }
}
