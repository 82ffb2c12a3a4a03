//! Who is entitled to an organisation's tier: its designated contacts only (ActiveState: "Requests
//! must be received via the Designated Contact of the Organization to receive tiered support"),
//! or any of its people (Alectrona: "Once a Customer submits a case …").

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Entitlement {
    /// Only an authenticated designated contact gets the organisation's tier.
    #[default]
    DesignatedContacts,
    /// Any authenticated member of a customer organisation (not a third party), or any
    /// authenticated address in one of the organisation's domains.
    OrganisationMembers,
}

impl Entitlement {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "designated-contacts" => Some(Self::DesignatedContacts),
            "organisation-members" => Some(Self::OrganisationMembers),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::DesignatedContacts => "designated-contacts",
            Self::OrganisationMembers => "organisation-members",
        }
    }
}
