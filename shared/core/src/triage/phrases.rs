//! Phrases a policy lists (request kinds outside the SLA, security-scope products), found in a
//! message's subject and the first lines of its body, on word boundaries and in any case. Quoted
//! history is skipped: it says what someone else wrote earlier.

use crate::policy::normalise_name;

/// Lines of the body read; a request's nature is stated early.
const BODY_LINES: usize = 15;

/// The first of `phrases` (already normalised, as the policy stores them) in the message.
pub fn find_phrase<'a>(
    phrases: &'a [String],
    subject: Option<&str>,
    body_excerpt: &str,
) -> Option<&'a str> {
    let body = body_excerpt
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('>'))
        .take(BODY_LINES);
    let texts = subject.into_iter().chain(body).map(words);
    for text in texts {
        if let Some(p) = phrases.iter().find(|p| contains_words(&text, p)) {
            return Some(p);
        }
    }
    None
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

fn contains_words(text: &str, phrase: &str) -> bool {
    let phrase = words(phrase);
    text.contains(phrase.as_str())
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
