//! `slamail policy …`, `slamail deadline`, `slamail holidays`, `slamail security`: questions an
//! operator asks the policy engine. Everything here is pure: no AWS.

use clap::Subcommand;
use serde_json::json;
use slamail_core::policy::{self, Policy};

use crate::CliError;

mod deadline;
mod holidays;
mod security;
mod show;
#[cfg(test)]
mod tests;

pub use deadline::{DeadlineArgs, run_deadline};
pub use holidays::{HolidaysArgs, run_holidays};
pub use security::{SecurityArgs, run_security};
use show::{policy_json, policy_text};

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Validate a policy file; exits non-zero with the file, line and reason when it is invalid.
    Check {
        /// Path to a policy TOML file (or a built-in id).
        file: String,
    },
    /// A readable summary: tiers, contact limits, the target table, hours.
    Show {
        /// A built-in policy id (activestate, alectrona, scalr) or a path.
        policy: String,
        #[arg(long)]
        json: bool,
    },
    /// List the built-in policies.
    List {
        #[arg(long)]
        json: bool,
    },
}

fn load(policy: &str) -> Result<Policy, CliError> {
    policy::load_named(policy).map_err(|e| CliError::Input(e.to_string()))
}

fn to_json(value: &serde_json::Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

pub fn run_policy(cmd: PolicyCommand) -> Result<String, CliError> {
    match cmd {
        PolicyCommand::Check { file } => {
            let p = load(&file)?;
            Ok(format!(
                "{}: valid policy {} ({}): {} tiers, {} severities, {} targets, {} calendars",
                p.source,
                p.id,
                p.name,
                p.tiers.len(),
                p.severities.len(),
                p.target_table()
                    .iter()
                    .filter(|(_, _, t)| t.is_some())
                    .count(),
                p.calendars.len()
            ))
        }
        PolicyCommand::List { json } => {
            let ids = policy::builtin_ids();
            if json {
                Ok(to_json(&json!(ids)))
            } else {
                Ok(ids.join("\n"))
            }
        }
        PolicyCommand::Show { policy, json } => {
            let p = load(&policy)?;
            if json {
                Ok(to_json(&policy_json(&p)))
            } else {
                Ok(policy_text(&p))
            }
        }
    }
}
