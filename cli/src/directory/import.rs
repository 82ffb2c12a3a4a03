//! `slamail directory import`: organisations, members and designations from a file, applied
//! idempotently through the same rules as every other change.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use serde::Deserialize;
use slamail_aws::directory::{Directory, DirectoryStoreError};
use slamail_core::directory::{
    Actor, Member, MemberChanges, NewMember, NewOrg, OrgChanges, Role, resolve_tier,
    validate_domains, validate_person_name, validate_verified_domains,
};
use slamail_core::ids::{EmailAddress, OrgId, PolicyId};
use slamail_core::policy::PolicySet;
use slamail_core::support_term::SupportTerm;

use super::*;

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
