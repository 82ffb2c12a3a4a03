//! The agents' API configuration: one typed value for the Lambda `main` and the tests, every
//! default stated once.

use slamail_aws::cases::CaseStore;
use slamail_aws::config::Vars;
use slamail_aws::mailer::Mailer;
use slamail_core::policy::PolicySet;

use crate::Desk;

pub use slamail_aws::config::ConfigError;

/// The agents' group when `AGENTS_GROUP` is not set.
pub const DEFAULT_AGENTS_GROUP: &str = "slamail-agents";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentsConfig {
    /// `CASES_TABLE`.
    pub cases_table: String,
    /// `MESSAGE_ID_DOMAIN`: the reply-from domain, required in the Lambda (agents' replies go
    /// out under the vendor's name, never a placeholder domain).
    pub message_id_domain: String,
    /// `AGENTS_GROUP`: the identity-provider group whose members use the API.
    pub agents_group: String,
    /// `POLICY_FILES`: comma-separated built-in ids or paths; `None` is every built-in policy.
    pub policy_files: Option<String>,
    /// `SES_CONFIGURATION_SET` agents' replies are sent with, if any.
    pub configuration_set: Option<String>,
}

impl AgentsConfig {
    /// The configuration for this table and domain, everything else at its default.
    pub fn new(cases_table: impl Into<String>, message_id_domain: impl Into<String>) -> Self {
        Self {
            cases_table: cases_table.into(),
            message_id_domain: message_id_domain.into(),
            agents_group: DEFAULT_AGENTS_GROUP.to_string(),
            policy_files: None,
            configuration_set: None,
        }
    }

    /// Reads the configuration from variables (`get` is `std::env::var` in the Lambda). Blank
    /// values count as unset.
    pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let vars = Vars::new(get);
        let mut config = Self::new(
            vars.required("CASES_TABLE")?,
            vars.required("MESSAGE_ID_DOMAIN")?,
        );
        if let Some(group) = vars.get("AGENTS_GROUP") {
            config.agents_group = group;
        }
        config.policy_files = vars.get("POLICY_FILES");
        config.configuration_set = vars.get("SES_CONFIGURATION_SET");
        Ok(config)
    }
}

impl Desk {
    /// The desk over the AWS adapters `config` names.
    pub fn from_aws(
        sdk: &aws_config::SdkConfig,
        config: &AgentsConfig,
        policies: PolicySet,
    ) -> Self {
        Self {
            cases: CaseStore::new(aws_sdk_dynamodb::Client::new(sdk), &config.cases_table),
            mailer: Mailer::from_sdk(sdk, config.configuration_set.clone()),
            policies,
            message_id_domain: config.message_id_domain.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{AgentsConfig, ConfigError, DEFAULT_AGENTS_GROUP};
    use slamail_aws::config::read_pairs;

    #[test]
    fn defaults_and_errors() {
        let read = |pairs| read_pairs(AgentsConfig::from_env, pairs);
        let blank = read(&[
            ("CASES_TABLE", "cases"),
            ("MESSAGE_ID_DOMAIN", "support.example.com"),
            ("AGENTS_GROUP", " "),
            ("SES_CONFIGURATION_SET", ""),
        ]);
        let defaults = AgentsConfig::new("cases", "support.example.com");
        assert_eq!(defaults.agents_group, DEFAULT_AGENTS_GROUP);
        assert_eq!(blank, Ok(defaults));
        let no_domain = read(&[("CASES_TABLE", "cases")]);
        assert_eq!(no_domain, Err(ConfigError::Missing("MESSAGE_ID_DOMAIN")));
        let no_table = read(&[("MESSAGE_ID_DOMAIN", "support.example.com")]);
        assert_eq!(no_table, Err(ConfigError::Missing("CASES_TABLE")));
        let set = read(&[
            ("CASES_TABLE", "cases"),
            ("MESSAGE_ID_DOMAIN", "support.example.com"),
            ("AGENTS_GROUP", "desk"),
            ("POLICY_FILES", "activestate"),
            ("SES_CONFIGURATION_SET", "replies"),
        ])
        .expect("valid");
        assert_eq!(set.agents_group, "desk");
        assert_eq!(set.configuration_set.as_deref(), Some("replies"));
        assert_eq!(set.policy_files.as_deref(), Some("activestate"));
    }
}
