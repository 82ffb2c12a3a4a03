//! `slamail org …`: create, show, change and list organisations.

use std::fmt::Write as _;

use clap::{Args, Subcommand};
use serde_json::json;
use slamail_aws::directory::Directory;
use slamail_core::directory::{Actor, DirectoryError, NewOrg, OrgChanges};
use slamail_core::ids::{OrgId, PolicyId};
use slamail_core::policy::PolicySet;
use slamail_core::support_term::SupportTerm;

use super::*;

/// `slamail org …`
#[derive(Debug, Args)]
pub struct OrgArgs {
    #[command(flatten)]
    pub target: Target,
    #[command(subcommand)]
    pub command: OrgCommand,
}

#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Create an organisation.
    Create {
        /// Organisation id: lower-case letters, digits, '-' or '_'.
        org: OrgId,
        #[arg(long)]
        name: String,
        /// A policy id (activestate, alectrona, scalr).
        #[arg(long)]
        policy: PolicyId,
        /// Tier id, label or alias under the policy.
        #[arg(long)]
        tier: String,
        /// Purchased designated contacts on top of the tier's allowance.
        #[arg(long, default_value_t = 0)]
        extra_contacts: u32,
        /// The organisation's mail domain (repeatable).
        #[arg(long = "domain")]
        domains: Vec<String>,
        /// One of the domains that you have verified the organisation controls (repeatable).
        /// Under an organisation-members policy (Alectrona) anyone writing from it is entitled.
        #[arg(long = "verified-domain")]
        verified_domains: Vec<String>,
    },
    /// Change an organisation's name, policy, tier, extra contacts or domains. A change that
    /// leaves fewer slots than current designations is refused.
    Update {
        org: OrgId,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        policy: Option<PolicyId>,
        #[arg(long)]
        tier: Option<String>,
        #[arg(long)]
        extra_contacts: Option<u32>,
        /// Replaces the domains (repeatable).
        #[arg(long = "domain")]
        domains: Vec<String>,
        /// Removes every domain.
        #[arg(long, conflicts_with = "domains")]
        clear_domains: bool,
        /// Replaces the verified domains (repeatable): each must be one of the domains, checked
        /// by you (an operator). A domain that is dropped loses its verification.
        #[arg(long = "verified-domain")]
        verified_domains: Vec<String>,
        /// Unverifies every domain (the domains stay).
        #[arg(long, conflicts_with = "verified_domains")]
        clear_verified_domains: bool,
        /// First day of the support term (YYYY-MM-DD); give with --term-end.
        #[arg(long, requires = "term_end")]
        term_start: Option<String>,
        /// Last day of the support term (YYYY-MM-DD), inclusive; after it the organisation's
        /// people get the policy's default tier (support-term-ended).
        #[arg(long, requires = "term_start")]
        term_end: Option<String>,
        /// Removes the support term (support is then not limited by dates).
        #[arg(long, conflicts_with_all = ["term_start", "term_end"])]
        clear_term: bool,
        /// Replaces the products (repeatable), e.g. "ActivePython 2.7" for the security scope.
        #[arg(long = "product")]
        products: Vec<String>,
        /// Removes every product.
        #[arg(long, conflicts_with = "products")]
        clear_products: bool,
    },
    /// An organisation with its members and contact slots.
    Show {
        org: OrgId,
        #[arg(long)]
        json: bool,
    },
    /// Every organisation.
    List {
        #[arg(long)]
        json: bool,
    },
    /// The organisation's audit trail, oldest first.
    Audit {
        org: OrgId,
        #[arg(long)]
        json: bool,
    },
}

pub async fn run_org(args: OrgArgs) -> Result<String, DirectoryCliError> {
    let dir = args.target.open().await?;
    let actor = args.target.actor();
    let ps = args.target.policies()?;
    org_command(&dir, &ps, &actor, args.command).await
}

/// [`run_org`] against an open directory (tests, or callers that already hold a client).
pub async fn org_command(
    dir: &Directory,
    ps: &PolicySet,
    actor: &Actor,
    command: OrgCommand,
) -> Result<String, DirectoryCliError> {
    match command {
        OrgCommand::Create {
            org,
            name,
            policy,
            tier,
            extra_contacts,
            domains,
            verified_domains,
        } => {
            let o = dir
                .create_org(
                    actor,
                    ps,
                    NewOrg {
                        id: org,
                        name,
                        policy,
                        tier,
                        extra_contacts,
                        domains,
                        verified_domains,
                    },
                )
                .await?;
            Ok(format!(
                "created {} ({}, {} {}, contacts {})",
                o.id,
                o.name,
                o.policy,
                o.tier,
                limit_text(&o, ps)
            ))
        }
        OrgCommand::Update {
            org,
            name,
            policy,
            tier,
            extra_contacts,
            domains,
            clear_domains,
            verified_domains,
            clear_verified_domains,
            term_start,
            term_end,
            clear_term,
            products,
            clear_products,
        } => {
            let support_term = match (term_start, term_end, clear_term) {
                (_, _, true) => Some(None),
                (Some(start), Some(end), false) => Some(Some(
                    SupportTerm::parse(&start, &end)
                        .map_err(|e| DirectoryCliError::Input(e.to_string()))?,
                )),
                _ => None,
            };
            let changes = OrgChanges {
                support_term,
                products: list_change(products, clear_products),
                name,
                policy,
                tier,
                extra_contacts,
                domains: list_change(domains, clear_domains),
                verified_domains: list_change(verified_domains, clear_verified_domains),
            };
            if changes.is_empty() {
                return Err(DirectoryCliError::Input("nothing to change".into()));
            }
            let o = dir.update_org(actor, ps, &org, &changes).await?;
            Ok(format!(
                "updated {} ({}, {} {}, contacts {})",
                o.id,
                o.name,
                o.policy,
                o.tier,
                limit_text(&o, ps)
            ))
        }
        OrgCommand::Show { org, json } => {
            let o = dir
                .org(&org)
                .await?
                .ok_or_else(|| DirectoryError::UnknownOrg(org.clone()))?;
            let members = dir.members(&org).await?;
            if json {
                let mut v = org_json(&o, ps);
                v["members"] = json!(members);
                return Ok(to_json(&v));
            }
            let mut out = format!(
                "{} — {}\n  policy {}, tier {}, extra contacts {}, designated {}\n  domains: {}\n  verified domains: {}\n  support term: {}\n  products: {}\n",
                o.id,
                o.name,
                o.policy,
                o.tier,
                o.extra_contacts,
                limit_text(&o, ps),
                if o.domains.is_empty() {
                    "-".to_string()
                } else {
                    o.domains.join(", ")
                },
                if o.verified_domains.is_empty() {
                    "-".to_string()
                } else {
                    o.verified_domains.join(", ")
                },
                o.support_term
                    .map_or_else(|| "- (not limited)".to_string(), |t| t.to_string()),
                if o.products.is_empty() {
                    "-".to_string()
                } else {
                    o.products.join(", ")
                }
            );
            let _ = writeln!(out, "members ({}):", members.len());
            for m in &members {
                let _ = writeln!(out, "{}", member_line(m));
            }
            Ok(out.trim_end().to_string())
        }
        OrgCommand::List { json } => {
            let orgs = dir.list_orgs().await?;
            if json {
                let v: Vec<_> = orgs.iter().map(|o| org_json(o, ps)).collect();
                return Ok(to_json(&json!(v)));
            }
            Ok(listing(&orgs, "no organisations", |o| {
                format!(
                    "{:<20} {:<12} {:<12} contacts {:<8} {}",
                    o.id.as_str(),
                    o.policy.as_str(),
                    o.tier.as_str(),
                    limit_text(o, ps),
                    o.name
                )
            }))
        }
        OrgCommand::Audit { org, json } => {
            let entries = dir.audit(&org).await?;
            if json {
                return Ok(to_json(&json!(entries)));
            }
            Ok(listing(&entries, "no audit entries", |e| {
                format!(
                    "{} {:<18} {:<28} {}",
                    e.at.to_rfc3339(),
                    e.action.as_str(),
                    e.actor,
                    e.target.as_ref().map(|t| t.as_str()).unwrap_or("-")
                )
            }))
        }
    }
}

/// One line per item, or `empty` when there is none.
fn listing<T>(items: &[T], empty: &str, line: impl Fn(&T) -> String) -> String {
    if items.is_empty() {
        return empty.to_string();
    }
    items.iter().map(line).collect::<Vec<_>>().join("\n")
}

/// A list flag's change: `--clear-…` empties the list, values replace it, neither keeps it.
fn list_change<T>(values: Vec<T>, clear: bool) -> Option<Vec<T>> {
    if clear {
        Some(Vec::new())
    } else if values.is_empty() {
        None
    } else {
        Some(values)
    }
}
