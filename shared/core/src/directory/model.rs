//! What the directory holds: organisations, their members, and members' roles.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{EmailAddress, OrgId, PolicyId, TierId};
use crate::support_term::SupportTerm;

/// A member's role in their organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Manages the organisation's members and designated contacts.
    Admin,
    Member,
    /// Someone working for the organisation without belonging to it (a consultant, a reseller):
    /// listed so that mail from them is recognised, but never a designated contact.
    ThirdParty,
}

impl Role {
    pub fn parse(text: &str) -> Option<Self> {
        match crate::policy::normalise_name(text).as_str() {
            "admin" | "administrator" => Some(Self::Admin),
            "member" => Some(Self::Member),
            "third party" | "thirdparty" => Some(Self::ThirdParty),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Member => "member",
            Self::ThirdParty => "third-party",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An organisation as the directory stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    pub id: OrgId,
    pub name: String,
    pub policy: PolicyId,
    pub tier: TierId,
    /// Purchased designated contacts on top of the tier's allowance; granted by operators.
    pub extra_contacts: u32,
    /// The organisation's own mail domains; administrators may only add people from them as
    /// admins or members (anyone else is a third party).
    pub domains: Vec<String>,
    /// The domains among `domains` that an operator has verified the organisation controls.
    /// Under a policy whose entitlement is `organisation-members`, any authenticated address in
    /// one of them (or a subdomain) is entitled to the organisation's tier. Only operators set
    /// it (CLI, import file); a domain that leaves `domains` leaves this list too.
    #[serde(default)]
    pub verified_domains: Vec<String>,
    /// How many members are designated right now; the storage keeps it exact transactionally.
    pub designated_count: u32,
    /// The dates support is paid for; `None`: no term is recorded (support is not limited).
    #[serde(default)]
    pub support_term: Option<SupportTerm>,
    /// The products the organisation has, as the policy's security scope names them
    /// ("ActivePython 2.7"); set by operators.
    #[serde(default)]
    pub products: Vec<String>,
}

/// One person in one organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub org: OrgId,
    pub email: EmailAddress,
    pub name: Option<String>,
    pub role: Role,
    /// The person proved control of the address: they signed in with a verified email, or an
    /// operator vouched for them.
    pub verified: bool,
    pub designated: bool,
    pub designated_at: Option<DateTime<Utc>>,
}
