//! Who may do what: the caller's standing in an organisation and the authorization matrix.

use super::audit::Actor;
use super::error::DirectoryError;
use super::model::{Member, Role};

/// What the caller is to the organisation a request is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    Operator,
    Admin,
    Member,
    ThirdParty,
    /// Not in the organisation at all (or the organisation does not exist: the two must look
    /// the same to a customer, or the API would disclose which organisations exist).
    Outsider,
}

impl Standing {
    /// The caller's standing, from whether they are an operator and their own member record.
    pub fn of(is_operator: bool, own_record: Option<&Member>) -> Self {
        if is_operator {
            return Self::Operator;
        }
        match own_record.map(|m| m.role) {
            Some(Role::Admin) => Self::Admin,
            Some(Role::Member) => Self::Member,
            Some(Role::ThirdParty) => Self::ThirdParty,
            None => Self::Outsider,
        }
    }

    /// The standing of whoever performs a change: operators are operators; a customer is what
    /// their own record in the organisation says at the moment of the change.
    pub fn of_actor(actor: &Actor, own_record: Option<&Member>) -> Self {
        Self::of(matches!(actor, Actor::Operator(_)), own_record)
    }
}

/// Everything one can ask of the directory about an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    CreateOrg,
    UpdateOrg,
    ShowOrg,
    ListMembers,
    AddMember,
    UpdateMember,
    RemoveMember,
    ListContacts,
    Designate,
    RemoveContact,
    ViewAudit,
    /// "Am I a member, am I designated?"
    ViewOwnStatus,
    /// The organisation's SLA attainment report.
    ViewReport,
}

impl Action {
    /// Every action, for walking the whole matrix.
    pub const ALL: [Self; 13] = [
        Self::CreateOrg,
        Self::UpdateOrg,
        Self::ShowOrg,
        Self::ListMembers,
        Self::AddMember,
        Self::UpdateMember,
        Self::RemoveMember,
        Self::ListContacts,
        Self::Designate,
        Self::RemoveContact,
        Self::ViewAudit,
        Self::ViewOwnStatus,
        Self::ViewReport,
    ];

    fn describe(self) -> &'static str {
        match self {
            Self::CreateOrg => "create organisations",
            Self::UpdateOrg => "change an organisation's tier, extra contacts or domains",
            Self::ShowOrg => "see this organisation",
            Self::ListMembers => "list this organisation's members",
            Self::AddMember => "add members",
            Self::UpdateMember => "change members",
            Self::RemoveMember => "remove members",
            Self::ListContacts => "list designated contacts",
            Self::Designate => "designate contacts",
            Self::RemoveContact => "remove designated contacts",
            Self::ViewAudit => "read the audit trail",
            Self::ViewOwnStatus => "see your membership",
            Self::ViewReport => "read the organisation's SLA attainment report",
        }
    }
}

/// The authorization matrix. Operators may do everything; an organisation's administrators
/// manage its members and contacts but not its commercial terms (tier, extras, domains);
/// members and third parties may only see their own standing; outsiders nothing.
pub fn authorize(standing: Standing, action: Action) -> Result<(), DirectoryError> {
    use Action::*;
    let allowed = match standing {
        Standing::Operator => true,
        Standing::Admin => !matches!(action, CreateOrg | UpdateOrg),
        Standing::Member | Standing::ThirdParty => action == ViewOwnStatus,
        Standing::Outsider => false,
    };
    if allowed {
        return Ok(());
    }
    let who = match standing {
        Standing::Operator => "operators",
        Standing::Admin => "administrators",
        Standing::Member => "members",
        Standing::ThirdParty => "third parties",
        Standing::Outsider => "people outside the organisation",
    };
    let why = match (standing, action) {
        (Standing::Admin, _) => format!("only operators may {}", action.describe()),
        _ => format!(
            "{who} may not {}; ask an administrator of the organisation",
            action.describe()
        ),
    };
    Err(DirectoryError::Forbidden(why))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{EmailAddress, OrgId};

    fn member(role: Role) -> Member {
        Member {
            org: OrgId::parse("acme").unwrap(),
            email: EmailAddress::parse("x@acme.example").unwrap(),
            name: Some("X".into()),
            role,
            verified: true,
            designated: false,
            designated_at: None,
        }
    }

    #[test]
    fn authorization_matrix() {
        use Action::*;
        for action in Action::ALL {
            assert!(authorize(Standing::Operator, action).is_ok(), "{action:?}");
            assert!(authorize(Standing::Outsider, action).is_err(), "{action:?}");
            let admin = authorize(Standing::Admin, action).is_ok();
            assert_eq!(
                admin,
                !matches!(action, CreateOrg | UpdateOrg),
                "{action:?}"
            );
            for s in [Standing::Member, Standing::ThirdParty] {
                assert_eq!(authorize(s, action).is_ok(), action == ViewOwnStatus);
            }
        }
        let err = authorize(Standing::Member, Designate).unwrap_err();
        assert_eq!(err.code(), "forbidden");
    }

    #[test]
    fn standing_comes_from_the_callers_own_record() {
        let admin = member(Role::Admin);
        let third = member(Role::ThirdParty);
        assert_eq!(Standing::of(true, None), Standing::Operator);
        assert_eq!(Standing::of(true, Some(&third)), Standing::Operator);
        assert_eq!(Standing::of(false, Some(&admin)), Standing::Admin);
        assert_eq!(Standing::of(false, Some(&third)), Standing::ThirdParty);
        assert_eq!(Standing::of(false, None), Standing::Outsider);
        let user = Actor::User(admin.email.clone());
        let ops = Actor::Operator("jo".into());
        assert_eq!(Standing::of_actor(&ops, None), Standing::Operator);
        assert_eq!(Standing::of_actor(&user, Some(&admin)), Standing::Admin);
        // A demoted administrator is what their record says now.
        assert_eq!(
            Standing::of_actor(&user, Some(&member(Role::Member))),
            Standing::Member
        );
        assert_eq!(Standing::of_actor(&user, None), Standing::Outsider);
    }
}
