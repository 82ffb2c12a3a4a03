//! The severity a sender asked for, and CVSS scores named in a message.
//!
//! Senders write severities in many shapes ("[P1]", "Severity: Critical", "URGENT: …"), but a word
//! such as "critical" in running prose is not a request: only shapes that are unmistakably a label
//! count. Everything here is a hand-written scanner over words, so a message costs a few
//! microseconds and no pattern is ever compiled at run time.//!
//! [`shapes`] holds the label shapes a subject or body line may carry; [`cvss`] finds CVSS scores.
//! The policy's names, as the words these shapes match, are built at load (in
//! `policy/severity_names.rs`), below triage, so the policy never depends on its detector.

pub mod cvss;
pub mod shapes;

#[cfg(test)]
mod tests;

use serde::Serialize;

use crate::ids::SeverityId;
use crate::policy::Policy;

pub use cvss::detect_cvss;
use shapes::{scan_body_line, scan_subject};

/// A severity found in a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DetectedSeverity {
    pub severity: SeverityId,
    /// The text that matched, as written: "[P1]", "Severity: Critical", "URGENT:".
    pub matched: String,
    pub source: SeveritySource,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SeveritySource {
    Subject,
    Body,
}

/// Only the first lines of a body are read: a severity stated further down is usually quoted
/// history or a signature, and scanning a 40 MB body per message would be wasteful.
const BODY_LINES: usize = 15;
/// Longer lines are cut before scanning; a label never needs more room than this.
const LINE_CHARS: usize = 300;
/// A subject longer than this is cut before scanning (SES allows huge headers).
const SUBJECT_BYTES: usize = 1000;

/// The severity a sender asked for, from the subject and the first lines of the body, using the
/// policy's ids, labels and aliases in any case: "[P1]", "(Sev 2)", "Severity: Critical",
/// "Priority: urgent", "Level 2", "URGENT:" prefix… Subject wins over body; in the body only the
/// first ~15 non-empty lines and only explicit forms ("Severity:", "Priority:", "Impact:",
/// "Level N") count — a word like "critical" in running prose is not taken.
pub fn detect_severity(
    policy: &Policy,
    subject: Option<&str>,
    body_excerpt: &str,
) -> Option<DetectedSeverity> {
    let names = policy.severity_names();
    if let Some(subject) = subject {
        let subject = &subject[..subject.floor_char_boundary(SUBJECT_BYTES)];
        if let Some((_, index, matched)) = scan_subject(names, subject) {
            return Some(found(policy, index, matched, SeveritySource::Subject));
        }
    }
    body_excerpt
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(BODY_LINES)
        // Quoted history says what someone else asked for, earlier.
        .filter(|l| !l.starts_with('>'))
        .find_map(|line| scan_body_line(names, cut_chars(line, LINE_CHARS)))
        .map(|(index, matched)| found(policy, index, matched, SeveritySource::Body))
}

fn found(policy: &Policy, index: usize, matched: &str, source: SeveritySource) -> DetectedSeverity {
    DetectedSeverity {
        severity: policy.severities[index].id.clone(),
        matched: matched.trim().to_string(),
        source,
    }
}

fn cut_chars(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}
