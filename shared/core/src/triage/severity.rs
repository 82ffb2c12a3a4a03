//! The severity a sender asked for, and CVSS scores named in a message.
//!
//! Senders write severities in many shapes ("[P1]", "Severity: Critical", "URGENT: …"), but a word
//! such as "critical" in running prose is not a request: only shapes that are unmistakably a label
//! count. Everything here is a hand-written scanner over words, so a message costs a few
//! microseconds and no pattern is ever compiled at run time.

use serde::Serialize;

use crate::ids::SeverityId;
use crate::policy::{Policy, Severity};

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
/// A bracketed tag longer than this is prose, not a label.
const TAG_BYTES: usize = 60;

/// Words that introduce a severity as a key: "Severity: …", "Priority = …".
const KEYS: &[&str] = &[
    "severity", "sev", "priority", "prio", "impact", "level", "urgency",
];
/// Words that, followed by a number, name a severity level anywhere: "Level 2", "Sev 1".
const NUMBERED: &[&str] = &["level", "severity", "sev", "priority"];
/// A numbered label right after one of these is negated ("not level 1", "isn't Sev 1").
const NEGATIONS: &[&str] = &["not", "no", "never", "t", "without"];
/// Ways to read "Severity: 1" when the policy has no "Severity 1": tried in this order.
const NUMBER_PREFIXES: &[&str] = &["level", "severity", "sev", "priority"];
const COMPACT_PREFIXES: &[&str] = &["p", "sev", "s"];

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

/// Every name of every severity, as lower-case words, longest first so that "Critical Impact" is
/// preferred to "Critical" and the longer of two overlapping names always wins. Built once when a
/// policy is loaded (see [`Policy::severity_names`]): every message is matched against it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Names {
    entries: Vec<(Vec<String>, usize)>,
}

impl Names {
    pub(crate) fn of(severities: &[Severity]) -> Self {
        let mut entries = Vec::new();
        let mut buf = String::new();
        for (index, sev) in severities.iter().enumerate() {
            let all = std::iter::once(sev.id.as_str())
                .chain(std::iter::once(sev.label.as_str()))
                .chain(sev.aliases.iter().map(String::as_str));
            for name in all {
                let words: Vec<String> = tokens(name, &mut buf)
                    .into_iter()
                    .map(|t| t.word.to_string())
                    .collect();
                if !words.is_empty() {
                    entries.push((words, index));
                }
            }
        }
        // Stable: on equal length the more severe (earlier) severity keeps precedence.
        entries.sort_by_key(|(words, _)| {
            std::cmp::Reverse((words.len(), words.iter().map(String::len).sum::<usize>()))
        });
        Self { entries }
    }

    /// The longest name whose words start at `tokens[at]`, with how many tokens it used.
    fn match_at(&self, text: &str, toks: &[Token<'_>], at: usize) -> Option<(usize, usize)> {
        self.entries.iter().find_map(|(words, index)| {
            let span = toks.get(at..at + words.len())?;
            let same = span.iter().zip(words).all(|(t, w)| t.word == w.as_str());
            let joined = span
                .windows(2)
                .all(|pair| simple_gap(&text[pair[0].end..pair[1].start]));
            (same && joined).then_some((*index, words.len()))
        })
    }

    /// A name that is exactly these words.
    fn exact(&self, words: &[&str]) -> Option<usize> {
        self.entries.iter().find_map(|(name, index)| {
            (name.len() == words.len() && name.iter().zip(words).all(|(a, b)| a == b))
                .then_some(*index)
        })
    }
}

/// A word of the text: a run of letters and digits, lower-cased, with its byte span.
#[derive(Debug)]
struct Token<'w> {
    start: usize,
    end: usize,
    word: &'w str,
}

/// The words of `text`. Their lower-cased forms are written one after another into `buf`, so a
/// line costs a few allocations rather than one per word.
fn tokens<'w>(text: &str, buf: &'w mut String) -> Vec<Token<'w>> {
    buf.clear();
    // (start, end) in `text`, then (start, end) in `buf`.
    let mut spans: Vec<[usize; 4]> = Vec::new();
    let mut current: Option<[usize; 4]> = None;
    for (i, c) in text.char_indices() {
        if c.is_alphanumeric() {
            let t = current.get_or_insert([i, i, buf.len(), buf.len()]);
            if c.is_ascii() {
                buf.push(c.to_ascii_lowercase());
            } else {
                buf.extend(c.to_lowercase());
            }
            t[1] = i + c.len_utf8();
            t[3] = buf.len();
        } else if let Some(t) = current.take() {
            spans.push(t);
        }
    }
    spans.extend(current);
    let buf: &'w str = buf;
    spans
        .into_iter()
        .map(|[start, end, lo, hi]| Token {
            start,
            end,
            word: &buf[lo..hi],
        })
        .collect()
}

/// What may separate the words of one name: "Level 1", "level-1", "P0 (Blocker)" — but not a
/// colon or a sentence break, which would join words that do not belong together.
fn simple_gap(gap: &str) -> bool {
    gap.len() <= 3
        && gap
            .chars()
            .all(|c| c.is_whitespace() || matches!(c, '-' | '_' | '(' | ')'))
}

fn is_number(word: &str) -> bool {
    !word.is_empty() && word.bytes().all(|b| b.is_ascii_digit())
}

fn cut_chars(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// Every severity shape the subject may carry; the earliest in the text wins.
fn scan_subject<'s>(names: &Names, subject: &'s str) -> Option<(usize, usize, &'s str)> {
    let mut buf = String::new();
    let toks = tokens(subject, &mut buf);
    let mut best: Option<(usize, usize, &str)> = None;
    let mut offer = |start: usize, index: usize, matched: &'s str| {
        if best.is_none_or(|(s, _, _)| start < s) {
            best = Some((start, index, matched));
        }
    };
    if let Some((start, index, matched)) = bracket_tag(names, subject) {
        offer(start, index, matched);
    }
    for at in 0..toks.len() {
        if let Some((index, end)) = key_value(names, subject, &toks, at) {
            offer(toks[at].start, index, &subject[toks[at].start..end]);
            break;
        }
    }
    if let Some((start, index, end)) = leading_word(names, subject, &toks) {
        offer(start, index, &subject[start..end]);
    }
    if let Some((start, index, end)) = numbered(names, subject, &toks) {
        offer(start, index, &subject[start..end]);
    }
    best
}

/// The only shapes that count in a body line: a key at the start of the line, or a numbered
/// level anywhere in it.
fn scan_body_line<'s>(names: &Names, line: &'s str) -> Option<(usize, &'s str)> {
    let line = line.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '-' | '*' | '•'));
    let mut buf = String::new();
    let toks = tokens(line, &mut buf);
    if let Some(first) = toks.first()
        && line[..first.start].trim().is_empty()
        && let Some((index, end)) = key_value(names, line, &toks, 0)
    {
        return Some((index, &line[first.start..end]));
    }
    numbered(names, line, &toks).map(|(start, index, end)| (index, &line[start..end]))
}

/// "[P1]", "(Sev 2)", "[Critical]", "[Severity: high]": a bracketed tag that is a name and
/// nothing else. Returns the tag's start, the severity and the tag with its brackets.
fn bracket_tag<'s>(names: &Names, text: &'s str) -> Option<(usize, usize, &'s str)> {
    for (open, c) in text.char_indices() {
        let close = match c {
            '[' => ']',
            '(' => ')',
            _ => continue,
        };
        let inner_start = open + 1;
        let Some(len) = text[inner_start..].find(close) else {
            continue;
        };
        if len > TAG_BYTES {
            continue;
        }
        let inner = &text[inner_start..inner_start + len];
        let mut buf = String::new();
        let toks = tokens(inner, &mut buf);
        if toks.is_empty() || !inner[..toks[0].start].trim().is_empty() {
            continue;
        }
        let last = &toks[toks.len() - 1];
        let tail_clean = |end: usize| inner[end..].trim().is_empty();
        let index = names
            .match_at(inner, &toks, 0)
            .filter(|(_, used)| *used == toks.len() && tail_clean(last.end))
            .map(|(index, _)| index)
            .or_else(|| {
                key_value(names, inner, &toks, 0)
                    .filter(|(_, end)| tail_clean(*end))
                    .map(|(index, _)| index)
            });
        if let Some(index) = index {
            return Some((open, index, &text[open..inner_start + len + 1]));
        }
    }
    None
}

/// "Severity: Critical", "Priority = 2", "Severity level: high" with the key at `toks[at]`.
/// Returns the severity and the byte end of the value.
fn key_value(names: &Names, text: &str, toks: &[Token<'_>], at: usize) -> Option<(usize, usize)> {
    let key = toks.get(at)?;
    if !KEYS.contains(&key.word) {
        return None;
    }
    let mut key_end = key.end;
    let mut value_at = at + 1;
    if let Some(next) = toks.get(at + 1)
        && next.word == "level"
        && key.word != "level"
        && text[key.end..next.start].trim().is_empty()
    {
        key_end = next.end;
        value_at = at + 2;
    }
    let rest = &text[key_end..];
    let after_ws = rest.trim_start();
    if !after_ws.starts_with([':', '=']) {
        return None;
    }
    let value = toks.get(value_at)?;
    // Nothing but the delimiter and spaces may sit between key and value.
    let gap = &text[key_end..value.start];
    if gap.trim().len() != 1 {
        return None;
    }
    if let Some((index, used)) = names.match_at(text, toks, value_at) {
        return Some((index, toks[value_at + used - 1].end));
    }
    if is_number(value.word) {
        return number_name(names, key.word, value.word).map(|index| (index, value.end));
    }
    None
}

/// "Severity: 1" in a policy that calls it "Level 1" or "P1".
fn number_name(names: &Names, key: &str, number: &str) -> Option<usize> {
    let spaced = std::iter::once(key)
        .chain(NUMBER_PREFIXES.iter().copied())
        .find_map(|prefix| names.exact(&[prefix, number]));
    spaced.or_else(|| {
        std::iter::once(key)
            .chain(COMPACT_PREFIXES.iter().copied())
            .find_map(|prefix| names.exact(&[&format!("{prefix}{number}")]))
    })
}

/// "URGENT: site down", "P0 - prod down": a name opening the subject (after any "Re:" and tags),
/// followed by a colon, or a dash or "!" standing apart. Returns start, severity and end.
fn leading_word(names: &Names, text: &str, toks: &[Token<'_>]) -> Option<(usize, usize, usize)> {
    let mut pos = 0;
    // Skip reply/forward markers and bracketed tags such as our own case id.
    loop {
        let rest = &text[pos..];
        let trimmed = rest.trim_start();
        pos += rest.len() - trimmed.len();
        if let Some(close) = trimmed.strip_prefix('[').and_then(|r| r.find(']')) {
            pos += close + 2;
            continue;
        }
        let marker = trimmed.find(':').filter(|&colon| {
            colon <= 4
                && matches!(
                    trimmed[..colon].trim_end().to_ascii_lowercase().as_str(),
                    "re" | "fw" | "fwd" | "aw" | "sv" | "tr"
                )
        });
        match marker {
            Some(colon) => pos += colon + 1,
            None => break,
        }
    }
    let at = toks.iter().position(|t| t.start == pos)?;
    let (index, used) = names.match_at(text, toks, at)?;
    let end = toks[at + used - 1].end;
    let after = &text[end..];
    let gap = after.len() - after.trim_start().len();
    let mut chars = after.trim_start().chars();
    let delim = chars.next()?;
    let standing_apart = chars.next().is_none_or(char::is_whitespace);
    let ok = match delim {
        ':' => true,
        '-' | '–' | '—' | '!' => standing_apart,
        _ => false,
    };
    ok.then_some((toks[at].start, index, end + gap + delim.len_utf8()))
}

/// "Level 2", "Sev 1" anywhere, unless negated ("not level 1"). Level 10 is not Level 1: the
/// number is a whole word and must itself be part of a name.
fn numbered(names: &Names, text: &str, toks: &[Token<'_>]) -> Option<(usize, usize, usize)> {
    toks.windows(2).enumerate().find_map(|(i, pair)| {
        let (word, number) = (&pair[0], &pair[1]);
        if !NUMBERED.contains(&word.word)
            || !is_number(number.word)
            || !simple_gap(&text[word.end..number.start])
        {
            return None;
        }
        if i > 0 && NEGATIONS.contains(&toks[i - 1].word) {
            return None;
        }
        let index = names.exact(&[word.word, number.word])?;
        Some((word.start, index, number.end))
    })
}

/// A CVSS base score (0.0–10.0) named in the text: "CVSS 9.8", "CVSS score: 7.5",
/// "cvss v3 base score 8.1", "CVSS 9.8/10". A vector ("CVSS:3.1/AV:N/…") is not a score and a
/// version number ("CVSS 3.1 base score 9.8") is skipped.
pub fn detect_cvss(text: &str) -> Option<f64> {
    // ASCII lower-casing keeps byte offsets, so positions found in `lower` index `text` too.
    let lower = text.to_ascii_lowercase();
    let mut from = 0;
    while let Some(found) = lower[from..].find("cvss") {
        let start = from + found;
        from = start + 4;
        let boundary = lower[..start]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        if boundary && let Some(score) = score_after(&lower[start + 4..]) {
            return Some(score);
        }
    }
    None
}

/// How many words after "CVSS" a score may sit ("CVSS v3.1 base score of 9.8").
const CVSS_WINDOW: usize = 8;

fn score_after(rest: &str) -> Option<f64> {
    // What is glued to "CVSS": "v3.1" (a version), ":3.1/AV:N/…" (a vector) or ":9.8" (a score).
    let glued_len = rest.find(char::is_whitespace).unwrap_or(rest.len());
    let glued = &rest[..glued_len];
    // Anything else glued on ("CVSSv3", "CVSS3.1") is a version: the score, if any, comes later.
    let mut words: Vec<&str> = glued.strip_prefix([':', '=']).into_iter().collect();
    words.extend(rest[glued_len..].split_whitespace().take(CVSS_WINDOW));
    let clean: Vec<&str> = words
        .iter()
        .map(|w| {
            w.trim_start_matches(['(', '[', ':', '='])
                .trim_end_matches([')', ']', ',', ';', ':', '.', '!'])
        })
        .collect();
    for (i, word) in clean.iter().enumerate() {
        if word.is_empty() || is_filler(word) || is_version_word(word) {
            continue;
        }
        if let Some((score, of)) = word.split_once('/') {
            // "9.8/10" is a score out of ten; anything else with a slash is a vector.
            if of == "10"
                && let Some(s) = parse_score(score)
            {
                return Some(s);
            }
            continue;
        }
        let score = parse_score(word)?;
        let next = clean.get(i + 1).copied().unwrap_or("");
        if matches!(*word, "2.0" | "3.0" | "3.1" | "4.0") && matches!(next, "base" | "score") {
            continue;
        }
        return Some(score);
    }
    None
}

fn is_filler(word: &str) -> bool {
    matches!(
        word,
        "base" | "score" | "scores" | "rating" | "of" | "is" | "-" | "–" | "version" | "severity"
    )
}

/// "v3", "v3.1", "v4.0".
fn is_version_word(word: &str) -> bool {
    word.strip_prefix('v')
        .is_some_and(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
}

/// "9.8", "10", "7.50" within 0–10; `None` for anything else, including "nan" and "inf" which
/// `f64::from_str` would accept.
fn parse_score(word: &str) -> Option<f64> {
    let (int, frac) = word.split_once('.').unwrap_or((word, ""));
    let ok = (1..=2).contains(&int.len())
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.len() <= 2
        && frac.bytes().all(|b| b.is_ascii_digit());
    if !ok {
        return None;
    }
    let value: f64 = word.parse().ok()?;
    (0.0..=10.0).contains(&value).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::builtin;

    fn subject(policy: &str, text: &str) -> Option<String> {
        let p = builtin(policy).unwrap();
        detect_severity(&p, Some(text), "").map(|d| d.severity.to_string())
    }

    fn body(policy: &str, text: &str) -> Option<String> {
        let p = builtin(policy).unwrap();
        detect_severity(&p, None, text).map(|d| d.severity.to_string())
    }

    #[test]
    fn activestate_subject_forms() {
        let cases = [
            ("[P1] build broken", None),
            ("[Critical] build broken", Some("critical")),
            ("Build broken [LEVEL 1]", Some("critical")),
            ("(Level 2) installer fails", Some("severe")),
            ("(Sev 2) installer fails", Some("severe")),
            ("[sev1] down", Some("critical")),
            ("[S3] question", Some("minor")),
            ("[Critical Impact] all down", Some("critical")),
            ("[General Inquiry] licences", Some("minor")),
            ("Severity: Critical - platform down", Some("critical")),
            ("Platform down, severity: high", Some("severe")),
            ("Priority: urgent", Some("critical")),
            ("Priority = 2", Some("severe")),
            ("Severity: 3 question about builds", Some("minor")),
            ("[Severity: minor] question", Some("minor")),
            ("Sev: 1 all builds fail", Some("critical")),
            ("Impact: Severe", Some("severe")),
            ("Severity level: Major", Some("severe")),
            ("URGENT: site down", Some("critical")),
            ("urgent - site down", Some("critical")),
            ("Re: URGENT: site down", Some("critical")),
            ("RE: Fwd: Critical: runtime crash", Some("critical")),
            ("[AS-2026-000123] Re: Severe: still failing", Some("severe")),
            ("Level 2 outage in our builds", Some("severe")),
            ("Major - cannot build", Some("severe")),
        ];
        for (text, want) in cases {
            assert_eq!(subject("activestate", text).as_deref(), want, "{text:?}");
        }
    }

    #[test]
    fn scalr_and_alectrona_subject_forms() {
        let scalr = [
            ("[P0] prod down", Some("p0")),
            ("P0 - prod down", Some("p0")),
            ("p1: runs stuck", Some("p1")),
            ("[P0 (Blocker)] everything", Some("p0")),
            ("(Blocker) everything", Some("p0")),
            ("[Trivial] docs typo", Some("p4")),
            ("Priority: 2", Some("p2")),
            ("Priority 3 - question", Some("p3")),
            ("Sev 0 - prod down", Some("p0")),
            ("Severity: 1", Some("p1")),
        ];
        for (text, want) in scalr {
            assert_eq!(subject("scalr", text).as_deref(), want, "{text:?}");
        }
        let alectrona = [
            ("[P1] outage", Some("urgent")),
            ("[Emergency] outage", Some("urgent")),
            ("Urgent (Emergency): outage", Some("urgent")),
            ("Priority: Moderate", Some("medium")),
            ("P4 - question", Some("low")),
            ("Priority: 2", Some("high")),
        ];
        for (text, want) in alectrona {
            assert_eq!(subject("alectrona", text).as_deref(), want, "{text:?}");
        }
    }

    #[test]
    fn every_builtin_name_is_found_in_a_tag() {
        for id in crate::policy::builtin_ids() {
            let p = builtin(id).unwrap();
            for sev in &p.severities {
                let names = std::iter::once(sev.id.to_string())
                    .chain(std::iter::once(sev.label.clone()))
                    .chain(sev.aliases.iter().cloned());
                for name in names {
                    let text = format!("[{}] help", name.to_uppercase());
                    let got = detect_severity(&p, Some(&text), "").map(|d| d.severity);
                    assert_eq!(got.as_ref(), Some(&sev.id), "{id}: {text:?}");
                    let text = format!("Severity: {name}");
                    let got = detect_severity(&p, None, &text).map(|d| d.severity);
                    assert_eq!(got.as_ref(), Some(&sev.id), "{id}: body {text:?}");
                }
            }
        }
    }

    #[test]
    fn negatives() {
        let none = [
            ("activestate", "this is not critical"),
            ("activestate", "Critical vulnerability in openssl?"),
            ("activestate", "critical-path build question"),
            ("activestate", "Level 10 of the tutorial"),
            ("activestate", "Severity: not critical"),
            ("activestate", "It is not level 1, just a question"),
            ("activestate", "Urgently need help"),
            (
                "activestate",
                "[Critical bug in installer on Windows 11 when proxy is set up]",
            ),
            ("activestate", "question about (high availability)"),
            ("activestate", "High CPU usage"),
            ("scalr", "P10 runs"),
            ("scalr", "MP1 module"),
            ("scalr", "[P10] runs"),
            ("scalr", "[MP1]"),
            ("scalr", "P1x - weird"),
            ("scalr", "Priority: 7"),
            ("alectrona", "Level 1 support"),
            ("alectrona", "P1-2 range"),
            ("alectrona", ""),
            ("alectrona", "[]()[(:"),
        ];
        for (policy, text) in none {
            assert_eq!(subject(policy, text), None, "{policy}: {text:?}");
        }
    }

    #[test]
    fn body_only_explicit_forms_in_first_lines() {
        assert_eq!(
            body("activestate", "Hello,\n\nSeverity: Critical\n").as_deref(),
            Some("critical")
        );
        assert_eq!(
            body("activestate", "Hi\n- Priority: high\n").as_deref(),
            Some("severe")
        );
        assert_eq!(
            body("activestate", "Hi\nImpact: Minor\n").as_deref(),
            Some("minor")
        );
        assert_eq!(
            body("activestate", "We think this is Level 2 for us.").as_deref(),
            Some("severe")
        );
        // Prose and tags do not count in the body.
        assert_eq!(
            body("activestate", "This is critical for us. Urgent!"),
            None
        );
        assert_eq!(body("activestate", "URGENT: site down"), None);
        assert_eq!(body("scalr", "[P0] in body"), None);
        assert_eq!(body("activestate", "this is not critical"), None);
        assert_eq!(body("activestate", "The severity: critical"), None);
        // Quoted history is someone else's request.
        assert_eq!(body("activestate", "> Severity: Critical\nthanks"), None);
        // Past the first lines, nothing counts.
        let mut long = String::new();
        for i in 0..20 {
            long.push_str(&format!("line {i}\n\n"));
        }
        long.push_str("Severity: Critical\n");
        assert_eq!(body("activestate", &long), None);
        let mut fourteen = String::new();
        for i in 0..14 {
            fourteen.push_str(&format!("line {i}\n\n"));
        }
        fourteen.push_str("Severity: Critical\n");
        assert_eq!(body("activestate", &fourteen).as_deref(), Some("critical"));
    }

    #[test]
    fn subject_beats_body_and_reports_the_match() {
        let p = builtin("activestate").unwrap();
        let d = detect_severity(&p, Some("[Sev 2] slow builds"), "Severity: Critical").unwrap();
        assert_eq!(d.severity.as_str(), "severe");
        assert_eq!(d.matched, "[Sev 2]");
        assert_eq!(d.source, SeveritySource::Subject);
        let d = detect_severity(&p, Some("slow builds"), "Severity: Critical\n").unwrap();
        assert_eq!(d.severity.as_str(), "critical");
        assert_eq!(d.matched, "Severity: Critical");
        assert_eq!(d.source, SeveritySource::Body);
        let d = detect_severity(&p, Some("URGENT: down"), "").unwrap();
        assert_eq!(d.matched, "URGENT:");
        // The earliest shape in the subject wins.
        let d = detect_severity(&p, Some("[Level 3] was Level 1"), "").unwrap();
        assert_eq!(d.severity.as_str(), "minor");
        let scalr = builtin("scalr").unwrap();
        let d = detect_severity(&scalr, Some("P0 - prod down"), "").unwrap();
        assert_eq!(d.matched, "P0 -");
    }

    #[test]
    fn hostile_input_does_not_panic() {
        let p = builtin("activestate").unwrap();
        let nasty = [
            "[".repeat(5000),
            "é[".repeat(3000),
            "Severity:".repeat(1000),
            "Level ".repeat(1000),
            "\u{0}\r\n[\u{202e}P1]".to_string(),
            "Severity: 🙂".to_string(),
            "ß".repeat(2000),
        ];
        for text in &nasty {
            let _ = detect_severity(&p, Some(text), text);
            let _ = detect_cvss(text);
        }
    }

    proptest::proptest! {
        #[test]
        fn any_text_is_scanned_without_panicking(subject in ".{0,400}", body in "(.{0,80}\n){0,30}") {
            for id in crate::policy::builtin_ids() {
                let p = builtin(id).unwrap();
                let _ = detect_severity(&p, Some(&subject), &body);
            }
            if let Some(score) = detect_cvss(&subject) {
                proptest::prop_assert!((0.0..=10.0).contains(&score));
            }
        }
    }

    #[test]
    fn cvss_scores() {
        let yes = [
            ("CVSS 9.8", 9.8),
            ("cvss score: 7.5", 7.5),
            ("CVSS Score 7.5 (High)", 7.5),
            ("cvss v3 base score 8.1", 8.1),
            ("CVSSv3.1 base score: 6.5", 6.5),
            ("CVSS 3.1 base score 9.8", 9.8),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H 9.8", 9.8),
            ("(CVSS: 10.0)", 10.0),
            ("CVSS 9.8/10", 9.8),
            ("a CVSS of 5", 5.0),
            ("CVE-2024-1234 (CVSS 4.3).", 4.3),
            ("cvss:7.2", 7.2),
        ];
        for (text, want) in yes {
            assert_eq!(detect_cvss(text), Some(want), "{text:?}");
        }
        let no = [
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            "the CVSS calculator is nice, 9.8",
            "CVSS 11.2",
            "CVSS 98",
            "discuss 9.8",
            "mycvss 9.8",
            "score 9.8",
            "CVSS nan",
            "CVSS inf",
            "CVSS -1",
            "",
            "cvss",
        ];
        for text in no {
            assert_eq!(detect_cvss(text), None, "{text:?}");
        }
    }
}
