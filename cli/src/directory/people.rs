//! `slamail member …` and `slamail contact …`: an organisation's people and which of them are
//! designated contacts.

use std::fmt::Write as _;

use clap::{Args, Subcommand};
use serde_json::json;
use slamail_aws::directory::Directory;
use slamail_core::directory::{Actor, DirectoryError, NewMember, Role, org_limit};
use slamail_core::ids::{EmailAddress, OrgId};
use slamail_core::policy::PolicySet;

use super::*;

/// `slamail member …`
#[derive(Debug, Args)]
pub struct MemberArgs {
    #[command(flatten)]
    pub target: Target,
    #[command(subcommand)]
    pub command: MemberCommand,
}

#[derive(Debug, Subcommand)]
pub enum MemberCommand {
    /// Add a person to an organisation.
    Add {
        org: OrgId,
        email: EmailAddress,
        #[arg(long)]
        name: Option<String>,
        /// admin, member or third-party.
        #[arg(long, default_value = "member", value_parser = parse_role)]
        role: Role,
        /// Vouch for the address (otherwise it is verified when its owner signs in).
        #[arg(long)]
        verified: bool,
    },
    /// Remove a person (and their designation, if any).
    Remove { org: OrgId, email: EmailAddress },
    /// The organisation's members.
    List {
        org: OrgId,
        #[arg(long)]
        json: bool,
    },
}

/// `slamail contact …`
#[derive(Debug, Args)]
pub struct ContactArgs {
    #[command(flatten)]
    pub target: Target,
    #[command(subcommand)]
    pub command: ContactCommand,
}

#[derive(Debug, Subcommand)]
pub enum ContactCommand {
    /// Make a verified, named member a designated contact.
    Designate { org: OrgId, email: EmailAddress },
    /// Remove a designation (the person stays a member).
    Remove { org: OrgId, email: EmailAddress },
    /// The organisation's designated contacts and slots.
    List {
        org: OrgId,
        #[arg(long)]
        json: bool,
    },
}

pub async fn run_member(args: MemberArgs) -> Result<String, DirectoryCliError> {
    let dir = args.target.open().await?;
    member_command(&dir, &args.target.actor(), args.command).await
}

pub async fn member_command(
    dir: &Directory,
    actor: &Actor,
    command: MemberCommand,
) -> Result<String, DirectoryCliError> {
    match command {
        MemberCommand::Add {
            org,
            email,
            name,
            role,
            verified,
        } => {
            let m = dir
                .add_member(
                    actor,
                    NewMember {
                        org,
                        email,
                        name,
                        role,
                        verified,
                    },
                )
                .await?;
            Ok(format!("added {} to {} as {}", m.email, m.org, m.role))
        }
        MemberCommand::Remove { org, email } => {
            let m = dir.remove_member(actor, &org, &email).await?;
            Ok(format!(
                "removed {} from {}{}",
                m.email,
                m.org,
                if m.designated {
                    " (their designation is released)"
                } else {
                    ""
                }
            ))
        }
        MemberCommand::List { org, json } => {
            if dir.org(&org).await?.is_none() {
                return Err(DirectoryError::UnknownOrg(org).into());
            }
            let members = dir.members(&org).await?;
            if json {
                return Ok(to_json(&json!(members)));
            }
            let lines: Vec<String> = members.iter().map(member_line).collect();
            Ok(if lines.is_empty() {
                format!("{org} has no members")
            } else {
                lines.join("\n")
            })
        }
    }
}

pub async fn run_contact(args: ContactArgs) -> Result<String, DirectoryCliError> {
    let dir = args.target.open().await?;
    let ps = args.target.policies()?;
    contact_command(&dir, &ps, &args.target.actor(), args.command).await
}

pub async fn contact_command(
    dir: &Directory,
    ps: &PolicySet,
    actor: &Actor,
    command: ContactCommand,
) -> Result<String, DirectoryCliError> {
    match command {
        ContactCommand::Designate { org, email } => {
            let m = dir.designate(actor, ps, &org, &email).await?;
            Ok(format!(
                "{} is now a designated contact of {}",
                m.email, m.org
            ))
        }
        ContactCommand::Remove { org, email } => {
            let m = dir.remove_contact(actor, &org, &email).await?;
            Ok(format!(
                "{} is no longer a designated contact of {}",
                m.email, m.org
            ))
        }
        ContactCommand::List { org, json } => {
            let o = dir
                .org(&org)
                .await?
                .ok_or_else(|| DirectoryError::UnknownOrg(org.clone()))?;
            let contacts = dir.contacts(&org).await?;
            if json {
                let limit = org_limit(ps, &o).ok();
                return Ok(to_json(&json!({
                    "org": org, "used": o.designated_count, "limit": limit, "contacts": contacts,
                })));
            }
            let mut out = format!("{}: designated contacts {}\n", org, limit_text(&o, ps));
            for m in &contacts {
                let _ = writeln!(out, "{}", member_line(m));
            }
            Ok(out.trim_end().to_string())
        }
    }
}
