//! A policy's severity names as the words severity detection matches: built once at load, since
//! every inbound message is matched against them, and kept here, below triage, so that the
//! policy does not depend on the detector that reads it.

use super::Severity;

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
    pub(crate) fn match_at(
        &self,
        text: &str,
        toks: &[Token<'_>],
        at: usize,
    ) -> Option<(usize, usize)> {
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
    pub(crate) fn exact(&self, words: &[&str]) -> Option<usize> {
        self.entries.iter().find_map(|(name, index)| {
            (name.len() == words.len() && name.iter().zip(words).all(|(a, b)| a == b))
                .then_some(*index)
        })
    }
}

/// A word of the text: a run of letters and digits, lower-cased, with its byte span.
#[derive(Debug)]
pub(crate) struct Token<'w> {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) word: &'w str,
}

/// The words of `text`. Their lower-cased forms are written one after another into `buf`, so a
/// line costs a few allocations rather than one per word.
pub(crate) fn tokens<'w>(text: &str, buf: &'w mut String) -> Vec<Token<'w>> {
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
pub(crate) fn simple_gap(gap: &str) -> bool {
    gap.len() <= 3
        && gap
            .chars()
            .all(|c| c.is_whitespace() || matches!(c, '-' | '_' | '(' | ')'))
}
