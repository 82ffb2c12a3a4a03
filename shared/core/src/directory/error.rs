//! The directory's refusals. Storage failures are not here: they belong to the adapter that
//! talks to storage (`slamail_aws::directory::DirectoryStoreError`), so every caller can tell
//! "the rules say no" from "something broke" without re-sorting variants.

use thiserror::Error;

use crate::ids::{EmailAddress, OrgId, TierId};

/// Why the directory refuses a request. Each variant has a stable [`code`](Self::code) that the
/// admin API returns to clients.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DirectoryError {
    #[error("organisation {0} does not exist")]
    UnknownOrg(OrgId),
    #[error("organisation {0} already exists")]
    OrgExists(OrgId),
    #[error("{email} is not a member of {org}")]
    NotAMember { org: OrgId, email: EmailAddress },
    #[error("{email} is already a member of {org}")]
    MemberExists { org: OrgId, email: EmailAddress },
    #[error("designated contact limit reached ({used} of {limit}) for {org}")]
    LimitReached { org: OrgId, used: u32, limit: u32 },
    #[error("{email} is not a verified member of {org}: {why}")]
    NotEligible {
        org: OrgId,
        email: EmailAddress,
        why: String,
    },
    #[error("{email} is already a designated contact of {org}")]
    AlreadyDesignated { org: OrgId, email: EmailAddress },
    #[error("{email} is not a designated contact of {org}")]
    NotDesignated { org: OrgId, email: EmailAddress },
    #[error(
        "{org} has {designated} designated contacts but tier {tier} with {extra} extra allows {limit}: remove {excess} first",
        excess = designated.saturating_sub(*limit)
    )]
    OverLimit {
        org: OrgId,
        tier: TierId,
        extra: u32,
        designated: u32,
        limit: u32,
    },
    #[error("{email} is the last administrator of {org}: make someone else an administrator first")]
    LastAdmin { org: OrgId, email: EmailAddress },
    #[error("not allowed: {0}")]
    Forbidden(String),
    #[error("invalid request: {0}")]
    Invalid(String),
}

impl DirectoryError {
    /// A short, stable, machine-readable name for the error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnknownOrg(_) => "unknown-org",
            Self::OrgExists(_) => "org-exists",
            Self::NotAMember { .. } => "not-a-member",
            Self::MemberExists { .. } => "member-exists",
            Self::LimitReached { .. } => "limit-reached",
            Self::NotEligible { .. } => "not-eligible",
            Self::AlreadyDesignated { .. } => "already-designated",
            Self::NotDesignated { .. } => "not-designated",
            Self::OverLimit { .. } => "over-limit",
            Self::LastAdmin { .. } => "last-admin",
            Self::Forbidden(_) => "forbidden",
            Self::Invalid(_) => "invalid",
        }
    }
}
