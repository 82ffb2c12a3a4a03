//! Which response a target is about: the first response to a case, or the response to a
//! customer's update.

use std::fmt;

use serde::Serialize;

use super::normalise_name;

/// Which response a target is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Metric {
    /// From the case's receipt.
    FirstResponse,
    /// From the customer's latest follow-up on an open, already answered case.
    Update,
}

impl Metric {
    pub fn parse(text: &str) -> Option<Self> {
        match normalise_name(text).as_str() {
            "first response" | "first" | "new" | "new case" => Some(Self::FirstResponse),
            "update" | "in progress" | "in progress case" => Some(Self::Update),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::FirstResponse => "first-response",
            Self::Update => "update",
        }
    }

    /// The metric in a sentence: "the first response time", "update due now".
    pub fn words(self) -> &'static str {
        match self {
            Self::FirstResponse => "first response",
            Self::Update => "update",
        }
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
