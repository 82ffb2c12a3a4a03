//! `slamail org …`, `slamail member …`, `slamail contact …`, `slamail directory import`: the
//! operator's view of the directory of organisations and designated contacts, against the
//! configured DynamoDB (`AWS_ENDPOINT_URL` and the usual AWS variables are honoured; the table is
//! `--table` or `DIRECTORY_TABLE`). Every change goes through the same adapter, rules and audit
//! trail as the admin API, with the actor `operator:<--actor or $USER>`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::future::Future;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use serde::Deserialize;
use serde_json::json;
use slamail_aws::directory::{Directory, DirectoryStoreError};
use slamail_core::directory::{
    Actor, DirectoryError, Member, MemberChanges, NewMember, NewOrg, OrgChanges, Organisation,
    Role, org_limit, resolve_tier, validate_domains, validate_person_name,
    validate_verified_domains,
};
use slamail_core::ids::{EmailAddress, OrgId, PolicyId};
use slamail_core::policy::PolicySet;
use slamail_core::support_term::SupportTerm;

/// Why a directory command failed; mirrors the CLI's input/runtime split (exit codes 2 and 1).
#[derive(Debug, thiserror::Error)]
pub enum DirectoryCliError {
    /// Bad input: a flag, a file, or a change the directory's rules refuse.
    #[error("{0}")]
    Input(String),
    /// Something outside failed (AWS, the file system).
    #[error("{0}")]
    Runtime(String),
}

impl From<DirectoryError> for DirectoryCliError {
    fn from(e: DirectoryError) -> Self {
        Self::Input(e.to_string())
    }
}

impl From<DirectoryStoreError> for DirectoryCliError {
    fn from(e: DirectoryStoreError) -> Self {
        match e {
            // A lost race is the operator's to retry, as before.
            DirectoryStoreError::Refused(_) | DirectoryStoreError::Conflict(_) => {
                Self::Input(e.to_string())
            }
            DirectoryStoreError::Storage(_) | DirectoryStoreError::Corrupt { .. } => {
                Self::Runtime(e.to_string())
            }
        }
    }
}

/// Where the directory is and who is acting; accepted before or after the subcommand.
#[derive(Debug, Clone, Args)]
pub struct Target {
    /// The directory table's name.
    #[arg(long, env = "DIRECTORY_TABLE", global = true)]
    pub table: Option<String>,
    /// Who to record in the audit trail (default: $USER or $LOGNAME); recorded as
    /// `operator:<actor>`.
    #[arg(long, global = true)]
    pub actor: Option<String>,
    /// The policies in force (built-in ids or paths, comma-separated), as the Lambdas read
    /// them; default: every built-in policy.
    #[arg(long, env = "POLICY_FILES", global = true)]
    pub policies: Option<String>,
}

impl Target {
    fn actor(&self) -> Actor {
        let name = self
            .actor
            .clone()
            .or_else(|| std::env::var("USER").ok())
            .or_else(|| std::env::var("LOGNAME").ok())
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| "unknown".to_string());
        Actor::Operator(name)
    }

    /// The same policy list the Lambdas load, so limits and tiers agree with the deployment.
    fn policies(&self) -> Result<PolicySet, DirectoryCliError> {
        PolicySet::from_list(self.policies.as_deref())
            .map_err(|e| DirectoryCliError::Input(e.to_string()))
    }

    async fn open(&self) -> Result<Directory, DirectoryCliError> {
        let table = self
            .table
            .clone()
            .filter(|t| !t.trim().is_empty())
            .ok_or_else(|| {
                DirectoryCliError::Input(
                    "no directory table: pass --table or set DIRECTORY_TABLE".into(),
                )
            })?;
        let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
        Ok(Directory::new(aws_sdk_dynamodb::Client::new(&sdk), table))
    }
}

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

/// `slamail directory …`
#[derive(Debug, Args)]
pub struct DirectoryArgs {
    #[command(flatten)]
    pub target: Target,
    #[command(subcommand)]
    pub command: DirectoryCommand,
}

#[derive(Debug, Subcommand)]
pub enum DirectoryCommand {
    /// Create or update organisations, members and designations from a TOML or JSON file
    /// (by extension). Idempotent: re-importing the same file changes nothing.
    Import { file: PathBuf },
}

fn parse_role(raw: &str) -> Result<Role, String> {
    Role::parse(raw).ok_or_else(|| format!("{raw:?} is not a role: admin, member or third-party"))
}

/// Runs a command future on a runtime of its own, for a synchronous `main`.
pub fn blocking<T>(
    fut: impl Future<Output = Result<T, DirectoryCliError>>,
) -> Result<T, DirectoryCliError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| DirectoryCliError::Runtime(format!("cannot start the async runtime: {e}")))?
        .block_on(fut)
}

fn to_json(v: &serde_json::Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string())
}

fn org_json(o: &Organisation, policies: &PolicySet) -> serde_json::Value {
    json!({
        "id": o.id, "name": o.name, "policy": o.policy, "tier": o.tier,
        "extra_contacts": o.extra_contacts, "domains": o.domains,
        "verified_domains": o.verified_domains,
        "support_term": o.support_term, "products": o.products,
        "contacts": { "used": o.designated_count, "limit": org_limit(policies, o).ok() },
    })
}

fn limit_text(o: &Organisation, policies: &PolicySet) -> String {
    match org_limit(policies, o) {
        Ok(limit) => format!("{} of {limit}", o.designated_count),
        Err(e) => format!("{} of ? ({e})", o.designated_count),
    }
}

fn member_line(m: &Member) -> String {
    format!(
        "  {:<36} {:<12} {:<24} {}{}",
        m.email.as_str(),
        m.role.as_str(),
        m.name.as_deref().unwrap_or("-"),
        if m.verified { "verified" } else { "unverified" },
        if m.designated { ", designated" } else { "" },
    )
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
                products: if clear_products {
                    Some(Vec::new())
                } else if products.is_empty() {
                    None
                } else {
                    Some(products)
                },
                name,
                policy,
                tier,
                extra_contacts,
                domains: if clear_domains {
                    Some(Vec::new())
                } else if domains.is_empty() {
                    None
                } else {
                    Some(domains)
                },
                verified_domains: if clear_verified_domains {
                    Some(Vec::new())
                } else if verified_domains.is_empty() {
                    None
                } else {
                    Some(verified_domains)
                },
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
            let mut out = String::new();
            for o in &orgs {
                let _ = writeln!(
                    out,
                    "{:<20} {:<12} {:<12} contacts {:<8} {}",
                    o.id.as_str(),
                    o.policy.as_str(),
                    o.tier.as_str(),
                    limit_text(o, ps),
                    o.name
                );
            }
            if orgs.is_empty() {
                out.push_str("no organisations");
            }
            Ok(out.trim_end().to_string())
        }
        OrgCommand::Audit { org, json } => {
            let entries = dir.audit(&org).await?;
            if json {
                return Ok(to_json(&json!(entries)));
            }
            let mut out = String::new();
            for e in &entries {
                let _ = writeln!(
                    out,
                    "{} {:<18} {:<28} {}",
                    e.at.to_rfc3339(),
                    e.action.as_str(),
                    e.actor,
                    e.target.as_ref().map(|t| t.as_str()).unwrap_or("-")
                );
            }
            if entries.is_empty() {
                out.push_str("no audit entries");
            }
            Ok(out.trim_end().to_string())
        }
    }
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

pub async fn run_directory(args: DirectoryArgs) -> Result<String, DirectoryCliError> {
    let dir = args.target.open().await?;
    let ps = args.target.policies()?;
    match args.command {
        DirectoryCommand::Import { file } => {
            let plan = read_import(&file)?;
            let report = import(&dir, &ps, &args.target.actor(), &plan).await;
            report.into_result()
        }
    }
}

/// A directory file: organisations with their members (TOML `[[orgs]]` / `[[orgs.members]]`,
/// or the same shape in JSON).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportFile {
    #[serde(default)]
    pub orgs: Vec<ImportOrg>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportOrg {
    pub id: OrgId,
    pub name: String,
    pub policy: PolicyId,
    pub tier: String,
    #[serde(default)]
    pub extra_contacts: u32,
    #[serde(default)]
    pub domains: Vec<String>,
    /// Which of `domains` the operator has verified the organisation controls (default none).
    #[serde(default)]
    pub verified_domains: Vec<String>,
    /// The support term; absent leaves the organisation's as it is.
    #[serde(default)]
    pub support_term: Option<SupportTerm>,
    /// The products; absent leaves the organisation's as they are.
    pub products: Option<Vec<String>>,
    #[serde(default)]
    pub members: Vec<ImportMember>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportMember {
    pub email: EmailAddress,
    pub name: Option<String>,
    #[serde(default = "default_role")]
    pub role: Role,
    #[serde(default)]
    pub verified: bool,
    /// `true` designates, `false` removes a designation, absent leaves it as it is.
    pub designated: Option<bool>,
}

fn default_role() -> Role {
    Role::Member
}

/// Parses a directory file, TOML or JSON by its extension.
pub fn read_import(path: &Path) -> Result<ImportFile, DirectoryCliError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| DirectoryCliError::Input(format!("cannot read {}: {e}", path.display())))?;
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let parsed = match ext.as_deref() {
        Some("toml") => toml::from_str(&text).map_err(|e| e.to_string()),
        Some("json") => serde_json::from_str(&text).map_err(|e| e.to_string()),
        _ => {
            return Err(DirectoryCliError::Input(format!(
                "{}: use a .toml or .json file",
                path.display()
            )));
        }
    };
    let file: ImportFile =
        parsed.map_err(|e| DirectoryCliError::Input(format!("{}: {e}", path.display())))?;
    let mut seen = BTreeMap::new();
    for o in &file.orgs {
        if seen.insert(o.id.clone(), ()).is_some() {
            return Err(DirectoryCliError::Input(format!(
                "{}: organisation {} appears twice",
                path.display(),
                o.id
            )));
        }
    }
    Ok(file)
}

/// What an import did, line by line, and what it could not do.
#[derive(Debug, Default)]
pub struct ImportReport {
    pub done: Vec<String>,
    pub unchanged: usize,
    pub errors: Vec<String>,
}

impl ImportReport {
    fn did(&mut self, line: String) {
        self.done.push(line);
    }

    pub fn text(&self) -> String {
        let mut out = String::new();
        for l in &self.done {
            let _ = writeln!(out, "{l}");
        }
        for e in &self.errors {
            let _ = writeln!(out, "error: {e}");
        }
        let _ = write!(
            out,
            "import: {} change(s), {} unchanged, {} error(s)",
            self.done.len(),
            self.unchanged,
            self.errors.len()
        );
        out
    }

    pub fn into_result(self) -> Result<String, DirectoryCliError> {
        if self.errors.is_empty() {
            Ok(self.text())
        } else {
            Err(DirectoryCliError::Input(self.text()))
        }
    }
}

/// Applies a directory file. Order per organisation: create it if missing, drop designations
/// the file marks `designated = false` (so a downgrade in the same file can fit), update its
/// terms, add or update members, then designate. An organisation that fails is reported and
/// the next one is still imported.
pub async fn import(
    dir: &Directory,
    ps: &PolicySet,
    actor: &Actor,
    file: &ImportFile,
) -> ImportReport {
    let mut report = ImportReport::default();
    for o in &file.orgs {
        if let Err(e) = import_org(dir, ps, actor, o, &mut report).await {
            report.errors.push(format!("{}: {e}", o.id));
        }
    }
    report
}

async fn import_org(
    dir: &Directory,
    ps: &PolicySet,
    actor: &Actor,
    o: &ImportOrg,
    report: &mut ImportReport,
) -> Result<(), DirectoryStoreError> {
    let id = &o.id;
    let (existing, created) = match dir.org(id).await? {
        Some(existing) => (existing, false),
        None => {
            let created = dir
                .create_org(
                    actor,
                    ps,
                    NewOrg {
                        id: id.clone(),
                        name: o.name.clone(),
                        policy: o.policy.clone(),
                        tier: o.tier.clone(),
                        extra_contacts: o.extra_contacts,
                        domains: o.domains.clone(),
                        verified_domains: o.verified_domains.clone(),
                    },
                )
                .await?;
            report.did(format!(
                "{id}: organisation created ({} {})",
                created.policy, created.tier
            ));
            (created, true)
        }
    };

    let current: BTreeMap<EmailAddress, Member> = dir
        .members(id)
        .await?
        .into_iter()
        .map(|m| (m.email.clone(), m))
        .collect();
    for m in &o.members {
        if m.designated == Some(false) && current.get(&m.email).is_some_and(|c| c.designated) {
            dir.remove_contact(actor, id, &m.email).await?;
            report.did(format!("{id}: {} is no longer designated", m.email));
        }
    }

    let wanted_tier = resolve_tier(ps, &o.policy, &o.tier)?;
    let wanted_domains = validate_domains(&o.domains)?;
    let wanted_verified = validate_verified_domains(&wanted_domains, &o.verified_domains)?;
    let changes = OrgChanges {
        name: (existing.name != o.name.trim()).then(|| o.name.clone()),
        policy: (existing.policy != o.policy).then(|| o.policy.clone()),
        tier: (existing.tier != wanted_tier).then(|| wanted_tier.to_string()),
        extra_contacts: (existing.extra_contacts != o.extra_contacts).then_some(o.extra_contacts),
        domains: (existing.domains != wanted_domains).then_some(wanted_domains),
        verified_domains: (existing.verified_domains != wanted_verified).then_some(wanted_verified),
        support_term: o
            .support_term
            .filter(|t| existing.support_term != Some(*t))
            .map(Some),
        products: o.products.clone().filter(|p| &existing.products != p),
    };
    if changes.is_empty() {
        // Unchanged, but an earlier run may have been interrupted while copying the
        // organisation onto its members: an update without changes repairs those copies.
        dir.update_org(actor, ps, id, &changes).await?;
        if !created {
            report.unchanged += 1;
        }
    } else {
        let updated = dir.update_org(actor, ps, id, &changes).await?;
        report.did(format!(
            "{id}: organisation updated ({} {}, {} extra, domains {})",
            updated.policy,
            updated.tier,
            updated.extra_contacts,
            updated.domains.join(", ")
        ));
    }

    for m in &o.members {
        let name = validate_person_name(m.name.as_deref())?;
        match current.get(&m.email) {
            None => {
                dir.add_member(
                    actor,
                    NewMember {
                        org: id.clone(),
                        email: m.email.clone(),
                        name,
                        role: m.role,
                        verified: m.verified,
                    },
                )
                .await?;
                report.did(format!("{id}: member {} added as {}", m.email, m.role));
            }
            Some(c) if c.name == name && c.role == m.role && c.verified == m.verified => {
                report.unchanged += 1;
            }
            Some(_) => {
                dir.update_member(
                    actor,
                    id,
                    &m.email,
                    &MemberChanges {
                        name: Some(name.unwrap_or_default()),
                        role: Some(m.role),
                        verified: Some(m.verified),
                    },
                )
                .await?;
                report.did(format!("{id}: member {} updated", m.email));
            }
        }
    }

    for m in &o.members {
        if m.designated != Some(true) {
            continue;
        }
        if current.get(&m.email).is_some_and(|c| c.designated) {
            report.unchanged += 1;
            continue;
        }
        dir.designate(actor, ps, id, &m.email).await?;
        report.did(format!("{id}: {} designated", m.email));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{CommandFactory, Parser};

    /// How `main.rs` wires these in.
    #[derive(Debug, Parser)]
    struct Cli {
        #[command(subcommand)]
        command: Top,
    }

    #[derive(Debug, Subcommand)]
    enum Top {
        Org(OrgArgs),
        Member(MemberArgs),
        Contact(ContactArgs),
        Directory(DirectoryArgs),
    }

    #[test]
    fn the_commands_parse() {
        Cli::command().debug_assert();
        let cli = Cli::try_parse_from([
            "slamail",
            "org",
            "create",
            "acme",
            "--name",
            "Acme",
            "--policy",
            "activestate",
            "--tier",
            "Enterprise",
            "--extra-contacts",
            "1",
            "--domain",
            "acme.example",
            "--table",
            "dir",
            "--actor",
            "jo",
        ])
        .unwrap();
        let Top::Org(args) = cli.command else {
            panic!("not org")
        };
        assert_eq!(args.target.table.as_deref(), Some("dir"));
        assert_eq!(args.target.actor().to_string(), "operator:jo");
        assert!(matches!(
            args.command,
            OrgCommand::Create {
                extra_contacts: 1,
                ..
            }
        ));

        let cli = Cli::try_parse_from([
            "slamail",
            "member",
            "add",
            "acme",
            "Bob@Acme.example",
            "--role",
            "third party",
        ])
        .unwrap();
        let Top::Member(MemberArgs {
            command: MemberCommand::Add { email, role, .. },
            ..
        }) = cli.command
        else {
            panic!("not member add")
        };
        assert_eq!(email.as_str(), "bob@acme.example");
        assert_eq!(role, Role::ThirdParty);
        assert!(
            Cli::try_parse_from(["slamail", "contact", "designate", "Acme!", "a@b.c"]).is_err()
        );
        assert!(
            Cli::try_parse_from([
                "slamail", "member", "add", "acme", "x@y.z", "--role", "boss"
            ])
            .is_err()
        );
        assert!(Cli::try_parse_from(["slamail", "directory", "import", "x.toml"]).is_ok());
    }

    #[test]
    fn import_files_by_extension() {
        let dir = std::env::temp_dir().join(format!("slamail-import-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let json = dir.join("d.json");
        std::fs::write(
            &json,
            r#"{"orgs":[{"id":"a","name":"A","policy":"scalr","tier":"business",
                "members":[{"email":"X@a.example","name":"X","designated":true}]}]}"#,
        )
        .unwrap();
        let f = read_import(&json).unwrap();
        assert_eq!(f.orgs[0].members[0].email.as_str(), "x@a.example");
        assert_eq!(f.orgs[0].members[0].role, Role::Member);
        let yaml = dir.join("d.yaml");
        std::fs::write(&yaml, "orgs: []").unwrap();
        assert!(matches!(
            read_import(&yaml),
            Err(DirectoryCliError::Input(_))
        ));
        let dup = dir.join("dup.toml");
        std::fs::write(
            &dup,
            "[[orgs]]\nid='a'\nname='A'\npolicy='scalr'\ntier='free'\n[[orgs]]\nid='a'\nname='B'\npolicy='scalr'\ntier='free'\n",
        )
        .unwrap();
        assert!(read_import(&dup).unwrap_err().to_string().contains("twice"));
        let bad = dir.join("bad.toml");
        std::fs::write(
            &bad,
            "[[orgs]]\nid='a'\nname='A'\npolicy='scalr'\ntier='free'\ncolour='red'\n",
        )
        .unwrap();
        assert!(read_import(&bad).is_err());
        let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("../samplemail/directory.toml");
        assert_eq!(read_import(&sample).unwrap().orgs.len(), 5);
        std::fs::remove_dir_all(&dir).ok();
    }
}
