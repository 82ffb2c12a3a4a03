//! Phrases a policy lists (request kinds outside the SLA, security-scope products), found in a
//! message's subject and the first lines of its body, on word boundaries and in any case. Quoted
//! history is skipped: it says what someone else wrote earlier.

use crate::policy::normalise_name;

/// Lines of the body read; a request's nature is stated early.
const BODY_LINES: usize = 15;

/// The subject and the first body lines of a message, each in [`words`] form: made once per
/// message, then searched for every list of phrases a policy has (request kinds, products).
#[derive(Debug, Clone)]
pub struct MessageWords {
    texts: Vec<String>,
}

impl MessageWords {
    pub fn of(subject: Option<&str>, body_excerpt: &str) -> Self {
        let body = body_excerpt
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('>'))
            .take(BODY_LINES);
        Self {
            texts: subject.into_iter().chain(body).map(words).collect(),
        }
    }

    /// The first of `phrases` (already normalised, as the policy stores them) in the earliest
    /// text that has one.
    pub fn find<'a>(&self, phrases: &'a [String]) -> Option<&'a str> {
        if phrases.is_empty() {
            return None;
        }
        let wanted: Vec<String> = phrases.iter().map(|p| words(p)).collect();
        self.texts.iter().find_map(|text| {
            phrases
                .iter()
                .zip(&wanted)
                .find(|(_, w)| text.contains(w.as_str()))
                .map(|(p, _)| p.as_str())
        })
    }
}

/// The first of `phrases` in the message (see [`MessageWords::find`]).
pub fn find_phrase<'a>(
    phrases: &'a [String],
    subject: Option<&str>,
    body_excerpt: &str,
) -> Option<&'a str> {
    MessageWords::of(subject, body_excerpt).find(phrases)
}

/// Lower-case words separated by single spaces, punctuation dropped (but `.` inside a version
/// such as "2.7" kept), with a space at each end so that a phrase matches only whole words.
fn words(text: &str) -> String {
    let cleaned: String = text
        .char_indices()
        .map(|(i, c)| {
            let digit_dot = c == '.'
                && text[..i].ends_with(|p: char| p.is_ascii_digit())
                && text[i + 1..].starts_with(|n: char| n.is_ascii_digit());
            if c.is_alphanumeric() || digit_dot {
                c
            } else {
                ' '
            }
        })
        .collect();
    format!(" {} ", normalise_name(&cleaned))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_match_whole_words_in_any_case() {
        let p = vec![
            "statement of work".to_string(),
            "activepython 2.7".to_string(),
        ];
        assert_eq!(
            find_phrase(&p, Some("Re: Statement-of-Work for Q3"), ""),
            Some("statement of work")
        );
        assert_eq!(
            find_phrase(
                &p,
                None,
                "Hello,\nWe run ActivePython 2.7.18 in production."
            ),
            None,
            "2.7.18 is not the word 2.7"
        );
        assert_eq!(
            find_phrase(&p, None, "Hello,\nWe run ActivePython 2.7, patched."),
            Some("activepython 2.7")
        );
        assert_eq!(find_phrase(&p, Some("statements of workflow"), ""), None);
        assert_eq!(
            find_phrase(&p, None, "> statement of work\nthanks"),
            None,
            "quoted history is not the request"
        );
    }
}
