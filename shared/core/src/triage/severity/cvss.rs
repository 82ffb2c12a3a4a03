//! CVSS base scores named in a message, which place a case in a policy's security band.

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
