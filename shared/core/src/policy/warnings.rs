//! Warning points and who receives them: the SLA watch's data in a policy file.
//!
//! A point is a moment of a running response target: a share of its time used (`"50%"`), its due
//! instant (`"breach"`), or an escalation after it (`"breach + 1 business hour"`). Each point
//! names an audience: the case's queue (its routing rule's `notify`), the queue's `lead`, or a
//! policy-wide audience from `[warnings.audiences]` (a support manager). The rules that place
//! the points in time are in [`crate::watch`].

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use super::Target;
use crate::ids::{EmailAddress, SeverityId, TierId};

/// Where a point falls on a running target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum PointAt {
    /// This share (1–99 %) of the target's time has been used.
    Percent { percent: u8 },
    /// The due instant.
    Breach,
    /// This long after the due instant, on the target's own clock for business amounts.
    AfterBreach { after: Target },
}

/// Who a point is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Audience {
    /// The targets of the case's routing rule (`notify`).
    Queue,
    /// The routing rule's `lead` (its `notify` when the rule names no lead).
    Lead,
    /// A `[warnings.audiences.<name>]` of the policy.
    Named(String),
}

impl fmt::Display for Audience {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Queue => f.write_str("queue"),
            Self::Lead => f.write_str("lead"),
            Self::Named(n) => f.write_str(n),
        }
    }
}

/// One warning point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WarningPoint {
    /// The point as written, normalised (`50%`, `breach`, `breach + 1 business hour`): its
    /// identity in the record of sent warnings.
    pub label: String,
    pub at: PointAt,
    pub audience: Audience,
}

impl WarningPoint {
    /// Pre-breach points (a share of the time used) are only reminders: a later point that is
    /// also due says more, so they are not sent once it is.
    pub fn is_reminder(&self) -> bool {
        matches!(self.at, PointAt::Percent { .. })
    }
}

/// An SNS topic ARN, checked at load: `arn:<partition>:sns:<region>:<account>:<name>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct SnsTopicArn(String);

impl SnsTopicArn {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let parts: Vec<&str> = raw.split(':').collect();
        let ok = parts.len() == 6
            && parts[0] == "arn"
            && parts[1].starts_with("aws")
            && parts[2] == "sns"
            && !parts[3].is_empty()
            && parts[4].len() == 12
            && parts[4].bytes().all(|b| b.is_ascii_digit())
            && !parts[5].is_empty()
            && parts[5].len() <= 256
            && parts[5]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.');
        if ok {
            Ok(Self(raw.to_string()))
        } else {
            Err(format!(
                "{raw:?} is not an SNS topic ARN (arn:aws:sns:<region>:<12-digit account>:<topic>)"
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SnsTopicArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where an audience's warnings go: staff mailboxes and/or one SNS topic (pagers, chat).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NotifyTargets {
    pub email: Vec<EmailAddress>,
    pub sns: Option<SnsTopicArn>,
}

impl NotifyTargets {
    pub fn is_empty(&self) -> bool {
        self.email.is_empty() && self.sns.is_none()
    }
}

/// The policy's `[warnings]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warnings {
    /// The points of every tier × severity without an override, in time order.
    pub points: Vec<WarningPoint>,
    /// Per tier × severity points, replacing the defaults for that cell.
    pub overrides: BTreeMap<(TierId, SeverityId), Vec<WarningPoint>>,
    pub audiences: BTreeMap<String, NotifyTargets>,
}

impl Warnings {
    /// The points of a tier × severity.
    pub fn points_for(&self, tier: &TierId, severity: &SeverityId) -> &[WarningPoint] {
        self.overrides
            .get(&(tier.clone(), severity.clone()))
            .unwrap_or(&self.points)
    }
}
