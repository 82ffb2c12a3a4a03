//! The vendor's own words for the concepts a reply names: what it calls a severity ("Priority"),
//! its contacts ("technical contacts"), how it phrases a response commitment ("Alectrona will use
//! commercially reasonable efforts to respond…") and where a member finds their administrator.
//! A reply speaks for the vendor, so none of these may be ours.

use serde::Serialize;

/// Text with `{name}` placeholders, checked at load against the names its key allows, so that a
/// misspelt placeholder is refused instead of printed to customers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Template(String);

impl Template {
    /// The template, or the first placeholder it uses that is not in `allowed` (or an unclosed
    /// brace) as the reason.
    pub fn parse(text: &str, allowed: &[&str]) -> Result<Self, String> {
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else {
                return Err(format!("{text:?} has a '{{' without a closing '}}'"));
            };
            let name = &after[..close];
            if !allowed.contains(&name) {
                return Err(if allowed.is_empty() {
                    format!("{text:?} uses {{{name}}}, but this text takes no placeholders")
                } else {
                    format!(
                        "{text:?} uses {{{name}}}; the placeholders here are {}",
                        allowed
                            .iter()
                            .map(|a| format!("{{{a}}}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                });
            }
            rest = &after[close + 1..];
        }
        Ok(Self(text.to_string()))
    }

    /// The text with each `{name}` replaced by its value.
    pub fn fill(&self, values: &[(&str, &str)]) -> String {
        let mut out = self.0.clone();
        for (name, value) in values {
            out = out.replace(&format!("{{{name}}}"), value);
        }
        out
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The `[wording]` of a policy, with defaults for a vendor that writes none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Wording {
    /// What the vendor calls a severity: "Severity" (ActiveState), "Priority" (Alectrona, Scalr).
    pub severity: String,
    /// What the vendor calls the people entitled to its support, singular and plural.
    pub contact: String,
    pub contacts: String,
    /// The response commitment, with `{target}` and `{due}`.
    pub promise: Template,
    /// Where a member who is not a contact finds their administrator; names nobody.
    pub administrator: String,
    /// Said when the sender's severity is recorded as requested, for the vendor to confirm
    /// (`{severity}` is the requested label). `None`: the detected severity is the case's.
    pub requested: Option<Template>,
}

/// The placeholders each `[wording]` key allows.
pub const PROMISE_PLACEHOLDERS: &[&str] = &["target", "due"];
pub const REQUESTED_PLACEHOLDERS: &[&str] = &["severity"];

impl Default for Wording {
    fn default() -> Self {
        Self {
            severity: "Severity".to_string(),
            contact: "designated contact".to_string(),
            contacts: "designated contacts".to_string(),
            promise: Template("We will respond within {target} — by {due}.".to_string()),
            administrator: "Your organisation's administrator can tell you who they are."
                .to_string(),
            requested: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_refuse_unknown_placeholders() {
        let t = Template::parse("within {target} by {due}", PROMISE_PLACEHOLDERS).unwrap();
        assert_eq!(
            t.fill(&[("target", "2 hours"), ("due", "Mon")]),
            "within 2 hours by Mon"
        );
        let e = Template::parse("within {taget}", PROMISE_PLACEHOLDERS).unwrap_err();
        assert!(
            e.contains("uses {taget}; the placeholders here are {target}, {due}"),
            "{e}"
        );
        assert!(Template::parse("oops {target", PROMISE_PLACEHOLDERS).is_err());
        assert!(
            Template::parse("no {x}", &[])
                .unwrap_err()
                .contains("takes no placeholders")
        );
    }
}
