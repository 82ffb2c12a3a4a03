//! How a name written by a person compares with the names a policy defines: case, spacing,
//! `_` and `-` do not matter.

/// Lower-cases and collapses whitespace, `_` and `-` runs so that "Level  1", "level-1" and
/// "LEVEL_1" all name the same thing.
pub fn normalise_name(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text
        .split(|c: char| c.is_whitespace() || c == '_' || c == '-')
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}
