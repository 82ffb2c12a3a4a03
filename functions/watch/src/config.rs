//! The SLA watch's configuration: one typed value for the Lambda `main` and the tests, every
//! default stated once.

use slamail_aws::config::Vars;
use slamail_core::policy::{PolicyError, PolicySet};

pub use slamail_aws::config::ConfigError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchConfig {
    /// `CASES_TABLE`.
    pub cases_table: String,
    /// `POLICY_FILES`: comma-separated built-in ids or paths; `None` is every built-in policy.
    pub policy_files: Option<String>,
    /// `SES_CONFIGURATION_SET` the warnings are sent with, if any.
    pub configuration_set: Option<String>,
}

impl WatchConfig {
    /// The configuration for this table, everything else at its default.
    pub fn new(cases_table: impl Into<String>) -> Self {
        Self {
            cases_table: cases_table.into(),
            policy_files: None,
            configuration_set: None,
        }
    }

    /// Reads the configuration from variables (`get` is `std::env::var` in the Lambda). Blank
    /// values count as unset.
    pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let vars = Vars::new(get);
        let mut config = Self::new(vars.required("CASES_TABLE")?);
        config.policy_files = vars.get("POLICY_FILES");
        config.configuration_set = vars.get("SES_CONFIGURATION_SET");
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
        let c = WatchConfig::from_env(vars(&[
            ("CASES_TABLE", "cases"),
            ("POLICY_FILES", ""),
            ("SES_CONFIGURATION_SET", " "),
        ]))
        .expect("valid");
        assert_eq!(c, WatchConfig::new("cases"));
        assert_eq!(
            WatchConfig::from_env(vars(&[("POLICY_FILES", "activestate")])),
            Err(ConfigError::Missing("CASES_TABLE"))
        );
        let c = WatchConfig::from_env(vars(&[
            ("CASES_TABLE", "cases"),
            ("POLICY_FILES", "activestate"),
            ("SES_CONFIGURATION_SET", "warnings"),
        ]))
        .expect("valid");
        assert_eq!(c.configuration_set.as_deref(), Some("warnings"));
        assert_eq!(c.policies().expect("loads").policies().len(), 1);
    }
}
