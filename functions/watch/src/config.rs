//! The SLA watch's configuration: one typed value for the Lambda `main` and the tests, every
//! default stated once.

use slamail_aws::config::Vars;

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
}

#[cfg(test)]
mod tests {
    use super::{ConfigError, WatchConfig};
    use slamail_aws::config::read_pairs;

    #[test]
    fn defaults_and_errors() {
        let read = |pairs| read_pairs(WatchConfig::from_env, pairs);
        let blank = read(&[
            ("CASES_TABLE", "cases"),
            ("POLICY_FILES", ""),
            ("SES_CONFIGURATION_SET", " "),
        ]);
        assert_eq!(blank, Ok(WatchConfig::new("cases")));
        let no_table = read(&[("POLICY_FILES", "activestate")]);
        assert_eq!(no_table, Err(ConfigError::Missing("CASES_TABLE")));
        let set = read(&[
            ("CASES_TABLE", "cases"),
            ("POLICY_FILES", "activestate"),
            ("SES_CONFIGURATION_SET", "warnings"),
        ])
        .expect("valid");
        assert_eq!(set.configuration_set.as_deref(), Some("warnings"));
        assert_eq!(set.policy_files.as_deref(), Some("activestate"));
    }
}
