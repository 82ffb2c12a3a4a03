//! Organisations, their members and their designated contacts: who may do what, and the limits.
//!
//! Tier assignment trusts this directory, so its rules live here, free of I/O, where they can be
//! tested exhaustively. The DynamoDB adapter (`slamail-aws`) applies the commands' plans and
//! re-checks the same facts inside its conditional writes; these functions give the clear answer
//! first and classify a failed write afterwards.
//!
//! - [`model`] — organisations, members, roles.
//! - [`authz`] — the caller's standing and the authorization matrix.
//! - [`rules`] — limits, eligibility, who may hold which role, the last administrator.
//! - [`commands`] — the changes one can ask for, and the plans that validate and merge them.
//! - [`validation`] — names and domains.
//! - [`audit`] — who did what, when, before and after.
//! - [`error`] — the refusals, each with a stable code.
//!
//! One address may belong to several organisations; which of them sets a sender's tier (the
//! highest tier among those where they are designated) is decided by
//! [`crate::triage::tier::assign_tier`].

pub mod audit;
pub mod authz;
pub mod commands;
pub mod error;
pub mod model;
pub mod rules;
pub mod validation;

pub use audit::{Actor, AuditAction, AuditEntry};
pub use authz::{Action, Standing, authorize};
pub use commands::{
    MemberChanges, NewMember, NewOrg, OrgChanges, OrgUpdate, plan_member_update, plan_new_member,
    plan_new_org, plan_org_update, resolve_tier,
};
pub use error::DirectoryError;
pub use model::{Member, Organisation, Role};
pub use rules::{
    check_designatable, check_free_slot, check_limit_change, check_member_change,
    check_member_role, check_new_member, contact_limit, domain_lookup_keys, domain_membership,
    in_domains, loses_an_admin, org_limit, other_admin, tier_of,
};
pub use validation::{
    MAX_VERIFIED_DOMAIN_LABELS, MAX_VERIFIED_DOMAINS, validate_domains, validate_name,
    validate_person_name, validate_verified_domains,
};
