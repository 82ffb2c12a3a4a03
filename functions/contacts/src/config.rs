//! The contacts API's configuration: one typed value for the Lambda `main`, the CLI's local
//! console and the tests, every default stated here once.

use slamail_aws::config::Vars;
use slamail_core::policy::{PolicyError, PolicySet};

pub use slamail_aws::config::ConfigError;

use crate::Settings;

/// The identity-provider group whose members are vendor operators, when none is configured.
pub const DEFAULT_OPERATORS_GROUP: &str = "slamail-operators";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactsConfig {
    /// `DIRECTORY_TABLE`.
    pub directory_table: String,
    /// `CASES_TABLE`: where attainment reports are read from; `None` answers the report route
    /// with 503.
    pub cases_table: Option<String>,
    /// `POLICY_FILES`: comma-separated built-in ids or paths; `None` is every built-in policy.
    pub policy_files: Option<String>,
    /// `OPERATORS_GROUP` and the other request-handling settings.
    pub settings: Settings,
}

impl ContactsConfig {
    /// The configuration for this table, everything else at its default.
    pub fn new(directory_table: impl Into<String>) -> Self {
        Self {
            directory_table: directory_table.into(),
            cases_table: None,
            policy_files: None,
            settings: Settings::default(),
        }
    }

    /// Reads the configuration from variables (`get` is `std::env::var` in the Lambda). Blank
    /// values count as unset.
    pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let vars = Vars::new(get);
        let mut config = Self::new(vars.required("DIRECTORY_TABLE")?);
        config.policy_files = vars.get("POLICY_FILES");
        config.cases_table = vars.get("CASES_TABLE");
        if let Some(group) = vars.get("OPERATORS_GROUP") {
            config.settings.operators_group = group.trim().to_string();
        }
        Ok(config)
    }

    /// The policies in force, loaded the way every function loads them.
    pub fn policies(&self) -> Result<PolicySet, PolicyError> {
        PolicySet::from_list(self.policy_files.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use slamail_aws::config::vars_of as vars;

    #[test]
    fn defaults_and_errors() {
        let c = ContactsConfig::from_env(vars(&[
            ("DIRECTORY_TABLE", "dir"),
            ("OPERATORS_GROUP", " "),
        ]))
        .expect("valid");
        assert_eq!(c, ContactsConfig::new("dir"));
        assert_eq!(c.settings.operators_group, DEFAULT_OPERATORS_GROUP);
        assert_eq!(
            ContactsConfig::from_env(vars(&[])),
            Err(ConfigError::Missing("DIRECTORY_TABLE"))
        );
        let c = ContactsConfig::from_env(vars(&[
            ("DIRECTORY_TABLE", "dir"),
            ("OPERATORS_GROUP", "ops"),
            ("POLICY_FILES", "activestate"),
        ]))
        .expect("valid");
        assert_eq!(c.settings.operators_group, "ops");
        assert_eq!(c.policies().expect("loads").policies().len(), 1);
    }
}
