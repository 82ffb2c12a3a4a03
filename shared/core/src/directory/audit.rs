//! The audit trail: who changed what, when, with the record before and after.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{EmailAddress, OrgId};

/// Who performs a change; recorded in the audit trail, and the source of the caller's standing.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Actor {
    /// A vendor operator (CLI user or a member of the operators group).
    Operator(String),
    /// A customer, identified by their verified address.
    User(EmailAddress),
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Operator(name) => write!(f, "operator:{name}"),
            Self::User(email) => write!(f, "user:{email}"),
        }
    }
}

/// What an audit entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AuditAction {
    #[serde(rename = "org.create")]
    CreateOrg,
    #[serde(rename = "org.update")]
    UpdateOrg,
    #[serde(rename = "member.add")]
    AddMember,
    #[serde(rename = "member.update")]
    UpdateMember,
    #[serde(rename = "member.verify")]
    VerifyMember,
    #[serde(rename = "member.remove")]
    RemoveMember,
    #[serde(rename = "contact.designate")]
    Designate,
    #[serde(rename = "contact.remove")]
    RemoveContact,
}

impl AuditAction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CreateOrg => "org.create",
            Self::UpdateOrg => "org.update",
            Self::AddMember => "member.add",
            Self::UpdateMember => "member.update",
            Self::VerifyMember => "member.verify",
            Self::RemoveMember => "member.remove",
            Self::Designate => "contact.designate",
            Self::RemoveContact => "contact.remove",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            Self::CreateOrg,
            Self::UpdateOrg,
            Self::AddMember,
            Self::UpdateMember,
            Self::VerifyMember,
            Self::RemoveMember,
            Self::Designate,
            Self::RemoveContact,
        ]
        .into_iter()
        .find(|a| a.as_str() == text)
    }
}

/// One change: who, when, what, and the record before and after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: AuditAction,
    pub org: OrgId,
    /// The member concerned, if any.
    pub target: Option<EmailAddress>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actors_render_for_the_audit_trail() {
        assert_eq!(Actor::Operator("ops".into()).to_string(), "operator:ops");
        assert_eq!(
            Actor::User(EmailAddress::parse("Alice@Acme.example").unwrap()).to_string(),
            "user:alice@acme.example"
        );
    }

    #[test]
    fn audit_actions_round_trip() {
        for a in [AuditAction::Designate, AuditAction::VerifyMember] {
            assert_eq!(AuditAction::parse(a.as_str()), Some(a));
            assert_eq!(
                serde_json::to_value(a).unwrap(),
                serde_json::Value::String(a.as_str().into())
            );
        }
    }
}
