//! `slamail org …`, `slamail member …`, `slamail contact …`, `slamail directory import`: the
//! operator's view of the directory of organisations and designated contacts, against the
//! configured DynamoDB (`AWS_ENDPOINT_URL` and the usual AWS variables are honoured; the table is
//! `--table` or `DIRECTORY_TABLE`). Every change goes through the same adapter, rules and audit
//! trail as the admin API, with the actor `operator:<--actor or $USER>`.

use std::future::Future;

use clap::Args;
use serde_json::json;
use slamail_aws::directory::{Directory, DirectoryStoreError};
use slamail_core::directory::{Actor, DirectoryError, Member, Organisation, Role, org_limit};
use slamail_core::policy::PolicySet;

mod import;
mod org;
mod people;
#[cfg(test)]
mod tests;

pub use import::{
    DirectoryArgs, DirectoryCommand, ImportFile, ImportMember, ImportOrg, ImportReport, import,
    read_import, run_directory,
};
pub use org::{OrgArgs, OrgCommand, org_command, run_org};
pub use people::{
    ContactArgs, ContactCommand, MemberArgs, MemberCommand, contact_command, member_command,
    run_contact, run_member,
};

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
