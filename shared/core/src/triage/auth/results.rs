//! `Authentication-Results` (RFC 8601): which header SES wrote, its results as method, result and
//! properties, and the domains of the DKIM signatures that passed. Only the topmost header is
//! SES's own; anything lower may be forged by the sender.

use crate::ids::canonical_domain;
use crate::message::{InboundEmail, strip_comments};
use crate::triage::Verdict;

/// The authserv-id SES puts in the `Authentication-Results` it adds.
pub const SES_AUTHSERV_ID: &str = "amazonses.com";

/// The topmost `Authentication-Results`, when SES wrote it; `None` otherwise (a forged or
/// foreign header at the top is no evidence either).
pub fn topmost_ses_authentication_results(email: &InboundEmail) -> Option<&str> {
    let top = email.header("authentication-results")?;
    authserv_id(top)
        .eq_ignore_ascii_case(SES_AUTHSERV_ID)
        .then_some(top)
}

/// The domains, lower-cased, of every `dkim=pass` result: `header.d`, else the domain of
/// `header.i`.
pub fn dkim_pass_domains(auth_results: &str) -> Vec<String> {
    let mut domains: Vec<String> = Vec::new();
    for r in parse_results(auth_results) {
        if r.method != "dkim" || r.result != "pass" {
            continue;
        }
        let domain = r.prop("header.d").map(str::to_string).or_else(|| {
            r.prop("header.i")
                .map(|i| i.rsplit_once('@').map_or(i, |(_, d)| d).to_string())
        });
        if let Some(d) = domain.map(|d| normalise_domain(&d))
            && !d.is_empty()
            && !domains.contains(&d)
        {
            domains.push(d);
        }
    }
    domains
}

/// An `Authentication-Results` result maps to an SES-style verdict; values SES documents as
/// "not a pass" stay distinguishable from an outright fail.
pub(super) fn result_verdict(result: &str) -> Verdict {
    match result {
        "pass" => Verdict::Pass,
        "fail" | "hardfail" | "policy" => Verdict::Fail,
        // No policy or a non-committal answer: evidence is missing, not contrary.
        "none" | "neutral" | "softfail" => Verdict::Gray,
        "temperror" | "permerror" => Verdict::ProcessingFailed,
        other => Verdict::Unknown(other.to_string()),
    }
}

/// A domain from a result in the form [`EmailAddress`](crate::ids::EmailAddress) keeps, so that
/// alignment compares like with like. A domain that has no canonical form (not a valid IDN) is
/// kept lower-cased: it then matches no address, which is the safe answer.
pub(super) fn normalise_domain(d: &str) -> String {
    let d = d.trim().trim_matches('"');
    canonical_domain(d).unwrap_or_else(|| d.to_lowercase())
}

fn authserv_id(auth_results: &str) -> String {
    // Only the first item is wanted; the rest of a long header need not be split.
    let head = &auth_results[..next_separator(auth_results).unwrap_or(auth_results.len())];
    strip_comments(head)
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string()
}

/// One `method=result prop=value…` item of an `Authentication-Results` header.
#[derive(Debug)]
pub(super) struct ResInfo {
    pub(super) method: String,
    pub(super) result: String,
    props: Vec<(String, String)>,
}

impl ResInfo {
    pub(super) fn prop(&self, name: &str) -> Option<&str> {
        self.props
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The results after the authserv-id. SES separates even `envelope-from` and `helo` with `;`,
/// so items that are not `method=result` followed by properties are simply skipped.
pub(super) fn parse_results(auth_results: &str) -> Vec<ResInfo> {
    split_outside_comments(auth_results)
        .into_iter()
        .skip(1)
        .filter_map(|item| {
            let item = strip_comments(item);
            let mut tokens = item.split_whitespace();
            let (method, result) = tokens.next()?.split_once('=')?;
            let props = tokens
                .filter_map(|t| {
                    let (k, v) = t.split_once('=')?;
                    Some((k.to_ascii_lowercase(), v.trim_matches('"').to_string()))
                })
                .collect();
            Some(ResInfo {
                method: method.to_ascii_lowercase(),
                result: result.to_ascii_lowercase(),
                props,
            })
        })
        .collect()
}

/// Splits on `;` that are not inside a comment or a quoted string.
fn split_outside_comments(s: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let mut rest = s;
    while let Some(at) = next_separator(rest) {
        items.push(&rest[..at]);
        rest = &rest[at + 1..];
    }
    items.push(rest);
    items
}

/// The byte offset of the first `;` outside comments and quoted strings. Every other character,
/// escapes included, belongs to an item, so items are plain slices of the header value.
fn next_separator(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut quoted = false;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' if quoted || depth > 0 => escaped = true,
            '"' if depth == 0 => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted && depth > 0 => depth -= 1,
            ';' if !quoted && depth == 0 => return Some(i),
            _ => {}
        }
    }
    None
}
