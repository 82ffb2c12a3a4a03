//! The shapes a severity label takes: a bracketed tag ("[P1]"), a key and value ("Severity:
//! Critical"), a leading word ("URGENT: …") and a numbered level ("Level 2"). Each is matched
//! against the policy's names as words, never as a pattern compiled at run time.

use crate::policy::severity_names::{Names, Token, simple_gap, tokens};

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

fn is_number(word: &str) -> bool {
    !word.is_empty() && word.bytes().all(|b| b.is_ascii_digit())
}

/// Every severity shape the subject may carry; the earliest in the text wins.
pub(super) fn scan_subject<'s>(names: &Names, subject: &'s str) -> Option<(usize, usize, &'s str)> {
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
pub(super) fn scan_body_line<'s>(names: &Names, line: &'s str) -> Option<(usize, &'s str)> {
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
